-- Marker cases judged under the 2026 Regulations quote Art. 17 ¶2 in the
-- shipped unofficial English as well as the Chinese (text_en, with
-- text_en_note), as findings' legal bases do: case_marker_law
-- (migrations/functions/case_marker_law.sql) writes it for new cases, and
-- this gives it to the cases stored before.

-- +goose Up
UPDATE violation_case c SET legal_basis = (
    SELECT jsonb_agg(CASE WHEN e->>'instrument' = 'nrr-2026' AND e->>'article' = '17' AND e->>'paragraph' = '2' AND NOT e ? 'text_en'
                          THEN e || jsonb_build_object(
                              'text_en', 'It is prohibited to damage, deface, cover, or without authorisation remove or move the boundary markers of a nature reserve.',
                              'text_en_note', 'Unofficial translation; the Chinese text is authoritative.')
                          ELSE e END ORDER BY n)
    FROM jsonb_array_elements(c.legal_basis) WITH ORDINALITY AS x (e, n))
WHERE c.activity = 'marker_damage' AND c.legal_basis @> '[{"instrument": "nrr-2026", "article": 17, "paragraph": 2}]';

-- +goose Down
UPDATE violation_case c SET legal_basis = (
    SELECT jsonb_agg(CASE WHEN e->>'instrument' = 'nrr-2026' AND e->>'article' = '17' THEN e - 'text_en' - 'text_en_note' ELSE e END ORDER BY n)
    FROM jsonb_array_elements(c.legal_basis) WITH ORDINALITY AS x (e, n))
WHERE c.activity = 'marker_damage' AND c.legal_basis @> '[{"instrument": "nrr-2026", "article": 17, "paragraph": 2}]';
