-- case_marker_law gives the marker provisions in force on day: the
-- articles, the basis in Chinese and English, the legal basis (the
-- prohibition, quoted from the stored Chinese text, with the shipped
-- unofficial English of the 2026 Regulations, as a finding's basis carries
-- it) and the penalty with its range (2017 Regulations Art. 15 ¶2 with
-- Art. 34 (1) until 2026-03-14; 2026 Regulations Art. 17 ¶2 with Art. 39
-- from 2026-03-15). Created by 00013; this file holds its body.
CREATE OR REPLACE FUNCTION case_marker_law(day date) RETURNS TABLE (articles text[], basis_zh text, basis_en text, legal_basis jsonb, penalty jsonb)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN day >= date '2026-03-15' THEN '{nrr-2026/17/2,nrr-2026/39/1}'::text[] ELSE '{nrr-2017/15/2,nrr-2017/34/1/1}'::text[] END,
           CASE WHEN day >= date '2026-03-15'
                THEN '依据《自然保护区条例》（2026年修订）第十七条第二款，禁止损毁、涂改、遮挡或者擅自拆除、移动自然保护区界线标志；罚则：第三十九条第一款，可以处2万元以下的罚款。'
                ELSE '依据《自然保护区条例》（2017年修订）第十五条第二款，任何单位和个人不得擅自移动自然保护区的界标；罚则：第三十四条第一项，100元以上5000元以下。' END,
           CASE WHEN day >= date '2026-03-15'
                THEN 'Regulations on Nature Reserves (2026), Art. 17 ¶2: no one may damage, deface, cover, remove or move a reserve''s boundary markers; penalty: Art. 39 ¶1, up to 20,000 yuan.'
                ELSE 'Regulations on Nature Reserves (2017), Art. 15 ¶2: no one may move a reserve''s boundary markers without authorisation; penalty: Art. 34 (1), 100 to 5,000 yuan.' END,
           jsonb_build_array(
               jsonb_build_object('instrument', i.code, 'article', a.n, 'paragraph', 2,
                                  'cite_zh', i.short_zh || '第' || CASE WHEN a.n = 17 THEN '十七' ELSE '十五' END || '条第二款',
                                  'cite_en', i.short_en || ', Art. ' || a.n || ' ¶2',
                                  'text_zh', (SELECT p.text FROM law_paragraph p WHERE p.instrument = i.code AND p.article = a.n AND p.number = 2),
                                  'in_force_from', i.in_force_from)
               || CASE WHEN day >= date '2026-03-15'
                       THEN jsonb_build_object('text_en', 'It is prohibited to damage, deface, cover, or without authorisation remove or move the boundary markers of a nature reserve.',
                                               'text_en_note', 'Unofficial translation; the Chinese text is authoritative.')
                       ELSE '{}'::jsonb END),
           CASE WHEN day >= date '2026-03-15'
                THEN '{"instrument": "nrr-2026", "article": "Regulations on Nature Reserves (2026), Art. 39 ¶1", "cite_zh": "《自然保护区条例》（2026年修订）第三十九条第一款", "cite_en": "Regulations on Nature Reserves (2026), Art. 39 ¶1", "circumstance": "activity", "currency": "CNY", "min_yuan": 0, "max_yuan": 20000, "min": 0, "max": 20000, "ranges": [{"circumstance": "activity", "min": 0, "max": 20000}]}'::jsonb
                ELSE '{"instrument": "nrr-2017", "article": "Regulations on Nature Reserves (2017), Art. 34 (1)", "cite_zh": "《自然保护区条例》（2017年修订）第三十四条第一项", "cite_en": "Regulations on Nature Reserves (2017), Art. 34 (1)", "circumstance": "activity", "currency": "CNY", "min_yuan": 100, "max_yuan": 5000, "min": 100, "max": 5000, "ranges": [{"circumstance": "activity", "min": 100, "max": 5000}]}'::jsonb END
    FROM law_instrument i,
         LATERAL (SELECT CASE WHEN day >= date '2026-03-15' THEN 17 ELSE 15 END AS n) a
    WHERE i.code = CASE WHEN day >= date '2026-03-15' THEN 'nrr-2026' ELSE 'nrr-2017' END
$$;
