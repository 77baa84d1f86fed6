package geoio_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/testcorpus"
)

// testCorpusFiles lists the files matching glob (relative to the corpus), sorted,
// and fails if there are none.
func testCorpusFiles(tb testing.TB, glob string) []string {
	tb.Helper()
	root := testcorpus.Dir(tb)
	m, err := filepath.Glob(filepath.Join(root, glob))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, f := range m {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no corpus files match %s under %s", glob, root)
	}
	sort.Strings(out)
	return out
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// problemOf checks err is a *problem.Error fit to show a user: status 400 or
// 422, a detail, and at least one problem, each with a reason.
func problemOf(t testing.TB, err error) *problem.Error {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T, not a *problem.Error: %v", err, err)
	}
	if pe.Status != 400 && pe.Status != 422 {
		t.Fatalf("status %d, want 400 or 422: %v", pe.Status, pe)
	}
	if pe.Detail == "" || len(pe.Problems) == 0 {
		t.Fatalf("problem without detail or problems: %#v", pe)
	}
	for i, p := range pe.Problems {
		if strings.TrimSpace(p.Reason) == "" {
			t.Fatalf("problem %d has no reason: %#v", i, pe)
		}
	}
	if pe.Status == 400 && pe.Problems[0].Line == 0 {
		t.Fatalf("malformed JSON without a line: %#v", pe.Problems[0])
	}
	return pe
}

// problemReasons joins every problem's reason, for matching fragments.
func problemReasons(pe *problem.Error) string {
	var b strings.Builder
	for _, p := range pe.Problems {
		b.WriteString(p.Reason)
		b.WriteString("\n")
	}
	return b.String()
}

// checkDecoded checks what DecodeGeoJSON promises of a successful decode.
func checkDecoded(t testing.TB, feats []geoio.Feature, projected bool) {
	t.Helper()
	for i, f := range feats {
		if f.Geometry == nil {
			continue
		}
		if reason := checkGeometry(f.Geometry, projected); reason != "" {
			t.Fatalf("feature %d: %s: %#v", i, reason, f.Geometry)
		}
	}
}

// firstFault is the first fault check finds in xs, or "" if none.
func firstFault[T any](xs []T, check func(T) string) string {
	for _, x := range xs {
		if r := check(x); r != "" {
			return r
		}
	}
	return ""
}

// checkGeometry is the first fault of g a decoder must never let through
// (non-finite or, unless projected, out-of-range positions, short lines and
// rings, open rings, nil members), or "".
func checkGeometry(g orb.Geometry, projected bool) string {
	pt := func(p orb.Point) string {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return fmt.Sprintf("non-finite position %v", p)
		}
		if !projected && (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) {
			return fmt.Sprintf("position %v out of lon/lat range", p)
		}
		return ""
	}
	line := func(l orb.LineString) string {
		if len(l) < 2 {
			return fmt.Sprintf("line of %d positions", len(l))
		}
		return firstFault(l, pt)
	}
	poly := func(p orb.Polygon) string {
		if len(p) == 0 {
			return "polygon without rings"
		}
		return firstFault(p, func(r orb.Ring) string {
			if len(r) < 4 {
				return fmt.Sprintf("ring of %d positions", len(r))
			}
			if r[0] != r[len(r)-1] {
				return "ring not closed"
			}
			return line(orb.LineString(r))
		})
	}
	switch g := g.(type) {
	case orb.Point:
		return pt(g)
	case orb.MultiPoint:
		return firstFault(g, pt)
	case orb.LineString:
		return line(g)
	case orb.MultiLineString:
		return firstFault(g, line)
	case orb.Polygon:
		return poly(g)
	case orb.MultiPolygon:
		return firstFault(g, poly)
	case orb.Collection:
		return firstFault(g, func(e orb.Geometry) string {
			if e == nil {
				return "nil member in a GeometryCollection"
			}
			return checkGeometry(e, projected)
		})
	default:
		return fmt.Sprintf("unexpected geometry type %T", g)
	}
}

// Deliberate leniencies: files geojsonhint calls bad that Warden accepts, and why.
var hintLenient = map[string]string{
	"polygon_winding_order.geojson":         "RFC 7946 §3.1.6: parsers SHOULD NOT reject polygons by winding order",
	"bad-polygon-interiorring-rhr.geojson":  "RFC 7946 §3.1.6: winding of interior rings is not a reason to reject",
	"excessive_precision_truncated.geojson": "excess coordinate precision is not an error",
	"geometrycollection_single.geojson":     "RFC 7946 §3.1.8: a single-member GeometryCollection SHOULD be avoided, not MUST NOT",
	"geometrycollection_nested.geojson":     "RFC 7946 §3.1.8: nested GeometryCollections SHOULD be avoided, not MUST NOT",
}

// Deliberate strictness: files geojsonhint calls good that Warden refuses.
var hintStrict = map[string]string{
	// Structurally valid, but its coordinates (lat -107 .. -141, lon -259 ..)
	// are not WGS 84 lon/lat, which RFC 7946 §4 requires; geojsonhint does not
	// check ranges.
	"issue82.geojson": "latitude -107.20901451037372 is outside -90..90",
}

type hintBad struct {
	status    int
	fragments []string // each must appear in some problem's reason
	problems  int      // exact number of problems, when not 0
	line      int      // line of the first problem, when not 0
}

var hintBadFiles = map[string]hintBad{
	"bad-duplicate-properties.geojson":            {status: 400, fragments: []string{`"type" appears twice`}, line: 3},
	"bad-featurelist.geojson":                     {status: 422, fragments: []string{"coordinates[0]: expected an array of positions, got a number"}},
	"bad-json.geojson":                            {status: 400, fragments: []string{"invalid character"}, line: 3},
	"bad-object-type.geojson":                     {status: 422, fragments: []string{"type: must be a string, got an object"}},
	"bad-polygonloop.geojson":                     {status: 422, fragments: []string{"geometry.coordinates[0][0]: a position must be an array of numbers"}},
	"bad-properties-as-array.geojson":             {status: 422, fragments: []string{"properties: must be an object or null, got an array"}},
	"badcoord.geojson":                            {status: 422, fragments: []string{"coordinates[2]: a coordinate must be a number, got a string"}},
	"badcoordtype.geojson":                        {status: 422, fragments: []string{"features[0].geometry.coordinates[0][0][0]: a position must be an array"}},
	"badfeature.geojson":                          {status: 422, fragments: []string{"features[0]: a feature must be an object, got null"}},
	"badfeatureid.geojson":                        {status: 422, fragments: []string{"features[0].id: must be a string or a number"}},
	"bbox-4or6elements.geojson":                   {status: 422, fragments: []string{"bbox: must have 4 or 6 numbers", "got 3"}},
	"bbox-contains-string.geojson":                {status: 422, fragments: []string{"bbox[3]: must be a number, got a string"}},
	"bbox-string.geojson":                         {status: 422, fragments: []string{"bbox: must be an array of numbers, got a string"}},
	"different-first-last.geojson":                {status: 422, fragments: []string{"coordinates[0]: linear ring is not closed"}},
	"different-first-size.geojson":                {status: 422, fragments: []string{"coordinates[1][0]", "not closed"}},
	"expected_object.geojson":                     {status: 422, fragments: []string{"properties: must be an object or null, got a number"}},
	"false.geojson":                               {status: 422, fragments: []string{"geometries[0]: a geometry must be an object, got a boolean"}},
	"feature_changed_semantics.geojson":           {status: 422, fragments: []string{`a Feature must not have a "coordinates" member (RFC 7946 §7.1)`, `"features" member`}, problems: 2},
	"featurecollection-obj.geojson":               {status: 422, fragments: []string{"features: must be an array of features, got an object"}},
	"featurecollection-type-case.geojson":         {status: 422, fragments: []string{"case-sensitive", `did you mean "FeatureCollection"`}},
	"featurecollection.geojson":                   {status: 422, fragments: []string{`a FeatureCollection needs a "features" member`}},
	"featurecollection_changed_semantics.geojson": {status: 422, fragments: []string{`a FeatureCollection must not have a "coordinates" member (RFC 7946 §7.1)`, `"properties" member`}, problems: 2},
	"geometry_changed_semantics.geojson":          {status: 422, fragments: []string{"RFC 7946 §7.1", `"features" member`, `"geometry" member`, `"properties" member`}, problems: 3},
	"multiple_problems.geojson":                   {status: 422, fragments: []string{"features[0].id", "features[0].geometry.coordinates[1]: a coordinate must be a number", `features[2].type: unknown type "Foo"`, `features[3].type`}, problems: 4},
	"multipoint-multidimension.geojson":           {status: 422, fragments: []string{"coordinates[0][0]: a coordinate must be a number, got an array"}},
	"multipoint-nondimension.geojson":             {status: 422, fragments: []string{"coordinates[0]: a position must be an array of numbers"}},
	"nofeaturetype.geojson":                       {status: 422, fragments: []string{`features[0].type: unknown type "Featre"`}},
	"notype.geojson":                              {status: 422, fragments: []string{`missing the "type" member`}},
	"point-labeled-as-a-multipolygon.geojson":     {status: 422, fragments: []string{"geometry.coordinates[0]: expected an array of linear rings, got a number"}},
	"point-string.geojson":                        {status: 422, fragments: []string{"coordinates[0]: a coordinate must be a number, got a string"}},
	"point-toofew.geojson":                        {status: 422, fragments: []string{"at least two numbers", "got 1"}},
	"point-toomany.geojson":                       {status: 422, fragments: []string{"at most three numbers", "got 4"}},
	"point.geojson":                               {status: 422, fragments: []string{`a Point needs a "coordinates" member`}},
	"rootstring.geojson":                          {status: 422, fragments: []string{"must be a JSON object, got null"}},
	"short-line.geojson":                          {status: 422, fragments: []string{"a line needs at least 2 positions, got 1"}},
	"short-linearring.geojson":                    {status: 422, fragments: []string{"a linear ring needs at least 4 positions", "got 3"}},
	"short-multilinestring.geojson":               {status: 422, fragments: []string{"coordinates[1]: a line needs at least 2 positions, got 1"}},
	"stringcoord.geojson":                         {status: 422, fragments: []string{"features[0].geometry.coordinates[1]: a coordinate must be a number, got a string"}},
	"unknowntype.geojson":                         {status: 422, fragments: []string{`unknown type "FooBar"`, "expected one of FeatureCollection, Feature, Point"}},
}

// TestGeoJSONHintCorpus reads every file of geojsonhint's good and bad sets:
// good ones decode, bad ones are refused with a reason naming the fault, except
// the documented leniencies.
func TestGeoJSONHintCorpus(t *testing.T) {
	type goodCheck struct {
		types []string // geometry type per feature, "" for null
		check func(t *testing.T, feats []geoio.Feature)
	}
	goodChecks := map[string]goodCheck{
		"good-featurecollection.geojson":            {types: []string{"Point", "LineString", "Polygon"}},
		"good-featurecollection-extensions.geojson": {types: []string{"Point", "LineString", "Polygon"}},
		"good-featurecollection-bbox3d.geojson":     {types: []string{"Point", "Point"}},
		"good-geometrycollection.geojson": {types: []string{"GeometryCollection"}, check: func(t *testing.T, feats []geoio.Feature) {
			c := feats[0].Geometry.(orb.Collection)
			if len(c) != 2 || c[0].GeoJSONType() != "Point" || c[1].GeoJSONType() != "LineString" {
				t.Fatalf("collection: %#v", c)
			}
		}},
		"good-feature-with-id.geojson": {types: []string{"Point"}, check: func(t *testing.T, feats []geoio.Feature) {
			if feats[0].ID != 100.0 || feats[0].Properties["prop0"] != "value0" {
				t.Fatalf("id %#v, properties %v", feats[0].ID, feats[0].Properties)
			}
		}},
		"good-feature-with-string-id.geojson": {types: []string{"Point"}, check: func(t *testing.T, feats []geoio.Feature) {
			if feats[0].ID != "myfeature" {
				t.Fatalf("id %#v", feats[0].ID)
			}
		}},
		"good-point-3d.geojson": {types: []string{"Point"}, check: func(t *testing.T, feats []geoio.Feature) {
			if p := feats[0].Geometry.(orb.Point); p != (orb.Point{100, 0}) {
				t.Fatalf("point %v (the elevation should be dropped)", p)
			}
		}},
		"multipolygon.geojson": {types: []string{"MultiPolygon"}},
		"nullgeometry.geojson": {types: []string{""}},
		"nullproperties.geojson": {types: []string{"Point"}, check: func(t *testing.T, feats []geoio.Feature) {
			if feats[0].Properties != nil {
				t.Fatalf("properties %v, want none", feats[0].Properties)
			}
		}},
		"good-polygon.geojson": {types: []string{"Polygon"}},
	}
	good := testCorpusFiles(t, "geojson/geojsonhint/good/*.geojson")
	var accepted, refused []string
	for _, path := range good {
		name := filepath.Base(path)
		t.Run("good/"+name, func(t *testing.T) {
			feats, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{})
			if frag, strict := hintStrict[name]; strict {
				if err == nil {
					t.Fatalf("accepted; expected the documented refusal %q", frag)
				}
				pe := problemOf(t, err)
				if !strings.Contains(problemReasons(pe), frag) {
					t.Fatalf("refused, but not with %q: %v", frag, pe)
				}
				// The structure is sound: read as projected metres it decodes.
				if _, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{Projected: true}); err != nil {
					t.Fatalf("without the lon/lat range check: %v", err)
				}
				refused = append(refused, name)
				return
			}
			if err != nil {
				t.Fatalf("good file refused: %v", err)
			}
			checkDecoded(t, feats, false)
			accepted = append(accepted, name)
			c, ok := goodChecks[name]
			if !ok {
				return
			}
			var types []string
			for _, f := range feats {
				if f.Geometry == nil {
					types = append(types, "")
				} else {
					types = append(types, f.Geometry.GeoJSONType())
				}
			}
			if !slices.Equal(types, c.types) {
				t.Fatalf("geometry types %q, want %q", types, c.types)
			}
			if c.check != nil {
				c.check(t, feats)
			}
		})
	}
	if len(good) < 18 {
		t.Errorf("only %d good files: is the corpus complete?", len(good))
	}

	bad := testCorpusFiles(t, "geojson/geojsonhint/bad/*.geojson")
	var lenient, badRefused []string
	seen := map[string]bool{}
	for _, path := range bad {
		name := filepath.Base(path)
		seen[name] = true
		t.Run("bad/"+name, func(t *testing.T) {
			feats, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{})
			if why, ok := hintLenient[name]; ok {
				if err != nil {
					t.Fatalf("refused a deliberately tolerated file (%s): %v", why, err)
				}
				checkDecoded(t, feats, false)
				lenient = append(lenient, name)
				return
			}
			want, known := hintBadFiles[name]
			if err == nil {
				t.Fatalf("bad file accepted (%d features); refuse it with a clear reason or add it to hintLenient with the rule that allows it", len(feats))
			}
			pe := problemOf(t, err)
			badRefused = append(badRefused, name)
			if !known {
				t.Logf("new corpus file refused: %v", pe)
				return
			}
			if pe.Status != want.status {
				t.Errorf("status %d, want %d", pe.Status, want.status)
			}
			all := problemReasons(pe)
			for _, f := range want.fragments {
				if !strings.Contains(all, f) {
					t.Errorf("no reason mentions %q:\n%s", f, all)
				}
			}
			if !strings.Contains(pe.Detail, pe.Problems[0].Reason) {
				t.Errorf("detail %q does not carry the first reason %q", pe.Detail, pe.Problems[0].Reason)
			}
			if want.problems != 0 && len(pe.Problems) != want.problems {
				t.Errorf("%d problems, want %d:\n%s", len(pe.Problems), want.problems, all)
			}
			if want.line != 0 && pe.Problems[0].Line != want.line {
				t.Errorf("line %d, want %d", pe.Problems[0].Line, want.line)
			}
		})
	}
	for name := range hintBadFiles {
		if !seen[name] {
			t.Errorf("expected corpus file bad/%s is missing", name)
		}
	}
	for name := range hintLenient {
		if !seen[name] {
			t.Errorf("expected corpus file bad/%s is missing", name)
		}
	}
	t.Logf("geojsonhint: good %d accepted, %d refused on purpose %v; bad %d refused, %d accepted on purpose %v",
		len(accepted), len(refused), refused, len(badRefused), len(lenient), lenient)
}

// TestMultipleProblemsByFeature checks each problem of geojsonhint's
// multiple_problems.geojson carries its feature index.
func TestMultipleProblemsByFeature(t *testing.T) {
	path := filepath.Join(testcorpus.Dir(t), "geojson/geojsonhint/bad/multiple_problems.geojson")
	_, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{})
	pe := problemOf(t, err)
	var idx []int
	for _, p := range pe.Problems {
		if p.Feature == nil {
			t.Fatalf("problem without a feature index: %+v", p)
		}
		idx = append(idx, *p.Feature)
	}
	if !slices.Equal(idx, []int{0, 0, 2, 3}) {
		t.Fatalf("feature indexes %v, want [0 0 2 3]", idx)
	}
	if !strings.Contains(pe.Detail, "and 3 more problems") {
		t.Fatalf("detail %q does not count the other problems", pe.Detail)
	}
}

// antimeridianRefused lists the antimeridian inputs the decoder refuses, with
// the reason; every other input decodes (crossings are refused later, by zone
// validation, not by the GeoJSON reader).
var antimeridianRefused = map[string]string{
	"over-180.json":   "coordinates[0][1]: longitude 190 is outside -180..180",
	"issues-187.json": "longitude 198.4723636216472 is outside -180..180",
}

// TestAntimeridianCorpus reads every input of the antimeridian test set and
// records whether it decodes or is refused, and why.
func TestAntimeridianCorpus(t *testing.T) {
	files := testCorpusFiles(t, "geojson/antimeridian/tests/data/input/*.json")
	var ok, refused []string
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			feats, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{})
			if frag, want := antimeridianRefused[name]; want {
				if err == nil {
					t.Fatalf("accepted; want refused with %q", frag)
				}
				pe := problemOf(t, err)
				if !strings.Contains(problemReasons(pe), frag) {
					t.Fatalf("refused, but not with %q: %v", frag, pe)
				}
				refused = append(refused, name)
				t.Logf("refused: %s", pe.Problems[0].Reason)
				return
			}
			if err != nil {
				problemOf(t, err)
				t.Fatalf("refused: %v", err)
			}
			checkDecoded(t, feats, false)
			if len(feats) != 1 || feats[0].Geometry == nil {
				t.Fatalf("%d features, want one with a geometry", len(feats))
			}
			ok = append(ok, name)
			t.Logf("decoded: %s", feats[0].Geometry.GeoJSONType())
		})
	}
	t.Logf("antimeridian inputs: %d decoded, %d refused %v", len(ok), len(refused), refused)
}

// TestOtherCorpusGeoJSON reads the rest of the corpus's GeoJSON: each file
// decodes or is refused with a problem.
func TestOtherCorpusGeoJSON(t *testing.T) {
	type want struct {
		features int
		types    map[string]int
	}
	wants := map[string]want{
		"grenada.geojson":                      {1, map[string]int{"MultiPolygon": 1}},
		"qiangtang.geojson":                    {1, map[string]int{"Polygon": 1}},
		"andorra-protected-areas.osm.geojson":  {3, map[string]int{"Polygon": 2, "MultiPolygon": 1}},
		"delaware-protected-areas.osm.geojson": {72, map[string]int{"Polygon": 67, "MultiPolygon": 5}},
		"rmnp.geojson":                         {1, map[string]int{"MultiPolygon": 1}},
		"null.json":                            {9, map[string]int{"Point": 5, "": 4}},
		"empty.json":                           {0, map[string]int{}},
		"polygons.json":                        {3, map[string]int{"Polygon": 2, "MultiPolygon": 1}},
	}
	var files []string
	for _, g := range []string{"geojson/fiona/*.geojson", "protected_areas/*/*.geojson", "shp/shapefile-js/test/*.json"} {
		files = append(files, testCorpusFiles(t, g)...)
	}
	root := testcorpus.Dir(t)
	var ok, refused int
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		t.Run(rel, func(t *testing.T) {
			feats, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{})
			if err != nil {
				pe := problemOf(t, err)
				refused++
				t.Logf("refused: %v", pe)
				if _, listed := wants[filepath.Base(path)]; listed {
					t.Fatalf("expected to decode: %v", pe)
				}
				return
			}
			ok++
			checkDecoded(t, feats, false)
			types := map[string]int{}
			for i, f := range feats {
				if f.Index != i {
					t.Fatalf("feature %d has Index %d", i, f.Index)
				}
				if f.Geometry == nil {
					types[""]++
				} else {
					types[f.Geometry.GeoJSONType()]++
				}
			}
			t.Logf("decoded: %d features %v", len(feats), types)
			if w, listed := wants[filepath.Base(path)]; listed {
				if len(feats) != w.features || !sameCounts(types, w.types) {
					t.Fatalf("%d features %v, want %d %v", len(feats), types, w.features, w.types)
				}
			}
		})
	}
	t.Logf("other corpus GeoJSON: %d decoded, %d refused", ok, refused)
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestQiangtangBoundary checks the one real Chinese reserve boundary in the
// corpus arrives whole: 332 vertices, Chinese attributes intact.
func TestQiangtangBoundary(t *testing.T) {
	path := filepath.Join(testcorpus.Dir(t), "protected_areas/china-nature-reserves-zenodo14875797-testsubset/qiangtang.geojson")
	feats, err := geoio.DecodeGeoJSON(mustRead(t, path), geoio.GeoJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	poly := feats[0].Geometry.(orb.Polygon)
	n := 0
	for _, r := range poly {
		n += len(r)
	}
	if n < 300 || n > 340 {
		t.Fatalf("%d vertices, want about 332", n)
	}
	b := poly.Bound()
	if b.Min[0] < 78 || b.Max[0] > 92 || b.Min[1] < 31 || b.Max[1] > 37 {
		t.Fatalf("bound %v is not in northern Tibet", b)
	}
	hasCJK := false
	for _, v := range feats[0].Properties {
		if s, ok := v.(string); ok && strings.ContainsFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			hasCJK = true
		}
	}
	if !hasCJK {
		t.Fatalf("no Chinese attribute survived: %v", feats[0].Properties)
	}
}

// TestGeoJSONErrorLocations checks refusals say where the fault is.
func TestGeoJSONErrorLocations(t *testing.T) {
	pt := func(coords string) string { return `{"type":"Point","coordinates":` + coords + `}` }
	fc := func(geoms ...string) string {
		var fs []string
		for _, g := range geoms {
			fs = append(fs, `{"type":"Feature","properties":{},"geometry":`+g+`}`)
		}
		return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	}
	square := `{"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31],[100,30]]]}`
	feature := func(i int) *int { return &i }
	cases := []struct {
		name      string
		in        string
		opts      geoio.GeoJSONOptions
		status    int
		fragments []string // in the first problem's reason
		line, col int      // of the first problem, when not 0
		feature   *int     // of the first problem; nil means none
		pointer   string   // of the first problem, when not ""
	}{
		{name: "syntax error on line 3", in: "{\n  \"type\": \"Point\",\n  \"coordinates\": [1, 2,]\n}",
			status: 400, fragments: []string{"invalid character ']'"}, line: 3, col: 24},
		{name: "missing comma on line 2", in: "{\"type\": \"Point\"\n \"coordinates\": [1, 2]}",
			status: 400, fragments: []string{"invalid character"}, line: 2, col: 2},
		{name: "duplicate member in properties", in: "{\"type\":\"Feature\",\n\"properties\":{\"a\":1,\n\"a\":2},\"geometry\":null}",
			status: 400, fragments: []string{`member "a" appears twice`}, line: 3},
		{name: "truncated document", in: "{\"type\":\"Point\",\n\"coordinates\":[1,2]",
			status: 400, fragments: []string{"unexpected end of input"}, line: 2},
		{name: "empty body", in: "", status: 400, fragments: []string{"unexpected end of input"}, line: 1},
		{name: "data after the document", in: pt("[1,2]") + "\n{}", status: 400, fragments: []string{"after the top-level value"}},
		{name: "bare NaN", in: pt("[NaN, 1]"), status: 400, fragments: []string{"invalid character 'N'"}, line: 1},
		{name: "NaN as a string", in: pt(`["NaN", 1]`), status: 422, fragments: []string{"coordinates[0]: a coordinate must be a number, got a string"}, pointer: "coordinates[0]"},
		{name: "Infinity as a string", in: pt(`[1, "Infinity"]`), status: 422, fragments: []string{"coordinates[1]: a coordinate must be a number, got a string"}},
		{name: "number too large", in: pt("[1e400, 1]"), status: 422, fragments: []string{"coordinate 1e400 is not a finite number"}},
		{name: "lon 181", in: pt("[181, 10]"), status: 422, fragments: []string{"longitude 181 is outside -180..180"}, pointer: "coordinates"},
		{name: "lon -180.0001", in: pt("[-180.0001, 10]"), status: 422, fragments: []string{"longitude -180.0001 is outside"}},
		{name: "lat -91", in: pt("[10, -91]"), status: 422, fragments: []string{"latitude -91 is outside -90..90"}},
		{name: "lat 90.5 in a ring", in: fc(square, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,90.5],[0,0]]]}`),
			status: 422, fragments: []string{"features[1].geometry.coordinates[0][2]: latitude 90.5"}, feature: feature(1), pointer: "features[1].geometry.coordinates[0][2]"},
		{name: "fault in features[2]", in: fc(square, square, `{"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,30.5]]]}`),
			status: 422, fragments: []string{"features[2].geometry.coordinates[0]: linear ring is not closed"}, feature: feature(2), pointer: "features[2].geometry.coordinates[0]"},
		{name: "string coordinate in features[2]", in: fc(square, square, pt(`[100, "30"]`)),
			status: 422, fragments: []string{"features[2].geometry.coordinates[1]"}, feature: feature(2)},
		{name: "a geometry where a feature belongs", in: `{"type":"FeatureCollection","features":[` + square + `]}`,
			status: 422, fragments: []string{`features[0].type: must be "Feature", got "Polygon"`}, feature: feature(0)},
		{name: "a bare Feature's problems are feature 0", in: `{"type":"Feature","properties":{},"geometry":` + pt("[200,0]") + `}`,
			status: 422, fragments: []string{"geometry.coordinates: longitude 200"}, feature: feature(0)},
		{name: "lower-case polygon", in: `{"type":"polygon","coordinates":[]}`, status: 422, fragments: []string{`unknown type "polygon"`, `did you mean "Polygon"`}},
		{name: "lower-case multipolygon", in: `{"type":"multipolygon","coordinates":[]}`, status: 422, fragments: []string{`did you mean "MultiPolygon"`}},
		{name: "upper-case FEATURE", in: `{"type":"FeatureCollection","features":[{"type":"FEATURE","geometry":null}]}`,
			status: 422, fragments: []string{`features[0].type: unknown type "FEATURE"`, `did you mean "Feature"`}, feature: feature(0)},
		{name: "lineString", in: `{"type":"lineString","coordinates":[[0,0],[1,1]]}`, status: 422, fragments: []string{`did you mean "LineString"`}},
		{name: "geometrycollection", in: `{"type":"geometrycollection","geometries":[]}`, status: 422, fragments: []string{`did you mean "GeometryCollection"`}},
		{name: "unknown type lists the types", in: `{"type":"Circle","coordinates":[0,0]}`, status: 422, fragments: []string{`unknown type "Circle" (expected one of FeatureCollection, Feature, Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, GeometryCollection)`}},
		{name: "polygon without rings", in: `{"type":"Polygon","coordinates":[]}`, status: 422, fragments: []string{"a polygon needs at least one linear ring"}},
		{name: "feature without geometry", in: `{"type":"Feature","properties":{}}`, status: 422, fragments: []string{`needs a "geometry" member`}, feature: feature(0)},
		{name: "elevation-only difference closes no ring", in: `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0,5]]]}`,
			status: 422, fragments: []string{"not closed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			feats, err := geoio.DecodeGeoJSON([]byte(c.in), c.opts)
			if err == nil {
				t.Fatalf("accepted: %v", feats)
			}
			pe := problemOf(t, err)
			p := pe.Problems[0]
			for _, f := range c.fragments {
				if !strings.Contains(p.Reason, f) {
					t.Errorf("reason %q does not mention %q", p.Reason, f)
				}
			}
			if pe.Status != c.status {
				t.Errorf("status %d, want %d", pe.Status, c.status)
			}
			if c.line != 0 && p.Line != c.line {
				t.Errorf("line %d, want %d (%s)", p.Line, c.line, p.Reason)
			}
			if c.col != 0 && p.Column != c.col {
				t.Errorf("column %d, want %d (%s)", p.Column, c.col, p.Reason)
			}
			if pe.Status == 400 && !strings.Contains(pe.Detail, fmt.Sprintf("line %d, column %d", p.Line, p.Column)) {
				t.Errorf("detail %q does not give the line and column", pe.Detail)
			}
			switch {
			case c.feature == nil && p.Feature != nil:
				t.Errorf("feature %d, want none", *p.Feature)
			case c.feature != nil && (p.Feature == nil || *p.Feature != *c.feature):
				t.Errorf("feature %v, want %d", p.Feature, *c.feature)
			}
			if c.pointer != "" && p.Pointer != c.pointer {
				t.Errorf("pointer %q, want %q", p.Pointer, c.pointer)
			}
		})
	}
}

// TestGeoJSONProjectedSkipsRange checks projected coordinates (metres) are not
// held to lon/lat ranges, but are still checked as numbers.
func TestGeoJSONProjectedSkipsRange(t *testing.T) {
	gk := `{"type":"Polygon","coordinates":[[[39500000,3500000],[39501000,3500000],[39501000,3501000],[39500000,3501000],[39500000,3500000]]]}`
	if _, err := geoio.DecodeGeoJSON([]byte(gk), geoio.GeoJSONOptions{}); err == nil {
		t.Fatal("Gauss-Krüger metres accepted as lon/lat")
	}
	feats, err := geoio.DecodeGeoJSON([]byte(gk), geoio.GeoJSONOptions{Projected: true})
	if err != nil {
		t.Fatal(err)
	}
	checkDecoded(t, feats, true)
	_, err = geoio.DecodeGeoJSON([]byte(`{"type":"Point","coordinates":[39500000,"3500000"]}`), geoio.GeoJSONOptions{Projected: true})
	problemOf(t, err)
}

// TestGeoJSONMaxProblems checks the problem list is capped.
func TestGeoJSONMaxProblems(t *testing.T) {
	var fs []string
	for range 80 {
		fs = append(fs, `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[500,0]}}`)
	}
	doc := []byte(`{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`)
	_, err := geoio.DecodeGeoJSON(doc, geoio.GeoJSONOptions{})
	if pe := problemOf(t, err); len(pe.Problems) != 50 {
		t.Fatalf("%d problems, want the default cap of 50", len(pe.Problems))
	}
	_, err = geoio.DecodeGeoJSON(doc, geoio.GeoJSONOptions{MaxProblems: 3})
	pe := problemOf(t, err)
	if len(pe.Problems) != 3 || *pe.Problems[2].Feature != 2 {
		t.Fatalf("%d problems, want 3: %v", len(pe.Problems), pe)
	}
}

// TestDeeplyNestedInput feeds a few megabytes of "[" — far below the 64 MiB
// geometry body limit — and expects a refusal, not a crash. It runs the decoder
// in a child process, because a goroutine stack overflow is a fatal error that
// no recover() catches and would take the whole test binary down.
func TestDeeplyNestedInput(t *testing.T) {
	const depth = 4 << 20
	if os.Getenv("GEOIO_DEEP_CHILD") == "1" {
		_, err := geoio.DecodeGeoJSON(bytes.Repeat([]byte("["), depth), geoio.GeoJSONOptions{})
		var pe *problem.Error
		if !errors.As(err, &pe) || len(pe.Problems) == 0 {
			fmt.Printf("NOT A PROBLEM: %v\n", err)
			os.Exit(3)
		}
		fmt.Printf("REFUSED %d: %s\n", pe.Status, pe.Problems[0].Reason)
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeeplyNestedInput$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GEOIO_DEEP_CHILD=1")
	out, err := cmd.CombinedOutput()
	head := out
	if len(head) > 400 {
		head = head[:400]
	}
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, head)
	}
	if !bytes.Contains(out, []byte("REFUSED 400")) && !bytes.Contains(out, []byte("REFUSED 422")) {
		t.Fatalf("child output:\n%s", head)
	}
	t.Logf("%s", bytes.TrimSpace(head))
}

// FuzzDecodeGeoJSON checks the decoder never panics, and that it either returns
// features fit for use or a problem a user can act on. It is seeded with every
// GeoJSON file in the test corpus and a few handcrafted documents.
func FuzzDecodeGeoJSON(f *testing.F) {
	for _, g := range []string{
		"geojson/geojsonhint/good/*", "geojson/geojsonhint/bad/*",
		"geojson/antimeridian/tests/data/input/*.json", "geojson/antimeridian/tests/data/ogr2ogr/*.json",
		"geojson/antimeridian/tests/data/output/*/*.json",
		"geojson/fiona/*.geojson", "protected_areas/*/*.geojson", "shp/shapefile-js/test/*.json",
	} {
		for _, path := range testCorpusFiles(f, g) {
			if strings.HasSuffix(path, "LICENSE") {
				continue
			}
			f.Add(mustRead(f, path), false)
		}
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `{"type":null}`, `{"type":"Feature"}`,
		`{"type":"Point","coordinates":[1,2,3]}`,
		`{"type":"Point","coordinates":[1e400,2]}`,
		`{"type":"Point","coordinates":[-0,-0.0]}`,
		`{"type":"MultiPolygon","coordinates":[[]]}`,
		`{"type":"MultiPolygon","coordinates":[[[]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,1]]]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]}]}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","id":1e999,"properties":{"a":{"b":[1,{"c":null}]}},"geometry":null}],"bbox":[0,0,1,1]}`,
		`{"type":"Feature","geometry":{"type":"Feature","geometry":null},"properties":[]}`,
		"{\"type\":\"Point\",\n\"coordinates\":[1,\n2]}\n",
		"\xef\xbb\xbf{\"type\":\"Point\",\"coordinates\":[1,2]}",
		`{"type":"Polygon","coordinates":[[[39500000,3500000],[39501000,3500000],[39501000,3501000],[39500000,3500000]]]}`,
		`{"type":"Point","coordinates":[1,2]}{"type":"Point","coordinates":[1,2]}`,
		`{"a":1,"a":2}`, `{"type":"Point","coordinates":[1,2],}`, `[[[[[[[[[[[[[[[[[[[[`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, projected bool) {
		feats, err := geoio.DecodeGeoJSON(data, geoio.GeoJSONOptions{Projected: projected})
		if err != nil {
			if feats != nil {
				t.Fatalf("features returned with an error: %v", err)
			}
			pe := problemOf(t, err)
			for _, p := range pe.Problems {
				if p.Feature != nil && *p.Feature < 0 {
					t.Fatalf("negative feature index: %+v", p)
				}
			}
			return
		}
		checkDecoded(t, feats, projected)
		for i, ft := range feats {
			if ft.Index != i {
				t.Fatalf("feature %d has Index %d", i, ft.Index)
			}
			switch ft.ID.(type) {
			case nil, string, float64:
			default:
				t.Fatalf("feature %d: id of type %T", i, ft.ID)
			}
		}
	})
}
