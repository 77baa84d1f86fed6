package tiles

import "strconv"

// The layers served as vector tiles. Each is one SQL statement that PostGIS
// answers with a whole tile (ST_AsMVT), with the tile's z, x and y bound as
// $1, $2 and $3, and one that answers the layer's extent.
//
// Every query follows the same pattern:
//   - the spatial filter is on the table's own column in its own SRID (4326),
//     against the tile envelope with the MVT buffer transformed to 4326
//     (filterBox), so the column's GiST index is used;
//   - geometry is cut to the tile plus a margin in 4326 first (clipBox, wider
//     than the MVT buffer so that ST_AsMVTGeom makes the final cut), simplified
//     to half a tile unit (tolerance: at low zoom a 50,000-vertex zone shrinks
//     to a few thousand vertices before it is transformed), transformed to
//     3857 and encoded with ST_AsMVTGeom(..., ST_TileEnvelope($1, $2, $3),
//     4096, 64);
//   - rows come in a fixed order, so the same data gives the same tile bytes
//     (and ETag).
//
// Layers that are not Public (tracks, observations, cases) also bind the reader's
// Scope after z, x and y (scoped), so a tile holds only the rows its reader
// may see; their Cache-Control is private.
//
// To add a layer (grid cells): write its query with these fragments, list it
// in Layers with its fields, and give it a style in web/src/layers.js; a
// non-public one also needs its read rule in internal/api/tiles.go.

const (
	// extent and buffer are the MVT tile extent and buffer, in tile units.
	extent = "4096"
	buffer = "64"
	// tileBox is the tile in Web Mercator.
	tileBox = `ST_TileEnvelope($1, $2, $3)`
	// filterBox is the tile plus its MVT buffer (64/4096 of the tile) in 4326,
	// the SRID of every geometry column, for the index condition. Expanded
	// envelopes are first cut to the world (ST_TileEnvelope(0, 0, 0)): beyond
	// ±180° they would wrap around when transformed.
	filterBox = `ST_Transform(ST_ClipByBox2D(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), ST_TileEnvelope(0, 0, 0)), 4326)`
	// clipBox is the tile plus an eighth on each side, cut to the world, in
	// 4326: geometry is clipped to it before it is simplified and transformed.
	clipBox = `ST_Transform(ST_ClipByBox2D(ST_TileEnvelope($1, $2, $3, margin => 0.125), ST_TileEnvelope(0, 0, 0)), 4326)`
	// tolerance is half a tile unit in degrees of longitude at zoom $1
	// (the resolution ST_AsMVTGeom itself snaps to).
	tolerance = `(180.0 / 4096 / 2 ^ $1)`
)

// mvtGeom encodes a 4326 geometry expression for the tile: clipped,
// simplified to the tile's resolution, transformed to 3857.
func mvtGeom(geom4326 string) string {
	return `ST_AsMVTGeom(ST_Transform(ST_Simplify(ST_ClipByBox2D(` + geom4326 + `, ` + clipBox + `), ` + tolerance + `, true), 3857), ` +
		tileBox + `, ` + extent + `, ` + buffer + `)`
}

// pointGeom encodes a 4326 point for the tile.
func pointGeom(geom4326 string) string {
	return `ST_AsMVTGeom(ST_Transform(` + geom4326 + `, 3857), ` + tileBox + `, ` + extent + `, ` + buffer + `)`
}

// asMVT wraps a row query whose rows have an integer id, attributes and a
// geom column into the statement answering the tile of layer name. Rows whose
// geometry falls outside the tile (NULL from ST_AsMVTGeom) are skipped by
// ST_AsMVT itself, and a tile without features is empty (zero bytes); a
// "WHERE geom IS NOT NULL" here would be pushed into the row query and make
// PostgreSQL compute every ST_AsMVTGeom twice.
func asMVT(name, rows string) string {
	return `SELECT ST_AsMVT(t, '` + name + `', ` + extent + `, 'geom', 'id') FROM (` + rows + `) t`
}

// scoped is the condition on a non-public layer's rows that Scope.args
// binds from parameter $n on: the row's reserve code (reserve, NULL for a
// row of no reserve) among the reader's reserves unless they have all, and
// the row's subject equal to the reader's when one is set.
func scoped(n int, reserve, subject string) string {
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	return `(` + p(0) + `::boolean OR ` + reserve + ` = ANY(` + p(1) + `::text[])) AND (` + p(2) + `::text = '' OR ` + subject + ` = ` + p(2) + `)`
}

// isoTime writes a timestamptz as RFC 3339 in UTC, to the second.
func isoTime(col string) string {
	return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

// Layers lists the tile layers: the public ones, then the others, then the
// base map (which pages draw under everything).
func Layers() []Layer {
	return []Layer{zonesLayer, reservesLayer, markersLayer, tracksLayer, observationsLayer, casesLayer, cluesLayer, basemapLayer}
}

// The offline base map (internal/basemap): Natural Earth 1:50m, with 1:10m
// first-order divisions for China, Spain and Andorra, which have no more
// detail to give past zoom 8 (clients overzoom).
var basemapLayer = Layer{
	Name:          "basemap",
	Description:   "Offline base map from Natural Earth (public domain): ocean, land, lakes, rivers, country and first-order administrative boundaries, label points for countries and named divisions; and places from GeoNames (CC BY 4.0).",
	DescriptionZH: "离线底图（Natural Earth，公有领域）：海洋、陆地、湖泊、河流、国界和一级行政区界，国家和已命名一级行政区的注记点；以及 GeoNames 居民地（CC BY 4.0）",
	MinZoom:       0,
	MaxZoom:       8,
	Fields: map[string]string{
		"kind":       "ocean, land, lake, river, country, admin1, country-label, admin1-label or place",
		"code":       "A country's ISO 3166-1 alpha-3 code, a first-order division's postal code or Natural Earth name, a place's English name",
		"country":    "The country of a first-order division (ISO 3166-1 alpha-3) or of a place (alpha-2)",
		"name_en":    "A first-order division's or place's name in English (labels)",
		"name_zh":    "A first-order division's or place's name in Chinese (labels)",
		"population": "A place's population (places of under 1,000,000 people from zoom 4, under 200,000 from zoom 6)",
	},
	CacheControl: "public, max-age=86400",
	Public:       true,
	sql: asMVT("basemap", `
		SELECT b.id, b.kind, b.code, b.country, b.name_en, b.name_zh, b.population, `+mvtGeom("b.geom")+` AS geom
		FROM basemap_feature b
		WHERE b.geom && `+filterBox+`
			AND (b.kind <> 'place' OR b.population >= CASE WHEN $1 < 4 THEN 1000000 WHEN $1 < 6 THEN 200000 ELSE 0 END)
		ORDER BY b.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(b.geom) AS e FROM basemap_feature b) s
		WHERE e IS NOT NULL`,
}

var zonesLayer = Layer{
	Name:          "zones",
	Description:   "Zones of the current zoning version of every reserve, by kind (core, buffer, experimental, ...).",
	DescriptionZH: "各保护区现行功能区划的功能区（核心区、缓冲区、实验区等）",
	MinZoom:       0,
	MaxZoom:       16,
	Fields: map[string]string{
		"kind":    "Zone kind: core, buffer, experimental, peripheral, core_protection or general_control",
		"reserve": "Reserve code",
		"version": "Zoning version number (the current one)",
		"name":    "Zone name",
		"area_ha": "Geodesic area of the whole zone, hectares",
	},
	CacheControl: "public, max-age=60",
	Public:       true,
	sql: asMVT("zones", `
		SELECT z.id, z.kind, r.code AS reserve, v.version, z.name, round(z.area_ha::numeric, 1)::float8 AS area_ha,
			`+mvtGeom("z.geom")+` AS geom
		FROM zone z
		JOIN zoning_version v ON v.id = z.version_id AND v.is_current
		JOIN reserve r ON r.id = z.reserve_id
		WHERE z.geom && `+filterBox+`
		ORDER BY z.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(z.geom) AS e FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current) s
		WHERE e IS NOT NULL`,
}

// The reserve outline is the union of its current zones, made per tile from
// the zones cut to the tile (so a tile costs what its part of the reserve
// costs), then simplified.
var reservesLayer = Layer{
	Name:          "reserves",
	Description:   "Outline of every reserve: the union of its current zones.",
	DescriptionZH: "保护区范围（现行各功能区的合并）",
	MinZoom:       0,
	MaxZoom:       16,
	Fields: map[string]string{
		"code":         "Reserve code",
		"name_zh":      "Chinese name",
		"name_en":      "English name",
		"level":        "national, provincial, municipal or county",
		"illustrative": "true for sample data that is not an official zoning",
	},
	CacheControl: "public, max-age=60",
	Public:       true,
	sql: asMVT("reserves", `
		SELECT r.id, r.code, r.name_zh, r.name_en, r.level, r.illustrative,
			ST_AsMVTGeom(ST_Transform(ST_Simplify(ST_Union(ST_ClipByBox2D(z.geom, `+clipBox+`)), `+tolerance+`, true), 3857),
				`+tileBox+`, `+extent+`, `+buffer+`) AS geom
		FROM zone z
		JOIN zoning_version v ON v.id = z.version_id AND v.is_current
		JOIN reserve r ON r.id = z.reserve_id
		WHERE z.geom && `+filterBox+`
		GROUP BY r.id
		ORDER BY r.id`),
	boundsSQL: zonesLayer.boundsSQL,
}

var markersLayer = Layer{
	Name:          "markers",
	Description:   "Boundary markers (posts, monuments, signs) with their status.",
	DescriptionZH: "界桩、界碑和标识牌及其状态",
	MinZoom:       0,
	MaxZoom:       16,
	Fields: map[string]string{
		"code":    "Marker code as announced",
		"kind":    "post, monument or sign",
		"status":  "intact, damaged, missing or moved",
		"reserve": "Reserve code",
	},
	CacheControl: "public, max-age=60",
	Public:       true,
	sql: asMVT("markers", `
		SELECT m.id, m.code, m.kind, m.status, r.code AS reserve, `+pointGeom("m.geom")+` AS geom
		FROM marker m
		JOIN reserve r ON r.id = m.reserve_id
		WHERE m.geom && `+filterBox+`
		ORDER BY m.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom) AS e FROM marker) s
		WHERE e IS NOT NULL`,
}

// privateCache is the Cache-Control of non-public layers: kept by the
// reader's browser only, and checked again (by ETag) on every use, so that a
// new track shows at once and a withdrawn right takes effect.
const privateCache = "private, no-cache"

// The patrol tracks, one feature per track: its segments of two fixes or
// more, without elevation and time (ST_Force2D of the LINESTRING ZM),
// collected, cut to the tile and simplified to its resolution. The filter is
// on track_segment's own GiST index (2-D on the ZM column).
var tracksLayer = Layer{
	Name:          "tracks",
	Description:   "Patrol tracks, one feature per track (not public: as GET /api/v1/tracks).",
	DescriptionZH: "巡护轨迹（不公开，权限同轨迹列表）",
	MinZoom:       5,
	MaxZoom:       16,
	Fields: map[string]string{
		"track":        "Track id (GET /api/v1/tracks/{id})",
		"subject_kind": "patrol, research_permit, visitor, vehicle or unknown",
		"reserve":      "Reserve code (none for a track outside every reserve)",
		"started_at":   "Time of the first fix, RFC 3339 UTC (none without times)",
	},
	CacheControl: privateCache,
	sql: asMVT("tracks", `
		SELECT t.id, t.id AS track, t.subject_kind, r.code AS reserve, `+isoTime("t.started_at")+` AS started_at,
			`+mvtGeom("ST_Force2D(ST_Collect(s.geom ORDER BY s.ordinal))")+` AS geom
		FROM track_segment s
		JOIN track t ON t.id = s.track_id
		LEFT JOIN reserve r ON r.id = t.reserve_id
		WHERE s.geom && `+filterBox+` AND ST_GeometryType(s.geom) = 'ST_LineString' AND `+scoped(4, "r.code", "t.subject")+`
		GROUP BY t.id, r.code
		ORDER BY t.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(s.geom) AS e FROM track_segment s JOIN track t ON t.id = s.track_id LEFT JOIN reserve r ON r.id = t.reserve_id
			WHERE ` + scoped(1, "r.code", "t.subject") + `) x
		WHERE e IS NOT NULL`,
}

// The tracks' waypoints: what was seen where, seen by the rule of their
// track (its reserve and subject).
var observationsLayer = Layer{
	Name:          "observations",
	Description:   "Observations (waypoints) of patrol tracks: logging, grazing, construction, fire, damaged markers... (not public: as GET /api/v1/tracks).",
	DescriptionZH: "巡护轨迹的观测点（盗伐、放牧、建设、火情、界桩损坏等；不公开）",
	MinZoom:       6,
	MaxZoom:       16,
	Fields: map[string]string{
		"track":       "Track id",
		"category":    "What was seen: logging, grazing, construction, fire, damaged_marker, marker, mining, ..., other",
		"activity":    "The rule-table activity it stands for, if any",
		"zone_kind":   "Kind of the current zone it lies in, if any",
		"observed_at": "Time, RFC 3339 UTC, if known",
		"name":        "Waypoint name",
	},
	CacheControl: privateCache,
	sql: asMVT("observations", `
		SELECT o.id, o.track_id AS track, o.category, o.activity, o.zone_kind, `+isoTime("o.observed_at")+` AS observed_at, o.name,
			`+pointGeom("o.geom")+` AS geom
		FROM observation o
		JOIN track t ON t.id = o.track_id
		LEFT JOIN reserve r ON r.id = t.reserve_id
		WHERE o.geom && `+filterBox+` AND `+scoped(4, "r.code", "t.subject")+`
		ORDER BY o.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(o.geom) AS e FROM observation o JOIN track t ON t.id = o.track_id LEFT JOIN reserve r ON r.id = t.reserve_id
			WHERE ` + scoped(1, "r.code", "t.subject") + `) x
		WHERE e IS NOT NULL`,
}

// The Green Shield clues, polygons or points as detected, seen by the rule
// of GET /api/v1/clues: the reader's reserves (a clue near no reserve is
// in no reader's tiles but an unlimited one's).
var cluesLayer = Layer{
	Name:          "clues",
	Description:   "Green Shield remote-sensing change clues, by status and priority (not public: as GET /api/v1/clues).",
	DescriptionZH: "绿盾遥感监测问题线索，按状态和优先级（不公开，权限同线索台账）",
	MinZoom:       0,
	MaxZoom:       16,
	Fields: map[string]string{
		"clue":        "Clue id (GET /api/v1/clues/{id})",
		"number":      "Clue number (batch, ordinal)",
		"status":      "new, assigned, case_opened, closed or linked",
		"priority":    "high, medium or low",
		"change_type": "construction, quarry_mine, road, farmland, hydropower, tourism_facility, deforestation or other",
		"reserve":     "Reserve code",
	},
	CacheControl: privateCache,
	sql: asMVT("clues", `
		SELECT c.id, c.id AS clue, c.number, c.status, c.priority, c.change_type, r.code AS reserve, `+mvtGeom("c.geom")+` AS geom
		FROM clue c
		LEFT JOIN reserve r ON r.id = c.reserve_id
		WHERE c.geom && `+filterBox+` AND `+scoped(4, "r.code", "''")+`
		ORDER BY c.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(c.geom) AS e FROM clue c LEFT JOIN reserve r ON r.id = c.reserve_id
			WHERE ` + scoped(1, "r.code", "''") + `) x
		WHERE e IS NOT NULL`,
}

// The violation cases, one point per case (its representative point; the
// filter is on violation_case_point, migrations/00006_case_tiles.sql), seen
// by the rule of GET /api/v1/cases: the reader's reserves.
var casesLayer = Layer{
	Name:          "cases",
	Description:   "Violation cases at their location, by status and severity (not public: as GET /api/v1/cases).",
	DescriptionZH: "违法违规问题（案件）位置，按状态和严重程度（不公开，权限同案件列表）",
	MinZoom:       0,
	MaxZoom:       16,
	Fields: map[string]string{
		"case":      "Case id (GET /api/v1/cases/{id}; the page /cases/{id})",
		"number":    "Case number (reserve code, year, sequence)",
		"status":    "reported, verified, dismissed, transferred, rectifying, interviewed, special_inspection, rectified or closed",
		"severity":  "high (criminal, or in a core zone), medium (buffer or general control zone) or low",
		"reserve":   "Reserve code",
		"opened_at": "When the case was registered, RFC 3339 UTC",
	},
	CacheControl: privateCache,
	sql: asMVT("cases", `
		SELECT c.id, c.id AS "case", c.number, c.status, case_severity(c.zone_kind, c.criminal) AS severity, r.code AS reserve,
			`+isoTime("c.reported_at")+` AS opened_at, `+pointGeom("c.point")+` AS geom
		FROM violation_case c
		JOIN reserve r ON r.id = c.reserve_id
		WHERE c.point && `+filterBox+` AND `+scoped(4, "r.code", "''")+`
		ORDER BY c.id`),
	boundsSQL: `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(c.point) AS e FROM violation_case c JOIN reserve r ON r.id = c.reserve_id
			WHERE ` + scoped(1, "r.code", "''") + `) x
		WHERE e IS NOT NULL`,
}
