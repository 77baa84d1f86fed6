package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"warden/internal/testcorpus"
)

// findPoint walks north from (86, 34.5) (inside the core protection zone of
// Qiangtang's current zoning) with batch locate and returns a point of the
// given zone kind at least 2 km from any zone boundary.
func findPoint(e *env, kind string) [2]float64 {
	e.t.Helper()
	var pts [][2]float64
	for lat := 34.5; lat < 36.7; lat += 0.005 {
		pts = append(pts, [2]float64{86, lat})
	}
	r := e.do("POST", "/api/v1/locate?distance=true", pts, false).expect(200)
	for i, res := range r.get("results").([]any) {
		m := res.(map[string]any)
		if m["zone_kind"] == kind && m["boundary_distance_m"].(float64) > 2000 {
			return pts[i]
		}
	}
	e.t.Fatalf("no point of kind %s north of (86, 34.5)", kind)
	return [2]float64{}
}

// lonLatSquare is a GeoJSON Polygon of side 2h metres centred on c.
func lonLatSquare(c [2]float64, h float64) map[string]any {
	dy := h / 111_320
	dx := dy / 0.82 // cos(34.5°)
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
		{c[0] - dx, c[1] - dy}, {c[0] + dx, c[1] - dy}, {c[0] + dx, c[1] + dy}, {c[0] - dx, c[1] + dy}, {c[0] - dx, c[1] - dy}}}}
}

func screeningBody(footprint any, activity, status string) map[string]any {
	return map[string]any{"footprint": footprint, "activity": activity,
		"project": map[string]any{"name": "测试项目 test project", "developer": "某公司", "status": status}}
}

func TestScreeningsAPI(t *testing.T) {
	e := newEnv(t, true)
	core := findPoint(e, "core_protection")
	exp := findPoint(e, "general_control")
	body := screeningBody(map[string]any{"type": "Feature", "properties": map[string]any{"name": "pit"}, "geometry": lonLatSquare(core, 500)}, "quarrying", "existing")
	e.do("POST", "/api/v1/screenings", body, false).problem(401, "Authorization")
	r := e.do("POST", "/api/v1/screenings", body, true).expect(201)
	id := int(r.get("id").(float64))
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/screenings/%d", id) {
		t.Errorf("Location %q", loc)
	}
	if r.get("verdict") != "prohibited" || r.get("verdict_zh") != "禁止" || r.get("reserves", 0, "code") != "qiangtang" {
		t.Fatalf("screening: %.1500s", r.Raw)
	}
	if f := r.get("findings").([]any); len(f) != 1 || r.get("findings", 0, "kind") != "unapproved_construction" || r.get("findings", 0, "geometry", "type") == nil {
		t.Fatalf("findings: %v", f)
	}
	if r.get("footprint", "geometry", "type") != "Polygon" || r.get("footprint", "area_ha").(float64) < 99 {
		t.Errorf("footprint: %v", r.get("footprint"))
	}
	g := e.do("GET", fmt.Sprintf("/api/v1/screenings/%d", id), nil, true).expect(200)
	if g.get("verdict") != "prohibited" || g.get("project", "name") != "测试项目 test project" || g.get("report") != fmt.Sprintf("/api/v1/screenings/%d/report", id) {
		t.Errorf("GET: %.800s", g.Raw)
	}
	e.do("GET", "/api/v1/screenings/999999", nil, true).problem(404, "screening")
	e.do("GET", "/api/v1/screenings/abc", nil, true).problem(404, "screening")

	rep := e.do("GET", fmt.Sprintf("/api/v1/screenings/%d/report", id), nil, true).expect(200)
	html := string(rep.Raw)
	for _, want := range []string{"<svg", "PROHIBITED", "禁止", "@media print", "第二十六条", "unapproved construction", "西藏羌塘国家级自然保护区", "illustrative"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if !strings.HasPrefix(rep.Header.Get("Content-Type"), "text/html") {
		t.Errorf("report Content-Type %q", rep.Header.Get("Content-Type"))
	}

	// More screenings for the list filters.
	e.do("POST", "/api/v1/screenings", screeningBody(lonLatSquare(exp, 300), "tourism", "proposed"), true).expect(201)
	e.do("POST", "/api/v1/screenings", screeningBody(map[string]any{"type": "Point", "coordinates": []float64{1.2, 42.5}}, "entry", "proposed"), true).expect(201)
	e.do("POST", "/api/v1/screenings", screeningBody(map[string]any{"type": "Point", "coordinates": []float64{10, 10}}, "entry", "under_construction"), true).expect(201)
	today := time.Now().UTC().Format(time.DateOnly)
	for q, want := range map[string]int{
		"":                          4,
		"reserve=qiangtang":         2,
		"verdict=needs_approval":    1,
		"verdict=outside":           1,
		"activity=entry":            2,
		"status=under_construction": 1,
		"from=" + today:             4,
		"to=2000-01-01":             0,
		"from=2999-01-01T00:00:00Z": 0,
		"limit=1&offset=1":          4,
	} {
		l := e.do("GET", "/api/v1/screenings?"+q, nil, true).expect(200)
		if n := int(l.get("total").(float64)); n != want {
			t.Errorf("?%s: total %d, want %d", q, n, want)
		}
		if q == "limit=1&offset=1" && len(l.get("screenings").([]any)) != 1 {
			t.Errorf("?%s: %d screenings", q, len(l.get("screenings").([]any)))
		}
	}
	for _, q := range []string{"verdict=bad", "status=planned", "from=yesterday", "limit=0x", "limit=9999"} {
		e.do("GET", "/api/v1/screenings?"+q, nil, true).problem(400)
	}

	rules := e.do("GET", "/api/v1/rules", nil, false).expect(200)
	if len(rules.get("activities").([]any)) < 18 || rules.get("activities", 0, "rules", "core", "verdict") != "prohibited" || len(rules.get("zone_kinds").([]any)) != 6 {
		t.Errorf("rules: %.600s", rules.Raw)
	}
}

// TestScreeningsRefused: each bad request is a clear 4xx and stores nothing.
func TestScreeningsRefused(t *testing.T) {
	e := newEnv(t, true)
	exp := findPoint(e, "general_control")
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{exp, {exp[0] + 0.01, exp[1] + 0.01}, {exp[0] + 0.01, exp[1]}, {exp[0], exp[1] + 0.01}, exp}}}
	r := e.do("POST", "/api/v1/screenings", screeningBody(map[string]any{"type": "FeatureCollection", "features": []any{
		map[string]any{"type": "Feature", "properties": nil, "geometry": lonLatSquare(exp, 100)},
		map[string]any{"type": "Feature", "properties": nil, "geometry": bowtie}}}, "tourism", "proposed"), true).
		problem(422, "Self-intersection", "ST_MakeValid would give a MultiPolygon of 2 parts")
	if p := r.get("problems", 0).(map[string]any); p["pointer"] != "footprint.features[1].geometry" || p["feature"] != 1.0 || len(p["location"].([]any)) != 2 {
		t.Errorf("problem %v", p)
	}
	e.do("POST", "/api/v1/screenings", screeningBody(lonLatSquare(exp, 100), "karaoke", "proposed"), true).problem(422, `unknown activity "karaoke"`, "quarrying (采石)")
	e.do("POST", "/api/v1/screenings", screeningBody(map[string]any{"type": "MultiPolygon", "coordinates": []any{}}, "entry", "proposed"), true).problem(422, "empty")
	e.do("POST", "/api/v1/screenings", screeningBody(map[string]any{"type": "Feature", "properties": nil, "geometry": nil}, "entry", "proposed"), true).problem(422, "no geometry")
	e.do("POST", "/api/v1/screenings", map[string]any{"activity": "entry"}, true).problem(422, "footprint")
	e.do("POST", "/api/v1/screenings", screeningBody(map[string]any{"type": "polygon", "coordinates": []any{}}, "entry", "proposed"), true).
		problem(422, "case-sensitive")
	e.do("POST", "/api/v1/screenings", map[string]any{"footprint": lonLatSquare(exp, 100), "activity": "entry", "colour": "red"}, true).problem(400, "unknown field", "colour")
	e.do("POST", "/api/v1/screenings", map[string]any{"footprint": lonLatSquare(exp, 100), "activity": "entry", "distance_m": 80000}, true).problem(422, "at most 50000")
	e.do("POST", "/api/v1/screenings", map[string]any{"footprint": lonLatSquare(exp, 100), "activity": "entry", "project": map[string]any{"status": "planned"}}, true).problem(422, "under_construction")
	e.do("POST", "/api/v1/screenings", `{"footprint": {"type": "Point", "coordinates": [1, 2]}, "activity": `, true).problem(400, "JSON")

	fc, _ := json.Marshal(lonLatSquare(exp, 100))
	for _, c := range []struct {
		fields    map[string]string
		file      string
		status    int
		fragments []string
	}{
		{map[string]string{"activity": "entry", "crs": "EPSG:3857"}, "a.geojson", 400, []string{"unsupported CRS"}},
		{map[string]string{"activity": "entry", "colour": "red"}, "a.geojson", 400, []string{"unknown form field"}},
		{map[string]string{"activity": "entry", "distance_m": "far"}, "a.geojson", 400, []string{"distance_m"}},
		{map[string]string{"activity": "entry"}, "", 400, []string{"file"}},
		{map[string]string{"activity": "entry", "crs": "EPSG:4515"}, "a.geojson", 422, []string{"easting"}},
		{map[string]string{"activity": "entry", "shape": "circle"}, "a.csv", 400, []string{"unknown shape"}},
	} {
		ct, b := multipartFile(t, c.file, fc, c.fields)
		e.doType("POST", "/api/v1/screenings", ct, b).problem(c.status, c.fragments...)
	}
	e.doType("POST", "/api/v1/screenings", "text/plain", []byte("hello")).problem(415, "multipart/form-data")
	for _, c := range []struct {
		name, data string
		status     int
		fragment   string
	}{
		{"notes.docx", "minutes of the meeting", 415, "not recognised"},
		{"site.csv", "lon,lat\n86.0,35.6\n86.1,35.6\n", 422, "at least 3 different points"},
		{"site.wkt", "POLYGON((86 35.6, 86.1 35.7, 86.1 35.6, 86 35.7, 86 35.6))", 422, "Self-intersection"},
		{"site.wkt", "POLYGON EMPTY", 422, "EMPTY"},
		{"site.kml", `<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>only a label</name></Placemark></kml>`, 422, "no geometry"},
	} {
		ct, b := multipartFile(t, c.name, []byte(c.data), map[string]string{"activity": "entry"})
		e.doType("POST", "/api/v1/screenings", ct, b).problem(c.status, c.fragment)
	}

	if n := int(e.do("GET", "/api/v1/screenings", nil, true).expect(200).get("total").(float64)); n != 0 {
		t.Fatalf("%d screenings stored by refused requests", n)
	}
}

// multipartFile is a multipart/form-data body with the fields and, unless
// name is empty, a file part.
func multipartFile(t *testing.T, name string, data []byte, fields map[string]string) (string, []byte) {
	t.Helper()
	var pairs [][2]string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		pairs = append(pairs, [2]string{k, fields[k]})
	}
	fileField := ""
	if name != "" {
		fileField = "file"
	}
	body, ct := multipartBody(pairs, fileField, name, data)
	return ct, body
}

// TestScreeningsUpload: a GeoJSON file as multipart/form-data, with the
// project's fields beside it.
func TestScreeningsUpload(t *testing.T) {
	e := newEnv(t, true)
	exp := findPoint(e, "general_control")
	data, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": []any{
		map[string]any{"type": "Feature", "properties": map[string]any{"name": "hotel"}, "geometry": lonLatSquare(exp, 150)},
		map[string]any{"type": "Feature", "properties": map[string]any{"name": "access road"}, "geometry": map[string]any{"type": "LineString", "coordinates": [][2]float64{exp, {exp[0] + 0.03, exp[1] + 0.01}}}},
	}})
	ct, body := multipartFile(t, "hotel.geojson", data, map[string]string{
		"activity": "non_production_facility", "project_name": "生态酒店", "developer": "某旅游公司", "status": "proposed", "distance_m": "10000"})
	r := e.doType("POST", "/api/v1/screenings", ct, body).expect(201)
	if r.get("verdict") != "needs_approval" || r.get("footprint", "file_name") != "hotel.geojson" || r.get("footprint", "format") != "geojson" ||
		r.get("search_distance_m") != 10000.0 || r.get("project", "name") != "生态酒店" || r.get("footprint", "length_m").(float64) < 1000 {
		t.Fatalf("upload: %.1500s", r.Raw)
	}
}

// TestScreeningsUploadFormats: KML, WKT, EWKT and CSV footprints, including a
// CGCS2000 3° Gauss-Krüger coordinate table (X northing, Y easting with the
// zone prefix, as Chinese surveys announce them).
func TestScreeningsUploadFormats(t *testing.T) {
	e := newEnv(t, true)
	p := findPoint(e, "general_control")
	ring := func(c [2]float64, d float64) [][2]float64 {
		return [][2]float64{{c[0] - d, c[1] - d}, {c[0] + d, c[1] - d}, {c[0] + d, c[1] + d}, {c[0] - d, c[1] + d}, {c[0] - d, c[1] - d}}
	}
	coords := func(r [][2]float64, sep, pair string) string {
		var parts []string
		for _, q := range r {
			parts = append(parts, fmt.Sprintf("%v%s%v", q[0], pair, q[1]))
		}
		return strings.Join(parts, sep)
	}
	sq := ring(p, 0.01)
	kml := `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>采砂场 sand pit</name><Polygon><outerBoundaryIs><LinearRing><coordinates>` + coords(sq, " ", ",") + `</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>a label without geometry</name></Placemark>
</Document></kml>`
	wkt := fmt.Sprintf("LINESTRING(%v %v, %v %v)", p[0], p[1], p[0]+0.05, p[1])
	ewkt := "SRID=4490;POLYGON((" + coords(sq, ", ", " ") + "))"
	csv := "lon,lat\n" + coords(sq[:4], "\n", ",") + "\n"
	// QT-001 (geodata/qiangtang/markers.geojson) lies on the reserve's outer
	// boundary: announced as EPSG:4515, X = 3658643.18, Y = 27538039.95.
	var gk strings.Builder
	gk.WriteString("点号,X,Y\n")
	for i, d := range [][2]float64{{-2000, -2000}, {-2000, 2000}, {2000, 2000}, {2000, -2000}} {
		fmt.Fprintf(&gk, "J%d,%.2f,%.2f\n", i+1, 3658643.18+d[0], 27538039.95+d[1])
	}
	for _, c := range []struct {
		file, data string
		fields     map[string]string
		format     string
		crs        string
		check      func(r *resp)
	}{
		{"pit.kml", kml, nil, "kml", "EPSG:4326", func(r *resp) {
			if r.get("footprint", "features_without_geometry") != 1.0 || r.get("footprint", "area_ha").(float64) < 100 {
				t.Errorf("KML footprint: %v", r.get("footprint"))
			}
		}},
		{"road.wkt", wkt, nil, "wkt", "EPSG:4326", func(r *resp) {
			if l := r.get("footprint", "length_m").(float64); l < 4000 || l > 5000 || r.get("footprint", "measure") != "length" {
				t.Errorf("WKT road: %v", r.get("footprint"))
			}
		}},
		{"pit.ewkt", ewkt, nil, "wkt", "EPSG:4490", nil},
		{"pit.csv", csv, nil, "csv", "EPSG:4326", func(r *resp) {
			if r.get("footprint", "measure") != "area" {
				t.Errorf("CSV ring: %v", r.get("footprint"))
			}
		}},
		{"界址点.csv", gk.String(), map[string]string{"crs": "EPSG:4515"}, "csv", "EPSG:4515", func(r *resp) {
			// 4 km × 4 km in Gauss-Krüger metres, 0.35° from the central meridian (scale error ~2e-5).
			if a := r.get("footprint", "area_m2").(float64); math.Abs(a-16e6)/16e6 > 0.005 {
				t.Errorf("Gauss-Krüger square: %.0f m², want 16,000,000 ± 0.5%%", a)
			}
			if r.get("reserves", 0, "code") != "qiangtang" || r.get("reserves", 0, "intersects") != true {
				t.Errorf("the square around QT-001 should overlap the reserve: %.600s", r.Raw)
			}
		}},
	} {
		fields := map[string]string{"activity": "sand_digging", "status": "proposed"}
		for k, v := range c.fields {
			fields[k] = v
		}
		ct, body := multipartFile(t, c.file, []byte(c.data), fields)
		r := e.doType("POST", "/api/v1/screenings", ct, body).expect(201)
		if r.get("footprint", "format") != c.format || r.get("footprint", "crs") != c.crs || r.get("footprint", "file_name") != c.file {
			t.Errorf("%s: footprint %v", c.file, r.get("footprint"))
		}
		if r.get("verdict") != "prohibited" {
			t.Errorf("%s: verdict %v, want prohibited (sand digging, Art. 26)", c.file, r.get("verdict"))
		}
		if c.check != nil {
			c.check(r)
		}
	}
}

// TestScreeningsCorpus uploads every GeoJSON, KML and KMZ file of the test
// corpus as a footprint: each is screened (201) or refused with a clear 4xx,
// never a 5xx.
func TestScreeningsCorpus(t *testing.T) {
	e := newEnv(t, true)
	root := testcorpus.Dir(t)
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".geojson", ".json", ".kml", ".kmz":
			if !d.IsDir() {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 200 {
		t.Fatalf("only %d GeoJSON and KML files in %s", len(files), root)
	}
	counts := map[int]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		ct, body := multipartFile(t, filepath.Base(f), data, map[string]string{"activity": "non_production_facility"})
		r := e.doType("POST", "/api/v1/screenings", ct, body)
		counts[r.Status]++
		switch {
		case r.Status == 201:
		case r.Status >= 400 && r.Status < 500:
			if d, _ := r.JSON["detail"].(string); d == "" {
				t.Errorf("%s: %d without a detail: %s", rel, r.Status, r.Raw)
			}
		default:
			t.Errorf("%s: status %d: %.500s", rel, r.Status, r.Raw)
		}
	}
	t.Logf("%d corpus GeoJSON/KML/KMZ files: %v (status: count)", len(files), counts)
	if counts[201] < 80 {
		t.Errorf("only %d of %d corpus files screened", counts[201], len(files))
	}
	stored := int(e.do("GET", "/api/v1/screenings", nil, true).expect(200).get("total").(float64))
	if stored != counts[201] {
		t.Errorf("%d screenings stored, %d answered 201", stored, counts[201])
	}
}

// TestScreeningReportPDF prints the report with headless Chromium and checks
// that the PDF has the verdict, in English and Chinese.
func TestScreeningReportPDF(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run `make setup` (the report test needs the Debian packages chromium, poppler-utils and fonts-noto-cjk)")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not installed: run `make setup` (Debian package poppler-utils)")
	}
	e := newEnv(t, true)
	core := findPoint(e, "core_protection")
	road := map[string]any{"type": "LineString", "coordinates": [][2]float64{{core[0] - 0.05, core[1]}, {core[0] + 0.05, core[1] + 0.02}}}
	r := e.do("POST", "/api/v1/screenings", screeningBody(road, "non_production_facility", "under_construction"), true).expect(201)
	id := int(r.get("id").(float64))

	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	// Screenings are not public: the report is fetched with the token and
	// printed from a file (it is one self-contained page).
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, e.do("GET", fmt.Sprintf("/api/v1/screenings/%d/report", id), nil, true).expect(200).Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	u := "file://" + page
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdf, u)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, pdftotext, "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{"PROHIBITED", "禁止", fmt.Sprintf("No. %d", id), "Regulations on Nature Reserves", "核心保护区"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q; its text:\n%.3000s", want, text)
		}
	}
}
