package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/basemap"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/web"
	"warden/internal/zoning"
)

// TestBrowser runs the pages in real headless Chromium: web/test/gk.test.mjs
// and web/test/browser.test.mjs (the case walk is TestBrowserCaseWork)
// under node's test runner, against the API with the pages built into this
// test binary, on a fresh database with the sample reserves. It fails (never
// skips) when node, Chromium, the npm packages or the built pages are
// missing, saying what to run. Screenshots go to web/test-artifacts/.
func TestBrowser(t *testing.T) {
	webDir := filepath.Join(repoRoot(t), "web")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH: install Node 20 and npm (`make setup` says how), then `make test`")
	}
	chromium := os.Getenv("WARDEN_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is not at %s: run `make setup` (as root it installs Debian's chromium), or set WARDEN_CHROMIUM", chromium)
	}
	if _, err := os.Stat(filepath.Join(webDir, "node_modules", "playwright-core")); err != nil {
		t.Fatal("web/node_modules is not installed: run `make web` (npm ci and the build), then `make test`")
	}
	if err := web.New(web.Config{}).Built(); err != nil {
		t.Fatalf("%v; `make test` builds them first", err)
	}

	pool := testdb.New(t)
	if _, err := sample.LoadIfEmpty(t.Context(), zoning.NewStore(pool), markers.NewStore(pool)); err != nil {
		t.Fatal(err)
	}
	if err := basemap.Sync(t.Context(), pool); err != nil { // as `warden serve` loads it
		t.Fatal(err)
	}
	// The screening page signs in as a reviewer.
	if _, err := auth.NewStore(pool).CreateUser(t.Context(), auth.UserInput{Name: reviewer, Roles: []auth.Role{auth.Reviewer}, Password: reviewerPassword}); err != nil {
		t.Fatal(err)
	}
	var serverLog bytes.Buffer // shown when the browser tests fail
	log := slog.New(slog.NewTextHandler(&serverLog, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(api.New(api.Config{Version: "test", AdminToken: adminToken}, pool, log).Handler())
	defer srv.Close()
	// The same service with a raster base map, served by a tile server of
	// the test's own (the pages must also work without one: srv).
	tilesSrv := httptest.NewServer(rasterTiles(t))
	defer tilesSrv.Close()
	withBase := httptest.NewServer(api.New(api.Config{Version: "test", Web: web.Config{
		BasemapURL: tilesSrv.URL + "/{z}/{x}/{y}.png", BasemapAttribution: "test base map"}}, pool, log).Handler())
	defer withBase.Close()
	refs := filepath.Join(t.TempDir(), "gk-reference.json")
	gkReference(t, pool, refs)

	ctx, cancel := context.WithTimeout(t.Context(), 12*time.Minute) // a busy shared machine is slow
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "test/gk.test.mjs", "test/browser.test.mjs")
	cmd.Dir = webDir
	cmd.Env = append(os.Environ(),
		"WARDEN_URL="+srv.URL,
		"WARDEN_URL_BASEMAP="+withBase.URL,
		"WARDEN_BASEMAP_TILES="+tilesSrv.URL,
		"WARDEN_USER="+reviewer,
		"WARDEN_PASSWORD="+reviewerPassword,
		"WARDEN_ARTIFACTS="+filepath.Join(webDir, "test-artifacts"),
		"WARDEN_GK_REFERENCE="+refs,
		"WARDEN_CHROMIUM="+chromium,
		"NO_COLOR=1")
	cmd.Env = append(cmd.Env, tracksEnv(t, pool)...)
	out, err := cmd.CombinedOutput()
	t.Logf("node --test (web/test):\n%s", out)
	if err != nil {
		srv.Close()
		withBase.Close()
		t.Fatalf("the browser tests failed: %v (output above; screenshots in web/test-artifacts/); the server's warnings and errors:\n%s", err, serverLog.String())
	}
}

const (
	adminToken       = "browser-test-token"
	reviewer         = "reviewer"
	reviewerPassword = "browser test password"
)

// rasterTiles serves every /{z}/{x}/{y}.png as a light 256×256 PNG, with the
// CORS header that MapLibre's image requests need from another origin.
func rasterTiles(t *testing.T) http.Handler {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0xd8, 0xe4, 0xf0, 0xff}), image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	})
}

// gkRef is one point projected by PostGIS to its CGCS2000 3-degree
// Gauss-Krüger zone: X the northing, Y the easting with the zone prefix.
type gkRef struct {
	Lon  float64 `json:"lon"`
	Lat  float64 `json:"lat"`
	Zone int     `json:"zone"`
	EPSG int     `json:"epsg"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
}

// gkReference writes PostGIS's Gauss-Krüger coordinates of points across
// China's zones 25-45 (a grid, both edges of every zone, and 86.3°E 34.5°N)
// to path, for web/test/gk.test.mjs. The zone rule is the one the page uses:
// n = floor((lon + 1.5) / 3), EPSG:4513 + n - 25.
func gkReference(t *testing.T, pool *pgxpool.Pool, path string) {
	t.Helper()
	var lons, lats []float64
	for lon := 73.6; lon < 135; lon += 0.7 {
		for _, lat := range []float64{18.2, 25.5, 34.5, 41.3, 53.4} {
			lons, lats = append(lons, lon), append(lats, lat)
		}
	}
	for n := 25; n <= 45; n++ {
		lons = append(lons, 3*float64(n)-1.5, 3*float64(n)+1.5-1e-9)
		lats = append(lats, 40, 30)
	}
	lons, lats = append(lons, 86.3), append(lats, 34.5)
	zones := make([]int32, len(lons))
	for i, lon := range lons {
		zones[i] = int32(math.Floor((lon + 1.5) / 3))
	}
	rows, err := pool.Query(t.Context(), `
		SELECT t.lon, t.lat, t.zone, 4513 + t.zone - 25, ST_Y(p), ST_X(p)
		FROM unnest($1::float8[], $2::float8[], $3::int[]) AS t(lon, lat, zone),
			ST_Transform(ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), 4513 + t.zone - 25) AS p`, lons, lats, zones)
	if err != nil {
		t.Fatal(err)
	}
	var out []gkRef
	for rows.Next() {
		var r gkRef
		if err := rows.Scan(&r.Lon, &r.Lat, &r.Zone, &r.EPSG, &r.X, &r.Y); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// repoRoot is the directory holding go.mod, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
