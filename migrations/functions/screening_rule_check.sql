-- A screening rule may cite only articles screening_article holds.
CREATE OR REPLACE FUNCTION screening_rule_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(NEW.articles) a WHERE a NOT IN (SELECT code FROM screening_article)) THEN
        RAISE EXCEPTION 'screening_rule (%, %): unknown article in %', NEW.activity, NEW.zone_kind, NEW.articles;
    END IF;
    RETURN NEW;
END $$;
