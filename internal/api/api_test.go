package api_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"warden/internal/testdb"
)

func TestHealthAndReady(t *testing.T) {
	e := newEnv(t, false)
	e.do("GET", "/healthz", nil, false).expect(200)
	r := e.do("GET", "/readyz", nil, false).expect(200)
	if r.get("status") != "ready" {
		t.Fatalf("readyz: %s", r.Raw)
	}
	e.do("GET", "/metrics", nil, false).expect(200)
	e.do("GET", "/nowhere", nil, false).problem(404, "no such resource")
	e.do("DELETE", "/api/v1/reserves", nil, false).problem(405)

	// a migration numbered below the schema's version and not applied (a
	// line of work that landed after a higher number) is not ready either
	if _, err := testdb.Owner(t, e.pool).Exec(t.Context(), `DELETE FROM goose_db_version WHERE version_id = 20`); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/readyz", nil, false).problem(503, "warden migrate")
}

func TestReservesCreateAndRead(t *testing.T) {
	e := newEnv(t, false)
	in := map[string]any{
		"code": "wolong", "name_zh": "四川卧龙国家级自然保护区", "name_en": "Wolong National Nature Reserve",
		"level": "national", "authority": "四川省林业和草原局", "established": "1963-04-02", "zoning_scheme": "three_zone",
	}
	e.do("POST", "/api/v1/reserves", in, false).problem(401, "Authorization")
	r := e.do("POST", "/api/v1/reserves", in, true).expect(201)
	if r.Header.Get("Location") != "/api/v1/reserves/wolong" || r.get("established") != "1963-04-02" {
		t.Fatalf("created: %v %s", r.Header, r.Raw)
	}
	e.do("POST", "/api/v1/reserves", in, true).problem(409, "already exists")

	bad := map[string]any{"code": "Bad Code", "level": "galactic", "zoning_scheme": "five_zone", "established": "1963-13-01"}
	r = e.do("POST", "/api/v1/reserves", bad, true).problem(422, "lower-case", "galactic", "five_zone", "YYYY-MM-DD", "needs a name")
	if n := len(r.get("problems").([]any)); n != 5 {
		t.Fatalf("%d problems, want 5: %s", n, r.Raw)
	}
	e.do("POST", "/api/v1/reserves", `{"code":"x","colour":"red"}`, true).problem(400, "unknown field", "colour")
	e.do("POST", "/api/v1/reserves", `{"code":`, true).problem(400, "JSON")
	e.do("POST", "/api/v1/reserves", `{"code": 5}`, true).problem(400, `"code"`)

	list := e.do("GET", "/api/v1/reserves", nil, false).expect(200)
	if got := list.get("reserves", 0, "code"); got != "wolong" {
		t.Fatalf("list: %s", list.Raw)
	}
	e.do("GET", "/api/v1/reserves/nope", nil, false).problem(404, `reserve "nope"`)
}

func TestSampleReserveServed(t *testing.T) {
	e := newEnv(t, true)
	r := e.do("GET", "/api/v1/reserves/qiangtang", nil, false).expect(200)
	zones := r.get("zoning", "zones").([]any)
	kinds := map[string]float64{}
	for _, z := range zones {
		m := z.(map[string]any)
		kinds[m["kind"].(string)] = m["area_ha"].(float64)
	}
	// the current zoning: the two zones approved 2026-06-01
	for _, k := range []string{"core_protection", "general_control"} {
		if kinds[k] < 1e6 {
			t.Errorf("qiangtang %s zone area %v ha, want > 1,000,000 ha", k, kinds[k])
		}
	}
	if r.get("illustrative") != true {
		t.Error("the sample must say its zoning is illustrative")
	}
	total := r.get("zoning", "total_area_ha").(float64)
	// The real boundary encloses 30,823,240 ha (geodata/README.md); the zones tile it.
	if math.Abs(total-30_823_240)/30_823_240 > 0.001 {
		t.Errorf("zones total %v ha, want the boundary's 30,823,240 ha", total)
	}
	two := e.do("GET", "/api/v1/reserves/alt-pirineu", nil, false).expect(200)
	if two.get("zoning_scheme") != "two_zone" || len(two.get("zoning", "zones").([]any)) != 2 {
		t.Fatalf("alt-pirineu: %s", two.Raw)
	}
	fc := e.do("GET", "/api/v1/reserves/qiangtang/zones", nil, false).expect(200)
	if ct := fc.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("zones Content-Type %q", ct)
	}
	if fc.get("features", 0, "geometry", "type") != "MultiPolygon" || fc.get("features", 0, "properties", "kind_zh") == "" {
		t.Errorf("zones: %.500s", fc.Raw)
	}
}

// square is a lon/lat square polygon ring centred on (x, y) with half side h.
func square(x, y, h float64) [][][2]float64 {
	return [][][2]float64{{{x - h, y - h}, {x + h, y - h}, {x + h, y + h}, {x - h, y + h}, {x - h, y - h}}}
}

func zoneFC(zones ...map[string]any) map[string]any {
	feats := []any{}
	for _, z := range zones {
		feats = append(feats, map[string]any{"type": "Feature", "properties": z["properties"], "geometry": z["geometry"]})
	}
	return map[string]any{"type": "FeatureCollection", "features": feats}
}

func zone(kind string, rings ...[][][2]float64) map[string]any {
	return map[string]any{
		"properties": map[string]any{"kind": kind, "name": kind},
		"geometry":   map[string]any{"type": "MultiPolygon", "coordinates": rings},
	}
}

// ringWithHole is an outer square with the inner square cut out.
func ringWithHole(x, y, outer, inner float64) [][][2]float64 {
	o := square(x, y, outer)[0]
	i := square(x, y, inner)[0]
	// reverse the hole's winding (either is accepted)
	for a, b := 0, len(i)-1; a < b; a, b = a+1, b-1 {
		i[a], i[b] = i[b], i[a]
	}
	return [][][2]float64{o, i}
}

func createReserve(e *env, code, scheme string) {
	e.t.Helper()
	e.do("POST", "/api/v1/reserves", map[string]any{"code": code, "name_zh": code, "level": "provincial", "zoning_scheme": scheme}, true).expect(201)
}

func TestZoningVersionsAndLocate(t *testing.T) {
	e := newEnv(t, false)
	createReserve(e, "test-nr", "three_zone")
	// Nested squares: core, buffer ring, experimental ring around (100, 30).
	v1 := zoneFC(zone("core", square(100, 30, 0.1)), zone("buffer", ringWithHole(100, 30, 0.2, 0.1)), zone("experimental", ringWithHole(100, 30, 0.3, 0.2)))
	r := e.do("PUT", "/api/v1/reserves/test-nr/zones?approved_on=2018-05-01&approval=test", v1, true).expect(201)
	if r.get("version") != 1.0 || r.get("is_current") != true || len(r.get("zones").([]any)) != 3 {
		t.Fatalf("v1: %s", r.Raw)
	}
	// A 0.2° square at 30°N: 0.2*111.32 km * 0.2*111.32*cos(30°) km ≈ 42,900 ha.
	if a := r.get("zones", 0, "area_ha").(float64); math.Abs(a-42_900)/42_900 > 0.01 {
		t.Errorf("core area %v ha, want about 42,900 ha", a)
	}

	cases := []struct {
		lon, lat float64
		inside   bool
		kind     string
	}{
		{100, 30, true, "core"},
		{100.15, 30, true, "buffer"},
		{100, 30.25, true, "experimental"},
		{100.5, 30, false, ""},
		{100.1, 30, true, "core"}, // on the core/buffer boundary: the stricter zone
	}
	for _, c := range cases {
		l := e.do("GET", fmt.Sprintf("/api/v1/locate?lon=%v&lat=%v", c.lon, c.lat), nil, false).expect(200)
		if l.get("inside") != c.inside || (c.inside && l.get("zone_kind") != c.kind) {
			t.Errorf("locate %v,%v: %s, want inside=%v kind=%s", c.lon, c.lat, l.Raw, c.inside, c.kind)
		}
		if _, ok := l.JSON["boundary_distance_m"].(float64); !ok {
			t.Errorf("locate %v,%v: no boundary distance: %s", c.lon, c.lat, l.Raw)
		}
	}
	// Centre of the core: 0.1° of latitude to the north/south edge is the nearest boundary? At
	// 30°N the east/west edges are nearer: 0.1° of longitude ≈ 9,640 m.
	l := e.do("GET", "/api/v1/locate?lon=100&lat=30", nil, false)
	if d := l.get("boundary_distance_m").(float64); math.Abs(d-9_640) > 30 {
		t.Errorf("distance from core centre to its boundary %v m, want ≈ 9,640 m", d)
	}
	// Outside: 0.2° east of the experimental zone's edge at 30°N ≈ 19,290 m.
	l = e.do("GET", "/api/v1/locate?lon=100.5&lat=30", nil, false)
	if d := l.get("boundary_distance_m").(float64); math.Abs(d-19_290) > 40 {
		t.Errorf("distance outside %v m, want ≈ 19,290 m", d)
	}

	batch := e.do("POST", "/api/v1/locate", [][2]float64{{100, 30}, {100.15, 30}, {100.5, 30}}, false).expect(200)
	if batch.get("count") != 3.0 || batch.get("inside") != 2.0 || batch.get("results", 1, "zone_kind") != "buffer" {
		t.Fatalf("batch: %s", batch.Raw)
	}
	if _, has := batch.get("results", 0).(map[string]any)["boundary_distance_m"]; has {
		t.Error("batch locate gave distances without distance=true")
	}
	mp := map[string]any{"type": "MultiPoint", "coordinates": [][2]float64{{100, 30}, {101, 30}}}
	batch = e.do("POST", "/api/v1/locate?distance=true", mp, false).expect(200)
	if _, ok := batch.get("results", 1, "boundary_distance_m").(float64); !ok || batch.get("results", 1, "inside") != false {
		t.Fatalf("batch with distance: %s", batch.Raw)
	}
	e.do("POST", "/api/v1/locate", `[[1,2],[200,1]]`, false).problem(422, "point 1")
	e.do("POST", "/api/v1/locate", `{"type":"Point","coordinates":[1,2]}`, false).problem(422, "MultiPoint")
	e.do("POST", "/api/v1/locate", `[]`, false).problem(422, "no points")
	e.do("GET", "/api/v1/locate?lon=abc&lat=1", nil, false).problem(400, "lon")

	// Version 2 moves the core; version 1 stays readable, locate follows v2.
	v2 := zoneFC(zone("core", square(101, 30, 0.1)))
	e.do("PUT", "/api/v1/reserves/test-nr/zones", v2, true).expect(201)
	res := e.do("GET", "/api/v1/reserves/test-nr", nil, false).expect(200)
	if res.get("zoning", "version") != 2.0 {
		t.Fatalf("current version: %s", res.Raw)
	}
	old := e.do("GET", "/api/v1/reserves/test-nr/zones?version=1", nil, false).expect(200)
	if n := len(old.get("features").([]any)); n != 3 || old.get("is_current") != false {
		t.Fatalf("version 1: %d features, %s", n, old.Raw[:200])
	}
	if l := e.do("GET", "/api/v1/locate?lon=100&lat=30", nil, false); l.get("inside") != false {
		t.Errorf("old core still located after v2: %s", l.Raw)
	}
	if l := e.do("GET", "/api/v1/locate?lon=101&lat=30", nil, false); l.get("zone_kind") != "core" {
		t.Errorf("new core not located: %s", l.Raw)
	}
	vs := e.do("GET", "/api/v1/reserves/test-nr/versions", nil, false).expect(200)
	if n := len(vs.get("versions").([]any)); n != 2 || vs.get("versions", 1, "approved_on") != "2018-05-01" {
		t.Fatalf("versions: %s", vs.Raw)
	}
	e.do("GET", "/api/v1/reserves/test-nr/zones?version=9", nil, false).problem(404)
	e.do("GET", "/api/v1/reserves/test-nr/zones?version=x", nil, false).problem(400)
}

func TestZonesRefusedStoreNothing(t *testing.T) {
	e := newEnv(t, false)
	createReserve(e, "two", "two_zone")
	bowtie := [][][2]float64{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}
	cases := []struct {
		name string
		body any
		frag []string
	}{
		{"wrong scheme", zoneFC(zone("core", square(10, 10, 0.1))), []string{"two_zone", "core_protection"}},
		{"self-intersection", zoneFC(zone("core_protection", bowtie)), []string{"Self-intersection", "feature 0"}},
		{"overlap", zoneFC(zone("core_protection", square(10, 10, 0.1)), zone("general_control", square(10.05, 10, 0.1))), []string{"overlap"}},
		{"unknown kind", zoneFC(zone("jungle", square(10, 10, 0.1))), []string{"jungle", "core_protection"}},
		{"antimeridian", zoneFC(zone("core_protection", [][][2]float64{{{179, 0}, {-179, 0}, {-179, 1}, {179, 1}, {179, 0}}})), []string{"antimeridian"}},
		{"no features", map[string]any{"type": "FeatureCollection", "features": []any{}}, []string{"no features"}},
		{"point", `{"type":"Feature","properties":{"kind":"general_control"},"geometry":{"type":"Point","coordinates":[1,2]}}`, []string{"Polygon"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("PUT", "/api/v1/reserves/two/zones", c.body, true).problem(422, c.frag...)
			if c.name == "self-intersection" {
				if loc, ok := r.get("problems", 0, "location").([]any); !ok || len(loc) != 2 {
					t.Errorf("no fault location: %s", r.Raw)
				}
			}
		})
	}
	if n := len(e.do("GET", "/api/v1/reserves/two/versions", nil, false).get("versions").([]any)); n != 0 {
		t.Fatalf("%d versions stored after refusals", n)
	}
	ok := zoneFC(zone("核心保护区", square(10, 10, 0.1)), zone("一般控制区", ringWithHole(10, 10, 0.2, 0.1)))
	r := e.do("PUT", "/api/v1/reserves/two/zones", ok, true).expect(201)
	if r.get("zones", 0, "kind") != "core_protection" || r.get("zones", 1, "kind") != "general_control" {
		t.Fatalf("Chinese kinds: %s", r.Raw)
	}
	e.do("PUT", "/api/v1/reserves/nope/zones", ok, true).problem(404)
	e.do("PUT", "/api/v1/reserves/two/zones?crs=EPSG:3857", ok, true).problem(400, "EPSG:4490")
}

func TestMarkers(t *testing.T) {
	e := newEnv(t, true)
	list := e.do("GET", "/api/v1/reserves/qiangtang/markers", nil, false).expect(200)
	feats := list.get("features").([]any)
	if len(feats) < 30 {
		t.Fatalf("%d sample markers", len(feats))
	}
	first := feats[0].(map[string]any)["properties"].(map[string]any)
	// Announced Gauss-Krüger coordinates and the stored point agree to centimetres.
	if off := first["survey_offset_m"].(float64); off > 0.05 {
		t.Errorf("survey offset %v m", off)
	}
	if damaged := e.do("GET", "/api/v1/reserves/qiangtang/markers?status=damaged", nil, false).get("features").([]any); len(damaged) != 2 {
		t.Errorf("%d damaged markers, want 2", len(damaged))
	}
	e.do("GET", "/api/v1/reserves/qiangtang/markers?status=gone", nil, false).problem(400, "intact")

	// A marker given only by announced CGCS2000 3° Gauss-Krüger coordinates
	// (X northing, Y easting with zone prefix 27): its point is derived.
	post := `{"type":"Feature","geometry":null,"properties":{"code":"QT-900","kind":"monument","survey_crs":"EPSG:4515","survey_x":3658643.18,"survey_y":27538039.95,"installed_on":"2024-05-01"}}`
	e.do("POST", "/api/v1/reserves/qiangtang/markers", post, false).problem(401)
	r := e.do("POST", "/api/v1/reserves/qiangtang/markers", post, true).expect(201)
	m := r.get("features", 0).(map[string]any)
	coords := m["geometry"].(map[string]any)["coordinates"].([]any)
	if math.Abs(coords[0].(float64)-81.407288) > 1e-6 || math.Abs(coords[1].(float64)-33.05249) > 1e-6 {
		t.Errorf("derived point %v, want 81.407288, 33.05249", coords)
	}
	e.do("POST", "/api/v1/reserves/qiangtang/markers", post, true).problem(409, "QT-900")
	swapped := strings.Replace(strings.Replace(post, "3658643.18", "X", 1), "27538039.95", "3658643.18", 1)
	swapped = strings.Replace(swapped, "X", "27538039.95", 1)
	swapped = strings.Replace(swapped, "QT-900", "QT-901", 1)
	e.do("POST", "/api/v1/reserves/qiangtang/markers", swapped, true).problem(422, "swapped")
	e.do("POST", "/api/v1/reserves/qiangtang/markers", `{"type":"Feature","geometry":{"type":"Point","coordinates":[85,34]},"properties":{"code":"QT-902","colour":"red"}}`, true).problem(422, "colour")

	id := int64(m["id"].(float64))
	path := fmt.Sprintf("/api/v1/markers/%d", id)
	got := e.do("GET", path, nil, false).expect(200)
	if got.get("properties", "kind_zh") != "界碑" || got.get("properties", "revision") != 1.0 {
		t.Fatalf("marker: %s", got.Raw)
	}
	p := e.do("PATCH", path, map[string]any{"status": "damaged", "last_inspected_on": "2026-11-30", "note": "碑体倾斜", "revision": 1}, true).expect(200)
	if p.get("properties", "status") != "damaged" || p.get("properties", "status_zh") != "损坏" || p.get("properties", "revision") != 2.0 {
		t.Fatalf("patched: %s", p.Raw)
	}
	e.do("PATCH", path, map[string]any{"status": "missing", "revision": 1}, true).problem(409, "revision 2")
	e.do("PATCH", path, map[string]any{"status": "stolen"}, true).problem(422, "stolen")
	e.do("PATCH", path, map[string]any{"colour": "red"}, true).problem(400, "colour")
	e.do("PATCH", path, map[string]any{"status": "moved"}, false).problem(401)
	e.do("GET", "/api/v1/markers/999999", nil, false).problem(404)
	e.do("GET", "/api/v1/markers/abc", nil, false).problem(404)
}

func TestWritesNeedTheToken(t *testing.T) {
	e := newEnv(t, false)
	for _, rt := range [][2]string{{"POST", "/api/v1/reserves"}, {"PUT", "/api/v1/reserves/x/zones"}, {"POST", "/api/v1/reserves/x/markers"}, {"PATCH", "/api/v1/markers/1"}} {
		r := e.do(rt[0], rt[1], "{}", false).problem(401)
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: no WWW-Authenticate", rt[0], rt[1])
		}
		if res := roundTrip(t, nil, e.request(rt[0], rt[1], "wrong", "", []byte("{}"))); res.Status != 401 {
			t.Errorf("%s %s with a wrong token: %d", rt[0], rt[1], res.Status)
		}
	}
}
