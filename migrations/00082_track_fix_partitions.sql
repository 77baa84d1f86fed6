-- Track fixes partitioned by month. A track's fixes are stored in its
-- segments (LINESTRING ZM, M the fix time), so track_segment is partitioned
-- by range of fixes_end: when the track's fixes end (its last fix; its
-- upload time when it has no times), the same for every segment of a track.
-- The questions that filter tracks by time ask for tracks that end on or
-- after a day (coverage of a period, patrols since a clue's image), so they
-- read only the months from that day on, and the older months, the bulk,
-- can be detached whole by a retention setting.
--
-- fixes_end is the track's own column (generated from ended_at and
-- created_at), and the segments' foreign key holds it: (track_id,
-- fixes_end) references track (id, fixes_end), so a segment cannot be filed
-- under another month than its track's, and a change of the track's end
-- moves its segments (ON UPDATE CASCADE). The primary key holds the
-- partition key too, as PostgreSQL requires; nothing references segments
-- by a foreign key (zone visits name theirs by ordinal).
--
-- Partitions are made by month_partition(parent, month), three months
-- ahead by the serve's partition job; track_segment_default takes a track
-- of a month not made yet (an old patrol uploaded today), and the job moves
-- such rows into their month's partition when it makes it. Detaching
-- (month_detach) keeps the months as tables of their own, for the owner to
-- archive and drop. The audit log's functions of 00081 become these two,
-- which serve every table partitioned by month.

-- +goose Up
DROP FUNCTION audit_log_partition(date);
DROP FUNCTION audit_log_detach(date);
-- month_partition, month_detach: migrations/functions hold their bodies.
-- +goose StatementBegin
CREATE FUNCTION month_partition(parent text, m date) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'month_partition: its body is in migrations/functions'; END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION month_detach(parent text, before date) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'month_detach: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

ALTER TABLE track ADD COLUMN fixes_end timestamptz GENERATED ALWAYS AS (coalesce(ended_at, created_at)) STORED;
ALTER TABLE track ADD CONSTRAINT track_fixes_end UNIQUE (id, fixes_end);

ALTER TABLE track_segment RENAME TO track_segment_unpartitioned;
ALTER TABLE track_segment_unpartitioned RENAME CONSTRAINT track_segment_pkey TO track_segment_unpartitioned_pkey;
ALTER INDEX track_segment_geom RENAME TO track_segment_unpartitioned_geom;
CREATE TABLE track_segment (
    track_id  bigint NOT NULL,
    ordinal   integer NOT NULL,
    points    integer NOT NULL CHECK (points > 0),
    geom      geometry(GeometryZM, 4326) NOT NULL CHECK (ST_GeometryType(geom) IN ('ST_LineString', 'ST_Point')),
    fixes_end timestamptz NOT NULL
) PARTITION BY RANGE (fixes_end);
CREATE TABLE track_segment_default PARTITION OF track_segment DEFAULT;
-- +goose StatementBegin
DO $$
DECLARE
    m date;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', t.fixes_end AT TIME ZONE 'UTC')::date
             FROM track t WHERE EXISTS (SELECT 1 FROM track_segment_unpartitioned s WHERE s.track_id = t.id)
             UNION
             SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'), date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months', interval '1 month')::date
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF track_segment FOR VALUES FROM (%L) TO (%L)', 'track_segment_' || to_char(m, 'YYYYMM'),
                       m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END $$;
-- +goose StatementEnd
INSERT INTO track_segment (track_id, ordinal, points, geom, fixes_end)
SELECT s.track_id, s.ordinal, s.points, s.geom, t.fixes_end FROM track_segment_unpartitioned s JOIN track t ON t.id = s.track_id;
DROP TABLE track_segment_unpartitioned;
ALTER TABLE track_segment ADD PRIMARY KEY (track_id, ordinal, fixes_end);
ALTER TABLE track_segment ADD CONSTRAINT track_segment_track FOREIGN KEY (track_id, fixes_end)
    REFERENCES track (id, fixes_end) ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX track_segment_geom ON track_segment USING gist (geom);

-- +goose Down
ALTER TABLE track_segment RENAME TO track_segment_partitioned;
ALTER INDEX track_segment_geom RENAME TO track_segment_partitioned_geom;
CREATE TABLE track_segment (
    track_id bigint NOT NULL REFERENCES track (id) ON DELETE CASCADE,
    ordinal  integer NOT NULL,
    points   integer NOT NULL CHECK (points > 0),
    geom     geometry(GeometryZM, 4326) NOT NULL CHECK (ST_GeometryType(geom) IN ('ST_LineString', 'ST_Point')),
    PRIMARY KEY (track_id, ordinal)
);
INSERT INTO track_segment SELECT track_id, ordinal, points, geom FROM track_segment_partitioned;
DROP TABLE track_segment_partitioned;
CREATE INDEX track_segment_geom ON track_segment USING gist (geom);
ALTER TABLE track DROP CONSTRAINT track_fixes_end;
ALTER TABLE track DROP COLUMN fixes_end;
DROP FUNCTION month_detach(text, date);
DROP FUNCTION month_partition(text, date);
-- +goose StatementBegin
CREATE FUNCTION audit_log_partition(m date) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN ''; END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION audit_log_detach(before date) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 0; END $$;
-- +goose StatementEnd
