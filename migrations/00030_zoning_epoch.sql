-- The zone engine's version number: every statement that changes reserves,
-- zoning versions or zones advances zoning_epoch and notifies the channel
-- warden_zoning with the new epoch, delivered when the transaction commits.
-- Each serving process holds an in-memory index of the current zones stamped
-- with the epoch it was read at, and rebuilds it when a higher epoch is
-- announced; until then it does not answer from the stale index.

-- +goose Up
CREATE TABLE zoning_epoch (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    epoch bigint NOT NULL
);
INSERT INTO zoning_epoch (one, epoch) VALUES (true, 1);

-- +goose StatementBegin
-- zoning_epoch_advance: migrations/functions/zoning_epoch_advance.sql holds its body.
CREATE FUNCTION zoning_epoch_advance() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd

CREATE TRIGGER zone_epoch AFTER INSERT OR UPDATE OR DELETE ON zone
    FOR EACH STATEMENT EXECUTE FUNCTION zoning_epoch_advance();
CREATE TRIGGER zoning_version_epoch AFTER INSERT OR UPDATE OR DELETE ON zoning_version
    FOR EACH STATEMENT EXECUTE FUNCTION zoning_epoch_advance();
CREATE TRIGGER reserve_epoch AFTER UPDATE OR DELETE ON reserve
    FOR EACH STATEMENT EXECUTE FUNCTION zoning_epoch_advance();

-- +goose Down
DROP TRIGGER reserve_epoch ON reserve;
DROP TRIGGER zoning_version_epoch ON zoning_version;
DROP TRIGGER zone_epoch ON zone;
DROP FUNCTION zoning_epoch_advance();
DROP TABLE zoning_epoch;
