-- A zone inserted or changed is indexed again (zone_index).
CREATE OR REPLACE FUNCTION zone_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM zone_index(NEW.id);
    RETURN NULL;
END $$;
