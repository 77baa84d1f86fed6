-- Violation cases and the enforcement workflow (seed section 六): the
-- administrative areas that cases are handed to, grid cells for grid
-- supervision, the cases with their append-only event log, evidence,
-- enforcement measures, the units' daily reports, and webhook notifications.
-- Cases are opened automatically, by triggers, for every finding any source
-- records and for every marker check that finds a marker damaged or missing.

-- +goose Up

-- County-level (or other) administrative units with their boundaries. The
-- county government is the responsible unit a case is handed to (step 1).
CREATE TABLE admin_area (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    name_zh      text NOT NULL DEFAULT '',
    name_en      text NOT NULL DEFAULT '',
    level        text NOT NULL DEFAULT 'county' CHECK (level IN ('province', 'prefecture', 'county', 'township')),
    parent_code  text NOT NULL DEFAULT '',
    parent_name  text NOT NULL DEFAULT '',
    -- the government responsible for rectification, e.g. 安多县人民政府
    unit_name    text NOT NULL DEFAULT '',
    -- IANA zone for day boundaries, the 12:00 report deadline and deadlines
    timezone     text NOT NULL DEFAULT 'Asia/Shanghai',
    illustrative boolean NOT NULL DEFAULT false,
    note         text NOT NULL DEFAULT '',
    geom         geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (name_zh <> '' OR name_en <> '')
);
CREATE INDEX admin_area_geom ON admin_area USING gist (geom);

-- Grid cells (定区域、定职责、定人员、定任务、定考核): the area, its duties,
-- the staff responsible (name, unit, phone, role), the tasks and how the cell
-- is assessed.
CREATE TABLE grid_cell (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reserve_id bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    code       text NOT NULL CHECK (code <> ''),
    name       text NOT NULL DEFAULT '',
    geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    area_ha    double precision GENERATED ALWAYS AS (ST_Area(geom::geography) / 10000) STORED,
    duties     text NOT NULL DEFAULT '',
    staff      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(staff) = 'array'),
    tasks      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tasks) = 'array'),
    assessment text NOT NULL DEFAULT '',
    generated  boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reserve_id, code)
);
CREATE INDEX grid_cell_geom ON grid_cell USING gist (geom);

-- The last case number used per reserve and year.
CREATE TABLE case_counter (
    reserve_id bigint NOT NULL REFERENCES reserve (id),
    year       integer NOT NULL,
    last       integer NOT NULL,
    PRIMARY KEY (reserve_id, year)
);

-- A case: one line of the problem list (问题清单). version counts its events;
-- a change names the version it was made on (optimistic concurrency).
CREATE TABLE violation_case (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number       text NOT NULL UNIQUE,
    reserve_id   bigint NOT NULL REFERENCES reserve (id),
    year         integer NOT NULL,
    seq          integer NOT NULL,
    source       text NOT NULL CHECK (source IN ('patrol', 'screening', 'marker_check', 'central_inspection', 'provincial_inspection',
                                                 'ministry_patrol', 'special_action', 'public_report', 'system')),
    source_ref   text NOT NULL DEFAULT '',
    kind         text NOT NULL,
    status       text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'verified', 'dismissed', 'transferred', 'rectifying',
                                                                    'interviewed', 'special_inspection', 'rectified', 'closed')),
    version      integer NOT NULL DEFAULT 1,
    title        text NOT NULL DEFAULT '',
    description  text NOT NULL DEFAULT '',
    zone_kind    text,
    geom         geometry(Geometry, 4326) NOT NULL,
    point        geometry(Point, 4326) NOT NULL,
    activity     text NOT NULL,
    articles     text[] NOT NULL DEFAULT '{}',
    basis_zh     text NOT NULL DEFAULT '',
    basis_en     text NOT NULL DEFAULT '',
    -- who or what was seen: a track's subject, a project's developer, a marker's code
    subject      text NOT NULL DEFAULT '',
    party_name   text NOT NULL DEFAULT '',
    party_kind   text NOT NULL DEFAULT 'unknown' CHECK (party_kind IN ('person', 'enterprise', 'unknown')),
    party_id     text NOT NULL DEFAULT '',
    criminal     boolean NOT NULL DEFAULT false,
    area_id      bigint REFERENCES admin_area (id) ON DELETE SET NULL,
    cell_id      bigint REFERENCES grid_cell (id) ON DELETE SET NULL,
    unit_id      bigint REFERENCES admin_area (id),
    measures     text NOT NULL DEFAULT '',
    deadline     date,
    timezone     text NOT NULL DEFAULT 'Asia/Shanghai',
    marker_id    bigint REFERENCES marker (id) ON DELETE SET NULL,
    observed_at  timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    overdue_at   timestamptz,
    closed_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reserve_id, year, seq)
);
CREATE INDEX violation_case_reserve ON violation_case (reserve_id, status);
CREATE INDEX violation_case_geog ON violation_case USING gist ((geom::geography));
CREATE INDEX violation_case_unit ON violation_case (unit_id);
CREATE INDEX violation_case_area ON violation_case (area_id);
CREATE INDEX violation_case_cell ON violation_case (cell_id);

-- The case's history: who did what when, with the comment and what changed.
-- Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE case_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES violation_case (id),
    version     integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('created', 'transition', 'inspection', 'measure', 'evidence', 'edit', 'overdue', 'routed')),
    from_status text,
    to_status   text,
    comment     text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}',
    UNIQUE (case_id, version)
);
CREATE INDEX case_event_at ON case_event (at);

-- +goose StatementBegin
-- case_event_append_only: migrations/functions/case_event_append_only.sql holds its body.
CREATE FUNCTION case_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
    FOR EACH ROW EXECUTE FUNCTION case_event_append_only();
CREATE TRIGGER case_event_no_truncate BEFORE TRUNCATE ON case_event
    FOR EACH STATEMENT EXECUTE FUNCTION case_event_append_only();

-- Uploaded photos and documents, kept once per content.
CREATE TABLE case_file (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256       bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    content_type text NOT NULL,
    bytes        bigint NOT NULL CHECK (bytes > 0),
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Evidence linked to a case: a finding (with its track or screening), a
-- marker, or an uploaded photo or document. A finding belongs to one case.
CREATE TABLE case_evidence (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES violation_case (id),
    kind         text NOT NULL CHECK (kind IN ('finding', 'track', 'screening', 'marker', 'photo', 'document')),
    role         text NOT NULL DEFAULT 'evidence' CHECK (role IN ('evidence', 'verification')),
    finding_id   bigint UNIQUE REFERENCES finding (id),
    track_id     bigint REFERENCES track (id),
    screening_id bigint REFERENCES screening (id),
    marker_id    bigint REFERENCES marker (id) ON DELETE SET NULL,
    file_id      bigint REFERENCES case_file (id),
    file_name    text NOT NULL DEFAULT '',
    note         text NOT NULL DEFAULT '',
    added_by     text NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'finding' OR finding_id IS NOT NULL),
    CHECK (kind NOT IN ('photo', 'document') OR file_id IS NOT NULL)
);
CREATE INDEX case_evidence_case ON case_evidence (case_id);
CREATE INDEX case_evidence_track ON case_evidence (track_id);

-- Enforcement measures decided on a case, and the accountability measures of
-- step 4. Rules that need the case (a criminal case is not closed by a fine
-- alone, a credit card needs an enterprise) are checked in internal/cases.
CREATE TABLE case_measure (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES violation_case (id),
    kind         text NOT NULL CHECK (kind IN ('administrative_penalty', 'daily_penalty', 'seizure', 'production_limit', 'production_stop',
                                               'police_referral', 'listed_supervision', 'media_exposure', 'credit_card',
                                               'notified_criticism', 'accountability_interview', 'discipline_referral')),
    decided_on   date NOT NULL,
    decision_no  text NOT NULL DEFAULT '',
    authority    text NOT NULL DEFAULT '',
    target       text NOT NULL DEFAULT '',
    amount       numeric(14, 2) CHECK (amount > 0),
    daily_amount numeric(14, 2) CHECK (daily_amount > 0),
    start_on     date,
    end_on       date,
    card         text CHECK (card IN ('red', 'yellow')),
    description  text NOT NULL DEFAULT '',
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'administrative_penalty' OR amount IS NOT NULL),
    CHECK (kind <> 'daily_penalty' OR (daily_amount IS NOT NULL AND start_on IS NOT NULL)),
    CHECK (kind <> 'credit_card' OR card IS NOT NULL),
    CHECK (end_on IS NULL OR start_on IS NULL OR end_on >= start_on)
);
CREATE INDEX case_measure_case ON case_measure (case_id);

-- A unit's daily progress report on the day before (due by 12:00 local time).
CREATE TABLE unit_report (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id      bigint NOT NULL REFERENCES admin_area (id) ON DELETE CASCADE,
    report_date  date NOT NULL,
    progress     text NOT NULL CHECK (progress <> ''),
    submitted_by text NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (area_id, report_date)
);

-- Webhooks as configured (internal/cases syncs the configured URLs at start),
-- and the notifications queued for them with every attempt to deliver.
CREATE TABLE webhook (
    url    text PRIMARY KEY,
    active boolean NOT NULL DEFAULT true
);

CREATE TABLE notification (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        bigint NOT NULL REFERENCES case_event (id),
    case_id         bigint NOT NULL REFERENCES violation_case (id),
    url             text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_due ON notification (next_attempt_at) WHERE status = 'pending';

CREATE TABLE notification_attempt (
    notification_id bigint NOT NULL REFERENCES notification (id),
    attempt         integer NOT NULL,
    at              timestamptz NOT NULL,
    status_code     integer,
    error           text NOT NULL DEFAULT '',
    duration_ms     double precision NOT NULL,
    PRIMARY KEY (notification_id, attempt)
);

-- +goose StatementBegin
-- case_event_notify: migrations/functions/case_event_notify.sql holds its body.
CREATE FUNCTION case_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER case_event_notify AFTER INSERT ON case_event
    FOR EACH ROW EXECUTE FUNCTION case_event_notify();

-- case_route finds the administrative area (county level first, then the
-- smallest) and the grid cell of the reserve that contain a point.
-- +goose StatementBegin
CREATE FUNCTION case_route(p geometry, reserve bigint, OUT area bigint, OUT cell bigint) LANGUAGE sql STABLE AS $$
    SELECT (SELECT a.id FROM admin_area a WHERE ST_Intersects(a.geom, p)
            ORDER BY CASE a.level WHEN 'county' THEN 0 WHEN 'township' THEN 1 WHEN 'prefecture' THEN 2 ELSE 3 END, ST_Area(a.geom), a.id
            LIMIT 1),
           (SELECT c.id FROM grid_cell c WHERE c.reserve_id = reserve AND ST_Intersects(c.geom, p) ORDER BY c.id LIMIT 1)
$$;
-- +goose StatementEnd

-- case_zone_rank orders zone kinds from the strictest (1), as zoning.Kind.Rank.
-- +goose StatementBegin
CREATE FUNCTION case_zone_rank(k text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE k WHEN 'core' THEN 1 WHEN 'core_protection' THEN 1 WHEN 'buffer' THEN 2 WHEN 'general_control' THEN 2
                  WHEN 'experimental' THEN 3 WHEN 'peripheral' THEN 4 ELSE 5 END
$$;
-- +goose StatementEnd

-- case_open: migrations/functions/case_open.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_open(p_reserve bigint, p_source text, p_source_ref text, p_kind text, p_title text, p_description text,
                          p_zone_kind text, p_geom geometry, p_activity text, p_articles text[], p_basis_zh text, p_basis_en text,
                          p_subject text, p_party_name text, p_party_kind text, p_party_id text, p_observed timestamptz,
                          p_marker bigint, p_actor text, p_comment text, p_at timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'case_open: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

-- case_add_evidence: migrations/functions/case_add_evidence.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_add_evidence(p_case bigint, p_seen timestamptz, p_actor text, p_data jsonb) RETURNS void LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'case_add_evidence: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

-- case_intake_finding: migrations/functions/case_intake_finding.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_intake_finding() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER case_intake_finding AFTER INSERT ON finding
    FOR EACH ROW EXECUTE FUNCTION case_intake_finding();

-- case_intake_marker: migrations/functions/case_intake_marker.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION case_intake_marker() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER case_intake_marker AFTER UPDATE OF status ON marker
    FOR EACH ROW WHEN (NEW.status <> 'intact' AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION case_intake_marker();

-- +goose Down
DROP TRIGGER case_intake_marker ON marker;
DROP FUNCTION case_intake_marker();
DROP TRIGGER case_intake_finding ON finding;
DROP FUNCTION case_intake_finding();
DROP FUNCTION case_add_evidence(bigint, timestamptz, text, jsonb);
DROP FUNCTION case_open(bigint, text, text, text, text, text, text, geometry, text, text[], text, text, text, text, text, text,
                        timestamptz, bigint, text, text, timestamptz);
DROP FUNCTION case_zone_rank(text);
DROP FUNCTION case_route(geometry, bigint);
DROP TABLE notification_attempt;
DROP TABLE notification;
DROP TABLE webhook;
DROP TABLE unit_report;
DROP TABLE case_measure;
DROP TABLE case_evidence;
DROP TABLE case_file;
DROP TABLE case_event;
DROP FUNCTION case_event_notify();
DROP FUNCTION case_event_append_only();
DROP TABLE violation_case;
DROP TABLE case_counter;
DROP TABLE grid_cell;
DROP TABLE admin_area;
