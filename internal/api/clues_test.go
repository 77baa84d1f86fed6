package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/xuri/excelize/v2"

	"warden/internal/api"
	"warden/internal/grid"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
)

// uploadClues posts a clue batch file with its source and image dates.
func (e *env) uploadClues(name string, data []byte, after string) *resp {
	e.t.Helper()
	body, ct := multipartBody([][2]string{{"source", "省级遥感解译"}, {"imaged_before", "2025-10-01"}, {"imaged_after", after}}, "file", name, data)
	return e.doType("POST", "/api/v1/clue-batches", ct, body)
}

// ogr converts a GeoJSON file with GDAL's ogr2ogr: to a GeoPackage (its
// bytes) or to a shapefile (zipped with its .prj and .cpg).
func ogr(t *testing.T, gj []byte, gpkg bool) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "in.geojson")
	if err := os.WriteFile(src, gj, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", filepath.Join(dir, "clues.shp"), src}
	if gpkg {
		args = []string{"-f", "GPKG", filepath.Join(dir, "clues.gpkg"), src}
	}
	if b, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v %s", err, b)
	}
	if gpkg {
		b, err := os.ReadFile(filepath.Join(dir, "clues.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		b, err := os.ReadFile(filepath.Join(dir, "clues"+ext))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create("clues" + ext)
		w.Write(b)
	}
	zw.Close()
	return zb.Bytes()
}

// TestClueBatchFormats: a zipped shapefile and a GeoPackage written by GDAL
// are read with their Chinese change types; the GeoPackage's repeats of the
// shapefile's detections are linked, not counted; bad files and forms are
// refused with problem+json saying where, and nothing is stored.
func TestClueBatchFormats(t *testing.T) {
	e := newEnv(t, true)
	gj := []byte(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"类型":"采石场","置信度":0.9},"geometry":{"type":"Polygon","coordinates":[[[86,34.8],[86.004,34.8],[86.004,34.804],[86,34.804],[86,34.8]]]}},
	 {"type":"Feature","properties":{"类型":"道路","置信度":0.7},"geometry":{"type":"Polygon","coordinates":[[[86.1,34.8],[86.104,34.8],[86.104,34.804],[86.1,34.804],[86.1,34.8]]]}}]}`)
	shp := e.uploadClues("clues.zip", ogr(t, gj, false), "2026-05-01").expect(201)
	if shp.get("format") != "shapefile" || shp.get("clues") != 2.0 {
		t.Fatalf("shapefile batch: %s", shp.Raw)
	}
	gp := e.uploadClues("clues.gpkg", ogr(t, gj, true), "2026-06-01").expect(201)
	if gp.get("format") != "gpkg" || gp.get("clues") != 0.0 || gp.get("linked") != 2.0 {
		t.Fatalf("GeoPackage batch: %s", gp.Raw)
	}
	list := e.do("GET", "/api/v1/clues?reserve=qiangtang&zone=core_protection", nil, true).expect(200)
	var cs []map[string]any
	if err := json.Unmarshal(list.Raw, &cs); err != nil || len(cs) != 4 || cs[0]["change_type"] != "quarry_mine" {
		t.Fatalf("clues: %v %.500s", err, list.Raw)
	}

	e.uploadClues("x.zip", []byte("PK\x03\x04 not a zip"), "2026-05-01").problem(400)
	e.uploadClues("x.bin", []byte("\x00\x01\x02 binary"), "2026-05-01").problem(415)
	e.uploadClues("x.geojson", []byte(`{"type":"Feature","properties":{"change_type":"road"},"geometry":{"type":"LineString","coordinates":[[86,34],[86.1,34]]}}`), "2026-05-01").
		problem(422, "feature 0: is a LineString")
	e.uploadClues("x.geojson", gj, "2026-13-01").problem(422, "imaged_after")
	body, ct := multipartBody([][2]string{{"imaged_after", "2026-05-01"}}, "file", "x.geojson", gj)
	e.doType("POST", "/api/v1/clue-batches", ct, body).problem(422, "source is required")
	var batches []any
	raw := e.do("GET", "/api/v1/clue-batches", nil, true).expect(200).Raw
	if err := json.Unmarshal(raw, &batches); err != nil || len(batches) != 2 {
		t.Fatalf("refused files stored batches: %s", raw)
	}
}

// newClueEnv is newEnv with the samples' illustrative counties and grid
// cells, and the pool for checks against PostGIS.
func newClueEnv(t *testing.T) (*env, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.New(t)
	sampletest.Load(t, pool, grid.NewStore(pool).LoadSample)
	return startAPI(t, pool, api.Config{}, nil), pool
}

func (e *env) list(path string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	raw := e.do("GET", path, nil, true).expect(200).Raw
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s: %v %.300s", path, err, raw)
	}
	return out
}

func poly(lon, lat, h float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]f,%[2]f],[%[3]f,%[2]f],[%[3]f,%[4]f],[%[1]f,%[4]f],[%[1]f,%[2]f]]]}`, lon-h, lat-h, lon+h, lat+h)
}

// TestGreenShieldLoop is the walk: a batch of change detections over
// the Qiangtang sample (two in the core zone, one straddling core and
// buffer, one outside, one invalid, then a repeat in a second batch) is
// refused whole while it has the invalid one, then located with areas equal
// to PostGIS; clues go to the grid cell's staff; a patrol track passes two of
// them and is recognised as their visit; one is verified with a photo as an
// illegal activity, opening a remote_sensing case worked to 销号, the others
// close with their reasons; an unverified clue shows overdue in the daily
// report; a CSV of point alerts goes the same way.
func TestGreenShieldLoop(t *testing.T) {
	e, pool := newClueEnv(t)
	ctx := t.Context()
	// the batch is imaged 2026-05-01: in the sample's three zones (version 1;
	// its two zones are approved 2026-06-01)
	var edge [2]float64
	if err := pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(z.geom, 1)), 1) p FROM zone z
		JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang' AND z.kind = 'core') x`).Scan(&edge[0], &edge[1]); err != nil {
		t.Fatal(err)
	}
	var north [2]float64 // 0.02° north of the reserve's northernmost vertex
	if err := pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) + 0.02 FROM (SELECT (ST_DumpPoints(z.geom)).geom p FROM zone z
		JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang' AND z.kind = 'experimental') x ORDER BY ST_Y(p) DESC LIMIT 1`).Scan(&north[0], &north[1]); err != nil {
		t.Fatal(err)
	}
	feats := []string{
		`{"type":"Feature","properties":{"变化类型":"采石","id":"QT-1"},"geometry":` + poly(86, 34.8, 0.003) + `}`,
		`{"type":"Feature","properties":{"变化类型":"道路","id":"QT-2"},"geometry":{"type":"Point","coordinates":[86.05,34.8]}}`,
		`{"type":"Feature","properties":{"change_type":"construction","id":"QT-3"},"geometry":` + poly(edge[0], edge[1], 0.01) + `}`,
		`{"type":"Feature","properties":{"change_type":"farmland","id":"QT-4"},"geometry":` + poly(north[0], north[1], 0.002) + `}`,
	}
	invalid := `{"type":"Feature","properties":{"change_type":"road"},"geometry":{"type":"Polygon","coordinates":[[[86.1,34.7],[86.11,34.71],[86.11,34.7],[86.1,34.71],[86.1,34.7]]]}}`
	fc := func(fs ...string) []byte {
		return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`)
	}

	e.uploadClues("batch.geojson", fc(append(feats, invalid)...), "2026-05-01").problem(422, "feature 4: invalid geometry")
	if n := len(e.list("/api/v1/clues")); n != 0 {
		t.Fatalf("a refused batch stored %d clues", n)
	}
	b := e.uploadClues("batch.geojson", fc(feats...), "2026-05-01").expect(201)
	batch := int64(b.get("id").(float64))
	e.uploadClues("batch.geojson", fc(feats...), "2026-05-01").expect(200)
	e.uploadClues("again.geojson", fc(`{"type":"Feature","properties":{"change_type":"quarry"},"geometry":`+poly(86.001, 34.8, 0.003)+`}`), "2026-06-01").expect(201)
	cs := e.list(fmt.Sprintf("/api/v1/clues?batch=%d", batch))
	if len(cs) != 4 || len(e.list("/api/v1/clues?status=linked")) != 1 {
		t.Fatalf("clues %d, linked %d", len(cs), len(e.list("/api/v1/clues?status=linked")))
	}
	id := func(c map[string]any) int64 { return int64(c["id"].(float64)) }
	quarry, road, building, farm := cs[0], cs[1], cs[2], cs[3]
	for _, c := range cs {
		for _, z := range c["zones"].([]any) {
			zs := z.(map[string]any)
			var want float64
			if err := pool.QueryRow(ctx, `SELECT coalesce(sum(ST_Area(ST_Intersection(z.geom, c.geom)::geography)) / 10000, 0) FROM clue c, zone z
				JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 WHERE c.id = $1 AND z.kind = $2`, id(c), zs["zone_kind"]).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if got := zs["area_ha"].(float64); math.Abs(got-want) > 1e-4 {
				t.Errorf("clue %v in %v: %.4f ha, PostGIS %.4f ha", c["number"], zs["zone_kind"], got, want)
			}
		}
	}
	if len(building["zones"].([]any)) != 2 || quarry["grid_cell"] == nil || quarry["county"] == nil || farm["inside"] != false || farm["reserve"] != "qiangtang" || farm["boundary_distance_m"] == nil {
		t.Fatalf("located: %v / %v / %v", building["zones"], quarry, farm)
	}

	// the grid cell's staff, assignment, and the track that passes two clues
	var cell int64
	if err := pool.QueryRow(ctx, `SELECT cell_id FROM clue WHERE id = $1`, id(quarry)).Scan(&cell); err != nil {
		t.Fatal(err)
	}
	e.do("PATCH", fmt.Sprintf("/api/v1/grid-cells/%d", cell), map[string]any{"staff": []map[string]any{{"name": "扎西", "phone": "13800000000"}}}, true).expect(200)
	a := e.do("POST", fmt.Sprintf("/api/v1/clues/%d/assignment", id(quarry)), nil, true).expect(200)
	if a.get("assignee") != "扎西" || a.get("status") != "assigned" || a.get("deadline") == nil {
		t.Fatalf("assignment: %s", a.Raw)
	}
	deadline := a.get("deadline").(string)
	e.do("POST", fmt.Sprintf("/api/v1/clues/%d/assignment", id(farm)), map[string]any{"assignee": "次仁", "deadline": deadline}, true).expect(200)
	if tasks := e.list("/api/v1/clues?assignee=" + url.QueryEscape("扎西")); len(tasks) != 1 {
		t.Errorf("扎西's task list: %d clues", len(tasks))
	}
	var gpx strings.Builder
	gpx.WriteString(`<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>`)
	start := time.Date(2026, 5, 10, 3, 0, 0, 0, time.UTC)
	for i := 0; i <= 16; i++ {
		fmt.Fprintf(&gpx, `<trkpt lat="34.8" lon="%.4f"><time>%s</time></trkpt>`, 85.99+0.005*float64(i), start.Add(time.Duration(2*i)*time.Minute).Format(time.RFC3339))
	}
	gpx.WriteString(`</trkseg></trk></gpx>`)
	body, ct := multipartBody([][2]string{{"subject", "扎西"}, {"subject_kind", "patrol"}, {"reserve", "qiangtang"}}, "file", "patrol.gpx", []byte(gpx.String()))
	track := e.doType("POST", "/api/v1/tracks", ct, body).expect(201).get("id").(float64)
	for _, c := range []map[string]any{quarry, road} {
		got := e.do("GET", fmt.Sprintf("/api/v1/clues/%d", id(c)), nil, true).expect(200)
		if vs, _ := got.get("visits").([]any); len(vs) != 1 || vs[0].(map[string]any)["track"] != track {
			t.Errorf("clue %v visits: %v", c["number"], got.get("visits"))
		}
	}
	if vs := e.do("GET", fmt.Sprintf("/api/v1/clues/%d", id(building)), nil, true).expect(200).get("visits"); vs != nil {
		t.Errorf("the track did not pass clue %v, visits %v", building["number"], vs)
	}

	// verification: the quarry with a photo opens a case, the others close
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	body, ct = multipartBody([][2]string{{"result", "illegal_activity"}, {"note", "无证采石，现场有挖掘机"}, {"photo_lon", "86.0005"}, {"photo_lat", "34.8"},
		{"photo_taken_at", "2026-05-10T11:05:00+08:00"}}, "photo", "现场.png", png)
	v := e.doType("POST", fmt.Sprintf("/api/v1/clues/%d/verification", id(quarry)), ct, body).expect(200)
	if v.get("status") != "case_opened" || v.get("case") == nil || v.get("visit_track") != track || len(v.get("photos").([]any)) != 1 {
		t.Fatalf("verified: %.1000s", v.Raw)
	}
	if d := v.get("photos", 0, "distance_m").(float64); d != 0 {
		t.Errorf("a photo taken inside the clue is %v m from it", d)
	}
	e.doType("POST", fmt.Sprintf("/api/v1/clues/%d/verification", id(quarry)), ct, body).problem(409)
	e.do("POST", fmt.Sprintf("/api/v1/clues/%d/verification", id(road)), map[string]any{"result": "natural_change", "note": "河道改道"}, true).expect(200)
	e.do("POST", fmt.Sprintf("/api/v1/clues/%d/verification", id(building)), map[string]any{"result": "lawful"}, true).problem(422, "approval")
	e.do("POST", fmt.Sprintf("/api/v1/clues/%d/verification", id(building)), map[string]any{"result": "lawful", "approval": "藏林函〔2025〕12号"}, true).expect(200)
	if n := len(e.list("/api/v1/clues?status=closed")); n != 2 {
		t.Errorf("%d clues closed, want 2", n)
	}

	// the case: source remote_sensing, the clue's dates and area, routed, worked to 销号
	caseID := int64(v.get("case", "id").(float64))
	path := fmt.Sprintf("/api/v1/cases/%d", caseID)
	cs1 := e.do("GET", path, nil, true).expect(200)
	desc, _ := cs1.get("description").(string)
	if cs1.get("source") != "remote_sensing" || cs1.get("grid_cell") == nil || !strings.Contains(desc, "2025-10-01至2026-05-01") ||
		!strings.Contains(desc, "公顷") || cs1.get("legal_basis") == nil {
		t.Fatalf("case: %.1500s", cs1.Raw)
	}
	step := func(in map[string]any) {
		t.Helper()
		in["version"] = e.do("GET", path, nil, true).expect(200).get("version")
		e.do("POST", path+"/transitions", in, true).expect(200)
	}
	today := time.Now().Format(time.DateOnly)
	step(map[string]any{"to": "verified"})
	step(map[string]any{"to": "transferred", "deadline": time.Now().AddDate(0, 1, 0).Format(time.DateOnly), "rectification_measures": "停止采石，恢复植被"})
	step(map[string]any{"to": "rectifying"})
	step(map[string]any{"to": "rectified", "rectification": map[string]any{"completed_on": today, "description": "已停采复绿"}})
	step(map[string]any{"to": "closed", "verification": map[string]any{"date": today, "verifiers": []string{"扎西"}}})
	if got := e.do("GET", fmt.Sprintf("/api/v1/clues/%d", id(quarry)), nil, true).expect(200).get("case", "status"); got != "closed" {
		t.Errorf("the clue's case is %v after 销号", got)
	}

	// the unverified clue is overdue in the daily report after its deadline
	dl, _ := time.Parse(time.DateOnly, deadline)
	rep := e.do("GET", "/api/v1/reports/daily?date="+dl.AddDate(0, 0, 2).Format(time.DateOnly), nil, true).expect(200)
	if oc, _ := rep.get("overdue_clues").([]any); len(oc) != 1 || oc[0].(map[string]any)["number"] != farm["number"] || oc[0].(map[string]any)["days_overdue"] != 2.0 {
		t.Errorf("overdue clues: %v", rep.get("overdue_clues"))
	}

	// a CSV of point alerts, then the ledger read back and the statistics
	csv := "alert_id,longitude,latitude,类型,confidence\nGFW-1,86.2,34.9,毁林,92\nGFW-2,86.3,34.9,deforestation,0.8\n"
	if got := e.uploadClues("alerts.csv", []byte(csv), "2026-07-01").expect(201); got.get("clues") != 2.0 || got.get("format") != "csv" {
		t.Errorf("CSV alerts: %s", got.Raw)
	}
	ledger := e.getAs(adminToken, "/api/v1/clues.xlsx?reserve=qiangtang").expect(200)
	x, err := excelize.OpenReader(bytes.NewReader(ledger.Raw))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("问题线索台账")
	if err != nil || len(rows) != 8 {
		t.Fatalf("ledger rows: %d %v", len(rows), err)
	}
	want := []string{"序号", "线索编号", "保护区", "级别", "变化类型", "功能区", "面积（公顷）", "中心经度", "中心纬度", "前时相", "后时相", "核查结果", "核查人", "核查日期", "案件编号", "整改状态"}
	if !slices.Equal(rows[0], want) {
		t.Errorf("ledger header %v", rows[0])
	}
	q := rows[1]
	if q[1] != quarry["number"] || q[3] != "国家级" || q[4] != "采石采矿" || q[5] != "核心区（按核心保护区管理）" || q[9] != "2025-10-01" ||
		q[11] != "违法违规人类活动" || q[14] != v.get("case", "number") || q[15] != "已销号" {
		t.Errorf("ledger row of the quarry: %v", q)
	}
	if a, _ := strconv.ParseFloat(q[6], 64); math.Abs(a-quarry["area_ha"].(float64)) > 1e-3 {
		t.Errorf("ledger area %s, clue %v", q[6], quarry["area_ha"])
	}
	st := e.do("GET", "/api/v1/clues/statistics?reserve=qiangtang", nil, true).expect(200)
	if st.get("clues") != 6.0 || st.get("linked") != 1.0 {
		t.Errorf("statistics: %s", st.Raw)
	}

	// the clues tile layer and OGC API collection, for readers of cases only
	tile := maptile.At(orb.Point{86, 34.8}, 8)
	tp := fmt.Sprintf("/tiles/clues/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	if r := e.do("GET", tp, nil, true); r.Status != 200 || len(r.Raw) == 0 {
		t.Errorf("clue tile: %d, %d bytes", r.Status, len(r.Raw))
	}
	e.do("GET", tp, nil, false).expect(401)
	items := e.do("GET", "/ogc/collections/clues/items?reserve=qiangtang&status=closed&f=json", nil, true).expect(200)
	if items.get("numberMatched") != 2.0 {
		t.Errorf("OGC clues closed: %v", items.get("numberMatched"))
	}
	e.do("GET", "/ogc/collections/clues/items", nil, false).expect(404)
}
