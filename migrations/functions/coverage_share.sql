-- coverage_share is the share of a cell's area within a union of bands, or
-- NULL when GEOS cannot intersect them.
CREATE OR REPLACE FUNCTION coverage_share(cell geometry, band geometry) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF band IS NULL THEN
        RETURN 0;
    END IF;
    RETURN least(1, ST_Area(ST_Intersection(cell, band)::geography) / nullif(ST_Area(cell::geography), 0));
EXCEPTION WHEN data_exception OR internal_error THEN
    RETURN NULL;
END $$;
