-- Findings partitioned by month of created_at (when the finding was
-- raised), made ahead and detached by month_partition and month_detach
-- (00082), so that a reserve's findings of a period read only that
-- period's months.
--
-- A partitioned table's unique keys must hold the partition key, so:
-- the primary key is (id, created_at), and ids still come from one
-- sequence (PostgreSQL 15 has no identity on partitioned tables); a case's
-- evidence names its finding by (finding_id, finding_at), finding_at being
-- the finding's created_at, which the intake writes with the id; a live
-- event's one finding is unique by (live_event_id, created_at), the finding
-- of a live event taking the event's own created_at (those filed before are
-- given it here), so that filing it twice still meets the first, and the
-- event's finding is found in one month. Findings are evidence: a month that a case's
-- evidence refers to stays attached (month_detach skips it).
--
-- Rows are moved as they are, ids kept; the triggers (case intake, law
-- basis check) move to the new table.

-- +goose Up
UPDATE finding f SET created_at = e.created_at FROM live_event e WHERE f.live_event_id = e.id AND f.created_at <> e.created_at;
ALTER TABLE case_evidence ADD COLUMN finding_at timestamptz;
UPDATE case_evidence e SET finding_at = f.created_at FROM finding f WHERE f.id = e.finding_id;
ALTER TABLE case_evidence DROP CONSTRAINT case_evidence_finding_id_fkey;
ALTER TABLE case_evidence ADD CONSTRAINT case_evidence_finding_at CHECK ((finding_id IS NULL) = (finding_at IS NULL));

ALTER TABLE finding RENAME TO finding_unpartitioned;
ALTER TABLE finding_unpartitioned RENAME CONSTRAINT finding_pkey TO finding_unpartitioned_pkey;
DROP INDEX finding_screening, finding_reserve, finding_geom, finding_track, finding_live_event;
DROP TRIGGER case_intake_finding ON finding_unpartitioned;
DROP TRIGGER finding_law_basis ON finding_unpartitioned;
CREATE SEQUENCE finding_seq;
SELECT setval('finding_seq', coalesce((SELECT max(id) FROM finding_unpartitioned), 0) + 1, false);
CREATE TABLE finding (LIKE finding_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at);
ALTER TABLE finding ALTER COLUMN id SET DEFAULT nextval('finding_seq');
ALTER SEQUENCE finding_seq OWNED BY finding.id;
CREATE TABLE finding_default PARTITION OF finding DEFAULT;
-- +goose StatementBegin
DO $$
DECLARE
    m date := date_trunc('month', coalesce((SELECT min(created_at) FROM finding_unpartitioned), now()) AT TIME ZONE 'UTC')::date;
BEGIN
    WHILE m <= (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months')::date LOOP
        IF m >= date_trunc('month', now() AT TIME ZONE 'UTC')::date
           OR EXISTS (SELECT 1 FROM finding_unpartitioned WHERE created_at >= m::timestamp AT TIME ZONE 'UTC'
                                                            AND created_at < (m + interval '1 month')::timestamp AT TIME ZONE 'UTC') THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF finding FOR VALUES FROM (%L) TO (%L)', 'finding_' || to_char(m, 'YYYYMM'),
                           m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;
-- +goose StatementEnd
INSERT INTO finding SELECT * FROM finding_unpartitioned;
DROP TABLE finding_unpartitioned;
ALTER TABLE finding ADD PRIMARY KEY (id, created_at);
ALTER TABLE finding
    ADD CONSTRAINT finding_reserve_id_fkey FOREIGN KEY (reserve_id) REFERENCES reserve (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_activity_fkey FOREIGN KEY (activity) REFERENCES screening_activity (code),
    ADD CONSTRAINT finding_screening_id_fkey FOREIGN KEY (screening_id) REFERENCES screening (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_track_id_fkey FOREIGN KEY (track_id) REFERENCES track (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_visit_id_fkey FOREIGN KEY (visit_id) REFERENCES zone_visit (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_observation_id_fkey FOREIGN KEY (observation_id) REFERENCES observation (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_rule_set_fkey FOREIGN KEY (rule_set) REFERENCES law_rule_set (code),
    ADD CONSTRAINT finding_live_event_id_fkey FOREIGN KEY (live_event_id) REFERENCES live_event (id) ON DELETE CASCADE;
CREATE INDEX finding_screening ON finding (screening_id);
CREATE INDEX finding_reserve ON finding (reserve_id, created_at);
CREATE INDEX finding_geom ON finding USING gist (geom);
CREATE INDEX finding_track ON finding (track_id);
CREATE UNIQUE INDEX finding_live_event ON finding (live_event_id, created_at) WHERE live_event_id IS NOT NULL;
CREATE TRIGGER case_intake_finding AFTER INSERT ON finding FOR EACH ROW EXECUTE FUNCTION case_intake_finding();
CREATE TRIGGER finding_law_basis BEFORE INSERT OR UPDATE OF legal_basis ON finding FOR EACH ROW EXECUTE FUNCTION law_basis_check();
ALTER TABLE case_evidence ADD CONSTRAINT case_evidence_finding_id_fkey FOREIGN KEY (finding_id, finding_at) REFERENCES finding (id, created_at);

-- +goose Down
ALTER TABLE case_evidence DROP CONSTRAINT case_evidence_finding_id_fkey;
ALTER TABLE finding RENAME TO finding_partitioned;
ALTER INDEX finding_screening RENAME TO finding_partitioned_screening;
ALTER INDEX finding_reserve RENAME TO finding_partitioned_reserve;
ALTER INDEX finding_geom RENAME TO finding_partitioned_geom;
ALTER INDEX finding_track RENAME TO finding_partitioned_track;
ALTER INDEX finding_live_event RENAME TO finding_partitioned_live_event;
DROP TRIGGER case_intake_finding ON finding_partitioned;
DROP TRIGGER finding_law_basis ON finding_partitioned;
CREATE TABLE finding (LIKE finding_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO finding SELECT * FROM finding_partitioned;
ALTER TABLE finding ALTER COLUMN id DROP DEFAULT;
ALTER TABLE finding ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('finding', 'id'), coalesce((SELECT max(id) FROM finding), 0) + 1, false);
DROP TABLE finding_partitioned;
ALTER TABLE finding ADD PRIMARY KEY (id);
ALTER TABLE finding
    ADD CONSTRAINT finding_reserve_id_fkey FOREIGN KEY (reserve_id) REFERENCES reserve (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_activity_fkey FOREIGN KEY (activity) REFERENCES screening_activity (code),
    ADD CONSTRAINT finding_screening_id_fkey FOREIGN KEY (screening_id) REFERENCES screening (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_track_id_fkey FOREIGN KEY (track_id) REFERENCES track (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_visit_id_fkey FOREIGN KEY (visit_id) REFERENCES zone_visit (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_observation_id_fkey FOREIGN KEY (observation_id) REFERENCES observation (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_rule_set_fkey FOREIGN KEY (rule_set) REFERENCES law_rule_set (code),
    ADD CONSTRAINT finding_live_event_id_fkey FOREIGN KEY (live_event_id) REFERENCES live_event (id) ON DELETE CASCADE;
CREATE INDEX finding_screening ON finding (screening_id);
CREATE INDEX finding_reserve ON finding (reserve_id, created_at);
CREATE INDEX finding_geom ON finding USING gist (geom);
CREATE INDEX finding_track ON finding (track_id);
CREATE UNIQUE INDEX finding_live_event ON finding (live_event_id) WHERE live_event_id IS NOT NULL;
CREATE TRIGGER case_intake_finding AFTER INSERT ON finding FOR EACH ROW EXECUTE FUNCTION case_intake_finding();
CREATE TRIGGER finding_law_basis BEFORE INSERT OR UPDATE OF legal_basis ON finding FOR EACH ROW EXECUTE FUNCTION law_basis_check();
ALTER TABLE case_evidence DROP CONSTRAINT case_evidence_finding_at;
ALTER TABLE case_evidence DROP COLUMN finding_at;
ALTER TABLE case_evidence ADD CONSTRAINT case_evidence_finding_id_fkey FOREIGN KEY (finding_id) REFERENCES finding (id);
