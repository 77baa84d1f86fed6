-- The audit log partitioned by month of `at`, so that the common questions
-- (a period's writes, by actor, resource or reserve) read only that period's
-- partitions, and old months can be detached whole for archiving instead of
-- deleted row by row (which the log refuses anyway). Partitions are made
-- ahead of time by audit_log_partition(month) (the serve's partition job);
-- audit_log_default catches a row no month partition takes, and stays
-- empty in normal running. The primary key holds the partition key, as
-- PostgreSQL requires; nothing references the log. PostgreSQL 15 has no
-- identity columns on partitioned tables, so id takes a sequence's values.
-- Rows are moved as they are, ids kept; the append-only triggers move to
-- the new table (a row trigger of a partitioned table is on every partition).
--
-- The fixes of tracks and the findings are not partitioned: findings are
-- referenced by violation_case.finding_id, and a foreign key to a
-- partitioned table needs the partition key in the referenced unique key,
-- so every case would need its finding's time too; track fixes are stored
-- inside track segments, whose rows a track's visits and observations refer
-- to by id.

-- +goose Up
ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
CREATE SEQUENCE audit_log_seq;
SELECT setval('audit_log_seq', coalesce((SELECT max(id) FROM audit_log_unpartitioned), 0) + 1, false);
CREATE TABLE audit_log (
    id          bigint NOT NULL DEFAULT nextval('audit_log_seq'),
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    actor_id    bigint,
    via         text NOT NULL CHECK (via IN ('bootstrap', 'token', 'session', 'password', 'cli')),
    token_id    bigint,
    address     text NOT NULL DEFAULT '',
    action      text NOT NULL,
    route       text NOT NULL DEFAULT '',
    resource    text NOT NULL,
    resource_id text NOT NULL DEFAULT '',
    reserve     text NOT NULL DEFAULT '',
    status      integer NOT NULL,
    before      jsonb,
    after       jsonb
) PARTITION BY RANGE (at);
ALTER SEQUENCE audit_log_seq OWNED BY audit_log.id;
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
-- +goose StatementBegin
DO $$
DECLARE
    m date := date_trunc('month', coalesce((SELECT min(at) FROM audit_log_unpartitioned), now()) AT TIME ZONE 'UTC')::date;
BEGIN
    WHILE m <= (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months')::date LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)', 'audit_log_' || to_char(m, 'YYYYMM'),
                       m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;
-- +goose StatementEnd
INSERT INTO audit_log SELECT * FROM audit_log_unpartitioned;
DROP TABLE audit_log_unpartitioned;
ALTER TABLE audit_log ADD PRIMARY KEY (id, at);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_resource ON audit_log (resource, resource_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_reserve ON audit_log (reserve, at) WHERE reserve <> '';
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
-- audit_log_partition, audit_log_detach: migrations/functions hold their bodies.
-- +goose StatementBegin
CREATE FUNCTION audit_log_partition(m date) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN ''; END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION audit_log_detach(before date) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 0; END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION audit_log_detach(date);
DROP FUNCTION audit_log_partition(date);
ALTER TABLE audit_log RENAME TO audit_log_partitioned;
CREATE TABLE audit_log (LIKE audit_log_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO audit_log SELECT * FROM audit_log_partitioned;
ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT;
ALTER TABLE audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('audit_log', 'id'), coalesce((SELECT max(id) FROM audit_log), 0) + 1, false);
DROP TABLE audit_log_partitioned;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_resource ON audit_log (resource, resource_id);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_reserve ON audit_log (reserve, at) WHERE reserve <> '';
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
