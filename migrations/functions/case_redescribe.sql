-- case_redescribe keeps a generated title in step with the zone field when
-- evidence from a stricter zone moves the case there, and says so in the
-- description; a title or description a person wrote is theirs.
CREATE OR REPLACE FUNCTION case_redescribe() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.title IS DISTINCT FROM OLD.title OR NEW.description IS DISTINCT FROM OLD.description THEN
        NEW.auto_text := false;
    ELSIF NEW.auto_text AND NEW.zone_kind IS DISTINCT FROM OLD.zone_kind THEN
        NEW.title := replace(NEW.title, case_zone_zh(OLD.zone_kind), case_zone_zh(NEW.zone_kind));
        NEW.description := NEW.description || format('后续证据位于%s。', case_zone_zh(NEW.zone_kind));
    END IF;
    RETURN NEW;
END $$;
