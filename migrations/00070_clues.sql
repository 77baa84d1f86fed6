-- Green Shield (绿盾) clues: remote-sensing change detections uploaded in
-- batches, each located in the zones under the law in force on the change
-- date, assigned to grid staff, verified in the field, and closed with a
-- reason or turned into a case (source remote_sensing).

-- +goose Up
CREATE TABLE clue_batch (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256        bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    source        text NOT NULL CHECK (source <> ''),
    imaged_before date,
    imaged_after  date NOT NULL CHECK (imaged_before IS NULL OR imaged_before <= imaged_after),
    file_name     text NOT NULL DEFAULT '',
    format        text NOT NULL,
    features      integer NOT NULL,
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now()
);

-- A clue is one change detection. Its zones (clue_zone) are fixed at upload;
-- status follows the loop: new → assigned → case_opened or closed; linked
-- clues repeat an earlier clue or an open case and are not counted again.
CREATE TABLE clue (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number              text NOT NULL UNIQUE,
    batch_id            bigint NOT NULL REFERENCES clue_batch (id) ON DELETE CASCADE,
    ordinal             integer NOT NULL,
    external_id         text NOT NULL DEFAULT '',
    change_type         text NOT NULL CHECK (change_type IN ('construction', 'quarry_mine', 'road', 'farmland', 'hydropower',
                                                             'tourism_facility', 'deforestation', 'other')),
    confidence          double precision,
    reported_area_ha    double precision,
    geom                geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    point               geometry(Point, 4326) NOT NULL,
    area_ha             double precision NOT NULL,
    imaged_before       date,
    imaged_after        date NOT NULL,
    reserve_id          bigint REFERENCES reserve (id) ON DELETE SET NULL,
    inside              boolean NOT NULL,
    boundary_distance_m double precision,
    area_id             bigint REFERENCES admin_area (id) ON DELETE SET NULL,
    cell_id             bigint REFERENCES grid_cell (id) ON DELETE SET NULL,
    priority            text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    activity            text,
    verdict             text,
    rule_set            text,
    legal_zone_kind     text,
    legal_basis         jsonb NOT NULL DEFAULT '[]',
    penalty             jsonb,
    status              text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'case_opened', 'closed', 'linked')),
    linked_clue_id      bigint REFERENCES clue (id) ON DELETE SET NULL,
    linked_case_id      bigint REFERENCES violation_case (id) ON DELETE SET NULL,
    assignee            text,
    assigned_by         text,
    assigned_at         timestamptz,
    deadline            date,
    result              text CHECK (result IN ('illegal_activity', 'lawful', 'pre_existing', 'natural_change', 'false_detection')),
    approval            text NOT NULL DEFAULT '',
    note                text NOT NULL DEFAULT '',
    visit_track_id      bigint REFERENCES track (id) ON DELETE SET NULL,
    visited_at          timestamptz,
    verified_by         text,
    verified_at         timestamptz,
    case_id             bigint REFERENCES violation_case (id) ON DELETE SET NULL,
    properties          jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (batch_id, ordinal),
    CHECK (status <> 'linked' OR linked_clue_id IS NOT NULL OR linked_case_id IS NOT NULL),
    CHECK (status NOT IN ('case_opened', 'closed') OR result IS NOT NULL)
);
CREATE INDEX clue_geom ON clue USING gist (geom);
CREATE INDEX clue_reserve ON clue (reserve_id, status);
CREATE INDEX clue_batch_ix ON clue (batch_id);

-- The clue's overlap with each zone kind of each reserve (current zoning),
-- with the zone kind as the law in force on the change date judges it.
CREATE TABLE clue_zone (
    clue_id         bigint NOT NULL REFERENCES clue (id) ON DELETE CASCADE,
    reserve_id      bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    zone_kind       text NOT NULL,
    legal_zone_kind text,
    area_ha         double precision NOT NULL,
    PRIMARY KEY (clue_id, reserve_id, zone_kind)
);

-- Photos taken at verification, kept byte for byte with what their EXIF says.
CREATE TABLE clue_photo (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clue_id      bigint NOT NULL REFERENCES clue (id) ON DELETE CASCADE,
    file_name    text NOT NULL DEFAULT '',
    content_type text NOT NULL,
    data         bytea NOT NULL,
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    taken_at     timestamptz,
    lon          double precision,
    lat          double precision,
    distance_m   double precision,
    added_by     text NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (clue_id, sha256)
);

ALTER TABLE violation_case DROP CONSTRAINT violation_case_source_check,
    ADD CONSTRAINT violation_case_source_check CHECK (source IN ('patrol', 'screening', 'marker_check', 'central_inspection',
        'provincial_inspection', 'ministry_patrol', 'special_action', 'public_report', 'system', 'remote_sensing'));

-- +goose Down
-- cases opened from clues keep their source (the check skips existing rows)
ALTER TABLE violation_case DROP CONSTRAINT violation_case_source_check,
    ADD CONSTRAINT violation_case_source_check CHECK (source IN ('patrol', 'screening', 'marker_check', 'central_inspection',
        'provincial_inspection', 'ministry_patrol', 'special_action', 'public_report', 'system')) NOT VALID;
DROP TABLE clue_photo;
DROP TABLE clue_zone;
DROP TABLE clue;
DROP TABLE clue_batch;
