-- The offline base map (internal/basemap): Natural Earth's land, ocean,
-- lakes, rivers, countries and first-order divisions, loaded from
-- geodata/naturalearth by `warden migrate` and `warden serve`, served as the
-- tile layer "basemap".

-- +goose Up
CREATE TABLE basemap_feature (
    id      bigserial PRIMARY KEY,
    kind    text NOT NULL CHECK (kind IN ('ocean', 'land', 'lake', 'river', 'country', 'admin1')),
    code    text NOT NULL DEFAULT '',
    country text NOT NULL DEFAULT '',
    geom    geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX basemap_feature_geom ON basemap_feature USING gist (geom);

-- the file loaded, by its SHA-256, so that a start loads it only once
CREATE TABLE basemap_source (
    sha256    text PRIMARY KEY,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE basemap_source;
DROP TABLE basemap_feature;
