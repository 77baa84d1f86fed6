package tiles

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
// To add a layer (tracks, cases): write its query with these fragments, list
// it in Layers with its fields, and give it a style in web/src/layers.js.

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

// Layers lists the tile layers, in drawing order (lowest first).
func Layers() []Layer {
	return []Layer{zonesLayer, reservesLayer, markersLayer}
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
