-- A finding's or case's legal_basis may cite only articles, paragraphs and
-- items the law tables hold (law_basis_missing names the first that is not).
CREATE OR REPLACE FUNCTION law_basis_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text := law_basis_missing(NEW.legal_basis);
BEGIN
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION '%: legal_basis cites % which the law tables lack', TG_TABLE_NAME, missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
