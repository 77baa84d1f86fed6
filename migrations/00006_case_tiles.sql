-- Cases on the map: an index on the case's representative point for the
-- cases tile layer's spatial filter (violation_case has only a geography
-- index on its whole geometry), and the severity shown on the map and in the
-- OGC collection.

-- +goose Up

CREATE INDEX violation_case_point ON violation_case USING gist (point);

-- case_severity grades a case for the map: high for a case marked criminal
-- or lying in a core zone (core, core_protection), medium in a buffer or
-- general control zone, low elsewhere (experimental, peripheral, no zone).
-- +goose StatementBegin
CREATE FUNCTION case_severity(zone_kind text, criminal boolean) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN criminal OR case_zone_rank(zone_kind) = 1 THEN 'high'
                WHEN case_zone_rank(zone_kind) = 2 THEN 'medium'
                ELSE 'low' END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION case_severity(text, boolean);
DROP INDEX violation_case_point;
