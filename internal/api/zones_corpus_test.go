package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/internal/api"
	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/testcorpus"
	"warden/internal/testdb"
)

// zoneCorpusGlobs are the corpus's GeoJSON files, relative to the corpus.
var zoneCorpusGlobs = []string{
	"geojson/geojsonhint/good/*.geojson",
	"geojson/geojsonhint/bad/*.geojson",
	"geojson/antimeridian/tests/data/input/*.json",
	"geojson/fiona/*.geojson",
	"protected_areas/*/*.geojson",
	"shp/shapefile-js/test/*.json",
}

func zoneCorpusFiles(t *testing.T) (root string, rels []string) {
	t.Helper()
	for _, g := range zoneCorpusGlobs {
		m := testcorpus.Glob(t, g)
		if len(m) == 0 {
			t.Fatalf("no corpus files match %s", g)
		}
		rels = append(rels, m...)
	}
	return testcorpus.Dir(t), rels
}

// forSubtest is e for a subtest: its failures stop the subtest, not the parent.
func (e *env) forSubtest(t *testing.T) *env {
	return &env{t: t, srv: e.srv, zs: e.zs, ms: e.ms}
}

func (e *env) makeReserve(code, scheme string) {
	e.t.Helper()
	e.do("POST", "/api/v1/reserves", map[string]any{
		"code": code, "name_en": "Corpus test reserve " + code, "name_zh": "测试保护区", "level": "national", "zoning_scheme": scheme,
	}, true).expect(201)
}

// zoneVersions is the number of zoning versions the reserve has.
func (e *env) zoneVersions(code string) int {
	e.t.Helper()
	r := e.do("GET", "/api/v1/reserves/"+code+"/versions", nil, false).expect(200)
	vs, ok := r.get("versions").([]any)
	if !ok {
		e.t.Fatalf("versions: %s", r.Raw)
	}
	return len(vs)
}

// putZonesChecked PUTs body as the reserve's zones and checks the answer is a 201 or
// a 4xx problem with a detail (never a 5xx), and that a refused PUT stored
// nothing. It returns the answer.
func (e *env) putZonesChecked(code, query string, body any) *resp {
	e.t.Helper()
	before := e.zoneVersions(code)
	path := "/api/v1/reserves/" + code + "/zones"
	if query != "" {
		path += "?" + query
	}
	r := e.do("PUT", path, body, true)
	switch {
	case r.Status == 201:
		if got := e.zoneVersions(code); got != before+1 {
			e.t.Fatalf("201, but %d versions after, %d before", got, before)
		}
		if v, _ := r.get("version").(float64); int(v) != before+1 {
			e.t.Fatalf("201 with version %v, want %d: %.500s", r.get("version"), before+1, r.Raw)
		}
	case r.Status >= 400 && r.Status < 500:
		if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
			e.t.Fatalf("%d with Content-Type %q: %.500s", r.Status, ct, r.Raw)
		}
		if d, _ := r.JSON["detail"].(string); strings.TrimSpace(d) == "" {
			e.t.Fatalf("%d without a detail: %.500s", r.Status, r.Raw)
		}
		if s, _ := r.JSON["status"].(float64); int(s) != r.Status {
			e.t.Fatalf("problem status %v in a %d answer", r.JSON["status"], r.Status)
		}
		if got := e.zoneVersions(code); got != before {
			e.t.Fatalf("refused with %d, but a version was stored (%d versions, %d before): %.500s", r.Status, got, before, r.Raw)
		}
	default:
		e.t.Fatalf("status %d, want 201 or a 4xx problem: %.2000s", r.Status, r.Raw)
	}
	return r
}

// problemText is an answer's problem detail plus every problem's reason.
func (r *resp) problemText() string {
	var b strings.Builder
	d, _ := r.JSON["detail"].(string)
	b.WriteString(d)
	ps, _ := r.JSON["problems"].([]any)
	for _, p := range ps {
		if m, ok := p.(map[string]any); ok {
			fmt.Fprintf(&b, "\n%v", m["reason"])
		}
	}
	return b.String()
}

// TestPutZonesCorpus PUTs every corpus GeoJSON file as a reserve's zones, then
// every polygon in it as a one-zone FeatureCollection of kind core. No answer
// is a 5xx; every refusal says why and stores nothing; every valid polygon is
// accepted with an area.
func TestPutZonesCorpus(t *testing.T) {
	root, rels := zoneCorpusFiles(t)
	e := newEnv(t, false)
	e.makeReserve("corpus", "three_zone")
	oracle := newZoneValidity(t)

	type polygon struct {
		name string
		raw  json.RawMessage
	}
	var polygons []polygon
	raw := map[int]int{}
	for _, rel := range rels {
		body, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		t.Run("raw/"+rel, func(t *testing.T) {
			r := e.forSubtest(t).putZonesChecked("corpus", "", body)
			raw[r.Status]++
			if r.Status == 201 {
				t.Logf("accepted as zones: %.300s", r.Raw)
			}
		})
		for i, g := range polygonGeometries(body) {
			polygons = append(polygons, polygon{fmt.Sprintf("%s#%d", rel, i), g})
		}
	}
	t.Logf("corpus files PUT as they are: %d files, answers by status %v", len(rels), raw)
	if len(polygons) < 100 {
		t.Fatalf("only %d polygon geometries found in the corpus", len(polygons))
	}

	var accepted, refused int
	refusedBy := map[string][]string{}
	for _, p := range polygons {
		t.Run("core/"+p.name, func(t *testing.T) {
			doc := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"core"},"geometry":%s}]}`, p.raw)
			want, why := oracle.expect(t, []byte(doc))
			r := e.forSubtest(t).putZonesChecked("corpus", "", doc)
			if want {
				if r.Status != 201 {
					t.Fatalf("valid polygon refused (%d): %s", r.Status, r.problemText())
				}
				area, _ := r.get("zones", 0, "area_ha").(float64)
				if !(area > 0) || r.get("zones", 0, "kind") != "core" {
					t.Fatalf("accepted with area_ha %v: %.500s", r.get("zones", 0, "area_ha"), r.Raw)
				}
				accepted++
				return
			}
			if r.Status != 422 {
				t.Fatalf("status %d, want 422 (%s): %.500s", r.Status, why, r.Raw)
			}
			d := r.problemText()
			if !strings.Contains(d, why) {
				t.Fatalf("refused, but the reason does not mention %q:\n%s", why, d)
			}
			refused++
			refusedBy[why] = append(refusedBy[why], p.name)
		})
	}
	t.Logf("%d polygon geometries PUT as core zones: %d accepted, %d refused", len(polygons), accepted, refused)
	for why, names := range refusedBy {
		t.Logf("  refused for %q: %v", why, names)
	}
	// The oracle must not be vacuous: known polygons land on known sides.
	for _, name := range []string{
		"geojson/geojsonhint/good/good-polygon.geojson#0",
		"protected_areas/china-nature-reserves-zenodo14875797-testsubset/qiangtang.geojson#0",
		"geojson/antimeridian/tests/data/input/multi-no-antimeridian.json#0",
		"geojson/antimeridian/tests/data/input/simple.json#0", // the control case: it does not cross
	} {
		if containsName(refusedBy, name) {
			t.Errorf("%s was refused", name)
		}
	}
	if !containsName(refusedBy["crosses the antimeridian"], "geojson/antimeridian/tests/data/input/split.json#0") {
		t.Errorf("antimeridian split.json was not refused as crossing the antimeridian")
	}
	if accepted < 50 || refused < 20 {
		t.Errorf("%d accepted, %d refused: the corpus should give plenty of both", accepted, refused)
	}
}

func containsName[T []string | map[string][]string](in T, name string) bool {
	switch v := any(in).(type) {
	case []string:
		return slices.Contains(v, name)
	case map[string][]string:
		for _, names := range v {
			if slices.Contains(names, name) {
				return true
			}
		}
	}
	return false
}

// polygonGeometries returns the Polygon and MultiPolygon geometries of a
// GeoJSON document, as written: the document itself, a Feature's geometry, or
// each feature's of a FeatureCollection. Malformed documents have none.
func polygonGeometries(body []byte) []json.RawMessage {
	type obj struct {
		Type     string            `json:"type"`
		Geometry json.RawMessage   `json:"geometry"`
		Features []json.RawMessage `json:"features"`
	}
	isPolygon := func(g json.RawMessage) bool {
		var o obj
		return json.Unmarshal(g, &o) == nil && (o.Type == "Polygon" || o.Type == "MultiPolygon")
	}
	var o obj
	if json.Unmarshal(body, &o) != nil {
		return nil
	}
	var out []json.RawMessage
	switch o.Type {
	case "Polygon", "MultiPolygon":
		out = append(out, json.RawMessage(bytes.TrimSpace(body)))
	case "Feature":
		if isPolygon(o.Geometry) {
			out = append(out, o.Geometry)
		}
	case "FeatureCollection":
		for _, f := range o.Features {
			var fo obj
			if json.Unmarshal(f, &fo) == nil && isPolygon(fo.Geometry) {
				out = append(out, fo.Geometry)
			}
		}
	}
	return out
}

// zoneValidity says, independently of the zoning package (it relies only on the
// GeoJSON decoder, tested on its own in geoio), whether a one-zone document
// must be accepted: it decodes as GeoJSON, has no edge that jumps across the
// antimeridian (RFC 7946 §3.1.9) and PostGIS finds it valid and non-empty.
type zoneValidity struct{ pool *pgxpool.Pool }

func newZoneValidity(t *testing.T) *zoneValidity { return &zoneValidity{pool: testdb.New(t)} }

// expect returns whether doc must be accepted and, if not, a fragment the
// refusal must contain.
func (v *zoneValidity) expect(t *testing.T, doc []byte) (bool, string) {
	t.Helper()
	feats, err := geoio.DecodeGeoJSON(doc, geoio.GeoJSONOptions{})
	if err != nil {
		pe, ok := problem.As(err)
		if !ok || len(pe.Problems) == 0 {
			t.Fatalf("decoder error is not a problem: %v", err)
		}
		return false, pe.Problems[0].Reason
	}
	g := feats[0].Geometry
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	}
	for _, poly := range mp {
		for _, ring := range poly {
			for j := 1; j < len(ring); j++ {
				if math.Abs(ring[j][0]-ring[j-1][0]) > 180 {
					return false, "crosses the antimeridian"
				}
			}
		}
	}
	var geom struct {
		Geometry json.RawMessage `json:"geometry"`
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(doc, &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("not a one-feature collection: %v", err)
	}
	if err := json.Unmarshal(fc.Features[0], &geom); err != nil {
		t.Fatal(err)
	}
	var valid, empty bool
	if err := v.pool.QueryRow(t.Context(), `
		SELECT ST_IsValid(g), ST_IsEmpty(g) FROM (SELECT ST_Force2D(ST_GeomFromGeoJSON($1::text)) AS g) s`,
		string(geom.Geometry)).Scan(&valid, &empty); err != nil {
		t.Fatalf("PostGIS cannot read the geometry: %v", err)
	}
	switch {
	case empty:
		return false, "empty"
	case !valid:
		return false, "invalid geometry"
	}
	return true, ""
}

// zonesDoc builds a FeatureCollection of zones from (kind, geometry) pairs.
func zonesDoc(pairs ...string) string {
	var fs []string
	for i := 0; i+1 < len(pairs); i += 2 {
		kind, _ := json.Marshal(pairs[i])
		fs = append(fs, fmt.Sprintf(`{"type":"Feature","properties":{"kind":%s,"name":"zone %d"},"geometry":%s}`, kind, i/2, pairs[i+1]))
	}
	return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
}

// lonLatRect is a lon/lat rectangle as a GeoJSON Polygon.
func lonLatRect(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]v,%[2]v],[%[3]v,%[2]v],[%[3]v,%[4]v],[%[1]v,%[4]v],[%[1]v,%[2]v]]]}`, x0, y0, x1, y1)
}

// TestPutZonesRefusals checks the zone validation's refusals, each a 4xx
// problem naming the fault that stores nothing.
func TestPutZonesRefusals(t *testing.T) {
	e := newEnv(t, false)
	e.makeReserve("checks", "three_zone")
	e.makeReserve("twozone", "two_zone")
	core := lonLatRect(100, 30, 100.1, 30.1)
	cases := []struct {
		name      string
		code      string
		query     string
		body      string
		status    int
		fragments []string
		check     func(t *testing.T, r *resp)
	}{
		{name: "self-intersecting bowtie", body: zonesDoc("core", `{"type":"Polygon","coordinates":[[[100,30],[100.1,30.1],[100.1,30],[100,30.1],[100,30]]]}`),
			status: 422, fragments: []string{"feature 0: invalid geometry: Self-intersection"},
			check: func(t *testing.T, r *resp) {
				loc, ok := r.get("problems", 0, "location").([]any)
				if !ok || len(loc) != 2 || math.Abs(loc[0].(float64)-100.05) > 1e-9 || math.Abs(loc[1].(float64)-30.05) > 1e-9 {
					t.Fatalf("location %v, want [100.05 30.05]", r.get("problems", 0, "location"))
				}
				if r.get("problems", 0, "feature") != 0.0 || r.get("problems", 0, "pointer") != "features[0].geometry" {
					t.Fatalf("problem %v", r.get("problems", 0))
				}
			}},
		{name: "overlapping zones", body: zonesDoc("core", core, "buffer", lonLatRect(100.05, 30, 100.15, 30.1)),
			status: 422, fragments: []string{"features 0 and 1 overlap", "must not overlap"},
			check: func(t *testing.T, r *resp) {
				if r.get("problems", 0, "feature") != 1.0 {
					t.Fatalf("overlap reported on %v, want feature 1", r.get("problems", 0, "feature"))
				}
				if loc, ok := r.get("problems", 0, "location").([]any); !ok || len(loc) != 2 {
					t.Fatalf("overlap without a location: %v", r.get("problems", 0))
				}
			}},
		{name: "unknown kind", body: zonesDoc("wilderness", core), status: 422,
			fragments: []string{`unknown zone kind "wilderness"`, "core, buffer, experimental or peripheral", "核心区", "core_protection"}},
		{name: "missing kind", body: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":` + core + `}]}`,
			status: 422, fragments: []string{"properties.kind is missing", "core 核心区, buffer 缓冲区, experimental 实验区, peripheral 外围保护地带"}},
		{name: "two-zone reserve refuses core", code: "twozone", body: zonesDoc("core", core), status: 422,
			fragments: []string{"kind core is not part of the two_zone scheme", "core_protection 核心保护区, general_control 一般控制区"}},
		{name: "three-zone reserve refuses general_control", body: zonesDoc("general_control", core), status: 422,
			fragments: []string{"not part of the three_zone scheme"}},
		{name: "unknown CRS", query: "crs=EPSG:9999", body: zonesDoc("core", core), status: 400,
			fragments: []string{`unknown or unsupported CRS "EPSG:9999"`, "EPSG:4490"}},
		{name: "web mercator", query: "crs=EPSG:3857", body: zonesDoc("core", core), status: 400, fragments: []string{"EPSG:3857"}},
		{name: "lon/lat sent as Gauss-Krüger", query: "crs=EPSG:4527", body: zonesDoc("core", lonLatRect(117, 39, 117.1, 39.1)), status: 422,
			fragments: []string{"does not start with the zone number 39 of EPSG:4527"}},
		{name: "Gauss-Krüger X and Y swapped", query: "crs=EPSG:4527",
			body:   zonesDoc("core", `{"type":"Polygon","coordinates":[[[4400000,39500000],[4401000,39500000],[4401000,39501000],[4400000,39501000],[4400000,39500000]]]}`),
			status: 422, fragments: []string{"are X and Y swapped"}},
		{name: "Gauss-Krüger metres without crs", body: zonesDoc("core", `{"type":"Polygon","coordinates":[[[39500000,4400000],[39501000,4400000],[39501000,4401000],[39500000,4400000]]]}`),
			status: 422, fragments: []string{"longitude 3.95e+07 is outside -180..180"}},
		{name: "antimeridian crossing", body: zonesDoc("core", lonLatRect(179.5, -17, -179.5, -16)), status: 422,
			fragments: []string{"crosses the antimeridian", "RFC 7946 §3.1.9"}},
		{name: "a point", body: zonesDoc("core", `{"type":"Point","coordinates":[100,30]}`), status: 422,
			fragments: []string{"geometry is a Point: a zone must be a Polygon or MultiPolygon"}},
		{name: "a geometry collection", body: zonesDoc("core", `{"type":"GeometryCollection","geometries":[`+core+`]}`), status: 422,
			fragments: []string{"geometry is a GeometryCollection"}},
		{name: "null geometry", body: zonesDoc("core", "null"), status: 422, fragments: []string{"geometry is null"}},
		{name: "no features", body: `{"type":"FeatureCollection","features":[]}`, status: 422, fragments: []string{"no features"}},
		{name: "degenerate ring", body: zonesDoc("core", `{"type":"Polygon","coordinates":[[[100,30],[100,30],[100,30],[100,30]]]}`), status: 422,
			fragments: []string{"invalid geometry"}},
		{name: "unclosed ring", body: zonesDoc("core", `{"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31]]]}`), status: 422,
			fragments: []string{"features[0].geometry.coordinates[0]: linear ring is not closed"}},
		{name: "malformed JSON", body: "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\" \"geometry\": null}]}", status: 400,
			fragments: []string{"line 3, column 22"},
			check: func(t *testing.T, r *resp) {
				if r.get("problems", 0, "line") != 3.0 || r.get("problems", 0, "column") != 22.0 {
					t.Fatalf("problem %v, want line 3 column 22", r.get("problems", 0))
				}
			}},
		{name: "empty body", body: "  ", status: 400, fragments: []string{"needs a JSON body"}},
		{name: "unknown reserve", code: "nowhere", body: zonesDoc("core", core), status: 404, fragments: []string{`reserve "nowhere"`}},
		{name: "bad approved_on", query: "approved_on=2020-13-01", body: zonesDoc("core", core), status: 400, fragments: []string{"approved_on"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			se := e.forSubtest(t)
			code := c.code
			if code == "" {
				code = "checks"
			}
			var r *resp
			if code == "nowhere" {
				r = se.do("PUT", "/api/v1/reserves/nowhere/zones", c.body, true)
			} else {
				r = se.putZonesChecked(code, c.query, c.body)
			}
			r.problem(c.status, c.fragments...)
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
	if n := e.zoneVersions("checks"); n != 0 {
		t.Fatalf("%d versions stored by refused PUTs", n)
	}
}

// TestPutZonesNoServerError sends inputs that once reached the database
// unchecked. Each must be refused as a 4xx problem storing nothing, never a 500.
func TestPutZonesNoServerError(t *testing.T) {
	e := newEnv(t, false)
	e.makeReserve("edge", "three_zone")
	core := lonLatRect(100, 30, 100.1, 30.1)
	withProps := func(props string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":` + props + `,"geometry":` + core + `}]}`
	}
	cases := []struct {
		name, query, body string
		status            int
		fragment          string
	}{
		{name: "empty MultiPolygon", body: zonesDoc("core", `{"type":"MultiPolygon","coordinates":[]}`), status: 422, fragment: "empty"},
		{name: "NUL in the zone name", body: withProps(`{"kind":"core","name":"a\u0000b"}`), status: 422, fragment: "NUL"},
		{name: "NUL in another property", body: withProps(`{"kind":"core","remark":["x","a\u0000b"]}`), status: 422, fragment: "NUL"},
		{name: "NUL in approval", query: "approval=a%00b", body: zonesDoc("core", core), status: 400, fragment: "NUL"},
		{name: "NUL in note", query: "note=a%00b", body: zonesDoc("core", core), status: 400, fragment: "NUL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			se := e.forSubtest(t)
			path := "/api/v1/reserves/edge/zones"
			if c.query != "" {
				path += "?" + c.query
			}
			r := se.do("PUT", path, c.body, true)
			r.problem(c.status, c.fragment)
			if n := se.zoneVersions("edge"); n != 0 {
				t.Fatalf("%d versions stored", n)
			}
		})
	}
}

// TestPutZonesAccepts checks the kinds and geometries that must be accepted.
func TestPutZonesAccepts(t *testing.T) {
	e := newEnv(t, false)
	e.makeReserve("accepts", "three_zone")
	e.makeReserve("twozone", "two_zone")

	r := e.putZonesChecked("accepts", "", zonesDoc("核心区", lonLatRect(100, 30, 100.1, 30.1), "缓冲区", lonLatRect(100.1, 30, 100.2, 30.1), " experimental ", lonLatRect(100.2, 30, 100.3, 30.1))).expect(201)
	for i, want := range []string{"core", "buffer", "experimental"} {
		if got := r.get("zones", i, "kind"); got != want {
			t.Fatalf("zone %d kind %v, want %s", i, got, want)
		}
	}
	r = e.putZonesChecked("twozone", "", zonesDoc("核心保护区", lonLatRect(100, 30, 100.1, 30.1), "general_control", lonLatRect(100.1, 30, 100.2, 30.1))).expect(201)
	if r.get("zones", 0, "kind") != "core_protection" || r.get("zones", 1, "kind") != "general_control" {
		t.Fatalf("two-zone kinds: %.500s", r.Raw)
	}
	// A zone split at the antimeridian, as RFC 7946 §3.1.9 asks.
	split := `{"type":"MultiPolygon","coordinates":[` +
		`[[[179.5,-17],[180,-17],[180,-16],[179.5,-16],[179.5,-17]]],` +
		`[[[-180,-17],[-179.5,-17],[-179.5,-16],[-180,-16],[-180,-17]]]]}`
	r = e.putZonesChecked("accepts", "", zonesDoc("core", split)).expect(201)
	if a, _ := r.get("zones", 0, "area_ha").(float64); a < 1e5 || a > 2e6 {
		t.Fatalf("split zone area %v ha, want about 1.2 million", r.get("zones", 0, "area_ha"))
	}
	// Zones that only share an edge, or overlap by a digitising sliver, are not overlapping.
	r = e.putZonesChecked("accepts", "", zonesDoc("core", lonLatRect(100, 30, 100.1, 30.1), "buffer", lonLatRect(100.0999999, 30, 100.2, 30.1))).expect(201)
	if n := len(r.get("zones").([]any)); n != 2 {
		t.Fatalf("%d zones", n)
	}
	// A polygon with a hole, the buffer ring around its core.
	ring := `{"type":"Polygon","coordinates":[[[99.9,29.9],[100.2,29.9],[100.2,30.2],[99.9,30.2],[99.9,29.9]],[[100,30],[100,30.1],[100.1,30.1],[100.1,30],[100,30]]]}`
	r = e.putZonesChecked("accepts", "approved_on=2020-05-01&approval=环函〔2020〕12号&note=test", zonesDoc("core", lonLatRect(100, 30, 100.1, 30.1), "buffer", ring)).expect(201)
	if r.get("approved_on") != "2020-05-01" || r.get("approval") != "环函〔2020〕12号" {
		t.Fatalf("approval not kept: %.500s", r.Raw)
	}
}

// TestPutZonesGaussKruger checks a zone given in CGCS2000 3° Gauss-Krüger
// zone 27 (EPSG:4515) is stored with the area of the same zone in lon/lat.
func TestPutZonesGaussKruger(t *testing.T) {
	e := newEnv(t, false)
	e.makeReserve("gk", "three_zone")
	e.makeReserve("lonlat", "three_zone")
	pool := testdb.New(t)
	lonlat := lonLatRect(81.3, 35.1, 81.5, 35.3)
	var gk string
	if err := pool.QueryRow(t.Context(),
		`SELECT ST_AsGeoJSON(ST_Transform(ST_Segmentize(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4490), 0.01), 4515), 3)`, lonlat).Scan(&gk); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gk, "[275") && !strings.Contains(gk, "[274") {
		t.Fatalf("EPSG:4515 eastings should start with zone 27: %.200s", gk)
	}
	seg := ""
	if err := pool.QueryRow(t.Context(), `SELECT ST_AsGeoJSON(ST_Segmentize(ST_GeomFromGeoJSON($1::text), 0.01), 9)`, lonlat).Scan(&seg); err != nil {
		t.Fatal(err)
	}
	a := e.putZonesChecked("gk", "crs=EPSG:4515", zonesDoc("core", gk)).expect(201)
	b := e.putZonesChecked("lonlat", "crs=EPSG:4490", zonesDoc("core", seg)).expect(201)
	ga, _ := a.get("zones", 0, "area_ha").(float64)
	la, _ := b.get("zones", 0, "area_ha").(float64)
	if ga <= 0 || la <= 0 || math.Abs(ga-la)/la > 0.005 {
		t.Fatalf("area %v ha from EPSG:4515, %v ha from lon/lat: more than 0.5%% apart", ga, la)
	}
	// About 18 km × 22 km.
	if la < 35_000 || la > 45_000 {
		t.Fatalf("area %v ha, want about 40,000", la)
	}
	t.Logf("EPSG:4515 %.1f ha, lon/lat %.1f ha (%.4f%% apart)", ga, la, 100*math.Abs(ga-la)/la)
	// The zone is stored in lon/lat, where it was drawn.
	z := e.do("GET", "/api/v1/reserves/gk/zones", nil, false).expect(200)
	var g struct {
		Coordinates [][][][]float64 `json:"coordinates"`
	}
	raw, _ := json.Marshal(z.get("features", 0, "geometry"))
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	for _, p := range g.Coordinates[0][0] {
		if p[0] < 81.299 || p[0] > 81.501 || p[1] < 35.099 || p[1] > 35.301 {
			t.Fatalf("stored vertex %v is not on the lon/lat rectangle", p)
		}
	}
}

// TestPutZonesLimitsAndAuth checks a body over the geometry limit is a 413 and
// a PUT without (or with a wrong) token is a 401, neither storing anything.
func TestPutZonesLimitsAndAuth(t *testing.T) {
	pool := testdb.New(t)
	e := startAPI(t, pool, api.Config{MaxGeometryBytes: 4096}, nil)
	e.makeReserve("small", "three_zone")

	big := zonesDoc("core", lonLatRect(100, 30, 100.1, 30.1))
	big = strings.Replace(big, `"name":"zone 0"`, `"name":"`+strings.Repeat("x", 5000)+`"`, 1)
	e.putZonesChecked("small", "", big).problem(413, "exceeds 4 KiB")
	e.putZonesChecked("small", "", zonesDoc("core", lonLatRect(100, 30, 100.1, 30.1))).expect(201)

	body := zonesDoc("core", lonLatRect(100, 30, 100.2, 30.2))
	e.do("PUT", "/api/v1/reserves/small/zones", body, false).problem(401, "Authorization: Bearer")
	if res := roundTrip(t, nil, e.request("PUT", "/api/v1/reserves/small/zones", "wrong-token", "", []byte(body))); res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("wrong token: %d %v", res.Status, res.Header)
	}
	if n := e.zoneVersions("small"); n != 1 {
		t.Fatalf("%d versions, want the one accepted PUT", n)
	}
}

// TestPutZonesVersions checks a second PUT makes version 2 current and version
// 1 stays readable as it was.
func TestPutZonesVersions(t *testing.T) {
	e := newEnv(t, false)
	e.makeReserve("history", "three_zone")
	v1 := e.putZonesChecked("history", "note=first", zonesDoc("core", lonLatRect(100, 30, 100.1, 30.1))).expect(201)
	if v1.get("version") != 1.0 || v1.Header.Get("Location") != "/api/v1/reserves/history/zones?version=1" {
		t.Fatalf("first PUT: %v %.300s", v1.Header, v1.Raw)
	}
	v2 := e.putZonesChecked("history", "note=second", zonesDoc("core", lonLatRect(100, 30, 100.05, 30.1), "buffer", lonLatRect(100.05, 30, 100.1, 30.1))).expect(201)
	if v2.get("version") != 2.0 || v2.get("is_current") != true {
		t.Fatalf("second PUT: %.300s", v2.Raw)
	}
	// A refused third PUT changes nothing.
	e.putZonesChecked("history", "", zonesDoc("core", lonLatRect(179.5, 0, -179.5, 1))).problem(422, "antimeridian")

	old := e.do("GET", "/api/v1/reserves/history/zones?version=1", nil, false).expect(200)
	if old.get("version") != 1.0 || old.get("is_current") != false || len(old.get("features").([]any)) != 1 ||
		old.get("features", 0, "properties", "kind") != "core" || old.get("features", 0, "properties", "version") != 1.0 {
		t.Fatalf("version 1: %.800s", old.Raw)
	}
	if a, _ := old.get("features", 0, "properties", "area_ha").(float64); math.Abs(a-v1.get("zones", 0, "area_ha").(float64)) > 1e-6 {
		t.Fatalf("version 1 area %v, stored as %v", a, v1.get("zones", 0, "area_ha"))
	}
	cur := e.do("GET", "/api/v1/reserves/history/zones", nil, false).expect(200)
	if cur.get("version") != 2.0 || cur.get("is_current") != true || len(cur.get("features").([]any)) != 2 {
		t.Fatalf("current zones: %.800s", cur.Raw)
	}
	res := e.do("GET", "/api/v1/reserves/history", nil, false).expect(200)
	if res.get("zoning", "version") != 2.0 || len(res.get("zoning", "zones").([]any)) != 2 || res.get("zoning", "note") != "second" {
		t.Fatalf("reserve: %.800s", res.Raw)
	}
	vs := e.do("GET", "/api/v1/reserves/history/versions", nil, false).expect(200)
	if vs.get("versions", 0, "version") != 2.0 || vs.get("versions", 1, "version") != 1.0 || vs.get("versions", 1, "is_current") != false {
		t.Fatalf("versions: %.800s", vs.Raw)
	}
	e.do("GET", "/api/v1/reserves/history/zones?version=3", nil, false).problem(404, "zoning version")
	e.do("GET", "/api/v1/reserves/history/zones?version=0", nil, false).problem(400, "version")
}
