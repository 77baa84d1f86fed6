package tiles_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"warden/internal/markers"
	"warden/internal/problem"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
	"warden/internal/tiles"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// withSample returns a store on a fresh database holding the sample reserves.
func withSample(t *testing.T) (*tiles.Store, *pgxpool.Pool) {
	t.Helper()
	pool := sampletest.New(t)
	return tiles.NewStore(pool), pool
}

func layer(t *testing.T, name string) tiles.Layer {
	t.Helper()
	l, err := tiles.Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// decode reads a tile that must hold exactly the one MVT layer named like l,
// with its coordinates projected back to lon/lat.
func decode(t *testing.T, l tiles.Layer, tile maptile.Tile, b []byte) *mvt.Layer {
	t.Helper()
	if b == nil {
		t.Fatalf("%s %v: empty tile", l.Name, tile)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("%s %v: not a vector tile: %v", l.Name, tile, err)
	}
	if len(ls) != 1 || ls[0].Name != l.Name {
		t.Fatalf("%s %v: layers %v, want one named %q", l.Name, tile, names(ls), l.Name)
	}
	if ls[0].Extent != 4096 || ls[0].Version != 2 {
		t.Errorf("%s: extent %d version %d, want 4096 and 2", l.Name, ls[0].Extent, ls[0].Version)
	}
	ls.ProjectToWGS84(tile)
	return ls[0]
}

// onlyFeature fetches and decodes a tile of l that must hold exactly one
// feature, and returns it.
func onlyFeature(t *testing.T, s *tiles.Store, l tiles.Layer, tile maptile.Tile) *geojson.Feature {
	t.Helper()
	got := decode(t, l, tile, get(t, s, l, tile))
	if len(got.Features) != 1 {
		t.Fatalf("%d %s features in %v, want 1", len(got.Features), l.Name, tile)
	}
	return got.Features[0]
}

func names(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

func get(t *testing.T, s *tiles.Store, l tiles.Layer, tile maptile.Tile) []byte {
	t.Helper()
	return getFor(t, s, l, tile, tiles.Scope{AllReserves: true})
}

// getFor fetches a tile as a reader of scope sc sees it.
func getFor(t *testing.T, s *tiles.Store, l tiles.Layer, tile maptile.Tile, sc tiles.Scope) []byte {
	t.Helper()
	b, err := s.Tile(t.Context(), l, tiles.TileID{Z: int(tile.Z), X: int(tile.X), Y: int(tile.Y)}, sc)
	if err != nil {
		t.Fatalf("%s %v: %v", l.Name, tile, err)
	}
	return b
}

// Qiangtang spans about 80-91°E, 32-36.4°N: at zoom 4 it lies in tile 4/11/6.
var qiangtangZ4 = maptile.At(orb.Point{86, 34.5}, 4)

// TestZoneTiles decodes zone tiles of the sample reserves and checks their
// features and properties against the database: every zone kind of
// Qiangtang is there with its reserve, version, name and area, each feature
// id is the zone's id, and each zone's PostGIS point on surface falls inside
// its decoded polygon (so the geometry is the zone's, in the right place).
func TestZoneTiles(t *testing.T) {
	s, pool := withSample(t)
	l := layer(t, "zones")
	ctx := t.Context()

	type zone struct {
		id      uint64
		kind    string
		reserve string
		version float64
		name    string
		areaHa  float64
		inside  orb.Point
	}
	want := map[uint64]zone{}
	rows, err := pool.Query(ctx, `
		SELECT z.id, z.kind, r.code, v.version, z.name, z.area_ha, ST_X(ST_PointOnSurface(z.geom)), ST_Y(ST_PointOnSurface(z.geom))
		FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var z zone
		if err := rows.Scan(&z.id, &z.kind, &z.reserve, &z.version, &z.name, &z.areaHa, &z.inside[0], &z.inside[1]); err != nil {
			t.Fatal(err)
		}
		want[z.id] = z
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 {
		t.Fatalf("the sample has %d Qiangtang zones now, want 2", len(want))
	}

	got := decode(t, l, qiangtangZ4, get(t, s, l, qiangtangZ4))
	var kinds []string
	for _, f := range got.Features {
		fid, ok := f.ID.(float64) // orb decodes MVT ids as float64
		id := uint64(fid)
		w, known := want[id]
		if !ok || !known {
			t.Errorf("feature id %v (%T) is not a Qiangtang zone id", f.ID, f.ID)
			continue
		}
		p := f.Properties
		if p["kind"] != w.kind || p["reserve"] != w.reserve || p["version"] != w.version || p["name"] != w.name {
			t.Errorf("zone %d: properties %v, want kind %s reserve %s version %v name %q", id, p, w.kind, w.reserve, w.version, w.name)
		}
		if a, _ := p["area_ha"].(float64); math.Abs(a-w.areaHa) > 0.051 {
			t.Errorf("zone %d: area_ha %v, want %.1f", id, p["area_ha"], w.areaHa)
		}
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if pg, isPoly := f.Geometry.(orb.Polygon); isPoly {
			mp, ok = orb.MultiPolygon{pg}, true
		}
		if !ok {
			t.Errorf("zone %d: geometry is a %s, want a polygon", id, f.Geometry.GeoJSONType())
			continue
		}
		if !planar.MultiPolygonContains(mp, w.inside) {
			t.Errorf("zone %d (%s): its point on surface %v is not inside the tile's polygon", id, w.kind, w.inside)
		}
		kinds = append(kinds, w.kind)
		delete(want, id)
	}
	sort.Strings(kinds)
	if fmt.Sprint(kinds) != "[core_protection general_control]" {
		t.Errorf("zone kinds in tile %v: %v, want the current zoning's core_protection, general_control", qiangtangZ4, kinds)
	}
	if len(want) > 0 {
		t.Errorf("zones missing from tile %v: %v", qiangtangZ4, want)
	}
}

// TestZoneTilesEveryZoom walks down from zoom 3 to 14 along a point on the
// boundary between Qiangtang's general control and core protection zones
// (its current, two-zone zoning): each tile
// decodes, holds only zones that are there, and is the same bytes when asked
// again (stable ETags).
func TestZoneTilesEveryZoom(t *testing.T) {
	s, pool := withSample(t)
	l := layer(t, "zones")
	var p orb.Point
	if err := pool.QueryRow(t.Context(), `
		SELECT ST_X(g), ST_Y(g) FROM (
			SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(z.geom, 1)), 1) AS g
			FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current JOIN reserve r ON r.id = z.reserve_id
			WHERE r.code = 'qiangtang' AND z.kind = 'core_protection') s`).Scan(&p[0], &p[1]); err != nil {
		t.Fatal(err)
	}
	for z := maptile.Zoom(3); z <= 14; z++ {
		tile := maptile.At(p, z)
		b := get(t, s, l, tile)
		got := decode(t, l, tile, b)
		kinds := map[any]bool{}
		for _, f := range got.Features {
			kinds[f.Properties["kind"]] = true
		}
		if !kinds["core_protection"] || !kinds["general_control"] {
			t.Errorf("z%d %v: not both zones in a tile on their boundary (kinds %v)", z, tile, kinds)
		}
		if again := get(t, s, l, tile); string(again) != string(b) {
			t.Errorf("z%d: the same tile asked twice gives different bytes", z)
		}
	}
}

// TestReserveTiles: the outline layer has one feature per reserve, the union
// of its zones, with the reserve's attributes.
func TestReserveTiles(t *testing.T) {
	s, pool := withSample(t)
	l := layer(t, "reserves")
	var ext orb.Bound
	if err := pool.QueryRow(t.Context(), `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(z.geom) AS e FROM zone z JOIN reserve r ON r.id = z.reserve_id WHERE r.code = 'qiangtang') s`).
		Scan(&ext.Min[0], &ext.Min[1], &ext.Max[0], &ext.Max[1]); err != nil {
		t.Fatal(err)
	}
	// Tile 1/1/0 (0-180°E, 0-85°N) holds all of both reserves (tiles at zoom
	// 2-4 cut Qiangtang at 90°E).
	whole := maptile.At(orb.Point{86, 34.5}, 1)
	got := decode(t, l, whole, get(t, s, l, whole))
	byCode := map[any]*geojson.Feature{}
	for _, f := range got.Features {
		byCode[f.Properties["code"]] = f
	}
	f := byCode["qiangtang"]
	if len(got.Features) != 2 || f == nil || byCode["alt-pirineu"] == nil {
		t.Fatalf("reserve features in %v: %v, want qiangtang and alt-pirineu", whole, got.Features)
	}
	p := f.Properties
	if p["name_zh"] != "西藏羌塘国家级自然保护区" || p["name_en"] != "Qiangtang National Nature Reserve" ||
		p["level"] != "national" || p["illustrative"] != true {
		t.Errorf("reserve properties %v", p)
	}
	// The union has no inner rings (the zones tile the reserve), and it
	// covers the zones: its bound is theirs, to two tile units (snapping and
	// simplification each move a vertex up to half a unit: 0.022° at z1).
	mp, ok := f.Geometry.(orb.MultiPolygon)
	if pg, isPoly := f.Geometry.(orb.Polygon); isPoly {
		mp, ok = orb.MultiPolygon{pg}, true
	}
	if !ok {
		t.Fatalf("reserve geometry is a %s, want a polygon", f.Geometry.GeoJSONType())
	}
	for _, pg := range mp {
		if len(pg) != 1 {
			t.Errorf("the outline has %d rings in a polygon, want 1 (the zones tile the reserve)", len(pg))
		}
	}
	b := mp.Bound()
	for i, d := range []float64{b.Min[0] - ext.Min[0], b.Min[1] - ext.Min[1], b.Max[0] - ext.Max[0], b.Max[1] - ext.Max[1]} {
		if math.Abs(d) > 0.088 {
			t.Errorf("outline bound %v, the zones' extent %v: coordinate %d differs by %.4f°", b, ext, i, d)
		}
	}

	// Alt Pirineu's zones have holes that no zone fills: they stay holes.
	ap := maptile.At(orb.Point{1.2, 42.5}, 8)
	got = decode(t, l, ap, get(t, s, l, ap))
	if len(got.Features) != 1 || got.Features[0].Properties["code"] != "alt-pirineu" {
		t.Fatalf("reserve features in %v: %v", ap, got.Features)
	}
}

// TestMarkerTiles: every Qiangtang marker is in the tile, at its place, with
// its code, kind, status and reserve.
func TestMarkerTiles(t *testing.T) {
	s, pool := withSample(t)
	l := layer(t, "markers")
	ms, err := markers.NewStore(pool).List(t.Context(), "qiangtang", markers.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 40 {
		t.Fatalf("%d sample markers, want 40", len(ms))
	}
	const z = 6
	seen := 0
	for _, tile := range tilesOf(ms, z) {
		got := decode(t, l, tile, get(t, s, l, tile))
		for _, f := range got.Features {
			fid, _ := f.ID.(float64)
			id := int64(fid)
			var m *markers.Marker
			for i := range ms {
				if ms[i].ID == id {
					m = &ms[i]
				}
			}
			if m == nil {
				t.Errorf("feature id %v is not a Qiangtang marker", f.ID)
				continue
			}
			p := f.Properties
			if p["code"] != m.Code || p["kind"] != m.Kind || p["status"] != m.Status || p["reserve"] != "qiangtang" {
				t.Errorf("marker %d: properties %v, want code %s kind %s status %s", id, p, m.Code, m.Kind, m.Status)
			}
			pt, ok := f.Geometry.(orb.Point)
			// One tile unit at zoom 6 is 360/64/4096 ≈ 0.0014° of longitude.
			if !ok || math.Abs(pt[0]-m.Lon) > 0.0015 || math.Abs(pt[1]-m.Lat) > 0.0015 {
				t.Errorf("marker %s: at %v in the tile, stored at %v, %v", m.Code, f.Geometry, m.Lon, m.Lat)
			}
			if tile == maptile.At(orb.Point{m.Lon, m.Lat}, z) {
				seen++
			}
		}
	}
	if seen != len(ms) {
		t.Errorf("%d of %d markers found in their own tiles", seen, len(ms))
	}
}

// tilesOf lists the tiles at zoom z that hold the markers.
func tilesOf(ms []markers.Marker, z maptile.Zoom) []maptile.Tile {
	set := map[maptile.Tile]bool{}
	for _, m := range ms {
		set[maptile.At(orb.Point{m.Lon, m.Lat}, z)] = true
	}
	var out []maptile.Tile
	for tile := range set {
		out = append(out, tile)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Quadkey() < out[j].Quadkey() })
	return out
}

// TestEmptyTiles: tiles far from any data, and every layer of an empty
// database, answer nil (the API sends 204). The sample has no tracks, so
// the non-public layers are empty there too.
func TestEmptyTiles(t *testing.T) {
	s, _ := withSample(t)
	empty := tiles.NewStore(testdb.New(t))
	pacific := maptile.At(orb.Point{-150, 0}, 5)
	all := tiles.Scope{AllReserves: true}
	for _, l := range tiles.Layers() {
		if b := get(t, s, l, pacific); b != nil {
			t.Errorf("%s %v: %d bytes, want an empty tile", l.Name, pacific, len(b))
		}
		if b := get(t, empty, l, qiangtangZ4); b != nil {
			t.Errorf("%s: %d bytes from an empty database", l.Name, len(b))
		}
		bb, err := empty.Bounds(t.Context(), l, all)
		if err != nil || bb != nil {
			t.Errorf("%s: bounds of an empty database %v, %v; want nil", l.Name, bb, err)
		}
		bb, err = s.Bounds(t.Context(), l, all)
		if !l.Public || l.Name == "basemap" { // the sample has no tracks, and no base map is loaded here
			if err != nil || bb != nil {
				t.Errorf("%s: bounds %v, %v; want none", l.Name, bb, err)
			}
			continue
		}
		if err != nil || len(bb) != 4 || bb[0] > 1.2 || bb[2] < 90.7 {
			t.Errorf("%s: bounds %v, %v; want both sample reserves", l.Name, bb, err)
		}
	}
}

// TestParseTile: z/x/y outside the grid are 400 problems naming the fault.
func TestParseTile(t *testing.T) {
	for _, c := range []struct{ z, x, y, fault string }{
		{"0", "0", "0", ""},
		{"22", "4194303", "4194303", ""},
		{"4", "11", "6", ""},
		{"-1", "0", "0", "z must be between 0 and 22"},
		{"23", "0", "0", "z must be between 0 and 22"},
		{"a", "0", "0", "z must be a whole number"},
		{"+1", "0", "0", "z must be a whole number"},
		{"1.5", "0", "0", "z must be a whole number"},
		{"4", "16", "0", "x must be between 0 and 15"},
		{"4", "0", "16", "y must be between 0 and 15"},
		{"4", "-1", "0", "x must be between 0 and 15"},
		{"4", "0", "", "y must be a whole number"},
		{"30", "99999999999999999999", "0", "z must be between 0 and 22"},
	} {
		_, err := tiles.ParseTile(c.z, c.x, c.y)
		if c.fault == "" {
			if err != nil {
				t.Errorf("%s/%s/%s: %v", c.z, c.x, c.y, err)
			}
			continue
		}
		p, ok := problem.As(err)
		if !ok || p.Status != 400 || p.Type != "invalid-tile" || !strings.Contains(p.Detail, c.fault) {
			t.Errorf("%s/%s/%s: %v, want a 400 saying %q", c.z, c.x, c.y, err, c.fault)
		}
	}
}

// TestLayersWellFormed: every layer is findable, has fields and a zoom range,
// is public or cached privately, and an unknown one is a 404 naming the
// layers there are.
func TestLayersWellFormed(t *testing.T) {
	public := map[string]bool{}
	for _, l := range tiles.Layers() {
		if got, err := tiles.Find(l.Name); err != nil || got.Name != l.Name {
			t.Errorf("Find(%q): %v", l.Name, err)
		}
		if len(l.Fields) == 0 || l.MinZoom > l.MaxZoom || l.MaxZoom > tiles.MaxZoom || l.CacheControl == "" {
			t.Errorf("layer %s is incomplete: %+v", l.Name, l)
		}
		if strings.HasPrefix(l.CacheControl, "public") != l.Public {
			t.Errorf("layer %s: public %v with Cache-Control %q", l.Name, l.Public, l.CacheControl)
		}
		public[l.Name] = l.Public
		tj := l.TileJSON("http://h/tiles", nil)
		if tj.Tiles[0] != "http://h/tiles/"+l.Name+"/{z}/{x}/{y}.mvt" || tj.VectorLayers[0].ID != l.Name {
			t.Errorf("TileJSON of %s: %+v", l.Name, tj)
		}
	}
	if want := map[string]bool{"basemap": true, "zones": true, "reserves": true, "markers": true, "tracks": false, "observations": false, "cases": false, "clues": false}; !maps.Equal(public, want) {
		t.Errorf("layers (name: public) %v, want %v", public, want)
	}
	_, err := tiles.Find("nope")
	if p, ok := problem.As(err); !ok || p.Status != 404 || !strings.Contains(p.Detail, "zones, reserves, markers, tracks, observations, cases, clues, basemap") {
		t.Errorf("Find(nope): %v", err)
	}
	if _, err := tiles.NewStore(nil).Tile(context.Background(), tiles.Layer{MinZoom: 5}, tiles.TileID{Z: 4}, tiles.Scope{}); err != nil {
		t.Errorf("a tile below the layer's zoom range: %v, want empty", err)
	}
}
