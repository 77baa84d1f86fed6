-- Live positions (internal/live): the devices that report as they move
-- (rangers' phones running Traccar Client or OsmAnd, vehicle loggers,
-- collars, satellite messengers), every fix they send, and the events and
-- alerts judged from them.
--
-- live_device: one row per device. The ingest token is kept only as its
-- SHA-256 (it is shown once, when made). reserves are the codes of the
-- reserves the device works in: who may see it and its events. The last_*
-- columns are the last accepted fix, for the live map and the silence check.
--
-- live_position: every fix received, refused ones too (raw fixes are kept for
-- audit), partitioned by the day (UTC) it was received, so that retention is
-- dropping whole partitions. status says whether the fix was used:
-- accepted; out_of_order (older than a fix already accepted: kept for the
-- day's track, which orders fixes, but not judged live); and the refusals
-- duplicate, future (dated ahead of the server's clock), speed (an
-- impossible speed from the last accepted fix) and low_accuracy.
--
-- live_event: geofence events (enter, exit, dwell) and safety alerts
-- (silent, sos, low_battery); alert marks those someone must act on.
-- reserves says who may see it.

-- +goose Up
CREATE TABLE live_device (
    id                  text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._:-]{1,64}$'),
    kind                text NOT NULL CHECK (kind IN ('phone', 'vehicle_logger', 'collar', 'satellite_messenger')),
    name                text NOT NULL DEFAULT '',
    subject             text NOT NULL CHECK (subject <> ''),
    subject_kind        text NOT NULL CHECK (subject_kind IN ('patrol', 'research_permit', 'original_resident', 'visitor', 'vehicle', 'unknown')),
    reserves            text[] NOT NULL DEFAULT '{}',
    token_hash          bytea NOT NULL,
    expected_interval_s integer CHECK (expected_interval_s > 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    last_fix_at         timestamptz,
    last_lon            double precision,
    last_lat            double precision,
    last_received_at    timestamptz,
    battery             real
);
CREATE INDEX live_device_reserves ON live_device USING gin (reserves);

CREATE TABLE live_position (
    device_id   text NOT NULL,
    received_at timestamptz NOT NULL,
    fixed_at    timestamptz NOT NULL,
    lon         double precision NOT NULL,
    lat         double precision NOT NULL,
    altitude    double precision,
    speed       double precision, -- m/s, as reported
    bearing     double precision,
    accuracy    double precision, -- metres, as reported
    battery     real,             -- percent
    sos         boolean NOT NULL DEFAULT false,
    status      text NOT NULL CHECK (status IN ('accepted', 'out_of_order', 'duplicate', 'future', 'speed', 'low_accuracy')),
    protocol    text NOT NULL CHECK (protocol IN ('osmand', 'json', 'mqtt'))
) PARTITION BY RANGE (received_at);
CREATE INDEX live_position_device ON live_position (device_id, fixed_at);

-- live_position_partition: migrations/functions/live_position_partition.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION live_position_partition(d date) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'live_position_partition: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

-- live_position_retain: migrations/functions/live_position_retain.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION live_position_retain(cutoff date) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'live_position_retain: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

CREATE TABLE live_event (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id       text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('enter', 'exit', 'dwell', 'silent', 'sos', 'low_battery')),
    alert           boolean NOT NULL,
    reserves        text[] NOT NULL,
    reserve         text,
    zone_id         bigint,
    zone_kind       text,
    subject         text NOT NULL,
    subject_kind    text NOT NULL,
    at              timestamptz NOT NULL,
    lon             double precision,
    lat             double precision,
    depth_m         double precision,
    text_zh         text NOT NULL,
    text_en         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by text
);
CREATE INDEX live_event_device ON live_event (device_id, at);
CREATE INDEX live_event_reserves ON live_event USING gin (reserves);

-- An entry alert that breaks the law is a finding with source 'live', the
-- event it came from in live_event_id; the finding table's intake opens or
-- extends a case as for track findings (one per subject, zone and day).
ALTER TABLE finding
    DROP CONSTRAINT finding_source_check,
    ADD CONSTRAINT finding_source_check CHECK (source IN ('screening', 'track', 'observation', 'live')),
    ADD COLUMN live_event_id bigint REFERENCES live_event (id) ON DELETE CASCADE,
    ADD CONSTRAINT finding_live_check CHECK (source <> 'live' OR live_event_id IS NOT NULL);

-- live_case_describe: migrations/functions/live_case_describe.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION live_case_describe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER live_case_describe BEFORE INSERT ON violation_case
    FOR EACH ROW EXECUTE FUNCTION live_case_describe();

-- live_delivery: each event's delivery to each webhook, retried with backoff
-- until delivered, or dead (the dead-letter list) after the last attempt.
CREATE TABLE live_delivery (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url          text NOT NULL,
    event_id     bigint NOT NULL REFERENCES live_event (id) ON DELETE CASCADE,
    payload      jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX live_delivery_due ON live_delivery (next_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE live_delivery;
DROP TRIGGER live_case_describe ON violation_case;
DROP FUNCTION live_case_describe();
DELETE FROM finding WHERE source = 'live';
ALTER TABLE finding
    DROP CONSTRAINT finding_live_check,
    DROP COLUMN live_event_id,
    DROP CONSTRAINT finding_source_check,
    ADD CONSTRAINT finding_source_check CHECK (source IN ('screening', 'track', 'observation'));
DROP TABLE live_event;
DROP FUNCTION live_position_retain(date);
DROP FUNCTION live_position_partition(date);
DROP TABLE live_position;
DROP TABLE live_device;
