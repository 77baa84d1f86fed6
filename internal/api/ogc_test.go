package api_test

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// gdal runs one of GDAL's command-line tools (Debian gdal-bin) and returns
// its output; a missing tool or a failed run fails the test.
func gdal(t *testing.T, tool string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is not installed: these tests check Warden with GDAL as a real client; install Debian's gdal-bin (`make setup` does)", tool)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cmd.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// ogrFeature is one feature of ogrinfo's -al output: its fields and the
// geometry's WKT.
type ogrFeature struct {
	fields map[string]string
	wkt    string
}

var ogrField = regexp.MustCompile(`^  ([^ ]+) \(([A-Za-z]+)\) = (.*)$`)

// parseOGR reads the features of `ogrinfo -al` output.
func parseOGR(out string) []ogrFeature {
	var fs []ogrFeature
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "OGRFeature("):
			fs = append(fs, ogrFeature{fields: map[string]string{}})
		case len(fs) == 0:
		case ogrField.MatchString(line):
			m := ogrField.FindStringSubmatch(line)
			fs[len(fs)-1].fields[m[1]] = m[3]
		case strings.HasPrefix(line, "  ") && fs[len(fs)-1].wkt == "" && regexp.MustCompile(`^  [A-Z]+ `).MatchString(line):
			fs[len(fs)-1].wkt = strings.TrimSpace(line)
		}
	}
	return fs
}

func featureCount(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no feature count in ogrinfo output:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// apiFeatures collects the features of /api/v1/reserves/{code}/{what} for
// every reserve.
func apiFeatures(e *env, what string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, r := range e.do("GET", "/api/v1/reserves", nil, false).expect(200).get("reserves").([]any) {
		code := r.(map[string]any)["code"].(string)
		for _, f := range e.do("GET", "/api/v1/reserves/"+code+"/"+what, nil, false).expect(200).get("features").([]any) {
			out = append(out, f.(map[string]any))
		}
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

// TestOGCWithGDAL reads /ogc with GDAL's OAPIF driver, as QGIS users and
// scripts do: the collections are listed, every zone and marker comes through
// with its geometry type and attributes, and a GeoPackage copied from the
// zones collection by ogr2ogr has the API's geodesic areas.
func TestOGCWithGDAL(t *testing.T) {
	e := newEnv(t, true)
	src := "OAPIF:" + e.srv.URL + "/ogc"

	list := gdal(t, "ogrinfo", "-ro", "-so", src)
	for _, want := range []string{"reserves (title: Nature reserves 自然保护区) (Multi Polygon)", "zones (title: Zones 功能区) (Multi Polygon)", "markers (title: Boundary markers 界桩界碑) (Point)"} {
		if !strings.Contains(list, want) {
			t.Errorf("ogrinfo does not list %q:\n%s", want, list)
		}
	}

	zonesAPI := apiFeatures(e, "zones")
	out := gdal(t, "ogrinfo", "-ro", "-al", src, "zones")
	zones := parseOGR(out)
	if n := featureCount(t, out); n != len(zonesAPI) || len(zones) != len(zonesAPI) {
		t.Fatalf("GDAL reads %d zones (Feature Count %d), the API has %d", len(zones), n, len(zonesAPI))
	}
	if !strings.Contains(out, "Geometry: Multi Polygon") {
		t.Errorf("zones layer is not Multi Polygon:\n%.2000s", out)
	}
	byKey := map[string]ogrFeature{}
	for _, f := range zones {
		if !strings.HasPrefix(f.wkt, "MULTIPOLYGON (((") {
			t.Errorf("zone %v: geometry %.40s, want a MULTIPOLYGON", f.fields, f.wkt)
		}
		byKey[f.fields["reserve"]+"/"+f.fields["kind"]] = f
	}
	for _, z := range zonesAPI {
		p := z["properties"].(map[string]any)
		key := fmt.Sprint(p["reserve"], "/", p["kind"])
		f, ok := byKey[key]
		if !ok {
			t.Errorf("zone %s is missing from GDAL's reading", key)
			continue
		}
		if f.fields["kind_zh"] != p["kind_zh"] || f.fields["name"] != p["name"] {
			t.Errorf("zone %s: GDAL reads kind_zh %q name %q, the API says %q %q", key, f.fields["kind_zh"], f.fields["name"], p["kind_zh"], p["name"])
		}
		if got, want := num(t, f.fields["area_ha"]), p["area_ha"].(float64); math.Abs(got-want) > 1e-6*want {
			t.Errorf("zone %s: area_ha %v through OAPIF, %v from the API", key, got, want)
		}
	}

	markersAPI := apiFeatures(e, "markers")
	out = gdal(t, "ogrinfo", "-ro", "-al", src, "markers")
	ms := parseOGR(out)
	if n := featureCount(t, out); n != len(markersAPI) || len(ms) != len(markersAPI) {
		t.Fatalf("GDAL reads %d markers (Feature Count %d), the API has %d", len(ms), n, len(markersAPI))
	}
	byCode := map[string]ogrFeature{}
	for _, f := range ms {
		byCode[f.fields["code"]] = f
	}
	for _, m := range markersAPI {
		p := m["properties"].(map[string]any)
		f, ok := byCode[p["code"].(string)]
		if !ok {
			t.Errorf("marker %s is missing from GDAL's reading", p["code"])
			continue
		}
		var lon, lat float64
		if _, err := fmt.Sscanf(f.wkt, "POINT (%g %g)", &lon, &lat); err != nil {
			t.Errorf("marker %s: geometry %q is not a POINT", p["code"], f.wkt)
			continue
		}
		if math.Abs(lon-p["lon"].(float64)) > 1e-7 || math.Abs(lat-p["lat"].(float64)) > 1e-7 {
			t.Errorf("marker %s: GDAL reads (%v %v), the API says (%v %v)", p["code"], lon, lat, p["lon"], p["lat"])
		}
		for _, k := range []string{"reserve", "kind", "status", "status_zh"} {
			if f.fields[k] != p[k] {
				t.Errorf("marker %s: %s %q through OAPIF, %q from the API", p["code"], k, f.fields[k], p[k])
			}
		}
	}

	// ogr2ogr to a GeoPackage; SpatiaLite's ST_Area(geom, 1) measures on the
	// WGS 84 ellipsoid, independently of PostGIS.
	gpkg := filepath.Join(t.TempDir(), "zones.gpkg")
	gdal(t, "ogr2ogr", "-f", "GPKG", gpkg, src, "zones")
	out = gdal(t, "ogrinfo", "-ro", gpkg, "-sql", "SELECT reserve, kind, area_ha, ST_Area(geom, 1) / 10000 AS geodesic_ha FROM zones")
	rows := parseOGR(out)
	if len(rows) != len(zonesAPI) {
		t.Fatalf("the GeoPackage has %d zones, the API %d:\n%s", len(rows), len(zonesAPI), out)
	}
	for _, r := range rows {
		want := -1.0
		for _, z := range zonesAPI {
			p := z["properties"].(map[string]any)
			if p["reserve"] == r.fields["reserve"] && p["kind"] == r.fields["kind"] {
				want = p["area_ha"].(float64)
			}
		}
		if r.fields["geodesic_ha"] == "" || r.fields["geodesic_ha"] == "(null)" {
			t.Fatalf("GDAL's SQLite dialect gave no ST_Area (is SpatiaLite missing?):\n%s", out)
		}
		got := num(t, r.fields["geodesic_ha"])
		rel := math.Abs(got-want) / want
		t.Logf("zone %s/%s: API %.2f ha, GeoPackage %.2f ha (%.5f %%)", r.fields["reserve"], r.fields["kind"], want, got, 100*rel)
		if rel > 0.001 {
			t.Errorf("zone %s/%s: the GeoPackage's geodesic area %.2f ha differs from the API's %.2f ha by %.4f %% (> 0.1 %%)", r.fields["reserve"], r.fields["kind"], got, want, 100*rel)
		}
	}
}

// ogcGet fetches an /ogc URL and checks the status and content type.
func (e *env) ogcGet(path string, status int, ctype string) *resp {
	e.t.Helper()
	r := e.do("GET", path, nil, false)
	r.expect(status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, ctype) {
		e.t.Fatalf("GET %s: Content-Type %q, want %s", path, ct, ctype)
	}
	return r
}

func linkHref(t *testing.T, r *resp, rel string) string {
	t.Helper()
	for _, l := range r.get("links").([]any) {
		m := l.(map[string]any)
		if m["rel"] == rel {
			return m["href"].(string)
		}
	}
	return ""
}

func featureCodes(r *resp, key string) []string {
	var out []string
	for _, f := range r.get("features").([]any) {
		out = append(out, fmt.Sprint(f.(map[string]any)["properties"].(map[string]any)[key]))
	}
	sort.Strings(out)
	return out
}

// TestOGCCore checks the OGC API - Features documents and the items
// parameters: paging with real next links, bbox and bbox-crs, crs with its
// axis order and Content-Crs, datetime, property filters, single features,
// HTML answers and refused parameters.
func TestOGCCore(t *testing.T) {
	e := newEnv(t, true)

	land := e.ogcGet("/ogc", 200, "application/json")
	for _, rel := range []string{"self", "alternate", "service-desc", "service-doc", "conformance", "data"} {
		if linkHref(t, land, rel) == "" {
			t.Errorf("the landing page has no %q link: %s", rel, land.Raw)
		}
	}
	req := e.request("GET", "/ogc", "", "", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if ct := roundTrip(t, nil, req).Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("a browser's Accept gets %q, want HTML", ct)
	}

	conf := e.ogcGet("/ogc/conformance", 200, "application/json").Raw
	for _, c := range []string{"ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson", "ogcapi-features-1/1.0/conf/oas30", "ogcapi-features-2/1.0/conf/crs"} {
		if !strings.Contains(string(conf), c) {
			t.Errorf("conformance lacks %s", c)
		}
	}
	api := e.ogcGet("/ogc/api", 200, "application/vnd.oai.openapi+json")
	if api.get("paths", "/collections/zones/items", "get") == nil || api.get("paths", "/collections/markers/items/{featureId}", "get") == nil {
		t.Errorf("/ogc/api lacks the collections' paths")
	}
	e.ogcGet("/ogc/api?f=html", 200, "text/html")

	cols := e.ogcGet("/ogc/collections", 200, "application/json")
	var ids []string
	for _, c := range cols.get("collections").([]any) {
		ids = append(ids, c.(map[string]any)["id"].(string))
	}
	if strings.Join(ids, ",") != "reserves,zones,markers" {
		t.Errorf("collections %v, want reserves, zones, markers", ids)
	}
	zc := e.ogcGet("/ogc/collections/zones", 200, "application/json")
	bbox := zc.get("extent", "spatial", "bbox", 0).([]any)
	if bbox[0].(float64) > 1.1 || bbox[2].(float64) < 90 {
		t.Errorf("zones extent %v does not span Alt Pirineu (1°E) to Qiangtang (90°E)", bbox)
	}
	if !strings.Contains(string(zc.Raw), "http://www.opengis.net/def/crs/EPSG/0/4515") {
		t.Errorf("the zones collection does not list EPSG:4515 among its CRSs")
	}
	e.ogcGet("/ogc/collections/zones?f=html", 200, "text/html")
	e.ogcGet("/ogc/collections/tracks", 404, "application/problem+json")

	// Paging: follow next links to the end.
	seen := map[string]bool{}
	next := "/ogc/collections/markers/items?limit=15"
	pages := 0
	for next != "" {
		r := e.ogcGet(next, 200, "application/geo+json")
		if r.Header.Get("Content-Crs") != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" {
			t.Fatalf("Content-Crs %q", r.Header.Get("Content-Crs"))
		}
		if r.get("numberMatched").(float64) != 52 {
			t.Fatalf("numberMatched %v, want 52", r.get("numberMatched"))
		}
		if got, n := r.get("numberReturned").(float64), len(r.get("features").([]any)); int(got) != n {
			t.Fatalf("numberReturned %v but %d features", got, n)
		}
		for _, c := range featureCodes(r, "code") {
			if seen[c] {
				t.Fatalf("marker %s on two pages", c)
			}
			seen[c] = true
		}
		next = strings.TrimPrefix(linkHref(t, r, "next"), e.srv.URL)
		if pages++; pages > 10 {
			t.Fatal("next links do not end")
		}
	}
	if len(seen) != 52 || pages != 4 {
		t.Errorf("paging gave %d markers in %d pages, want 52 in 4", len(seen), pages)
	}

	// Property filters, with Chinese zone kinds.
	// both samples' current zonings are two-zone (Qiangtang's since 2026-06-01)
	if got := featureCodes(e.ogcGet("/ogc/collections/zones/items?kind=核心保护区", 200, "application/geo+json"), "reserve"); strings.Join(got, ",") != "alt-pirineu,qiangtang" {
		t.Errorf("kind=核心保护区 gives zones of %v, want both reserves' core protection zones", got)
	}
	if got := featureCodes(e.ogcGet("/ogc/collections/zones/items?reserve=alt-pirineu", 200, "application/geo+json"), "kind"); strings.Join(got, ",") != "core_protection,general_control" {
		t.Errorf("reserve=alt-pirineu gives zones %v", got)
	}
	dmg := e.ogcGet("/ogc/collections/markers/items?reserve=qiangtang&status=damaged&limit=100", 200, "application/geo+json")
	api2 := e.do("GET", "/api/v1/reserves/qiangtang/markers?status=damaged", nil, false).expect(200)
	if a, b := featureCodes(dmg, "code"), featureCodes(api2, "code"); strings.Join(a, ",") != strings.Join(b, ",") || len(a) == 0 {
		t.Errorf("status=damaged: OGC %v, API %v", a, b)
	}
	if n := len(e.ogcGet("/ogc/collections/markers/items?kind=monument&limit=100", 200, "application/geo+json").get("features").([]any)); n != 5 {
		t.Errorf("kind=monument gives %d markers, want 5", n)
	}

	// bbox in CRS84 (lon,lat), in EPSG:4326 (lat,lon) and in a Gauss-Krüger
	// zone (northing,easting) around QT-001 (X 3658643.18, Y 27538039.95).
	inPyrenees := func(path string) {
		t.Helper()
		if n := len(e.ogcGet(path, 200, "application/geo+json").get("features").([]any)); n != 12 {
			t.Errorf("%s: %d markers, want Alt Pirineu's 12", path, n)
		}
	}
	inPyrenees("/ogc/collections/markers/items?limit=100&bbox=0,42,2,43")
	inPyrenees("/ogc/collections/markers/items?limit=100&bbox=42,0,43,2&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326")
	gk := e.ogcGet("/ogc/collections/markers/items?bbox=3658543,27537939,3658743,27538139&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4515", 200, "application/geo+json")
	if got := featureCodes(gk, "code"); strings.Join(got, ",") != "QT-001" {
		t.Errorf("a 200 m Gauss-Krüger box around QT-001 gives %v", got)
	}

	// crs: the answer in EPSG:4515 is northing, easting (X, Y) and matches
	// the announced survey coordinates; EPSG:4326 is lat, lon.
	qt1 := gk.get("features", 0).(map[string]any)
	id := fmt.Sprint(qt1["id"])
	one := e.ogcGet("/ogc/collections/markers/items/"+id+"?crs=http://www.opengis.net/def/crs/EPSG/0/4515", 200, "application/geo+json")
	if h := one.Header.Get("Content-Crs"); h != "<http://www.opengis.net/def/crs/EPSG/0/4515>" {
		t.Errorf("Content-Crs %q", h)
	}
	xy := one.get("geometry", "coordinates").([]any)
	if math.Abs(xy[0].(float64)-3658643.18) > 0.01 || math.Abs(xy[1].(float64)-27538039.95) > 0.01 {
		t.Errorf("QT-001 in EPSG:4515 is %v, want [3658643.18 27538039.95] (northing, easting)", xy)
	}
	ll := e.ogcGet("/ogc/collections/markers/items/"+id+"?crs=EPSG:4326", 200, "application/geo+json").get("geometry", "coordinates").([]any)
	if math.Abs(ll[0].(float64)-33.05249) > 1e-6 || math.Abs(ll[1].(float64)-81.407288) > 1e-6 {
		t.Errorf("QT-001 in EPSG:4326 is %v, want [33.05249 81.407288] (lat, lon)", ll)
	}
	gkZones := e.ogcGet("/ogc/collections/zones/items?crs=http://www.opengis.net/def/crs/EPSG/0/4490&reserve=qiangtang", 200, "application/geo+json")
	if gkZones.Header.Get("Content-Crs") != "<http://www.opengis.net/def/crs/EPSG/0/4490>" || len(gkZones.get("features").([]any)) != 2 {
		t.Errorf("zones in EPSG:4490: Content-Crs %q, %d features", gkZones.Header.Get("Content-Crs"), len(gkZones.get("features").([]any)))
	}

	// datetime on the last inspection of markers, and on reserves' establishment.
	e.do("PATCH", "/api/v1/markers/"+id, map[string]any{"last_inspected_on": "2024-05-01"}, true).expect(200)
	for q, want := range map[string]string{
		"datetime=2024-05-01":                      "QT-001",
		"datetime=2024-05-01T12:00:00Z":            "QT-001",
		"datetime=2024-04-01T00:00:00Z/..":         "QT-001",
		"datetime=../2024-04-30":                   "",
		"datetime=2024-05-02/2024-06-01":           "",
		"datetime=2024-01-01/2024-12-31&kind=post": "QT-001",
	} {
		r := e.ogcGet("/ogc/collections/markers/items?"+q, 200, "application/geo+json")
		if got := strings.Join(featureCodes(r, "code"), ","); got != want {
			t.Errorf("markers?%s: %q, want %q", q, got, want)
		}
	}
	if got := featureCodes(e.ogcGet("/ogc/collections/reserves/items?datetime=1993-07-09", 200, "application/geo+json"), "code"); strings.Join(got, ",") != "qiangtang" {
		t.Errorf("reserves established 1993-07-09: %v", got)
	}

	// Single features and HTML.
	res1 := e.ogcGet("/ogc/collections/reserves/items/qiangtang", 200, "application/geo+json")
	if res1.get("properties", "name_zh") != "西藏羌塘国家级自然保护区" || res1.get("geometry", "type") != "MultiPolygon" {
		t.Errorf("reserve qiangtang: %.300s", res1.Raw)
	}
	e.ogcGet("/ogc/collections/zones/items/999999", 404, "application/problem+json")
	e.ogcGet("/ogc/collections/markers/items/abc", 404, "application/problem+json")
	page := e.ogcGet("/ogc/collections/markers/items?f=html&reserve=alt-pirineu", 200, "text/html")
	if !strings.Contains(string(page.Raw), "AP-001") || !strings.Contains(string(page.Raw), "界桩") {
		t.Errorf("the HTML items page lacks the markers")
	}
	for _, p := range []string{"/ogc?f=html", "/ogc/conformance?f=html", "/ogc/collections?f=html", "/ogc/collections/zones?f=html",
		"/ogc/collections/zones/items?f=html", "/ogc/collections/markers/items/" + id + "?f=html", "/ogc/api?f=html"} {
		if body := string(e.ogcGet(p, 200, "text/html").Raw); !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
			t.Errorf("%s: the HTML page is cut short:\n%.500s", p, body)
		}
	}

	// Refused parameters: 400 with a reason.
	for q, frag := range map[string]string{
		"foo=1":                          "unknown query parameter foo",
		"status=intact":                  "unknown query parameter status", // zones have no status
		"limit=0":                        "limit",
		"bbox=1,2,3":                     "bbox",
		"bbox=10,0,0,1":                  "antimeridian",
		"crs=EPSG:3857":                  "not a CRS this API serves",
		"bbox-crs=EPSG:4326":             "bbox-crs needs a bbox",
		"datetime=yesterday":             "datetime",
		"kind=village":                   "unknown zone kind",
		"f=xml":                          "must be json",
		"limit=5&limit=6":                "given 2 times",
		"datetime=2024-05-02/2024-05-01": "ends before it starts",
	} {
		e.do("GET", "/ogc/collections/zones/items?"+q, nil, false).problem(400, frag)
	}
	e.do("GET", "/ogc/collections?limit=3", nil, false).problem(400, "unknown query parameter limit")
}
