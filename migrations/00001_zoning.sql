-- Reserves, their zoning versions and zones, with subdivided copies of the
-- current zones kept in step by triggers so that point and footprint checks
-- against 50,000-vertex zones stay fast.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE reserve (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    name_zh       text NOT NULL DEFAULT '',
    name_en       text NOT NULL DEFAULT '',
    level         text NOT NULL CHECK (level IN ('national', 'provincial', 'municipal', 'county')),
    authority     text NOT NULL DEFAULT '',
    established   date,
    zoning_scheme text NOT NULL CHECK (zoning_scheme IN ('three_zone', 'two_zone')),
    illustrative  boolean NOT NULL DEFAULT false,
    note          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (name_zh <> '' OR name_en <> '')
);

-- A reserve's zoning as approved at a date. Exactly one version per reserve is
-- current once it has zones; older ones stay queryable.
CREATE TABLE zoning_version (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reserve_id  bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    version     integer NOT NULL CHECK (version > 0),
    approved_on date,
    approval    text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '',
    source_crs  integer NOT NULL DEFAULT 4326,
    is_current  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reserve_id, version)
);
CREATE UNIQUE INDEX zoning_version_one_current ON zoning_version (reserve_id) WHERE is_current;

CREATE TABLE zone (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id bigint NOT NULL REFERENCES zoning_version (id) ON DELETE CASCADE,
    reserve_id bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('core', 'buffer', 'experimental', 'peripheral', 'core_protection', 'general_control')),
    name       text NOT NULL DEFAULT '',
    properties jsonb NOT NULL DEFAULT '{}',
    geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    area_ha    double precision GENERATED ALWAYS AS (ST_Area(geom::geography) / 10000) STORED,
    vertices   integer GENERATED ALWAYS AS (ST_NPoints(geom)) STORED,
    UNIQUE (version_id, ordinal)
);
CREATE INDEX zone_version ON zone (version_id);
CREATE INDEX zone_geom ON zone USING gist (geom);

-- Pieces of current zones, at most 128 vertices each, for indexed
-- point-in-polygon and intersection tests. SP-GiST answers the per-point
-- lookups of a batch locate about a fifth faster than GiST here.
CREATE TABLE zone_piece (
    zone_id    bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
    reserve_id bigint NOT NULL,
    kind       text NOT NULL,
    geom       geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX zone_piece_geom ON zone_piece USING spgist (geom);
CREATE INDEX zone_piece_zone ON zone_piece (zone_id);

-- Pieces of current zones' boundaries (at most 16 vertices), as geography,
-- for nearest-boundary distances by index-assisted KNN: small pieces make the
-- few candidates measured on the spheroid cheap.
CREATE TABLE zone_edge (
    zone_id    bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
    reserve_id bigint NOT NULL,
    geog       geography(LineString, 4326) NOT NULL
);
CREATE INDEX zone_edge_geog ON zone_edge USING gist (geog);
CREATE INDEX zone_edge_zone ON zone_edge (zone_id);

-- +goose StatementBegin
CREATE FUNCTION zone_index(zid bigint) RETURNS void LANGUAGE sql AS $$
    DELETE FROM zone_piece WHERE zone_id = zid;
    DELETE FROM zone_edge WHERE zone_id = zid;
    INSERT INTO zone_piece (zone_id, reserve_id, kind, geom)
        SELECT z.id, z.reserve_id, z.kind, (ST_Dump(ST_Subdivide(z.geom, 128))).geom
        FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current
        WHERE z.id = zid;
    INSERT INTO zone_edge (zone_id, reserve_id, geog)
        SELECT z.id, z.reserve_id, ((ST_Dump(ST_Subdivide(ST_Boundary(z.geom), 16))).geom)::geography
        FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current
        WHERE z.id = zid;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- zone_sync: migrations/functions/zone_sync.sql holds its body.
CREATE FUNCTION zone_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER zone_sync AFTER INSERT OR UPDATE OF geom, kind, version_id ON zone
    FOR EACH ROW EXECUTE FUNCTION zone_sync();

-- +goose StatementBegin
-- zoning_version_sync: migrations/functions/zoning_version_sync.sql holds its body.
CREATE FUNCTION zoning_version_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- +goose StatementEnd
CREATE TRIGGER zoning_version_sync AFTER UPDATE OF is_current ON zoning_version
    FOR EACH ROW EXECUTE FUNCTION zoning_version_sync();

-- Boundary markers (界桩 posts, 界碑 monuments, signs) with their announced
-- survey coordinates kept as given.
CREATE TABLE marker (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reserve_id        bigint NOT NULL REFERENCES reserve (id) ON DELETE CASCADE,
    code              text NOT NULL CHECK (code <> ''),
    kind              text NOT NULL CHECK (kind IN ('post', 'monument', 'sign')),
    geom              geometry(Point, 4326) NOT NULL,
    survey_crs        integer,
    survey_x          numeric,
    survey_y          numeric,
    status            text NOT NULL DEFAULT 'intact' CHECK (status IN ('intact', 'damaged', 'missing', 'moved')),
    installed_on      date,
    last_inspected_on date,
    note              text NOT NULL DEFAULT '',
    revision          integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reserve_id, code),
    CHECK ((survey_crs IS NULL) = (survey_x IS NULL) AND (survey_x IS NULL) = (survey_y IS NULL))
);
CREATE INDEX marker_geom ON marker USING gist (geom);

-- +goose Down
DROP TABLE marker;
DROP TRIGGER zoning_version_sync ON zoning_version;
DROP TRIGGER zone_sync ON zone;
DROP FUNCTION zoning_version_sync();
DROP FUNCTION zone_sync();
DROP FUNCTION zone_index(bigint);
DROP TABLE zone_edge;
DROP TABLE zone_piece;
DROP TABLE zone;
DROP TABLE zoning_version;
DROP TABLE reserve;
