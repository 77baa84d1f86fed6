-- Acts are located in the zoning version in force on their day, not the
-- current one. zoning_version_on names that version: the newest version
-- approved on or before the day, or one with no approval date (the same
-- rule as the rule view), else the current one. zone_piece and zone_edge
-- hold pieces of current zones only; zone_piece_on and zone_edge_on give the
-- pieces of the zones in force on a day (from zone_piece and zone_edge where
-- that is the current version, cut on the fly where it is an older one), and
-- zone_edge_of one zone's boundary pieces. The day is p_day, or p_at counted
-- in each reserve's time zone. zoning_past says whether any reserve's zoning
-- on the day differs from its current one, so callers keep the indexed
-- tables for the usual case.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION zoning_version_on(p_reserve bigint, p_day date) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT v.id FROM zoning_version v
         WHERE v.reserve_id = p_reserve AND p_day IS NOT NULL AND (v.approved_on IS NULL OR v.approved_on <= p_day)
           AND EXISTS (SELECT 1 FROM zone z WHERE z.version_id = v.id)
         ORDER BY v.version DESC LIMIT 1),
        (SELECT v.id FROM zoning_version v WHERE v.reserve_id = p_reserve AND v.is_current))
$$;

-- zoning_day: migrations/functions/zoning_day.sql holds its body.
CREATE FUNCTION zoning_day(p_reserve bigint, p_day date, p_at timestamptz) RETURNS date LANGUAGE plpgsql STABLE AS $$ BEGIN RAISE EXCEPTION 'zoning_day: its body is in migrations/functions'; END $$;

CREATE FUNCTION zoning_past(p_day date, p_at timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM zoning_version c
                   WHERE c.is_current AND zoning_version_on(c.reserve_id, zoning_day(c.reserve_id, p_day, p_at)) <> c.id)
$$;

CREATE FUNCTION zone_piece_on(p_day date, p_at timestamptz)
RETURNS TABLE (zone_id bigint, reserve_id bigint, kind text, geom geometry) LANGUAGE sql STABLE AS $$
    WITH v AS (
        SELECT c.reserve_id, c.id AS current, zoning_version_on(c.reserve_id, zoning_day(c.reserve_id, p_day, p_at)) AS id
        FROM zoning_version c WHERE c.is_current)
    SELECT zp.zone_id, zp.reserve_id, zp.kind, zp.geom FROM zone_piece zp JOIN v ON v.reserve_id = zp.reserve_id AND v.id = v.current
    UNION ALL
    SELECT z.id, z.reserve_id, z.kind, (ST_Dump(ST_Subdivide(z.geom, 128))).geom FROM v JOIN zone z ON z.version_id = v.id AND v.id <> v.current
$$;

CREATE FUNCTION zone_edge_on(p_day date, p_at timestamptz)
RETURNS TABLE (zone_id bigint, reserve_id bigint, geog geography) LANGUAGE sql STABLE AS $$
    WITH v AS (
        SELECT c.reserve_id, c.id AS current, zoning_version_on(c.reserve_id, zoning_day(c.reserve_id, p_day, p_at)) AS id
        FROM zoning_version c WHERE c.is_current)
    SELECT e.zone_id, e.reserve_id, e.geog FROM zone_edge e JOIN v ON v.reserve_id = e.reserve_id AND v.id = v.current
    UNION ALL
    SELECT z.id, z.reserve_id, ((ST_Dump(ST_Subdivide(ST_Boundary(z.geom), 16))).geom)::geography
    FROM v JOIN zone z ON z.version_id = v.id AND v.id <> v.current
$$;

CREATE FUNCTION zone_edge_of(p_zone bigint) RETURNS SETOF geography LANGUAGE sql STABLE AS $$
    SELECT e.geog FROM zone_edge e WHERE e.zone_id = p_zone
    UNION ALL
    SELECT ((ST_Dump(ST_Subdivide(ST_Boundary(z.geom), 16))).geom)::geography FROM zone z
    WHERE z.id = p_zone AND NOT EXISTS (SELECT 1 FROM zone_edge e WHERE e.zone_id = p_zone)
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION zone_edge_of(bigint);
DROP FUNCTION zone_edge_on(date, timestamptz);
DROP FUNCTION zone_piece_on(date, timestamptz);
DROP FUNCTION zoning_past(date, timestamptz);
DROP FUNCTION zoning_day(bigint, date, timestamptz);
DROP FUNCTION zoning_version_on(bigint, date);
