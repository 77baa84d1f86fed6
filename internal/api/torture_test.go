package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/db"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
)

// The torture corpus: shapes built to make geometry algorithms do the most
// work per vertex (zigzags whose every vertex is an extreme point, combs of
// thin teeth, spirals, rings a hair apart), at 10,000 to 200,000 vertices,
// around the qiangtang sample reserve. Each goes through every route that
// takes geometry; each answer must be a 2xx or a 4xx problem (a 503 at the
// statement timeout at worst), and PostgreSQL must not have crashed.

// tortureShape is one adversarial geometry as lon/lat rings or paths.
type tortureShape struct {
	name string
	// kind is "LineString", "Polygon", "MultiPolygon" or "MultiPoint".
	kind string
	// paths are the line, the polygon's rings, the points (one path), or
	// the MultiPolygon's polygons' outer rings.
	paths [][][2]float64
}

func (s tortureShape) vertices() int {
	n := 0
	for _, p := range s.paths {
		n += len(p)
	}
	return n
}

// geometry is the shape as a GeoJSON geometry.
func (s tortureShape) geometry() map[string]any {
	switch s.kind {
	case "LineString":
		return map[string]any{"type": "LineString", "coordinates": s.paths[0]}
	case "MultiPoint":
		return map[string]any{"type": "MultiPoint", "coordinates": s.paths[0]}
	case "MultiPolygon":
		var polys [][][][2]float64
		for _, r := range s.paths {
			polys = append(polys, [][][2]float64{r})
		}
		return map[string]any{"type": "MultiPolygon", "coordinates": polys}
	}
	return map[string]any{"type": "Polygon", "coordinates": s.paths}
}

func (s tortureShape) polygonal() bool { return s.kind == "Polygon" || s.kind == "MultiPolygon" }

// zigzag is n vertices alternating between latitudes 33 and 35.8 from
// longitude 80.5 to 90.5: the line that made GEOS's topology-preserving
// simplifier recurse once per vertex.
func zigzag(n int) [][2]float64 {
	pts := make([][2]float64, n)
	for i := range pts {
		lat := 33.0
		if i%2 == 1 {
			lat = 35.8
		}
		pts[i] = [2]float64{80.5 + 10*float64(i)/float64(n), lat}
	}
	return pts
}

// fineZigzag is a zigzag 0.01° high: short edges, so it is not refused for
// its complexity and goes all the way into PostGIS.
func fineZigzag(n int) [][2]float64 {
	pts := zigzag(n)
	for i := range pts {
		pts[i][1] = 34.5 + (pts[i][1]-33)/280
	}
	return pts
}

// sawtooth is a polygon whose top edge is a zigzag of n vertices.
func sawtooth(n int) [][2]float64 {
	top := zigzag(n)
	for i := range top {
		top[i][1] = 34 + (top[i][1]-33)/2.8*1.8
	}
	ring := append([][2]float64{{80.5, 33}}, top...)
	ring = append(ring, [2]float64{top[len(top)-1][0], 33}, [2]float64{80.5, 33})
	return ring
}

// comb is a polygon of n/4 teeth, each 2.5° tall and a hair wide, on a spine.
func comb(n int) [][2]float64 {
	teeth := n / 4
	w := 10.0 / float64(teeth)
	ring := [][2]float64{{80.5, 33}}
	for i := 0; i < teeth; i++ {
		x := 80.5 + w*float64(i)
		ring = append(ring, [2]float64{x, 33.2}, [2]float64{x, 35.7}, [2]float64{x + w/2, 35.7}, [2]float64{x + w/2, 33.2})
	}
	return append(ring, [2]float64{90.5, 33.2}, [2]float64{90.5, 33}, [2]float64{80.5, 33})
}

// spiral is n vertices of an Archimedean spiral of 60 turns around (86, 34.5);
// offset shifts it outwards by that many degrees.
func spiral(n int, offset float64) [][2]float64 {
	pts := make([][2]float64, n)
	turns := 60.0
	for i := range pts {
		t := turns * 2 * math.Pi * float64(i) / float64(n-1)
		r := 0.05 + 1.5*t/(turns*2*math.Pi) + offset
		pts[i] = [2]float64{86 + r*math.Cos(t), 34.5 + r*math.Sin(t)}
	}
	return pts
}

// spiralBand is a polygon: a spiral out and, half a turn's spacing inside it,
// the way back.
func spiralBand(n int) [][2]float64 {
	out := spiral(n/2, 0)
	back := spiral(n/2, -0.5*1.5/60)
	ring := append([][2]float64{}, out...)
	for i := len(back) - 1; i >= 0; i-- {
		ring = append(ring, back[i])
	}
	return append(ring, out[0])
}

// circle is a closed ring of n vertices of radius r degrees around (86, 34.5),
// turned by phase radians.
func circle(n int, r, phase float64) [][2]float64 {
	ring := make([][2]float64, n+1)
	for i := 0; i < n; i++ {
		t := phase + 2*math.Pi*float64(i)/float64(n)
		ring[i] = [2]float64{86 + r*math.Cos(t), 34.5 + r*math.Sin(t)}
	}
	ring[n] = ring[0]
	return ring
}

// tortureCorpus is every shape, from 10,000 to 200,000 vertices.
func tortureCorpus() []tortureShape {
	return []tortureShape{
		{"zigzag line 50k", "LineString", [][][2]float64{zigzag(50_000)}},
		{"zigzag line 200k", "LineString", [][][2]float64{zigzag(199_000)}},
		{"fine zigzag line 200k", "LineString", [][][2]float64{fineZigzag(199_000)}},
		{"zigzag points 100k", "MultiPoint", [][][2]float64{zigzag(100_000)}},
		{"sawtooth polygon 100k", "Polygon", [][][2]float64{sawtooth(100_000)}},
		{"comb polygon 150k", "Polygon", [][][2]float64{comb(150_000)}},
		{"spiral line 100k", "LineString", [][][2]float64{spiral(100_000, 0)}},
		{"spiral band polygon 60k", "Polygon", [][][2]float64{spiralBand(60_000)}},
		{"ring with a hole a hair inside 20k", "Polygon", [][][2]float64{circle(10_000, 1, 0), reverse(circle(10_000, 1-1e-9, 1e-7))}},
		{"nearly coincident polygons 20k", "MultiPolygon", [][][2]float64{circle(10_000, 1, 0), circle(10_000, 1+1e-9, 1e-7)}},
		{"spiral points 10k", "MultiPoint", [][][2]float64{spiral(10_000, 0)}},
	}
}

func reverse(r [][2]float64) [][2]float64 {
	out := make([][2]float64, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// tortureEnv is the API on the sample reserves with a short statement
// timeout, and a client that gives up well after it.
func tortureEnv(t *testing.T) (*env, *http.Client) {
	t.Helper()
	url := testdb.URL(t)
	// The samples load under the default timeout; the service gets a short one.
	loader, err := db.Open(t.Context(), url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer loader.Close()
	sampletest.Load(t, loader)
	pool, err := db.Open(t.Context(), url, db.Options{StatementTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	log := slog.New(slog.NewTextHandler(tlog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	return startAPI(t, pool, api.Config{WorkBudget: 3 * time.Second}, log), &http.Client{Timeout: 90 * time.Second}
}

// TestTortureCorpus sends every shape of the corpus to screening, zone
// upload, administrative areas, grid cells and track upload. Every answer is
// a 2xx, a 4xx problem+json, or a 503 (the statement timeout); the client
// gives up after 90 s; and the postmaster is the same process afterwards,
// with a session opened before still alive (a backend crash would have ended it).
func TestTortureCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the torture corpus takes a while")
	}
	e, client := tortureEnv(t)
	pid := testdb.PostmasterPID(t)
	sentinel, err := db.Open(t.Context(), testdb.URL(t), db.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sentinel.Close()
	var backend int
	if err := sentinel.QueryRow(t.Context(), `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		t.Fatal(err)
	}
	e.makeReserve("torture", "three_zone")
	for _, s := range tortureCorpus() {
		t.Run(s.name, func(t *testing.T) {
			for _, r := range tortureRequests(s) {
				start := time.Now()
				res := roundTrip(t, client, e.request(r.method, r.url, adminToken, r.ctype, r.body))
				t.Logf("%s: %d in %v (%d vertices)", r.route, res.Status, time.Since(start).Round(time.Millisecond), s.vertices())
				switch status, ct := res.Status, res.Header.Get("Content-Type"); {
				case status >= 200 && status < 300:
				case status >= 400 && status < 500, status == http.StatusServiceUnavailable:
					if !strings.Contains(ct, "application/problem+json") {
						t.Errorf("%s: %d as %q", r.route, status, ct)
					}
				default:
					t.Errorf("%s: %d: %.300s", r.route, status, res.Raw)
				}
			}
		})
	}
	var after int
	if err := sentinel.QueryRow(context.Background(), `SELECT pg_backend_pid()`).Scan(&after); err != nil || after != backend {
		t.Errorf("a session opened before the corpus did not survive it (backend %d, then %d, %v): PostgreSQL crashed", backend, after, err)
	}
	if got := testdb.PostmasterPID(t); got != pid {
		t.Errorf("postmaster pid %d before the corpus, %d after", pid, got)
	}
}

// tortureRequest is one request of the corpus.
type tortureRequest struct {
	route       string
	method, url string
	ctype       string
	body        []byte
}

// tortureRequests is the shape as a screening footprint, and (polygons) as a
// zoning, an administrative area and a grid cell, and (every shape) as a
// track's fixes a second apart.
func tortureRequests(s tortureShape) []tortureRequest {
	js := func(v any) []byte {
		b, _ := json.Marshal(v)
		return b
	}
	feature := func(props map[string]any) map[string]any {
		return map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{"type": "Feature", "properties": props, "geometry": s.geometry()}}}
	}
	reqs := []tortureRequest{{route: "screening", method: "POST", url: "/api/v1/screenings", ctype: "application/json",
		body: js(map[string]any{"footprint": s.geometry(), "activity": "quarrying", "project": map[string]any{"name": s.name, "status": "under_construction"}})}}
	if s.polygonal() {
		reqs = append(reqs,
			tortureRequest{route: "zones", method: "PUT", url: "/api/v1/reserves/torture/zones", ctype: "application/json", body: js(feature(map[string]any{"kind": "core"}))},
			tortureRequest{route: "admin areas", method: "PUT", url: "/api/v1/admin-areas", ctype: "application/json",
				body: js(feature(map[string]any{"code": "540999", "name_zh": "测试县", "level": "county", "unit_name": "测试县人民政府"}))},
			tortureRequest{route: "grid cells", method: "PUT", url: "/api/v1/reserves/qiangtang/grid-cells", ctype: "application/json",
				body: js(feature(map[string]any{"code": "T1", "name": "测试网格"}))},
			tortureRequest{route: "coverage", method: "GET", url: "/api/v1/grid-cells/coverage?reserve=qiangtang&from=2024-07-01&to=2024-07-02"},
		)
	}
	var csv bytes.Buffer
	csv.WriteString("time,lat,lon\n")
	start := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, p := range s.paths {
		for _, pt := range p {
			fmt.Fprintf(&csv, "%s,%.9f,%.9f\n", start.Add(time.Duration(n)*time.Second).Format(time.RFC3339), pt[1], pt[0])
			n++
		}
	}
	body, ctype := multipartBody([][2]string{{"reserve", "qiangtang"}, {"subject", s.name}, {"subject_kind", "visitor"}}, "file", "track.csv", csv.Bytes())
	return append(reqs,
		tortureRequest{route: "track", method: "POST", url: "/api/v1/tracks", ctype: ctype, body: body},
		tortureRequest{route: "coverage after the track", method: "GET", url: "/api/v1/grid-cells/coverage?reserve=qiangtang&from=2024-07-01&to=2024-07-02"},
	)
}

// tlog writes the service's error log into the test's.
type tlog struct{ t *testing.T }

func (w tlog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
