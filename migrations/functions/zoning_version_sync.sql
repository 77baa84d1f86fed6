-- Making a zoning version current or no longer current re-indexes its zones
-- (zone_piece, zone_edge hold the pieces of current zones only).
CREATE OR REPLACE FUNCTION zoning_version_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.is_current IS DISTINCT FROM OLD.is_current THEN
        PERFORM zone_index(z.id) FROM zone z WHERE z.version_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
