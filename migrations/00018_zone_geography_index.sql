-- Lookups in the zones of a past day read the zone table (every version),
-- not the current zone pieces, and measure metres on the geography: the
-- nearest reserve of a clue outside every zone (ST_DWithin(geom::geography,
-- ...)) was a scan of every zone of every version. An expression index on
-- the geography serves it.

-- +goose Up
CREATE INDEX zone_geog ON zone USING gist ((geom::geography));

-- +goose Down
DROP INDEX zone_geog;
