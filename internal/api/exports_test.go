package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"warden/internal/testcorpus"
)

// download fetches an export into dir and returns its path.
func (e *env) download(dir, path, name string) string {
	e.t.Helper()
	r := e.do("GET", path, nil, false).expect(200)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		e.t.Errorf("GET %s: Content-Disposition %q, want an attachment", path, cd)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, r.Raw, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// zipEntry returns a zip file's entry whose name ends in suffix.
func zipEntry(t *testing.T, path, suffix string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, suffix) {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s has no %s entry", path, suffix)
	return ""
}

// TestExportsReadByGDAL opens every export with GDAL and checks its CRS,
// geometry and attributes, with the Chinese names intact.
func TestExportsReadByGDAL(t *testing.T) {
	e := newEnv(t, true)
	dir := t.TempDir()
	zonesAPI := e.do("GET", "/api/v1/reserves/qiangtang/zones", nil, false).expect(200)
	wantNames := featureCodes(zonesAPI, "name") // 一般控制区, 核心保护区: the current zoning

	check := func(label, src, geom string, n int, crsID string, field string, want []string) string {
		t.Helper()
		out := gdal(t, "ogrinfo", "-ro", "-al", src)
		fs := parseOGR(out)
		if len(fs) != n || featureCount(t, out) != n {
			t.Errorf("%s: GDAL reads %d features, want %d", label, len(fs), n)
		}
		if !strings.Contains(out, `ID["EPSG",`+crsID+`]`) {
			t.Errorf("%s: the CRS is not EPSG:%s:\n%.1500s", label, crsID, out)
		}
		var got []string
		for _, f := range fs {
			if !strings.HasPrefix(f.wkt, geom) {
				t.Errorf("%s: geometry %.30s, want %s", label, f.wkt, geom)
			}
			got = append(got, f.fields[field])
		}
		sort.Strings(got)
		if want != nil && strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %s values %v, want %v", label, field, got, want)
		}
		return out
	}

	gj := e.download(dir, "/api/v1/reserves/qiangtang/zones.geojson", "z.geojson")
	check("zones.geojson", gj, "MULTIPOLYGON", 2, "4326", "name", wantNames)

	kmlPath := e.download(dir, "/api/v1/reserves/qiangtang/zones.kml", "z.kml")
	out := check("zones.kml", kmlPath, "MULTIPOLYGON", 2, "4326", "Name", wantNames)
	if !strings.Contains(out, "kind_zh (String) = 核心保护区") {
		t.Errorf("zones.kml: no kind_zh in the ExtendedData")
	}
	raw, _ := os.ReadFile(kmlPath)
	for _, want := range []string{`<Style id="core_protection">`, `<styleUrl>#core_protection</styleUrl>`, `<styleUrl>#general_control</styleUrl>`, `<PolyStyle>`} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("zones.kml lacks %s", want)
		}
	}

	shp := e.download(dir, "/api/v1/reserves/qiangtang/zones.shp.zip", "z.shp.zip")
	out = check("zones.shp.zip", "/vsizip/"+shp, "POLYGON", 2, "4326", "name", wantNames)
	if !strings.Contains(out, "kind_zh (String) = 一般控制区") || !strings.Contains(out, "area_ha (Real)") {
		t.Errorf("zones.shp.zip: attributes missing:\n%.3000s", out)
	}
	if prj := zipEntry(t, shp, ".prj"); !strings.Contains(prj, "GCS_WGS_1984") {
		t.Errorf("zones.shp.zip .prj is %q, want WGS 84", prj)
	}
	if cpg := zipEntry(t, shp, ".cpg"); strings.TrimSpace(cpg) != "UTF-8" {
		t.Errorf("zones.shp.zip .cpg is %q, want UTF-8", cpg)
	}

	shp4490 := e.download(dir, "/api/v1/reserves/qiangtang/zones.shp.zip?crs=EPSG:4490", "z4490.shp.zip")
	check("zones.shp.zip in EPSG:4490", "/vsizip/"+shp4490, "POLYGON", 2, "4490", "name", wantNames)
	if prj := zipEntry(t, shp4490, ".prj"); !strings.Contains(prj, "China_Geodetic_Coordinate_System_2000") {
		t.Errorf("the EPSG:4490 .prj is %q, want CGCS2000", prj)
	}
	shpGK := e.download(dir, "/api/v1/reserves/qiangtang/markers.shp.zip?crs=EPSG:4515", "mgk.shp.zip")
	out = check("markers.shp.zip in EPSG:4515", "/vsizip/"+shpGK, "POINT", 40, "4515", "kind_zh", nil)
	if prj := zipEntry(t, shpGK, ".prj"); !strings.Contains(prj, "CGCS2000_3_Degree_GK_Zone_27") {
		t.Errorf("the EPSG:4515 .prj is %q", prj)
	}
	for _, f := range parseOGR(out) {
		var east, north float64
		if _, err := fmt.Sscanf(f.wkt, "POINT (%g %g)", &east, &north); err != nil || f.fields["code"] != "QT-001" {
			continue
		}
		// The shapefile stores easting (with the zone prefix), northing.
		if math.Abs(east-27538039.95) > 0.01 || math.Abs(north-3658643.18) > 0.01 {
			t.Errorf("QT-001 in EPSG:4515 is at %v %v, announced Y 27538039.95 X 3658643.18", east, north)
		}
		north = -1
	}

	gpkg := e.download(dir, "/api/v1/reserves/qiangtang/zones.gpkg", "z.gpkg")
	check("zones.gpkg", gpkg, "MULTIPOLYGON", 2, "4326", "name", wantNames)
	// an older version on request: the three zones of version 1
	v1 := e.download(dir, "/api/v1/reserves/qiangtang/zones.gpkg?version=1", "z1.gpkg")
	check("zones.gpkg?version=1", v1, "MULTIPOLYGON", 3, "4326", "name",
		featureCodes(e.do("GET", "/api/v1/reserves/qiangtang/zones?version=1", nil, false).expect(200), "name"))

	for _, f := range []string{"geojson", "kml", "shp.zip", "gpkg"} {
		p := e.download(dir, "/api/v1/reserves/alt-pirineu/markers."+f, "m."+f)
		if f == "shp.zip" {
			p = "/vsizip/" + p
		}
		check("markers."+f, p, "POINT", 12, "4326", "status", strings.Split(strings.Repeat("intact,", 12), ",")[:12])
	}
	if n := len(parseOGR(gdal(t, "ogrinfo", "-ro", "-al", e.download(dir, "/api/v1/reserves/qiangtang/markers.geojson?status=damaged", "d.geojson")))); n != 2 {
		t.Errorf("markers.geojson?status=damaged has %d markers, want 2", n)
	}

	e.do("GET", "/api/v1/reserves/qiangtang/zones.xls", nil, false).problem(404, "no export format")
	e.do("GET", "/api/v1/reserves/qiangtang/zones.kml?crs=EPSG:4490", nil, false).problem(400, "WGS 84")
	e.do("GET", "/api/v1/reserves/nowhere/zones.gpkg", nil, false).problem(404, "nowhere")
	e.do("GET", "/api/v1/reserves/qiangtang/zones.geojson?version=9", nil, false).problem(404, "version")
	e.do("GET", "/api/v1/reserves/qiangtang/markers.shp.zip?status=gone", nil, false).problem(400, "status")
}

var dmsRE = regexp.MustCompile(`^(\d+)°(\d{2})′(\d{2}\.\d{4})″([ENSW])$`)

func parseDMS(t *testing.T, s string) float64 {
	t.Helper()
	m := dmsRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q is not D°MM′SS.ssss″H", s)
	}
	v := num(t, m[1]) + num(t, m[2])/60 + num(t, m[3])/3600
	if m[4] == "W" || m[4] == "S" {
		v = -v
	}
	return v
}

// TestAnnouncementCSV checks the coordinate announcement table: a UTF-8 BOM,
// one row per marker, DMS equal to the decimal degrees, and Gauss-Krüger
// X/Y in the marker's own 3-degree zone equal to the announced survey
// coordinates of the sample markers.
func TestAnnouncementCSV(t *testing.T) {
	e := newEnv(t, true)
	r := e.do("GET", "/api/v1/reserves/qiangtang/markers/announcement.csv", nil, false).expect(200)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body, ok := bytes.CutPrefix(r.Raw, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatal("the CSV does not start with a UTF-8 byte-order mark (Excel would garble the Chinese)")
	}
	if !bytes.Contains(body, []byte("\r\n")) {
		t.Error("the CSV lines do not end in CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0][:4], ",") != "序号 No.,点号 code,类型 kind,状态 status" {
		t.Errorf("header %v", recs[0])
	}
	survey := map[string]map[string]any{}
	for _, f := range e.do("GET", "/api/v1/reserves/qiangtang/markers", nil, false).expect(200).get("features").([]any) {
		p := f.(map[string]any)["properties"].(map[string]any)
		survey[p["code"].(string)] = p
	}
	if len(recs)-1 != len(survey) || len(survey) != 40 {
		t.Fatalf("%d rows for %d markers", len(recs)-1, len(survey))
	}
	for _, rec := range recs[1:] {
		p := survey[rec[1]]
		lon, lat := num(t, rec[4]), num(t, rec[5])
		if math.Abs(lon-p["lon"].(float64)) > 1e-6 || math.Abs(lat-p["lat"].(float64)) > 1e-6 {
			t.Errorf("%s: lon/lat %v %v, marker at %v %v", rec[1], lon, lat, p["lon"], p["lat"])
		}
		if math.Abs(parseDMS(t, rec[6])-lon) > 1e-7 || math.Abs(parseDMS(t, rec[7])-lat) > 1e-7 {
			t.Errorf("%s: DMS %s %s differs from %s %s", rec[1], rec[6], rec[7], rec[4], rec[5])
		}
		zone := int(math.Floor((lon + 1.5) / 3))
		sv := p["survey"].(map[string]any)
		if rec[8] != fmt.Sprint(zone) || rec[9] != fmt.Sprintf("EPSG:%d", 4513+zone-25) || rec[9] != sv["crs"] {
			t.Errorf("%s at %.4f°E: zone %s %s, want %d EPSG:%d (survey %v)", rec[1], lon, rec[8], rec[9], zone, 4513+zone-25, sv["crs"])
		}
		if x, y := num(t, rec[10]), num(t, rec[11]); math.Abs(x-sv["x"].(float64)) > 0.01 || math.Abs(y-sv["y"].(float64)) > 0.01 {
			t.Errorf("%s: X %v Y %v, announced survey X %v Y %v", rec[1], x, y, sv["x"], sv["y"])
		}
	}
	if recs[1][2] != "界桩" && recs[1][2] != "界碑" {
		t.Errorf("kind %q is not in Chinese", recs[1][2])
	}

	pyr, err := csv.NewReader(bytes.NewReader(e.do("GET", "/api/v1/reserves/alt-pirineu/markers/announcement.csv", nil, false).expect(200).Raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(pyr) != 13 || pyr[1][8] != "" || pyr[1][11] != "" || !strings.HasSuffix(pyr[1][6], "E") {
		t.Errorf("Alt Pirineu (1°E, outside China's zones) should have empty Gauss-Krüger columns: %v", pyr[1])
	}
	e.do("GET", "/api/v1/reserves/nowhere/markers/announcement.csv", nil, false).problem(404, "nowhere")
}

// putZip uploads a zipped shapefile as a reserve's zones.
func (e *env) putZip(code, query string, body []byte) *resp {
	e.t.Helper()
	return e.doType("PUT", "/api/v1/reserves/"+code+"/zones"+query, "application/zip", body)
}

// zipDir zips the files of dir whose names start with stem (all if "").
func zipDir(t *testing.T, dir, stem string, skip ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range ents {
		name := de.Name()
		if !strings.HasPrefix(name, stem) || sliceHas(skip, filepath.Ext(name)) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sliceHas(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func (e *env) newReserve(code, scheme string) {
	e.t.Helper()
	e.do("POST", "/api/v1/reserves", map[string]any{"code": code, "name_zh": "测试保护区 " + code, "level": "county", "zoning_scheme": scheme}, true).expect(201)
}

// zoneAreas maps zone names to area_ha in a version summary or reserve.
func zoneAreas(r *resp, path ...any) map[string]float64 {
	out := map[string]float64{}
	for _, z := range r.get(path...).([]any) {
		m := z.(map[string]any)
		out[fmt.Sprint(m["kind"])] = m["area_ha"].(float64)
	}
	return out
}

func sameAreas(t *testing.T, label string, got, want map[string]float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: zones %v, want %v", label, got, want)
	}
	for k, w := range want {
		if g := got[k]; math.Abs(g-w) > tol*w {
			t.Errorf("%s: %s %.4f ha, want %.4f ha (±%g)", label, k, g, w, tol)
		}
	}
}

// TestPutZonesShapefile uploads zoning as zipped shapefiles: Warden's own
// export back again; a GBK shapefile in a Gauss-Krüger zone with Chinese
// attribute names (功能区 = 核心区 ...), with its encoding named by the .cpg,
// by the DBF's code-page mark, or by nothing; and the real Qiangtang boundary
// from the corpus. JSON uploads keep their behaviour (TestZones and others).
func TestPutZonesShapefile(t *testing.T) {
	e := newEnv(t, true)
	dir := t.TempDir()
	want := zoneAreas(e.do("GET", "/api/v1/reserves/qiangtang", nil, false).expect(200), "zoning", "zones")

	e.newReserve("roundtrip", "three_zone")
	own := e.do("GET", "/api/v1/reserves/qiangtang/zones.shp.zip", nil, false).expect(200).Raw
	v := e.putZip("roundtrip", "?approved_on=2020-01-02", own).expect(201)
	sameAreas(t, "own export", zoneAreas(v, "zones"), want, 1e-9)
	if loc := v.Header.Get("Location"); loc != "/api/v1/reserves/roundtrip/zones?version=1" {
		t.Errorf("Location %q", loc)
	}

	// A survey institute's delivery: GBK, EPSG:4522 (3° zone 34, with the
	// zone prefix), 功能区 / 名称, for a reserve near 103°E 31°N whose zones
	// are nested squares (Qiangtang is too wide for one 3° zone).
	e.newReserve("squares", "three_zone")
	sq := func(d float64) string {
		return fmt.Sprintf("[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]", 103-d, 31-d, 103+d, 31-d, 103+d, 31+d, 103-d, 31+d, 103-d, 31-d)
	}
	zone := func(kind, name, rings string) string {
		return `{"type":"Feature","properties":{"kind":"` + kind + `","name":"` + name + `"},"geometry":{"type":"Polygon","coordinates":[` + rings + `]}}`
	}
	squares := e.do("PUT", "/api/v1/reserves/squares/zones", `{"type":"FeatureCollection","features":[`+
		zone("core", "核心区", sq(0.05))+","+zone("buffer", "缓冲区", sq(0.1)+","+sq(0.05))+","+zone("experimental", "实验区", sq(0.2)+","+sq(0.1))+`]}`, true).expect(201)
	want = zoneAreas(squares, "zones")
	src := e.download(dir, "/api/v1/reserves/squares/zones.geojson", "src.geojson")
	gk, real := filepath.Join(dir, "gk"), filepath.Join(dir, "real")
	for _, d := range []string{gk, real} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gdal(t, "ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:4522", "-lco", "ENCODING=CP936",
		"-sql", `SELECT kind_zh AS "功能区", name AS "名称" FROM squares_zones`, filepath.Join(gk, "功能区划.shp"), src)
	dbfPath := filepath.Join(gk, "功能区划.dbf")
	dbf, err := os.ReadFile(dbfPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(dbf, []byte("核心区")) || !bytes.Contains(dbf, []byte("\xba\xcb\xd0\xc4\xc7\xf8")) {
		t.Fatal("the test shapefile is not GBK-encoded")
	}
	for _, c := range []struct {
		name   string
		cpg    string // "" removes the .cpg
		ldid   byte
		refuse string
	}{
		{"cpg wrongly UTF-8", "UTF-8", 0, "not valid UTF-8 text"},
		{"cpg GBK", "GBK", 0, ""},
		{"LDID 0x4D, no cpg", "", 0x4D, ""},
		{"no cpg, no LDID", "", 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.Remove(filepath.Join(gk, "功能区划.cpg")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if c.cpg != "" {
				if err := os.WriteFile(filepath.Join(gk, "功能区划.cpg"), []byte(c.cpg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dbf[29] = c.ldid
			if err := os.WriteFile(dbfPath, dbf, 0o644); err != nil {
				t.Fatal(err)
			}
			code := fmt.Sprintf("gk-%x-%d", c.ldid, len(c.cpg))
			e.newReserve(code, "three_zone")
			if c.refuse != "" {
				e.putZip(code, "", zipDir(t, gk, "")).problem(422, c.refuse)
				return
			}
			v := e.putZip(code, "", zipDir(t, gk, "")).expect(201)
			sameAreas(t, c.name, zoneAreas(v, "zones"), want, 1e-6)
			var names []string
			for _, z := range v.get("zones").([]any) {
				names = append(names, z.(map[string]any)["name"].(string))
			}
			sort.Strings(names)
			if strings.Join(names, ",") != "实验区,核心区,缓冲区" {
				t.Errorf("zone names %v: the GBK names did not survive", names)
			}
		})
	}
	e.putZip("gk-0-3", "?crs=EPSG:4490", zipDir(t, gk, "")).problem(400, "disagrees with the shapefile's .prj", "EPSG:4522")

	// The real Qiangtang outer boundary (corpus, UTF-8), given a kind
	// attribute with ogr2ogr: one core zone covering the three sample zones.
	shapes := filepath.Join(testcorpus.Dir(t), "protected_areas", "china-nature-reserves-zenodo14875797-testsubset", "shapes.shp")
	gdal(t, "ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-sql", `SELECT '核心区' AS GNFQ, name FROM shapes`, filepath.Join(real, "boundary.shp"), shapes)
	e.newReserve("qt-boundary", "three_zone")
	v = e.putZip("qt-boundary", "", zipDir(t, real, "")).expect(201)
	qt := zoneAreas(e.do("GET", "/api/v1/reserves/qiangtang", nil, false).expect(200), "zoning", "zones")
	total := qt["core_protection"] + qt["general_control"]
	if got := v.get("zones", 0, "area_ha").(float64); math.Abs(got-total) > 1e-3*total || v.get("zones", 0, "name") != "西藏羌塘" {
		t.Errorf("the real boundary: %v ha named %v, the sample zones total %v ha", got, v.get("zones", 0, "name"), total)
	}

	// Refused uploads store nothing.
	e.newReserve("refused", "two_zone")
	three := e.do("GET", "/api/v1/reserves/qiangtang/zones.shp.zip?version=1", nil, false).expect(200).Raw
	e.putZip("refused", "", three).problem(422, "not part of the two_zone scheme")
	e.putZip("refused", "", []byte("PK\x03\x04 not really")).problem(400, "not a readable zip")
	if n := len(e.do("GET", "/api/v1/reserves/refused/zones", nil, false).expect(200).get("features").([]any)); n != 0 {
		t.Errorf("a refused upload left %d zones", n)
	}
	e.putZip("nowhere", "", own).problem(404, "nowhere")
}

// TestZoneShapefileCorpus uploads every shapefile and zip of the corpus: each
// is stored or refused with a problem that says why; none is a 500.
func TestZoneShapefileCorpus(t *testing.T) {
	e := newEnv(t, true)
	e.newReserve("corpus", "three_zone")
	rels := testcorpus.Shapefiles(t)
	expect := map[string]string{
		"shp/shpjs/badzip.zip":                    "not a readable zip archive",
		"shp/shpjs/noshp.zip":                     "holds no .shp file",
		"shp/shpjs/no-dbf.zip":                    "has no .dbf",
		"shp/shpjs/bad.shp":                       "is not a shapefile",
		"shp/shpjs/htmlprj.shp":                   ".prj is not a WKT coordinate system",
		"shp/shpjs/htmlcpg.shp":                   ".cpg is not an encoding name",
		"shp/shpjs/senate.zip":                    "EPSG:26986",
		"shp/shpjs/LGA_2013_AUST.shp":             "EPSG:4283",
		"shp/shapefile-js/test/empty.shp":         "has no records",
		"shp/shapefile-js/test/utf8-property.shp": "its attributes: ☃",
		"shp/shpjs/counties.zip":                  "has no zone kind attribute",
	}
	counts := map[int]int{}
	for _, rel := range rels {
		r := e.putZip("corpus", "", testcorpus.ShapefileUpload(t, rel))
		counts[r.Status]++
		detail, _ := r.JSON["detail"].(string)
		t.Logf("%s: %d %s", rel, r.Status, detail)
		switch {
		case r.Status == 201:
		case r.Status == 400 || r.Status == 413 || r.Status == 422:
			if r.Header.Get("Content-Type") != "application/problem+json" || detail == "" {
				t.Errorf("%s: %d without a problem detail: %s", rel, r.Status, r.Raw)
			}
		default:
			t.Errorf("%s: status %d: %s", rel, r.Status, r.Raw)
		}
		if frag, ok := expect[rel]; ok && !strings.Contains(detail, frag) {
			t.Errorf("%s: %q does not say %q", rel, detail, frag)
		}
	}
	t.Logf("%d files: %v by status", len(rels), counts)
}
