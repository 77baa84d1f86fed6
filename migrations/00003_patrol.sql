-- Patrol tracks: entry permits, uploaded tracks with their raw files, the
-- cleaned segments as LINESTRINGZM (Z elevation, M Unix time), waypoints as
-- observations, zone visits, and the findings they raise (in the finding
-- table of 00002, with the track's subject and time).

-- +goose Up

-- An approved entry: who may be in which zone kinds of a reserve, and when.
CREATE TABLE permit (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject    text NOT NULL CHECK (subject <> ''),
    reserve_id bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    zone_kinds text[] NOT NULL CHECK (cardinality(zone_kinds) > 0 AND zone_kinds <@ ARRAY['core', 'buffer', 'experimental', 'peripheral', 'core_protection', 'general_control']),
    valid_from timestamptz NOT NULL,
    valid_to   timestamptz NOT NULL,
    approval   text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to > valid_from)
);
CREATE INDEX permit_subject ON permit (subject);

-- One uploaded track file. sha256 (of the raw bytes) makes a second upload
-- of the same file find this one; analysis is the answer as the API gives it.
-- started_at/ended_at are the first and last fix times (NULL without times).
CREATE TABLE track (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256       bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    reserve_id   bigint REFERENCES reserve (id) ON DELETE SET NULL,
    subject      text NOT NULL DEFAULT '',
    subject_kind text NOT NULL CHECK (subject_kind IN ('patrol', 'research_permit', 'visitor', 'vehicle', 'unknown')),
    permit_id    bigint REFERENCES permit (id),
    file_name    text NOT NULL DEFAULT '',
    format       text NOT NULL,
    started_at   timestamptz,
    ended_at     timestamptz,
    points       integer NOT NULL,
    length_m     double precision NOT NULL,
    analysis     jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX track_reserve ON track (reserve_id, started_at);
CREATE INDEX track_subject ON track (subject, started_at);
CREATE INDEX track_started ON track (started_at);

-- The raw file as uploaded, for audit. lz4 is fast on the large XML files.
CREATE TABLE track_file (
    track_id bigint PRIMARY KEY REFERENCES track (id) ON DELETE CASCADE,
    bytes    bigint NOT NULL,
    content  bytea COMPRESSION lz4 NOT NULL
);

-- Each cleaned segment: a LINESTRING ZM (Z elevation in metres, M the fix's
-- Unix time in seconds, to the microsecond; NaN where the file had none), or
-- a POINT ZM for a segment left with a single fix.
CREATE TABLE track_segment (
    track_id bigint NOT NULL REFERENCES track (id) ON DELETE CASCADE,
    ordinal  integer NOT NULL,
    points   integer NOT NULL CHECK (points > 0),
    geom     geometry(GeometryZM, 4326) NOT NULL CHECK (ST_GeometryType(geom) IN ('ST_LineString', 'ST_Point')),
    PRIMARY KEY (track_id, ordinal)
);
CREATE INDEX track_segment_geom ON track_segment USING gist (geom);

-- Waypoints: what was seen where and when, with the category read from the
-- waypoint's type, symbol, name or description, the rule-table activity it
-- stands for (if any) and the current zone it lies in (if any).
CREATE TABLE observation (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    track_id    bigint NOT NULL REFERENCES track (id) ON DELETE CASCADE,
    ordinal     integer NOT NULL,
    geom        geometry(Point, 4326) NOT NULL,
    ele         double precision,
    observed_at timestamptz,
    category    text NOT NULL,
    activity    text REFERENCES screening_activity (code),
    name        text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    type        text NOT NULL DEFAULT '',
    sym         text NOT NULL DEFAULT '',
    reserve_id  bigint REFERENCES reserve (id) ON DELETE SET NULL,
    zone_id     bigint REFERENCES zone (id) ON DELETE SET NULL,
    zone_kind   text,
    UNIQUE (track_id, ordinal)
);
CREATE INDEX observation_geom ON observation USING gist (geom);
CREATE INDEX observation_time ON observation (observed_at);

-- A stretch of a track segment inside one current zone, with the entry and
-- exit interpolated at the boundary crossings (entered_by_crossing false: the
-- segment began inside; exited_by_crossing false: it ended inside).
CREATE TABLE zone_visit (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    track_id            bigint NOT NULL REFERENCES track (id) ON DELETE CASCADE,
    ordinal             integer NOT NULL,
    segment             integer NOT NULL,
    reserve_id          bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    zone_id             bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
    zone_kind           text NOT NULL,
    entered_at          timestamptz,
    exited_at           timestamptz,
    entered_by_crossing boolean NOT NULL,
    exited_by_crossing  boolean NOT NULL,
    duration_s          double precision,
    length_m            double precision NOT NULL,
    max_depth_m         double precision NOT NULL,
    fixes               integer NOT NULL,
    boundary_jitter     boolean NOT NULL,
    geom                geometry(Geometry, 4326) NOT NULL,
    UNIQUE (track_id, ordinal)
);
CREATE INDEX zone_visit_zone ON zone_visit (zone_id, entered_at);
CREATE INDEX zone_visit_reserve ON zone_visit (reserve_id, entered_at);

-- Boundary crossings are found in planar lon/lat, like point-in-polygon on
-- zone_piece, so the boundary pieces get a geometry index as well.
CREATE INDEX zone_edge_geom ON zone_edge USING gist ((geog::geometry));

-- Findings from tracks: prohibited_entry (a subject inside a zone its entry
-- rule prohibits), unpermitted_entry (inside a zone that needs approval,
-- without a permit that covers the zone kind and the time), both with source
-- 'track' and the visit; prohibited_activity (an observation of an activity
-- the zone prohibits), source 'observation'. subject, subject_kind and
-- observed_at/observed_until say who and when.
ALTER TABLE finding
    DROP CONSTRAINT finding_kind_check,
    ADD CONSTRAINT finding_kind_check CHECK (kind IN ('unapproved_construction', 'prohibited_entry', 'unpermitted_entry', 'prohibited_activity')),
    DROP CONSTRAINT finding_source_check,
    ADD CONSTRAINT finding_source_check CHECK (source IN ('screening', 'track', 'observation')),
    ADD COLUMN track_id bigint REFERENCES track (id) ON DELETE CASCADE,
    ADD COLUMN visit_id bigint REFERENCES zone_visit (id) ON DELETE CASCADE,
    ADD COLUMN observation_id bigint REFERENCES observation (id) ON DELETE CASCADE,
    ADD COLUMN subject text,
    ADD COLUMN subject_kind text,
    ADD COLUMN observed_at timestamptz,
    ADD COLUMN observed_until timestamptz,
    ADD CONSTRAINT finding_track_check CHECK (source NOT IN ('track', 'observation') OR track_id IS NOT NULL),
    ADD CONSTRAINT finding_visit_check CHECK (source <> 'track' OR visit_id IS NOT NULL),
    ADD CONSTRAINT finding_observation_check CHECK (source <> 'observation' OR observation_id IS NOT NULL);
CREATE INDEX finding_track ON finding (track_id);

-- +goose Down
DELETE FROM finding WHERE source IN ('track', 'observation');
DROP INDEX finding_track;
ALTER TABLE finding
    DROP CONSTRAINT finding_observation_check,
    DROP CONSTRAINT finding_visit_check,
    DROP CONSTRAINT finding_track_check,
    DROP COLUMN observed_until,
    DROP COLUMN observed_at,
    DROP COLUMN subject_kind,
    DROP COLUMN subject,
    DROP COLUMN observation_id,
    DROP COLUMN visit_id,
    DROP COLUMN track_id,
    DROP CONSTRAINT finding_source_check,
    ADD CONSTRAINT finding_source_check CHECK (source IN ('screening')),
    DROP CONSTRAINT finding_kind_check,
    ADD CONSTRAINT finding_kind_check CHECK (kind IN ('unapproved_construction'));
DROP INDEX zone_edge_geom;
DROP TABLE zone_visit;
DROP TABLE observation;
DROP TABLE track_segment;
DROP TABLE track_file;
DROP TABLE track;
DROP TABLE permit;
