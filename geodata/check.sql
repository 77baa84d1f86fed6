-- geodata/check.sql — read the written sample files back and verify them.
-- Run from the repository root after derive.sql:
--   psql -X -q -v ON_ERROR_STOP=1 -d <scratch-db> -f geodata/check.sql
-- Fails (non-zero exit) on the first violated check; prints a table of areas at the end.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset pager off

\set qt_b `cat geodata/qiangtang/boundary.geojson`
\set qt_z `cat geodata/qiangtang/zones.geojson`
\set qt_m `cat geodata/qiangtang/markers.geojson`
\set qt_r `cat geodata/qiangtang/reserve.json`
\set ap_b `cat geodata/alt-pirineu/boundary.geojson`
\set ap_z `cat geodata/alt-pirineu/zones.geojson`
\set ap_m `cat geodata/alt-pirineu/markers.geojson`
\set ap_r `cat geodata/alt-pirineu/reserve.json`

CREATE FUNCTION pg_temp.assert(ok boolean, msg text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN IF ok IS NOT TRUE THEN RAISE EXCEPTION 'check failed: %', msg; END IF; END $$;

CREATE TEMP TABLE files(sample text, boundary json, zones json, markers json, reserve json);
INSERT INTO files VALUES
  ('qiangtang',   :'qt_b', :'qt_z', :'qt_m', :'qt_r'),
  ('alt-pirineu', :'ap_b', :'ap_z', :'ap_m', :'ap_r');

CREATE TEMP TABLE b AS
SELECT sample, ST_GeomFromGeoJSON(boundary -> 'features' -> 0 ->> 'geometry') AS geom FROM files;
CREATE TEMP TABLE z AS
SELECT sample, f.ord, f.feat -> 'properties' ->> 'kind' AS kind, f.feat -> 'properties' ->> 'name_zh' AS name_zh,
       f.feat -> 'geometry' ->> 'type' AS gtype, f.feat ->> 'geometry' AS gjson,
       ST_GeomFromGeoJSON(f.feat ->> 'geometry') AS geom
FROM files, json_array_elements(zones -> 'features') WITH ORDINALITY AS f(feat, ord);
CREATE TEMP TABLE m AS
SELECT sample, f.ord, f.feat -> 'properties' AS p, ST_GeomFromGeoJSON(f.feat ->> 'geometry') AS geom
FROM files, json_array_elements(markers -> 'features') WITH ORDINALITY AS f(feat, ord);

\o /dev/null
-- zone set per scheme
SELECT pg_temp.assert(string_agg(kind || ':' || name_zh, ',' ORDER BY ord) =
         CASE r.reserve ->> 'zoning_scheme'
           WHEN 'three_zone' THEN 'experimental:实验区,buffer:缓冲区,core:核心区'
           WHEN 'two_zone'   THEN 'core_protection:核心保护区,general_control:一般控制区' END,
       sample || ': zone kinds/names')
FROM z JOIN files r USING (sample) GROUP BY sample, r.reserve ->> 'zoning_scheme';
SELECT pg_temp.assert((reserve ->> 'illustrative')::boolean, sample || ': illustrative') FROM files;
-- each zone: MultiPolygon, valid as read back, RFC 7946 winding, at most 6 decimals
SELECT pg_temp.assert(gtype = 'MultiPolygon' AND ST_IsValid(geom) AND ST_IsPolygonCCW(geom)
                      AND gjson !~ '\.\d{7}', sample || '/' || kind || ': valid, CCW, 6 decimals') FROM z;
-- no overlap (< 1 m^2) between any two zones of a reserve
SELECT pg_temp.assert(ST_Area(ST_Intersection(a.geom, c.geom)::geography) < 1.0, a.sample || ': ' || a.kind || ' x ' || c.kind)
FROM z a JOIN z c ON a.sample = c.sample AND a.ord < c.ord;
-- tiling: union = boundary within 0.1 % of area, and symmetric difference tiny
SELECT pg_temp.assert(abs(ST_Area(u::geography) / ST_Area(b.geom::geography) - 1) < 0.001
                      AND ST_Area(ST_SymDifference(u, b.geom)::geography) < 0.001 * ST_Area(b.geom::geography),
                      b.sample || ': zones tile the boundary')
FROM b JOIN (SELECT sample, ST_Union(geom) AS u FROM z GROUP BY sample) zu USING (sample);
-- markers: on a vertex of the boundary, unique codes, survey coordinates reproducible
SELECT pg_temp.assert(count(*) = count(DISTINCT p ->> 'code'), sample || ': unique marker codes') FROM m GROUP BY sample;
SELECT pg_temp.assert(EXISTS (SELECT 1 FROM ST_DumpPoints(b.geom) d WHERE ST_DWithin(d.geom, m.geom, 1e-6)),  -- i.e. the vertex rounded to 6 decimals
                      m.sample || ': marker ' || (m.p ->> 'code') || ' on a boundary vertex (6-decimal rounding)')
FROM m JOIN b USING (sample);
SELECT pg_temp.assert(
         CASE WHEN p ->> 'survey_crs' = 'EPSG:4326'
              THEN (p ->> 'survey_x')::numeric = round(ST_X(geom)::numeric, 6) AND (p ->> 'survey_y')::numeric = round(ST_Y(geom)::numeric, 6)
              ELSE split_part(p ->> 'survey_crs', ':', 2)::int = 4513 + floor((ST_X(geom) + 1.5) / 3)::int - 25
                   AND (p ->> 'survey_x')::numeric = round(ST_Y(ST_Transform(geom, split_part(p ->> 'survey_crs', ':', 2)::int))::numeric, 2)
                   AND (p ->> 'survey_y')::numeric = round(ST_X(ST_Transform(geom, split_part(p ->> 'survey_crs', ':', 2)::int))::numeric, 2)
                   AND left((p ->> 'survey_y'), 2)::int = floor((ST_X(geom) + 1.5) / 3)::int   -- zone prefix
         END, sample || ': survey coordinates of ' || (p ->> 'code'))
FROM m;
\o

\echo 'all checks passed'
SELECT sample, kind, round((ST_Area(geom::geography) / 10000)::numeric, 1) AS area_ha,
       round((100 * ST_Area(geom::geography) / sum(ST_Area(geom::geography)) OVER (PARTITION BY sample))::numeric, 1) AS pct,
       ST_NPoints(geom) AS vertices, ST_NumGeometries(geom) AS parts
FROM z ORDER BY sample DESC, ord;
SELECT b.sample, round((ST_Area(b.geom::geography) / 10000)::numeric, 1) AS boundary_ha,
       round((ST_Area(u::geography) / 10000)::numeric, 1) AS union_ha,
       round((100 * (ST_Area(u::geography) / ST_Area(b.geom::geography) - 1))::numeric, 6) AS diff_pct,
       (SELECT round(max(ST_Area(ST_Intersection(a.geom, c.geom)::geography))::numeric, 6) FROM z a JOIN z c
          ON a.sample = c.sample AND a.ord < c.ord WHERE a.sample = b.sample) AS max_overlap_m2,
       (SELECT count(*) FROM m WHERE m.sample = b.sample) AS markers
FROM b JOIN (SELECT sample, ST_Union(geom) AS u FROM z GROUP BY sample) zu USING (sample) ORDER BY 1 DESC;
