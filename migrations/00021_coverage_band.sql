-- coverage_band is the band within m metres of a track's part, for the
-- patrol coverage report, or NULL when PostGIS cannot make a valid one: a
-- part with coordinates outside longitude and latitude or not numbers, or one that crosses
-- the antimeridian (its band, buffered in a projection and brought back to
-- lon/lat, folds over itself). Such a band made the report's intersection
-- fail with a GEOS topology error for the whole reserve; now the report
-- leaves that track out and says so.

-- +goose Up
-- +goose StatementBegin
-- coverage_band: migrations/functions/coverage_band.sql holds its body.
CREATE FUNCTION coverage_band(g geometry, m double precision) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RAISE EXCEPTION 'coverage_band: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

-- coverage_share: migrations/functions/coverage_share.sql holds its body.
-- +goose StatementBegin
CREATE FUNCTION coverage_share(cell geometry, band geometry) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RAISE EXCEPTION 'coverage_share: its body is in migrations/functions'; END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION coverage_share(geometry, geometry);
DROP FUNCTION coverage_band(geometry, double precision);
