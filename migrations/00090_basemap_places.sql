-- Places on the offline base map: GeoNames' cities that have a Chinese name
-- (geodata/places), as points of kind place with their population, which
-- decides from which zoom a place is shown.

-- +goose Up
ALTER TABLE basemap_feature DROP CONSTRAINT basemap_feature_kind_check;
ALTER TABLE basemap_feature ADD CONSTRAINT basemap_feature_kind_check
    CHECK (kind IN ('ocean', 'land', 'lake', 'river', 'country', 'admin1', 'country-label', 'admin1-label', 'place'));
ALTER TABLE basemap_feature ADD COLUMN population bigint NOT NULL DEFAULT 0;

-- +goose Down
DELETE FROM basemap_feature WHERE kind = 'place';
ALTER TABLE basemap_feature DROP COLUMN population;
ALTER TABLE basemap_feature DROP CONSTRAINT basemap_feature_kind_check;
ALTER TABLE basemap_feature ADD CONSTRAINT basemap_feature_kind_check
    CHECK (kind IN ('ocean', 'land', 'lake', 'river', 'country', 'admin1', 'country-label', 'admin1-label'));
