// Package sampletest gives tests reserves to work on in a fresh database
// (testdb): the sample reserves of geodata/, loaded as `warden serve
// --sample` loads them (Qiangtang's current zoning is its two zones
// approved 2026-06-01), and two small synthetic ones whose zones are
// squares a test can reason about (squares, three zones; plateau, two). It
// is test support: only _test files import it, from packages whose
// TestMain calls testdb.Main.
package sampletest

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/geoio"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// New returns a pool on a fresh migrated database holding the samples, and
// what extras add to them (grid.Store.LoadSample, say).
func New(t testing.TB, extras ...sample.Extra) *pgxpool.Pool {
	t.Helper()
	pool := testdb.New(t)
	Load(t, pool, extras...)
	return pool
}

// Load loads the samples, then extras, into the database of pool, through
// stores of its own (as another process would: an engine the test started
// learns of them as of any other writer's).
func Load(t testing.TB, pool *pgxpool.Pool, extras ...sample.Extra) {
	t.Helper()
	if _, err := sample.LoadIfEmpty(t.Context(), zoning.NewStore(pool), markers.NewStore(pool), extras...); err != nil {
		t.Fatal(err)
	}
}

// SquaresZones is the zoning of the squares reserve: three nested squares
// centred on 100.05°E 30.05°N, core [100.04, 100.06] × [30.04, 30.06],
// buffer out to 0.03° from the centre, experimental out to 0.05°; as rings:
// experimental [100.00, 100.10]² minus the buffer's outer square
// [100.02, 100.08]², buffer that minus the core.
const SquaresZones = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"kind":"experimental"},"geometry":{"type":"Polygon","coordinates":[
  [[100.00,30.00],[100.10,30.00],[100.10,30.10],[100.00,30.10],[100.00,30.00]],
  [[100.02,30.02],[100.02,30.08],[100.08,30.08],[100.08,30.02],[100.02,30.02]]]}},
 {"type":"Feature","properties":{"kind":"buffer"},"geometry":{"type":"Polygon","coordinates":[
  [[100.02,30.02],[100.08,30.02],[100.08,30.08],[100.02,30.08],[100.02,30.02]],
  [[100.04,30.04],[100.04,30.06],[100.06,30.06],[100.06,30.04],[100.04,30.04]]]}},
 {"type":"Feature","properties":{"kind":"core"},"geometry":{"type":"Polygon","coordinates":[
  [[100.04,30.04],[100.06,30.04],[100.06,30.06],[100.04,30.06],[100.04,30.04]]]}}]}`

// PlateauZones is the zoning of the plateau reserve (two zones): a core
// protection zone [100.04, 100.06] × [30.04, 30.06] inside a general
// control zone out to [100.00, 100.10]².
const PlateauZones = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"kind":"general_control"},"geometry":{"type":"Polygon","coordinates":[
  [[100.00,30.00],[100.10,30.00],[100.10,30.10],[100.00,30.10],[100.00,30.00]],
  [[100.04,30.04],[100.04,30.06],[100.06,30.06],[100.06,30.04],[100.04,30.04]]]}},
 {"type":"Feature","properties":{"kind":"core_protection"},"geometry":{"type":"Polygon","coordinates":[
  [[100.04,30.04],[100.06,30.04],[100.06,30.06],[100.04,30.06],[100.04,30.04]]]}}]}`

// AddSquares stores the squares reserve (SquaresZones, a county reserve)
// in the database of pool.
func AddSquares(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	add(t, pool, zoning.ReserveInput{Code: "squares", NameEN: "Nested squares (test)", Level: "county", ZoningScheme: zoning.ThreeZone}, SquaresZones)
}

// AddPlateau stores the plateau reserve (PlateauZones, a national reserve)
// in the database of pool.
func AddPlateau(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	add(t, pool, zoning.ReserveInput{Code: "plateau", NameZH: "高原保护区", Level: "national", ZoningScheme: zoning.TwoZone}, PlateauZones)
}

// add creates the reserve in and stores zones, a GeoJSON FeatureCollection,
// as its current zoning.
func add(t testing.TB, pool *pgxpool.Pool, in zoning.ReserveInput, zones string) {
	t.Helper()
	zs := zoning.NewStore(pool)
	if _, err := zs.CreateReserve(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	feats, err := geoio.DecodeGeoJSON([]byte(zones), geoio.GeoJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zs.PutZones(t.Context(), in.Code, feats, zoning.VersionInput{}); err != nil {
		t.Fatal(err)
	}
}
