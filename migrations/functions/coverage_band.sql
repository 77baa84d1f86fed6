-- coverage_band is the band within m metres of a track's part, for the
-- patrol coverage report, or NULL when PostGIS cannot make a valid one: a
-- part with coordinates outside longitude and latitude or not numbers, or
-- one that crosses the antimeridian (its band, buffered in a projection and
-- brought back to lon/lat, folds over itself).
CREATE OR REPLACE FUNCTION coverage_band(g geometry, m double precision) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    b geometry;
BEGIN
    IF NOT (ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90 AND ST_YMax(g) <= 90)
       OR ST_XMax(g) - ST_XMin(g) > 180
       OR coalesce((ST_IsValidDetail(ST_Force2D(g))).reason LIKE 'Invalid Coordinate%', false) THEN
        RETURN NULL;
    END IF;
    b := ST_Buffer(ST_Simplify(ST_Force2D(g), 0.0001)::geography, m)::geometry;
    IF b IS NULL OR ST_IsEmpty(b) OR NOT ST_IsValid(b) THEN
        RETURN NULL;
    END IF;
    RETURN b;
EXCEPTION WHEN data_exception OR internal_error THEN
    RETURN NULL;
END $$;
