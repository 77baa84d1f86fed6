package app_test

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/app"
	"warden/internal/geoio"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestImportZonesShapefile imports a zipped shapefile in a Gauss-Krüger zone
// as `warden import zones --reserve CODE FILE.zip` does: the .prj, not the
// --crs default, gives the CRS.
func TestImportZonesShapefile(t *testing.T) {
	pool := testdb.New(t)
	env := &app.Env{Pool: pool, Stores: api.NewStores(pool, api.StoreOptions{})}
	if _, err := env.Zones.CreateReserve(t.Context(), zoning.ReserveInput{Code: "squares", NameZH: "方形保护区", Level: "county", ZoningScheme: zoning.ThreeZone}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "zones.geojson")
	if err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"功能区":"核心区","名称":"核心区"},"geometry":{"type":"Polygon","coordinates":[[[102.95,30.95],[103.05,30.95],[103.05,31.05],[102.95,31.05],[102.95,30.95]]]}},
		{"type":"Feature","properties":{"功能区":"缓冲区","名称":"缓冲区"},"geometry":{"type":"Polygon","coordinates":[[[102.9,30.9],[103.1,30.9],[103.1,31.1],[102.9,31.1],[102.9,30.9]],[[102.95,30.95],[103.05,30.95],[103.05,31.05],[102.95,31.05],[102.95,30.95]]]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Fatal("ogr2ogr is not installed: install Debian's gdal-bin (`make setup` does)")
	}
	shpDir := filepath.Join(dir, "shp")
	if out, err := exec.Command(ogr, "-f", "ESRI Shapefile", "-t_srs", "EPSG:4522", "-lco", "ENCODING=CP936", shpDir, src).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	zipPath := filepath.Join(dir, "zones.zip")
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	ents, _ := os.ReadDir(shpDir)
	for _, de := range ents {
		b, err := os.ReadFile(filepath.Join(shpDir, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create("交付/" + de.Name())
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	v, err := app.ImportZones(t.Context(), env, "squares", zipPath, zoning.VersionInput{CRS: geoio.WGS84, ApprovedOn: "2021-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Zones) != 2 || v.Zones[0].Kind != zoning.Core || v.Zones[0].Name != "核心区" || v.Zones[1].Kind != zoning.Buffer {
		t.Fatalf("imported %+v", v.Zones)
	}
	// 0.1° × 0.1° at 31°N is about 9.54 km × 11.09 km.
	if a := v.Zones[0].AreaHa; a < 10500 || a > 10700 {
		t.Errorf("core area %.1f ha, want about 10,590 ha", a)
	}

	_, err = app.ImportZones(t.Context(), env, "squares", src, zoning.VersionInput{CRS: geoio.WGS84})
	if err == nil || !strings.Contains(err.Error(), "kind") {
		t.Errorf("GeoJSON without properties.kind: %v, want a refusal about the kind", err)
	}
}
