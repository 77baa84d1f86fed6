// Package geodata embeds the sample reserves that Warden loads into an empty
// database (see README.md in this folder for their sources and licences).
package geodata

import "embed"

// FS holds one folder per sample reserve: reserve.json, zones.geojson,
// markers.geojson and boundary.geojson. The folders are named, so that
// examples/ (the README's example files, not a reserve) stays out.
//
//go:embed qiangtang/*.json qiangtang/*.geojson alt-pirineu/*.json alt-pirineu/*.geojson
var FS embed.FS

// NaturalEarth is the offline base map: Natural Earth 1:50m land, ocean,
// lakes, rivers, countries and first-order divisions as one TopoJSON file
// (naturalearth/README.md says where it comes from; public domain).
//
//go:embed naturalearth/world_50m.json
var NaturalEarth []byte

// Admin1 is Natural Earth's 1:10m first-order divisions of China, Spain and
// Andorra (the countries of the sample reserves), which the 1:50m file lacks,
// as GeoJSON with each division's Natural Earth name and country; and
// Admin1Names their names as the base map labels them, in English and Chinese
// (naturalearth/README.md says where both come from).
//
//go:embed naturalearth/admin1_10m.geojson
var Admin1 []byte

//go:embed naturalearth/admin1_names.csv
var Admin1Names []byte

// Places is GeoNames' populated places that have a Chinese name, as CSV of
// country (ISO 3166-1 alpha-2), name_en, name_zh, lon, lat and population
// (places/README.md says where it comes from; CC BY 4.0).
//
//go:embed places/places.csv
var Places []byte
