package api_test

import (
	"strings"
	"testing"
)

// TestGridCellsOGCWithGDAL reads the grid cells collection with GDAL's OAPIF
// driver: with credentials it lists every cell the API has, as
// MultiPolygons with their code and area; anonymous clients are not shown the
// collection, and its items answer 404 to them.
func TestGridCellsOGCWithGDAL(t *testing.T) {
	e := newEnv(t, true)
	e.do("POST", "/api/v1/reserves/qiangtang/grid-cells/generate?size_m=50000", nil, true).expect(200)
	cells := e.do("GET", "/api/v1/reserves/qiangtang/grid-cells", nil, true).expect(200)
	want := len(cells.get("features").([]any))
	if want < 10 {
		t.Fatalf("%d generated cells", want)
	}
	src := "OAPIF:" + e.srv.URL + "/ogc"
	auth := []string{"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + adminToken}

	if anon := gdal(t, "ogrinfo", "-ro", "-so", src); strings.Contains(anon, "grid_cells") {
		t.Errorf("anonymous ogrinfo lists the grid cells:\n%s", anon)
	}
	e.do("GET", "/ogc/collections/grid_cells/items", nil, false).expect(404)

	out := gdal(t, "ogrinfo", append(auth, "-ro", "-al", src, "grid_cells")...)
	feats := parseOGR(out)
	if len(feats) != want {
		t.Fatalf("GDAL read %d grid cells, the API has %d", len(feats), want)
	}
	for _, f := range feats {
		if !strings.HasPrefix(f.wkt, "MULTIPOLYGON") || f.fields["code"] == "" || f.fields["reserve"] != "qiangtang" || f.fields["area_ha"] == "" {
			t.Fatalf("grid cell as GDAL reads it: %+v", f.fields)
		}
	}
}
