-- geodata/derive.sql — derive Warden's sample reserves (boundary, illustrative zones, markers)
-- from real outer boundaries in the third-party corpus kept in internal/testcorpus/testdata.
--
-- Run from the repository root (all output paths below are relative to it), against any
-- scratch database with PostGIS >= 3.1 (made with 3.3.2 / GEOS 3.11.1 / PROJ 9.1.1):
--
--   psql -X -q -v ON_ERROR_STOP=1 -d <scratch-db> -f geodata/derive.sql
--
-- Optional: -v corpus=/path/to/corpus   (default internal/testcorpus/testdata)
--
-- The script only uses temporary objects (pg_temp) and changes nothing in the database.
-- It is deterministic: no random(), no ordering left to the planner; every vertex written is
-- rounded to 6 decimals and every output geometry is validated AFTER that rounding.
--
-- Method (see geodata/README.md):
--   qiangtang    three_zone: core = boundary buffered inward 45 km; buffer = inward 15 km
--                minus core; experimental = boundary minus inward 15 km. Buffers are metric,
--                computed in an Albers equal-area projection fitted to the reserve.
--   alt-pirineu  two_zone: core_protection = boundary buffered inward 500 m (ETRS89 / UTM 31N,
--                EPSG:25831), parts < 1 ha dropped; general_control = the rest (holes kept).
--                A second, two-zone version approved 2026-06-01 (zones-2026.geojson, listed in
--                versions.json) by the default conversion: core_protection = core + buffer,
--                general_control = experimental.
--   markers      evenly spaced vertices of the exterior ring (largest part's ring).

\set ON_ERROR_STOP on
\if :{?corpus}
\else
\set corpus internal/testcorpus/testdata
\endif

\set qt_file :corpus '/protected_areas/china-nature-reserves-zenodo14875797-testsubset/qiangtang.geojson'
\set ap_file :corpus '/protected_areas/osm-extracts/andorra-protected-areas.osm.geojson'
-- psql reads the two input files verbatim into variables; :'var' below quotes them as literals.
\set qt_json `cat :'qt_file'`
\set ap_json `cat :'ap_file'`

-- ---------------------------------------------------------------------------------------------
-- Parameters (the only tunables)
-- ---------------------------------------------------------------------------------------------
-- Albers equal-area fitted to Qiangtang (lon 80.0..90.8 E, lat 32.1..36.4 N): standard parallels
-- at ~1/6 and ~5/6 of the latitude range, central meridian at the middle. Linear scale error
-- inside the reserve is about 0.1-0.2 %, i.e. < 100 m on a 45 km buffer.
\set qt_proj '+proj=aea +lat_0=34 +lat_1=33 +lat_2=35.5 +lon_0=85.5 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs'
\set qt_d1 15000
\set qt_d2 45000
\set ap_osm_id 2800131
\set ap_srid 25831
\set ap_d 500
\set ap_min_part_m2 10000

SET client_min_messages = warning;
\pset format unaligned
\pset tuples_only on
\pset footer off
\pset pager off
-- the checks below print nothing useful; output files are opened one by one further down
\o /dev/null

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------
-- r6: the geometry exactly as it will be written: rings oriented as RFC 7946 asks (exterior
-- counter-clockwise, holes clockwise), GeoJSON with 6 decimals, parsed back. If that rounding broke validity, repair with the 'structure' method and keep polygons only
-- (never a GeometryCollection), then round again.
CREATE FUNCTION pg_temp.r6(g geometry) RETURNS geometry LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  r geometry := ST_RemoveRepeatedPoints(ST_GeomFromGeoJSON(ST_AsGeoJSON(ST_ForcePolygonCCW(g), 6)));
BEGIN
  IF NOT ST_IsValid(r) THEN
    r := ST_RemoveRepeatedPoints(ST_GeomFromGeoJSON(ST_AsGeoJSON(
           ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(r, 'method=structure'), 3)), 6)));
    IF NOT ST_IsValid(r) THEN
      RAISE EXCEPTION 'geometry still invalid after rounding: %', ST_IsValidReason(r);
    END IF;
  END IF;
  RETURN r;
END $$;

-- jobj: a JSON object with keys in the given order, compact: jobj('k1', v1json, 'k2', v2json ...)
CREATE FUNCTION pg_temp.jobj(VARIADIC kv text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '{' || string_agg(to_json(kv[i])::text || ':' || kv[i + 1], ',' ORDER BY i) || '}'
  FROM generate_subscripts(kv, 1) AS i WHERE i % 2 = 1 $$;

-- jpretty: the same, one key per line (for reserve.json)
CREATE FUNCTION pg_temp.jpretty(VARIADIC kv text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT E'{\n  ' || string_agg(to_json(kv[i])::text || ': ' || kv[i + 1], E',\n  ' ORDER BY i) || E'\n}'
  FROM generate_subscripts(kv, 1) AS i WHERE i % 2 = 1 $$;

CREATE FUNCTION pg_temp.js(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT to_json(t)::text $$;

CREATE FUNCTION pg_temp.assert(ok boolean, msg text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN IF ok IS NOT TRUE THEN RAISE EXCEPTION 'check failed: %', msg; END IF; END $$;

-- ---------------------------------------------------------------------------------------------
-- Inputs
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE src_qt AS
SELECT f.ord, f.feat -> 'properties' AS props,                 -- json, original text kept
       ST_Force2D(ST_GeomFromGeoJSON(f.feat ->> 'geometry')) AS geom
FROM json_array_elements((:'qt_json')::json -> 'features') WITH ORDINALITY AS f(feat, ord);

CREATE TEMP TABLE src_ap AS
SELECT f.ord, f.feat -> 'properties' AS props,
       ST_GeomFromGeoJSON(f.feat ->> 'geometry') AS geom
FROM json_array_elements((:'ap_json')::json -> 'features') WITH ORDINALITY AS f(feat, ord)
WHERE f.feat -> 'properties' ->> 'osm_id' = :'ap_osm_id';

SELECT pg_temp.assert((SELECT count(*) FROM src_qt) = 1, 'qiangtang: expected 1 feature');
SELECT pg_temp.assert((SELECT count(*) FROM src_ap) = 1, 'alt-pirineu: expected 1 feature');

-- =============================================================================================
-- Sample 1: Qiangtang, three-zone scheme
-- =============================================================================================
CREATE TEMP TABLE qt_b AS SELECT pg_temp.r6(geom) AS geom, props FROM src_qt;
SELECT pg_temp.assert(ST_IsValid(geom) AND GeometryType(geom) = 'POLYGON', 'qiangtang boundary') FROM qt_b;

CREATE TEMP TABLE qt_inner AS
SELECT pg_temp.r6(ST_Transform(ST_Buffer(ST_Transform(geom, :'qt_proj'), -(:qt_d1), 'quad_segs=8'), :'qt_proj', 4326)) AS i1,
       pg_temp.r6(ST_Transform(ST_Buffer(ST_Transform(geom, :'qt_proj'), -(:qt_d2), 'quad_segs=8'), :'qt_proj', 4326)) AS i2
FROM qt_b;
SELECT pg_temp.assert(ST_ContainsProperly(b.geom, i.i1) AND ST_ContainsProperly(i.i1, i.i2),
                      'qiangtang: inner buffers must nest strictly') FROM qt_b b, qt_inner i;

CREATE TEMP TABLE qt_zones AS
SELECT z.ord, z.kind, z.name_zh, z.name_en, ST_Multi(z.geom) AS geom
FROM qt_b b, qt_inner i, LATERAL (VALUES
  (1, 'experimental', '实验区', 'Experimental Zone', pg_temp.r6(ST_Difference(b.geom, i.i1))),
  (2, 'buffer',       '缓冲区', 'Buffer Zone',       pg_temp.r6(ST_Difference(i.i1, i.i2))),
  (3, 'core',         '核心区', 'Core Zone',         i.i2)
) AS z(ord, kind, name_zh, name_en, geom);

-- The second, two-zone version (approved 2026-06-01), derived by the default conversion of the
-- protected-area integration: core and buffer become the core protection zone (their union is
-- exactly the 15 km inward buffer i1 they were cut from), the experimental zone becomes the
-- general control zone unchanged.
CREATE TEMP TABLE qt_zones_2026 AS
SELECT z.ord, z.kind, z.name_zh, z.name_en, ST_Multi(z.geom) AS geom
FROM qt_inner i, LATERAL (VALUES
  (1, 'core_protection', '核心保护区', 'Core Protection Zone', i.i1),
  (2, 'general_control', '一般控制区', 'General Control Zone', (SELECT geom FROM qt_zones WHERE kind = 'experimental'))
) AS z(ord, kind, name_zh, name_en, geom);
SELECT pg_temp.assert(ST_Equals(ST_Union(c.geom, b.geom), p.geom), 'qiangtang 2026: core protection = core + buffer')
FROM qt_zones c, qt_zones b, qt_zones_2026 p WHERE c.kind = 'core' AND b.kind = 'buffer' AND p.kind = 'core_protection';

-- markers: 40 vertices of the exterior ring, evenly spaced by index (ring has n distinct vertices)
CREATE TEMP TABLE qt_markers AS
WITH ring AS (SELECT ST_ExteriorRing(geom) AS r FROM qt_b),
     pick AS (SELECT i, 1 + ((i - 1) * (ST_NPoints(r) - 1)) / 40 AS vidx, r FROM ring, generate_series(1, 40) AS i),
     pt AS (SELECT i, vidx, ST_PointN(r, vidx) AS geom FROM pick),
     gk AS (SELECT i, vidx, geom, floor((ST_X(geom) + 1.5) / 3)::int AS zone FROM pt)
SELECT i, vidx, geom, zone,
       format('QT-%s', lpad(i::text, 3, '0')) AS code,
       CASE WHEN i % 10 = 0 THEN 'monument' ELSE 'post' END AS kind,
       CASE WHEN i IN (13, 27) THEN 'damaged' WHEN i = 34 THEN 'missing' ELSE 'intact' END AS status,
       'EPSG:' || (4513 + zone - 25) AS survey_crs,
       -- PostGIS returns easting as X for these CRSs; Chinese surveys call northing X, easting Y
       round(ST_Y(ST_Transform(geom, 4513 + zone - 25))::numeric, 2) AS survey_x,
       round(ST_X(ST_Transform(geom, 4513 + zone - 25))::numeric, 2) AS survey_y
FROM gk;

-- =============================================================================================
-- Sample 2: Parc Natural de l'Alt Pirineu (OSM relation 2800131), two-zone scheme
-- =============================================================================================
CREATE TEMP TABLE ap_b AS SELECT pg_temp.r6(geom) AS geom, geom AS geom_src, props FROM src_ap;
SELECT pg_temp.assert(ST_IsValid(geom), 'alt-pirineu boundary') FROM ap_b;

CREATE TEMP TABLE ap_core AS
WITH raw AS (
  SELECT ST_Transform(ST_Buffer(ST_Transform(geom, :ap_srid), -(:ap_d), 'quad_segs=8'), 4326) AS g FROM ap_b
), parts AS (
  SELECT (ST_Dump(g)).geom AS p FROM raw
)
SELECT pg_temp.r6(ST_Collect(p ORDER BY ST_XMin(p), ST_YMin(p))) AS geom
FROM parts WHERE ST_Area(p::geography) >= :ap_min_part_m2;
SELECT pg_temp.assert(ST_ContainsProperly(b.geom, c.geom), 'alt-pirineu: core inside boundary') FROM ap_b b, ap_core c;

CREATE TEMP TABLE ap_zones AS
SELECT z.ord, z.kind, z.name_zh, z.name_en, ST_Multi(z.geom) AS geom
FROM ap_b b, ap_core c, LATERAL (VALUES
  (1, 'core_protection', '核心保护区', 'Core Protection Zone', c.geom),
  (2, 'general_control', '一般控制区', 'General Control Zone', pg_temp.r6(ST_Difference(b.geom, c.geom)))
) AS z(ord, kind, name_zh, name_en, geom);

-- markers: 12 vertices of the exterior ring of the largest part
CREATE TEMP TABLE ap_markers AS
WITH part AS (SELECT d.geom AS p FROM ap_b, ST_Dump(ap_b.geom) AS d ORDER BY ST_Area(d.geom::geography) DESC LIMIT 1),
     ring AS (SELECT ST_ExteriorRing(p) AS r FROM part),
     pick AS (SELECT i, 1 + ((i - 1) * (ST_NPoints(r) - 1)) / 12 AS vidx, r FROM ring, generate_series(1, 12) AS i)
SELECT i, vidx, ST_PointN(r, vidx) AS geom,
       format('AP-%s', lpad(i::text, 3, '0')) AS code,
       CASE WHEN i % 10 = 0 THEN 'monument' ELSE 'post' END AS kind,
       'intact' AS status,
       'EPSG:4326' AS survey_crs,
       round(ST_X(ST_PointN(r, vidx))::numeric, 6) AS survey_x,
       round(ST_Y(ST_PointN(r, vidx))::numeric, 6) AS survey_y
FROM pick;

-- ---------------------------------------------------------------------------------------------
-- Checks on exactly what will be written (already rounded)
-- ---------------------------------------------------------------------------------------------
CREATE TEMP VIEW all_zones AS
  SELECT 'qiangtang' AS sample, * FROM qt_zones UNION ALL SELECT 'qiangtang-2026', * FROM qt_zones_2026
  UNION ALL SELECT 'alt-pirineu', * FROM ap_zones;
CREATE TEMP VIEW all_bounds AS
  SELECT 'qiangtang' AS sample, geom FROM qt_b UNION ALL SELECT 'qiangtang-2026', geom FROM qt_b
  UNION ALL SELECT 'alt-pirineu', geom_src FROM ap_b;

SELECT pg_temp.assert(ST_IsValid(geom) AND NOT ST_IsEmpty(geom) AND GeometryType(geom) = 'MULTIPOLYGON'
                      AND ST_IsPolygonCCW(geom)
                      AND ST_AsGeoJSON(geom, 6)::json::text = ST_AsGeoJSON(pg_temp.r6(geom), 6)::json::text,
                      sample || '/' || kind || ' valid after rounding')
FROM all_zones;
SELECT pg_temp.assert(ST_Area(ST_Intersection(a.geom, b.geom)::geography) < 1.0,
                      a.sample || ': ' || a.kind || ' overlaps ' || b.kind)
FROM all_zones a JOIN all_zones b ON a.sample = b.sample AND a.ord < b.ord;
SELECT pg_temp.assert(abs(ST_Area(ST_Union(z.geom)::geography) / ST_Area(b.geom::geography) - 1) < 0.001,
                      z.sample || ': union of zones differs from boundary by >= 0.1 %')
FROM all_zones z JOIN all_bounds b USING (sample) GROUP BY z.sample, b.geom;

-- ---------------------------------------------------------------------------------------------
-- Output files
-- ---------------------------------------------------------------------------------------------
\o geodata/qiangtang/reserve.json
SELECT pg_temp.jpretty(
  'code', pg_temp.js('qiangtang'),
  'name_zh', pg_temp.js('西藏羌塘国家级自然保护区'),
  'name_en', pg_temp.js('Qiangtang National Nature Reserve'),
  'level', pg_temp.js('national'),
  'authority', pg_temp.js('西藏自治区林业和草原局'),
  'established', pg_temp.js(to_char(to_date(props ->> 'year_estab', 'YYYYMMDD'), 'YYYY-MM-DD')),
  'zoning_scheme', pg_temp.js('three_zone'),
  'illustrative', 'true',
  'note_zh', pg_temp.js('外边界来自《中国自然保护区名录与矢量边界》数据集（China Nature Reserve Specimen Resource Sharing Platform, 2024, Zenodo doi:10.5281/zenodo.14875797，CC-BY-4.0）。功能分区仅为示意：由真实外边界向内缓冲15千米和45千米生成，并非该保护区的官方功能区划。界桩为虚构示例，取自外边界拐点。'),
  'note_en', pg_temp.js('Outer boundary from "List and Vector Boundaries of Nature Reserves in China" (China Nature Reserve Specimen Resource Sharing Platform, 2024, Zenodo doi:10.5281/zenodo.14875797, CC-BY-4.0). The zones are illustrative, derived from the real outer boundary by inward buffers of 15 km and 45 km; they are not the official zoning of the reserve. Boundary markers are fictitious, placed on turning points of the outer boundary.'))
FROM qt_b;
\o geodata/qiangtang/boundary.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || pg_temp.jobj('type', '"Feature"', 'properties', props::text, 'geometry', ST_AsGeoJSON(geom, 6))
       || E'\n]}'
FROM qt_b;
\o geodata/qiangtang/zones.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || string_agg(pg_temp.jobj('type', '"Feature"',
            'properties', pg_temp.jobj('kind', pg_temp.js(kind), 'name_zh', pg_temp.js(name_zh), 'name_en', pg_temp.js(name_en)),
            'geometry', ST_AsGeoJSON(geom, 6)), E',\n' ORDER BY ord)
       || E'\n]}'
FROM qt_zones;
\o geodata/qiangtang/zones-2026.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || string_agg(pg_temp.jobj('type', '"Feature"',
            'properties', pg_temp.jobj('kind', pg_temp.js(kind), 'name_zh', pg_temp.js(name_zh), 'name_en', pg_temp.js(name_en)),
            'geometry', ST_AsGeoJSON(geom, 6)), E',\n' ORDER BY ord)
       || E'\n]}'
FROM qt_zones_2026;
\o geodata/qiangtang/versions.json
SELECT E'[\n  ' || pg_temp.jobj(
  'file', pg_temp.js('zones-2026.geojson'),
  'approved_on', pg_temp.js('2026-06-01'),
  'approval', pg_temp.js('示意，并非官方批复：按默认转换（核心区、缓冲区转为核心保护区，实验区转为一般控制区）生成的两区区划'),
  'note', pg_temp.js('sample zoning (illustrative), two zones by the default conversion')) || E'\n]';
\o geodata/qiangtang/markers.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || string_agg(pg_temp.jobj('type', '"Feature"',
            'properties', pg_temp.jobj('code', pg_temp.js(code), 'kind', pg_temp.js(kind), 'status', pg_temp.js(status),
                                       'installed_on', pg_temp.js('2019-06-01'), 'survey_crs', pg_temp.js(survey_crs),
                                       'survey_x', survey_x::text, 'survey_y', survey_y::text),
            'geometry', ST_AsGeoJSON(geom, 6)), E',\n' ORDER BY i)
       || E'\n]}'
FROM qt_markers;

\o geodata/alt-pirineu/reserve.json
SELECT pg_temp.jpretty(
  'code', pg_temp.js('alt-pirineu'),
  'name_zh', pg_temp.js('上比利牛斯自然公园'),
  'name_en', pg_temp.js('Alt Pirineu Natural Park'),
  'level', pg_temp.js('provincial'),
  'authority', pg_temp.js('Generalitat de Catalunya'),
  'established', pg_temp.js('2003-08-01'),
  'zoning_scheme', pg_temp.js('two_zone'),
  'time_zone', pg_temp.js('Europe/Madrid'),
  'illustrative', 'true',
  'note_zh', pg_temp.js('外边界来自OpenStreetMap（© OpenStreetMap贡献者，ODbL-1.0）。该公园位于西班牙加泰罗尼亚，与安道尔接壤，由加泰罗尼亚自治区政府管理（相当于省级）。功能分区仅为示意：由真实外边界向内缓冲500米生成核心保护区，其余为一般控制区，并非官方分区。界桩为虚构示例，取自外边界拐点。'),
  'note_en', pg_temp.js('Outer boundary from OpenStreetMap (© OpenStreetMap contributors, ODbL-1.0). The park lies in Catalonia, Spain, on the border with Andorra, and is managed by the Generalitat de Catalunya (a regional, province-level authority). The zones are illustrative, derived from the real outer boundary by a 500 m inward buffer (core protection) with the rest as general control; they are not an official zoning. Boundary markers are fictitious, placed on turning points of the outer boundary.'))
FROM ap_b;
\o geodata/alt-pirineu/boundary.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || pg_temp.jobj('type', '"Feature"', 'properties', props::text, 'geometry', ST_AsGeoJSON(geom_src, 7))
       || E'\n]}'
FROM ap_b;
\o geodata/alt-pirineu/zones.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || string_agg(pg_temp.jobj('type', '"Feature"',
            'properties', pg_temp.jobj('kind', pg_temp.js(kind), 'name_zh', pg_temp.js(name_zh), 'name_en', pg_temp.js(name_en)),
            'geometry', ST_AsGeoJSON(geom, 6)), E',\n' ORDER BY ord)
       || E'\n]}'
FROM ap_zones;
\o geodata/alt-pirineu/markers.geojson
SELECT E'{"type":"FeatureCollection","features":[\n'
       || string_agg(pg_temp.jobj('type', '"Feature"',
            'properties', pg_temp.jobj('code', pg_temp.js(code), 'kind', pg_temp.js(kind), 'status', pg_temp.js(status),
                                       'installed_on', pg_temp.js('2019-06-01'), 'survey_crs', pg_temp.js(survey_crs),
                                       'survey_x', survey_x::text, 'survey_y', survey_y::text),
            'geometry', ST_AsGeoJSON(geom, 6)), E',\n' ORDER BY i)
       || E'\n]}'
FROM ap_markers;
\o

-- ---------------------------------------------------------------------------------------------
-- Summary (stdout): zone areas (geodesic, ha) and vertex counts, as tabulated in README.md
-- ---------------------------------------------------------------------------------------------
\pset format aligned
\pset tuples_only off
SELECT sample, kind, round((ST_Area(geom::geography) / 10000)::numeric, 1) AS area_ha,
       ST_NPoints(geom) AS vertices, ST_NumGeometries(geom) AS parts,
       (SELECT sum(ST_NumInteriorRings(d.geom)) FROM ST_Dump(geom) d) AS holes
FROM (SELECT sample, ord, kind, geom FROM all_zones
      UNION ALL SELECT sample, 0, '(boundary)', geom FROM all_bounds) s
ORDER BY sample DESC, ord;
