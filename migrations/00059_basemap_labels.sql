-- Labels for the offline base map: the names of first-order divisions in
-- English and Chinese, and one label point per named country and division
-- (kinds country-label and admin1-label), placed by internal/basemap.

-- +goose Up
ALTER TABLE basemap_feature DROP CONSTRAINT basemap_feature_kind_check;
ALTER TABLE basemap_feature ADD CONSTRAINT basemap_feature_kind_check
    CHECK (kind IN ('ocean', 'land', 'lake', 'river', 'country', 'admin1', 'country-label', 'admin1-label'));
ALTER TABLE basemap_feature ADD COLUMN name_en text NOT NULL DEFAULT '';
ALTER TABLE basemap_feature ADD COLUMN name_zh text NOT NULL DEFAULT '';

-- +goose Down
DELETE FROM basemap_feature WHERE kind IN ('country-label', 'admin1-label');
ALTER TABLE basemap_feature DROP COLUMN name_zh;
ALTER TABLE basemap_feature DROP COLUMN name_en;
ALTER TABLE basemap_feature DROP CONSTRAINT basemap_feature_kind_check;
ALTER TABLE basemap_feature ADD CONSTRAINT basemap_feature_kind_check
    CHECK (kind IN ('ocean', 'land', 'lake', 'river', 'country', 'admin1'));
