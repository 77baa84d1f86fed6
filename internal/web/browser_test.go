package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/basemap"
	"warden/internal/web"
)

// TestBrowser runs the pages in real headless Chromium: web/test/gk.test.mjs
// and web/test/browser.test.mjs (the case walk is TestBrowserCaseWork)
// under node's test runner, against the API with the pages built into this
// test binary, on a fresh database with the sample reserves. It fails (never
// skips) when node, Chromium, the npm packages or the built pages are
// missing, saying what to run. Screenshots go to web/test-artifacts/.
func TestBrowser(t *testing.T) {
	chrome := needChromium(t)
	pool := sampleDB(t, false)
	if err := basemap.Sync(t.Context(), pool); err != nil { // as `warden serve` loads it
		t.Fatal(err)
	}
	// The screening page signs in as a reviewer.
	if _, err := auth.NewStore(pool).CreateUser(t.Context(), auth.UserInput{Name: reviewer, Roles: []auth.Role{auth.Reviewer}, Password: reviewerPassword}); err != nil {
		t.Fatal(err)
	}
	srv := servePages(t, pool, api.Config{AdminToken: adminToken})
	// The same service with a raster base map, served by a tile server of
	// the test's own (the pages must also work without one: srv).
	tilesSrv := httptest.NewServer(rasterTiles(t))
	defer tilesSrv.Close()
	withBase := servePages(t, pool, api.Config{Web: web.Config{
		BasemapURL: tilesSrv.URL + "/{z}/{x}/{y}.png", BasemapAttribution: "test base map"}})
	refs := filepath.Join(t.TempDir(), "gk-reference.json")
	gkReference(t, pool, refs)

	env := append([]string{
		"WARDEN_URL_BASEMAP=" + withBase.URL,
		"WARDEN_BASEMAP_TILES=" + tilesSrv.URL,
		"WARDEN_USER=" + reviewer,
		"WARDEN_PASSWORD=" + reviewerPassword,
		"WARDEN_GK_REFERENCE=" + refs,
	}, tracksEnv(t, pool)...)
	chrome.run(t, srv, 12*time.Minute, env, "test/gk.test.mjs", "test/browser.test.mjs") // a busy shared machine is slow
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
