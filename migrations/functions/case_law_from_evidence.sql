-- case_law_from_evidence gives a case without a legal basis the basis of
-- the evidence that opened it: a finding's, or the marker provisions of the
-- day.
CREATE OR REPLACE FUNCTION case_law_from_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'finding' THEN
        UPDATE violation_case c SET legal_basis = f.legal_basis, penalty = f.penalty
        FROM finding f WHERE f.id = NEW.finding_id AND f.created_at = NEW.finding_at AND c.id = NEW.case_id AND c.legal_basis = '[]' AND f.legal_basis <> '[]';
    ELSIF NEW.kind = 'marker' THEN
        UPDATE violation_case c SET (articles, basis_zh, basis_en, legal_basis, penalty) =
            (SELECT m.articles, m.basis_zh, m.basis_en, m.legal_basis, m.penalty FROM case_marker_law((c.observed_at AT TIME ZONE c.timezone)::date) m)
        WHERE c.id = NEW.case_id AND c.legal_basis = '[]' AND c.activity = 'marker_damage'
          AND EXISTS (SELECT 1 FROM law_instrument WHERE code IN ('nrr-2017', 'nrr-2026') HAVING count(*) = 2);
    END IF;
    RETURN NULL;
END $$;
