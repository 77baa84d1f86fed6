// Package geodata embeds the sample reserves that Warden loads into an empty
// database (see README.md in this folder for their sources and licences).
package geodata

import "embed"

// FS holds one folder per sample reserve: reserve.json, zones.geojson,
// markers.geojson and boundary.geojson.
//
//go:embed */*.json */*.geojson
var FS embed.FS
