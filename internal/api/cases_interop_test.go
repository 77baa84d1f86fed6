package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// caseIDs decodes a cases tile into its case ids.
func caseIDs(t *testing.T, r *resp) []int64 {
	t.Helper()
	if r.Status == http.StatusNoContent {
		return nil
	}
	ls, err := mvt.Unmarshal(r.Raw)
	if err != nil || len(ls) != 1 || ls[0].Name != "cases" {
		t.Fatalf("not a cases tile: %v (%d layers)", err, len(ls))
	}
	var ids []int64
	for _, f := range ls[0].Features {
		ids = append(ids, int64(f.Properties["case"].(float64)))
	}
	return ids
}

// TestCasesTilesAndOGC: two cases registered in Qiangtang (a public letter
// about grazing in the core zone, a ministry patrol's logging in the
// experimental zone) are in the cases tile layer and the cases OGC
// collection for the roles that read cases — GDAL's OAPIF driver reads them
// with the admin's bearer token in GDAL_HTTP_HEADERS — and neither is shown
// to anonymous callers or rangers; an officer limited to Alt Pirineu sees
// none; the filters (status, severity, source, reserve) go through the API.
func TestCasesTilesAndOGC(t *testing.T) {
	e := newEnv(t, true)
	newCase := func(source, activity string, lon, lat float64) int64 {
		r := e.do("POST", "/api/v1/cases", map[string]any{"source": source, "activity": activity, "title": activity + " 测试",
			"location": map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}}, true).expect(201)
		return int64(r.get("id").(float64))
	}
	core := newCase("public_report", "grazing", 86, 34.5)
	// a point of Qiangtang's experimental zone (PointOnSurface of geodata/qiangtang/zones.geojson's),
	// today in the general control zone of its current zoning (zones-2026.geojson)
	lon, lat := 89.985425, 34.227723
	exp := newCase("ministry_patrol", "logging", lon, lat)
	e.do("POST", fmt.Sprintf("/api/v1/cases/%d/transitions", exp), map[string]any{"to": "verified", "version": 1, "comment": "核实"}, true).expect(200)
	viewer := e.userToken("viewer-c", []string{"viewer"})
	ranger := e.userToken("ranger-c", []string{"ranger"})
	officerAP := e.userToken("officer-c", []string{"officer"}, "alt-pirineu")

	// Tiles: the layer follows GET /api/v1/cases.
	tile := maptile.At(orb.Point{86, 34.5}, 6)
	path := fmt.Sprintf("/tiles/cases/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	e.getAs("", path).problem(401, "tile layer cases is not public")
	e.getAs(ranger, path).problem(403, "cases:read")
	r := e.getAs(viewer, path).expect(200)
	if cc := r.Header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("cases tile Cache-Control %q", cc)
	}
	if ids := caseIDs(t, r); !containsID(ids, core) {
		t.Errorf("the viewer's cases tile %v lacks case %d", ids, core)
	}
	e.getAs(officerAP, path).expect(204)
	if strings.Contains(string(e.getAs(officerAP, "/tiles/cases.json").expect(200).Raw), "bounds") {
		t.Error("an officer limited to Alt Pirineu is told the extent of Qiangtang's cases")
	}

	// OGC API - Features through GDAL.
	src := "OAPIF:" + e.srv.URL + "/ogc"
	header := []string{"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + adminToken}
	if anon := gdal(t, "ogrinfo", "-ro", "-so", src); strings.Contains(anon, "cases") || !strings.Contains(anon, "zones") {
		t.Errorf("anonymous ogrinfo lists:\n%s", anon)
	}
	if list := gdal(t, "ogrinfo", append(header, "-ro", "-so", src)...); !strings.Contains(list, "cases (title: Violation cases 违法违规问题) (Point)") {
		t.Errorf("ogrinfo with the admin token does not list the cases:\n%s", list)
	}
	out := gdal(t, "ogrinfo", append(header, "-ro", "-al", src, "cases")...)
	feats := parseOGR(out)
	if n := featureCount(t, out); n != 2 || len(feats) != 2 {
		t.Fatalf("GDAL reads %d cases (Feature Count %d), want 2:\n%.3000s", len(feats), n, out)
	}
	want := map[string][3]string{"public_report": {"reported", "high", "POINT (86.0 34.5)"}, "ministry_patrol": {"verified", "medium", "POINT (89.98"}}
	for _, g := range feats {
		w, ok := want[g.fields["source"]]
		if !ok || g.fields["status"] != w[0] || g.fields["severity"] != w[1] || g.fields["reserve"] != "qiangtang" ||
			!strings.HasPrefix(g.fields["number"], "qiangtang") || !strings.HasPrefix(g.wkt, w[2]) {
			t.Errorf("case %s: fields %v, geometry %s; want %v", g.fields["source"], g.fields, g.wkt, w)
		}
	}

	e.getAs("", "/ogc/collections/cases").problem(404)
	e.getAs(ranger, "/ogc/collections/cases/items").problem(404)
	e.getAs("", fmt.Sprintf("/ogc/collections/cases/items/%d", core)).problem(404)
	for q, n := range map[string]float64{
		"": 2, "?status=reported": 1, "?severity=high": 1, "?severity=medium": 1, "?source=ministry_patrol": 1, "?reserve=alt-pirineu": 0,
		"?datetime=2000-01-01T00:00:00Z/2001-01-01T00:00:00Z": 0, "?datetime=2000-01-01T00:00:00Z/..": 2,
	} {
		if got := e.getAs(viewer, "/ogc/collections/cases/items"+q).expect(200).get("numberMatched"); got != n {
			t.Errorf("cases items%s: numberMatched %v, want %v", q, got, n)
		}
	}
	e.getAs(viewer, "/ogc/collections/cases/items?status=open").problem(400, "status")
	if got := e.getAs(officerAP, "/ogc/collections/cases/items").expect(200).get("numberMatched"); got != 0.0 {
		t.Errorf("an officer limited to Alt Pirineu matches %v Qiangtang cases", got)
	}
	it := e.getAs(viewer, fmt.Sprintf("/ogc/collections/cases/items/%d", core)).expect(200)
	if it.get("geometry", "type") != "Point" || it.get("properties", "status_zh") != "已登记" || it.get("properties", "zone_kind") != "core_protection" {
		t.Errorf("the core case's item: %.600s", it.Raw)
	}
}

func containsID(ids []int64, id int64) bool {
	for _, i := range ids {
		if i == id {
			return true
		}
	}
	return false
}
