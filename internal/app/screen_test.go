package app_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/app"
	"warden/internal/sample/sampletest"
	"warden/internal/screening"
	"warden/internal/testdb"
)

// sampleCLI builds cmd/warden into a fresh directory and returns it, a
// footprint file in it (quarry.geojson: a 0.02° square around (86, 34.5),
// in Qiangtang's core zone, 70 km from its boundary) and a function that
// runs the binary as a person would on a fresh database holding the samples
// (`warden import sample`), with its stdout, stderr and error.
func sampleCLI(t *testing.T) (string, string, func(args ...string) (string, string, error)) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "warden")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/warden").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	url := testdb.URL(t)
	run := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "WARDEN_LOG_LEVEL=warn")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	if out, errs, err := run("import", "sample"); err != nil {
		t.Fatalf("warden import sample: %v\n%s%s", err, out, errs)
	}
	// (86, 34.5) lies in the core protection zone of Qiangtang's current
	// zoning (its two zones approved 2026-06-01).
	quarry := filepath.Join(dir, "quarry.geojson")
	if err := os.WriteFile(quarry, []byte(`{"type":"Polygon","coordinates":[[[85.99,34.49],[86.01,34.49],[86.01,34.51],[85.99,34.51],[85.99,34.49]]]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, quarry, run
}

// TestScreenCommand runs `warden screen` as a person would: the built binary
// on a database with the sample reserves, a footprint file, the verdict table
// on stdout; a refused request is one line on stderr and exit status 1.
func TestScreenCommand(t *testing.T) {
	_, file, run := sampleCLI(t)
	out, errs, err := run("screen", file, "--activity", "quarrying", "--status", "existing", "--project", "某采石场", "--distance-m", "10000")
	if err != nil {
		t.Fatalf("warden screen: %v\n%s%s", err, out, errs)
	}
	for _, want := range []string{"VERDICT: PROHIBITED  禁止", "qiangtang", "core_protection", "general_control", "prohibited nrr-2026/26/1", "核心保护区内禁止采石",
		"Quarrying: prohibited in the core protection zone", "finding 1: unapproved_construction in the core_protection zone of qiangtang",
		"report: /api/v1/screenings/1/report", "geojson quarry.geojson, EPSG:4326"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("warden screen:\n%s", out)
	_, errs, err = run("screen", file, "--activity", "picnic")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(errs, `unknown activity "picnic"`) {
		t.Errorf("unknown activity: %v, stderr %q", err, errs)
	}
}

// TestScreenFile screens a WKT road through internal/app and prints it.
func TestScreenFile(t *testing.T) {
	pool := sampletest.New(t)
	env := &app.Env{Pool: pool, Stores: api.NewStores(pool, api.StoreOptions{})}
	file := filepath.Join(t.TempDir(), "road.wkt")
	if err := os.WriteFile(file, []byte("LINESTRING(86 34.5, 86 36.9)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := app.Screen(t.Context(), env, file, app.ScreenOptions{Activity: "non_production_facility", Project: screening.Project{Name: "G216"}})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Verdict != screening.Prohibited || sc.Footprint.Measure != "length" || len(sc.Reserves) != 1 {
		t.Fatalf("road: %+v", sc.Result)
	}
	var b bytes.Buffer
	app.PrintScreening(&b, sc)
	if !strings.Contains(b.String(), "线路穿越西藏羌塘国家级自然保护区一般控制区") || !strings.Contains(b.String(), "general_control") {
		t.Errorf("output:\n%s", b.String())
	}
	if _, err := app.Screen(t.Context(), env, file, app.ScreenOptions{Activity: "entry", CRS: "EPSG:9999"}); err == nil || !strings.Contains(err.Error(), "unsupported CRS") {
		t.Errorf("unknown CRS: %v", err)
	}
}
