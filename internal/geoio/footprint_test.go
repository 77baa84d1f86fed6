package geoio_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/problem/problemtest"
	"warden/internal/testcorpus"
)

// footprintSummary is one golden line: what a footprint file gave.
func footprintSummary(feats []geoio.Feature, err error) string {
	if err != nil {
		pe, _ := problem.As(err)
		s := fmt.Sprintf("refused %d %s", pe.Status, pe.Type)
		if len(pe.Problems) > 0 {
			p := pe.Problems[0]
			if p.Line > 0 {
				s += fmt.Sprintf(" line %d column %d", p.Line, p.Column)
			}
			s += ": " + p.Reason
		}
		return s
	}
	types := map[string]int{}
	vertices := 0
	for _, f := range feats {
		if f.Geometry == nil {
			types["null"]++
			continue
		}
		types[f.Geometry.GeoJSONType()]++
		vertices += len(points(f.Geometry))
	}
	var ts []string
	for k, n := range types {
		ts = append(ts, fmt.Sprintf("%s:%d", k, n))
	}
	slices.Sort(ts)
	return fmt.Sprintf("features=%d %s vertices=%d", len(feats), strings.Join(ts, ","), vertices)
}

// points lists a geometry's vertices.
func points(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch t := g.(type) {
	case orb.Point:
		out = append(out, t)
	case orb.MultiPoint:
		out = append(out, t...)
	case orb.LineString:
		out = append(out, t...)
	case orb.Ring:
		out = append(out, t...)
	case orb.MultiLineString:
		for _, l := range t {
			out = append(out, l...)
		}
	case orb.Polygon:
		for _, r := range t {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			out = append(out, points(p)...)
		}
	case orb.Collection:
		for _, c := range t {
			out = append(out, points(c)...)
		}
	}
	return out
}

// checkFootprint checks what ReadFootprint promises of features it returns.
func checkFootprint(t *testing.T, what string, feats []geoio.Feature, lonLat bool) {
	t.Helper()
	withGeom := 0
	for i, f := range feats {
		if f.Geometry == nil {
			continue
		}
		withGeom++
		pts := points(f.Geometry)
		if len(pts) == 0 {
			t.Errorf("%s: feature %d has an empty geometry", what, i)
		}
		for _, p := range pts {
			if lonLat && (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 || p != p) {
				t.Errorf("%s: feature %d: %v out of range", what, i, p)
			}
		}
		if pg, ok := f.Geometry.(orb.Polygon); ok {
			for _, r := range pg {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Errorf("%s: feature %d: ring not closed: %v", what, i, r)
				}
			}
		}
	}
	if withGeom == 0 {
		t.Errorf("%s: no feature has geometry", what)
	}
}

// TestReadFootprintCorpus reads every KML and GeoJSON file of the corpus as
// a footprint: each is read or refused with a clear problem; the outcomes are
// held by testdata/footprint_corpus.golden.
func TestReadFootprintCorpus(t *testing.T) {
	var files []string
	for _, rel := range corpusTree(t, "kml", "geojson", "protected_areas") {
		switch filepath.Ext(rel) {
		case ".kml", ".geojson", ".json":
			files = append(files, rel)
		}
	}
	var golden strings.Builder
	read, refused := map[string]int{}, map[string]int{}
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), rel))
		if err != nil {
			t.Fatal(err)
		}
		feats, err := geoio.ReadFootprint(filepath.Base(rel), data, geoio.FootprintOptions{})
		kind := strings.SplitN(rel, "/", 2)[0]
		if err != nil {
			clearProblem(t, err)
			refused[kind]++
		} else {
			checkFootprint(t, rel, feats, true)
			read[kind]++
		}
		fmt.Fprintf(&golden, "%s: %s\n", rel, footprintSummary(feats, err))
	}
	for _, k := range []string{"kml", "geojson", "protected_areas"} {
		t.Logf("%s: %d read, %d refused", k, read[k], refused[k])
	}
	checkGolden(t, "footprint_corpus.golden", golden.String())
}

func TestReadFootprintKML(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>project</name>
<Placemark id="site"><name>quarry</name><description>phase 1</description>
 <ExtendedData><Data name="developer"><value>某矿业公司</value></Data><SchemaData><SimpleData name="area_ha">12.5</SimpleData></SchemaData></ExtendedData>
 <Polygon><outerBoundaryIs><LinearRing><coordinates>88,31 88.1,31 88.1,31.1 88,31.1</coordinates></LinearRing></outerBoundaryIs>
  <innerBoundaryIs><LinearRing><coordinates>88.02,31.02 88.05,31.02 88.05,31.05 88.02,31.02</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>
<Placemark><name>road</name><LineString><coordinates>88,31 88.5,31.5</coordinates></LineString></Placemark>
<Placemark><MultiGeometry><Point><coordinates>88,31</coordinates></Point><Point><coordinates>88.2,31.2</coordinates></Point></MultiGeometry></Placemark>
<Placemark><MultiGeometry><Point><coordinates>88,31</coordinates></Point><LineString><coordinates>88,31 88.5,31.5</coordinates></LineString>
 <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>88,31 88.1,31 88.1,31.1 88,31</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></MultiGeometry></Placemark>
<Placemark><name>note only</name></Placemark>
</Document></kml>`
	feats, err := geoio.ReadFootprint("p.kml", []byte(doc), geoio.FootprintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 5 {
		t.Fatalf("%d features", len(feats))
	}
	poly, ok := feats[0].Geometry.(orb.Polygon)
	if !ok || len(poly) != 2 || len(poly[0]) != 5 || poly[0][0] != poly[0][4] || len(poly[1]) != 4 {
		t.Fatalf("polygon with hole (outer closed by the reader): %#v", feats[0].Geometry)
	}
	if feats[0].ID != "site" || feats[0].Properties["name"] != "quarry" || feats[0].Properties["description"] != "phase 1" ||
		feats[0].Properties["developer"] != "某矿业公司" || feats[0].Properties["area_ha"] != "12.5" {
		t.Fatalf("properties %v id %v", feats[0].Properties, feats[0].ID)
	}
	if _, ok := feats[1].Geometry.(orb.LineString); !ok {
		t.Fatalf("line %#v", feats[1].Geometry)
	}
	if mp, ok := feats[2].Geometry.(orb.MultiPoint); !ok || len(mp) != 2 {
		t.Fatalf("multi point %#v", feats[2].Geometry)
	}
	if c, ok := feats[3].Geometry.(orb.Collection); !ok || len(c) != 3 {
		t.Fatalf("collection %#v", feats[3].Geometry)
	}
	if feats[4].Geometry != nil || feats[4].Properties["name"] != "note only" {
		t.Fatalf("placemark without geometry %#v", feats[4])
	}

	t.Run("kmz", func(t *testing.T) {
		kmz := zipOf(t, map[string]string{"doc.kml": doc})
		feats, err := geoio.ReadFootprint("p.kmz", []byte(kmz), geoio.FootprintOptions{})
		if err != nil || len(feats) != 5 {
			t.Fatalf("%d features, %v", len(feats), err)
		}
	})
	t.Run("kmz with an entry outside the archive", func(t *testing.T) {
		for _, name := range []string{"../icon.png", "/etc/icon.png", `files\..\..\icon.png`} {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			for _, f := range [][2]string{{"doc.kml", doc}, {name, "x"}} {
				w, _ := zw.Create(f[0])
				_, _ = w.Write([]byte(f[1]))
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			_, err := geoio.ReadFootprint("p.kmz", b.Bytes(), geoio.FootprintOptions{})
			problemtest.Want(t, err, 422, "leaves the archive")
		}
	})
	t.Run("faults with line and column", func(t *testing.T) {
		bad := "<kml><Placemark><LineString><coordinates>\n  88,31 88.1,x\n  200,31</coordinates></LineString></Placemark></kml>"
		_, err := geoio.ReadFootprint("p.kml", []byte(bad), geoio.FootprintOptions{})
		pe := problemtest.Want(t, err, 422, `coordinate "88.1,x": "x" is not a number`, "longitude 200 is outside -180..180")
		if p := pe.Problems[0]; p.Line != 2 || p.Column != 9 || *p.Feature != 0 {
			t.Fatalf("first problem at %d:%d: %+v", p.Line, p.Column, p)
		}
		if p := pe.Problems[1]; p.Line != 3 || p.Column != 3 {
			t.Fatalf("second problem at %d:%d", p.Line, p.Column)
		}
	})
	t.Run("projected crs does not apply", func(t *testing.T) {
		_, err := geoio.ReadFootprint("p.kml", []byte(doc), geoio.FootprintOptions{CRS: 4515})
		problemtest.Want(t, err, 400, "longitude/latitude (WGS 84) by definition")
	})
	t.Run("too many vertices", func(t *testing.T) {
		_, err := geoio.ReadFootprint("p.kml", []byte(doc), geoio.FootprintOptions{MaxVertices: 10})
		problemtest.Want(t, err, 413, "vertices, more than the limit of 10")
	})
}

func TestReadFootprintWKT(t *testing.T) {
	tests := []struct {
		name, wkt string
		typ       string
		vertices  int
	}{
		{"point", "POINT (88 31)", "Point", 1},
		{"point z", "POINT Z (88 31 4700)", "Point", 1},
		{"point zm glued", "pointzm(88 31 4700 5)", "Point", 1},
		{"linestring", "LINESTRING(88 31, 88.1 31.1, 88.2 31.0)", "LineString", 3},
		{"polygon with hole", "POLYGON ((88 31, 88.1 31, 88.1 31.1, 88 31.1, 88 31), (88.02 31.02, 88.05 31.02, 88.05 31.05, 88.02 31.02))", "Polygon", 9},
		{"multipoint bare", "MULTIPOINT (88 31, 88.1 31.1)", "MultiPoint", 2},
		{"multipoint parens", "MULTIPOINT ((88 31), (88.1 31.1))", "MultiPoint", 2},
		{"multilinestring", "MULTILINESTRING ((88 31, 88.1 31.1), (89 31, 89.1 31.1))", "MultiLineString", 4},
		{"multipolygon", "MULTIPOLYGON (((88 31, 88.1 31, 88.1 31.1, 88 31)), ((89 31, 89.1 31, 89.1 31.1, 89 31)))", "MultiPolygon", 8},
		{"collection", "GEOMETRYCOLLECTION (POINT (88 31), LINESTRING (88 31, 89 32), GEOMETRYCOLLECTION (POINT (1 2)))", "GeometryCollection", 4},
		{"ewkt", "SRID=4326;POLYGON((88 31,88.1 31,88.1 31.1,88 31))", "Polygon", 4},
		{"pretty printed", "POLYGON (\n  (88 31,\n   88.1 31,\n   88.1 31.1,\n   88 31)\n)\n", "Polygon", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			feats, err := geoio.ReadFootprint("f.wkt", []byte(tc.wkt), geoio.FootprintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(feats) != 1 || feats[0].Geometry.GeoJSONType() != tc.typ || len(points(feats[0].Geometry)) != tc.vertices {
				t.Fatalf("got %s", footprintSummary(feats, nil))
			}
		})
	}
	t.Run("one per line", func(t *testing.T) {
		feats, err := geoio.ReadFootprint("lines.txt", []byte("POINT(88 31)\nLINESTRING(88 31,89 32)\n\nPOINT(89 32);\n"), geoio.FootprintOptions{})
		if err != nil || len(feats) != 3 || feats[2].Index != 2 {
			t.Fatalf("%s, %v", footprintSummary(feats, nil), err)
		}
	})
	refused := []struct {
		name, wkt string
		status    int
		line, col int
		fragment  string
	}{
		{"empty", "POLYGON EMPTY", 422, 1, 1, "POLYGON EMPTY: a footprint needs coordinates"},
		{"empty in collection", "GEOMETRYCOLLECTION (POINT (1 2), POINT EMPTY)", 422, 1, 34, "POINT EMPTY"},
		{"unclosed ring", "POLYGON ((88 31, 88.1 31, 88.1 31.1, 88 31.1))", 422, 1, 10, "not closed"},
		{"short ring", "POLYGON ((88 31, 88.1 31, 88 31))", 422, 1, 10, "at least 4 points"},
		{"short line", "LINESTRING (88 31)", 422, 1, 1, "at least 2 points"},
		{"out of range", "POINT (31 118)", 422, 1, 8, "latitude 118 is outside -90..90 (are longitude and latitude swapped?)"},
		{"syntax", "POLYGON ((88 31, 88.1 31,, 88 31))", 400, 1, 26, "expected a coordinate"},
		{"too many numbers", "POLYGON ((88 31, 88.1 31 1 2 3, 88 31))", 400, 1, 30, `expected ")", found "3"`},
		{"not a number", "POINT (88 3x)", 400, 1, 12, `expected ")"`},
		{"unsupported type", "CIRCULARSTRING (0 0, 1 1, 2 0)", 400, 1, 1, "CIRCULARSTRING is not a geometry type Warden reads"},
		{"not wkt", "hello", 400, 1, 1, "HELLO is not a geometry type"},
		{"wrong dimensions", "POINT Z (88 31)", 400, 1, 10, "the geometry's dimensions say 3"},
		{"srid mismatch", "SRID=4490;POINT (88 31)", 422, 0, 0, "send crs=EPSG:4490"},
		{"unknown srid", "SRID=3857;POINT (88 31)", 422, 1, 1, "SRID=3857 is not a CRS Warden accepts"},
		{"two srids", "SRID=4326;POINT (88 31)\nSRID=4490;POINT (88 31)", 422, 2, 1, "differs"},
		{"deep", strings.Repeat("GEOMETRYCOLLECTION(", 100) + "POINT(1 2)" + strings.Repeat(")", 100), 400, 1, 65*19 + 1, "nested more than 64 deep"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := geoio.ReadFootprint("f.wkt", []byte(tc.wkt), geoio.FootprintOptions{})
			pe := problemtest.Want(t, err, tc.status, tc.fragment)
			if tc.line > 0 {
				if p := pe.Problems[0]; p.Line != tc.line || p.Column != tc.col {
					t.Fatalf("at %d:%d, want %d:%d: %v", p.Line, p.Column, tc.line, tc.col, pe)
				}
			}
		})
	}
	t.Run("ewkt names the crs", func(t *testing.T) {
		feats, crs, err := geoio.ReadFootprintCRS("f.wkt", []byte("SRID=4490;POINT (88 31)"), geoio.FootprintOptions{})
		if err != nil || crs != geoio.CGCS2000 || len(feats) != 1 {
			t.Fatalf("%v %v %v", feats, crs, err)
		}
		if _, err := geoio.ReadFootprint("f.wkt", []byte("SRID=4490;POINT (88 31)"), geoio.FootprintOptions{CRS: geoio.CGCS2000}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("projected wkt is checked", func(t *testing.T) {
		// EPSG:4515: x is the easting with the zone prefix 27, y the northing.
		if _, err := geoio.ReadFootprint("f.wkt", []byte("POINT (27538039.95 3658643.18)"), geoio.FootprintOptions{CRS: 4515}); err != nil {
			t.Fatal(err)
		}
		_, err := geoio.ReadFootprint("f.wkt", []byte("POINT (3658643.18 27538039.95)"), geoio.FootprintOptions{CRS: 4515})
		problemtest.Want(t, err, 422, "swapped")
	})
}

func TestReadFootprintCSV(t *testing.T) {
	// CGCS2000 3-degree Gauss-Krüger zone 27 (EPSG:4515): a 500 m square near
	// X 3658643 (northing), Y 27538039 (easting, zone prefix 27).
	const gk = "点号,X,Y\nJ1,3658643.18,27538039.95\nJ2,3658643.18,27538539.95\nJ3,3659143.18,27538539.95\nJ4,3659143.18,27538039.95\nJ1,3658643.18,27538039.95\n"
	want := orb.Ring{{27538039.95, 3658643.18}, {27538539.95, 3658643.18}, {27538539.95, 3659143.18}, {27538039.95, 3659143.18}, {27538039.95, 3658643.18}}
	ring := func(t *testing.T, feats []geoio.Feature) orb.Ring {
		t.Helper()
		p, ok := feats[0].Geometry.(orb.Polygon)
		if len(feats) != 1 || !ok || len(p) != 1 {
			t.Fatalf("got %s", footprintSummary(feats, nil))
		}
		return p[0]
	}
	tests := []struct {
		name, csv, axis string
	}{
		{"survey convention X northing", gk, "X northing, Y easting (Chinese survey convention)"},
		{"X easting detected", "x,y\n27538039.95,3658643.18\n27538539.95,3658643.18\n27538539.95,3659143.18\n27538039.95,3659143.18\n", "x easting, y northing (detected"},
		{"named columns", "序号\t纵坐标(m)\t横坐标(m)\n1\t3658643.18\t27538039.95\n2\t3658643.18\t27538539.95\n3\t3659143.18\t27538539.95\n4\t3659143.18\t27538039.95\n", "纵坐标(m) northing, 横坐标(m) easting"},
		{"no header", "J1 3658643.18 27538039.95\nJ2 3658643.18 27538539.95\nJ3 3659143.18 27538539.95\nJ4 3659143.18 27538039.95\n", "2 northing, 3 easting"},
		{"full-width commas", "点号，X，Y\nJ1，3658643.18，27538039.95\nJ2，3658643.18，27538539.95\nJ3，3659143.18，27538539.95\nJ4，3659143.18，27538039.95\n", "X northing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			feats, err := geoio.ReadFootprint("site.csv", []byte(tc.csv), geoio.FootprintOptions{CRS: 4515})
			if err != nil {
				t.Fatal(err)
			}
			if got := ring(t, feats); !slices.Equal(got, want) {
				t.Fatalf("ring %v, want %v", got, want)
			}
			if a, _ := feats[0].Properties["axis_order"].(string); !strings.Contains(a, tc.axis) {
				t.Fatalf("axis_order %q, want %q", a, tc.axis)
			}
		})
	}
	t.Run("lon/lat", func(t *testing.T) {
		feats, err := geoio.ReadFootprint("site.csv", []byte("经度,纬度\n88°00'00\",31°00'00\"\n88.1,31\n88.1,31.1\n"), geoio.FootprintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ring(t, feats); !slices.Equal(got, orb.Ring{{88, 31}, {88.1, 31}, {88.1, 31.1}, {88, 31}}) {
			t.Fatalf("ring %v", got)
		}
	})
	t.Run("lon/lat X/Y swapped", func(t *testing.T) {
		feats, err := geoio.ReadFootprint("site.csv", []byte("X,Y\n31,118\n31,118.1\n31.1,118.1\n"), geoio.FootprintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ring(t, feats); got[0] != (orb.Point{118, 31}) {
			t.Fatalf("ring %v", got)
		}
	})
	t.Run("line and points", func(t *testing.T) {
		feats, err := geoio.ReadFootprint("road.csv", []byte(gk), geoio.FootprintOptions{CRS: 4515, Shape: "line"})
		if l, ok := feats[0].Geometry.(orb.LineString); err != nil || !ok || len(l) != 5 {
			t.Fatalf("line %v %v", feats, err)
		}
		feats, err = geoio.ReadFootprint("pylons.csv", []byte(gk), geoio.FootprintOptions{CRS: 4515, Shape: "points"})
		if err != nil || len(feats) != 5 || feats[1].Properties["point"] != "J2" || feats[1].Geometry != (orb.Point{27538539.95, 3658643.18}) {
			t.Fatalf("points %v %v", feats, err)
		}
	})
	t.Run("parts", func(t *testing.T) {
		doc := "地块,lon,lat\nA,88,31\nA,88.1,31\nA,88.1,31.1\nB,89,31\nB,89.1,31\nB,89.1,31.1\n"
		feats, err := geoio.ReadFootprint("parcels.csv", []byte(doc), geoio.FootprintOptions{})
		if mp, ok := feats[0].Geometry.(orb.MultiPolygon); err != nil || !ok || len(mp) != 2 {
			t.Fatalf("%v %v", feats, err)
		}
	})
	refused := []struct {
		name, csv string
		crs       geoio.CRS
		shape     string
		status    int
		fragments []string
	}{
		{"too few points", "lon,lat\n88,31\n88.1,31\n88,31\n", geoio.WGS84, "", 422, []string{"at least 3 different points, got 2"}},
		{"line too short", "lon,lat\n88,31\n", geoio.WGS84, "line", 422, []string{"at least 2 points, got 1"}},
		{"neither way plausible", "X,Y\n3658643.18,538039.95\n3658643.18,538539.95\n3659143.18,538539.95\n", 4515, "", 422, []string{"line 2", "does not start with the zone number 27", "Chinese survey convention"}},
		{"mixed orientation", "X,Y\n3658643.18,27538039.95\n27538539.95,3658643.18\n3659143.18,27538539.95\n", 4515, "", 422, []string{"line 3"}},
		{"bad value", "X,Y\n3658643.18,27538039.95\n3658643.18,2753853x\n3659143.18,27538539.95\n", 4515, "", 422, []string{`line 3: "2753853x" in column "Y" is not a coordinate`}},
		{"lon/lat with projected crs", "lon,lat\n88,31\n", 4515, "", 400, []string{"projected"}},
		{"northing with lon/lat crs", "northing,easting\n3658643,27538039\n", geoio.WGS84, "", 400, []string{"Gauss-Krüger"}},
		{"latitude out of range", "lon,lat\n88,31\n88.1,131\n88.1,31.1\n", geoio.WGS84, "", 422, []string{"line 3", "latitude 131 is outside -90..90"}},
		{"no coordinate columns", "name,area\nquarry,12\n", geoio.WGS84, "", 422, []string{"no coordinate columns", `"name", "area"`}},
		{"empty", "", geoio.WGS84, "", 422, []string{"the coordinate table is empty"}},
		{"header only", "lon,lat\n", geoio.WGS84, "", 422, []string{"no coordinate rows"}},
		{"bad shape", "lon,lat\n88,31\n", geoio.WGS84, "circle", 400, []string{"polygon, line or points"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := geoio.ReadFootprint("t.csv", []byte(tc.csv), geoio.FootprintOptions{CRS: tc.crs, Shape: tc.shape})
			problemtest.Want(t, err, tc.status, tc.fragments...)
		})
	}
}

func TestReadFootprintGeoJSON(t *testing.T) {
	doc := "\ufeff" + `{"type":"Feature","properties":{"name":"site"},"geometry":{"type":"Polygon","coordinates":[[[88,31],[88.1,31],[88.1,31.1],[88,31]]]}}`
	feats, err := geoio.ReadFootprint("site.geojson", []byte(doc), geoio.FootprintOptions{})
	if err != nil || len(feats) != 1 || feats[0].Properties["name"] != "site" {
		t.Fatalf("%v %v", feats, err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(doc))
	zw.Close()
	if feats, err := geoio.ReadFootprint("site.geojson.gz", gz.Bytes(), geoio.FootprintOptions{}); err != nil || len(feats) != 1 {
		t.Fatalf("gzip: %v %v", feats, err)
	}
	_, err = geoio.ReadFootprint("e.geojson", []byte(`{"type":"MultiPolygon","coordinates":[]}`), geoio.FootprintOptions{})
	problemtest.Want(t, err, 422, "MultiPolygon is empty")
	// Projected GeoJSON, as the zones API takes it, is checked for plausibility.
	gkDoc := `{"type":"Point","coordinates":[3658643.18,27538039.95]}`
	_, err = geoio.ReadFootprint("p.geojson", []byte(gkDoc), geoio.FootprintOptions{CRS: 4515})
	problemtest.Want(t, err, 422, "swapped")
	_, err = geoio.ReadFootprint("t.gpx", []byte(`<gpx><wpt lat="1" lon="2"/></gpx>`), geoio.FootprintOptions{})
	problemtest.Want(t, err, 415, "GPS track format", "GeoJSON, KML, KMZ, WKT")
}
