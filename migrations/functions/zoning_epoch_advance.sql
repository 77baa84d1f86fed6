-- Any change to reserves, zoning versions or zones advances zoning_epoch and
-- notifies warden_zoning with the new epoch (the zone engine's signal to
-- rebuild its index; see migration 00030).
CREATE OR REPLACE FUNCTION zoning_epoch_advance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e bigint;
BEGIN
    UPDATE zoning_epoch SET epoch = epoch + 1 RETURNING epoch INTO e;
    PERFORM pg_notify('warden_zoning', e::text);
    RETURN NULL;
END $$;
