package api_test

import (
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"
)

// debianPython is the interpreter Debian's python3-qgis installs for.
const debianPython = "/usr/bin/python3"

// TestOGCWithQGIS loads the zones and markers collections through QGIS's own
// OAPIF provider, headless (testdata/qgis_oapif.py), and compares what QGIS
// sees with the API: feature counts, geometry types, and zone areas measured
// by QGIS on the WGS 84 ellipsoid. `make test` installs QGIS's Python
// bindings (scripts/setup.sh test); without them the test fails.
func TestOGCWithQGIS(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import qgis.core").Run(); err != nil {
		t.Fatal("QGIS's Python bindings are not installed: run `make setup-test` (apt-get install python3-qgis qgis-providers)")
	}
	e := newEnv(t, true)
	run := func(collection string) (header []string, feats [][]string) {
		t.Helper()
		out, err := exec.Command(debianPython, "testdata/qgis_oapif.py", e.srv.URL+"/ogc", collection).CombinedOutput()
		if err != nil {
			t.Fatalf("QGIS on %s: %v\n%s", collection, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) > 0 && f[0] == "layer":
				header = f[1:]
			case len(f) == 6 && f[0] == "feature":
				feats = append(feats, f[1:])
			}
		}
		if len(header) != 3 {
			t.Fatalf("QGIS printed no layer line for %s:\n%s", collection, out)
		}
		return header, feats
	}

	zonesAPI := apiFeatures(e, "zones")
	h, zs := run("zones")
	if h[0] != "EPSG:4326" || h[1] != fmt.Sprint(len(zonesAPI)) || len(zs) != len(zonesAPI) || !strings.Contains(h[2], "kind_zh") {
		t.Fatalf("QGIS sees zones as %v with %d features, the API has %d", h, len(zs), len(zonesAPI))
	}
	for _, z := range zs {
		if z[3] != "6" { // QgsWkbTypes.MultiPolygon
			t.Errorf("zone %s/%s: QGIS geometry type %s, want 6 (MultiPolygon)", z[0], z[1], z[3])
		}
		var want float64
		for _, a := range zonesAPI {
			p := a["properties"].(map[string]any)
			if p["reserve"] == z[0] && p["kind"] == z[1] {
				want = p["area_ha"].(float64)
			}
		}
		got := num(t, z[4])
		t.Logf("zone %s/%s: API %.2f ha, QGIS ellipsoidal %.2f ha", z[0], z[1], want, got)
		if want == 0 || math.Abs(got-want) > 1e-3*want {
			t.Errorf("zone %s/%s: QGIS measures %.2f ha, the API says %.2f ha", z[0], z[1], got, want)
		}
	}

	h, ms := run("markers")
	if n := len(apiFeatures(e, "markers")); h[1] != fmt.Sprint(n) || len(ms) != n {
		t.Fatalf("QGIS sees %v markers (%d read), the API has %d", h, len(ms), n)
	}
	for _, m := range ms {
		if m[3] != "1" { // QgsWkbTypes.Point
			t.Errorf("marker of %s: QGIS geometry type %s, want 1 (Point)", m[0], m[3])
		}
	}
}
