package patrol_test

// The end-to-end speed figure for track uploads (`make bench`).
//
// # What is measured
//
// BenchmarkUploadTrack100k posts a 100,000-point GPX file (about 10 MB) to
// POST /api/v1/tracks of a real `warden serve` process, built from
// ./cmd/warden and run as a subprocess on the benchmark's database, and reads
// the answer: upload over loopback HTTP, streaming decode, cleaning, storage
// (raw file, LINESTRINGZM, observations, visits, findings) and analysis, all
// inside the one request. ms/upload is the full round trip; peak-RSS-MB is
// the server process's peak resident memory (VmHWM from /proc) over the
// benchmark; decode-MB/s is geoio.ReadTrack alone on the same file.
//
// # The reserve
//
// As for zoning's locate benchmarks (internal/zoning/bench_test.go): the
// three Qiangtang sample zones densified with ST_Segmentize(geography, 350 m)
// to 51,885 vertices, stored through zoning.Store.PutZones so that
// zone_piece and zone_edge are filled by the triggers as in production.
//
// # The track
//
// A day's patrol at 1 Hz on foot (1.2 m/s): from 5 km outside the reserve's
// boundary straight towards a point of the core (the core's
// ST_PointOnSurface), 60 km in, and back along the same line, with a 30 m
// sideways swing every 10 minutes and 0.3 m of deterministic GPS noise.
// It crosses the outer, buffer and core boundaries going in and coming out
// (six crossings, five visits), has an elevation and a time per fix, and ten
// waypoints, one of them logging in the core. The subject is a visitor, so
// the buffer and core visits are findings. Each upload changes the file's
// name element, so that no upload is a duplicate of the one before.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/benchzones"
	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/patrol"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

const (
	benchPoints = 100_000
	benchToken  = "bench-token"
)

// patrolFile writes the benchmark track (see the top of this file) from b,
// the boundary point nearest to c, the core point. The name element holds a
// 12-digit placeholder that each upload overwrites.
func patrolFile(bLon, bLat, cLon, cLat float64) []byte {
	kx := 111_320 * math.Cos(bLat*math.Pi/180)
	dx, dy := (cLon-bLon)*kx, (cLat-bLat)*111_320
	l := math.Hypot(dx, dy)
	ux, uy := dx/l, dy/l // inward unit vector, metres
	rng := rand.New(rand.NewPCG(7, 11))
	pos := func(along, side float64) (float64, float64) {
		x, y := ux*along-uy*side, uy*along+ux*side
		return bLon + x/kx, bLat + y/111_320
	}
	var b bytes.Buffer
	b.Grow(benchPoints * 100)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1">
 <metadata><name>patrol 000000000000</name></metadata>
`)
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10 {
		lon, lat := pos(-5000+float64(i)*6000, 0)
		name := "巡护点"
		if i == 9 {
			name = "发现盗伐"
		}
		fmt.Fprintf(&b, ` <wpt lat="%.6f" lon="%.6f"><time>%s</time><name>%s %d</name></wpt>`+"\n", lat, lon, t0.Add(time.Duration(i*5000)*time.Second).Format(time.RFC3339), name, i)
	}
	b.WriteString(" <trk><name>patrol</name><trkseg>\n")
	for i := range benchPoints {
		k := min(i, benchPoints-1-i)
		along := -5000 + 1.2*float64(k)
		side := 30*math.Sin(2*math.Pi*float64(i)/600) + 0.3*rng.NormFloat64()
		lon, lat := pos(along, side)
		fmt.Fprintf(&b, `  <trkpt lat="%.6f" lon="%.6f"><ele>%.1f</ele><time>%s</time></trkpt>`+"\n",
			lat, lon, 4800+20*math.Sin(float64(i)/900), t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	}
	b.WriteString(" </trkseg></trk>\n</gpx>\n")
	return b.Bytes()
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// wardenBinary builds ./cmd/warden once per test binary.
func wardenBinary() (string, error) {
	binOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			binErr = err
			return
		}
		root := wd
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			if filepath.Dir(root) == root {
				binErr = fmt.Errorf("go.mod not found above %s", wd)
				return
			}
			root = filepath.Dir(root)
		}
		dir, err := os.MkdirTemp("", "warden-bench-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "warden")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/warden")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/warden: %v\n%s", err, out)
		}
	})
	return binPath, binErr
}

// server is a `warden serve` subprocess.
type server struct {
	cmd *exec.Cmd
	url string
}

func startServer(b *testing.B, dbURL string) *server {
	b.Helper()
	bin, err := wardenBinary()
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(b.TempDir(), "serve.log"))
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--database-url", dbURL, "--data-dir", b.TempDir(), "--log-level", "warn")
	cmd.Env = append(os.Environ(), "WARDEN_ADMIN_TOKEN="+benchToken)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	for deadline := time.Now().Add(2 * time.Minute); ; {
		res, err := http.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logf.Name())
			b.Fatalf("warden serve did not get ready: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// post uploads data as a patrol's track and decodes the answer.
func (s *server) post(data []byte) (patrol.Track, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("subject", "ranger-bench")
		if err == nil {
			err = mw.WriteField("subject_kind", "visitor")
		}
		if err == nil {
			var fw io.Writer
			if fw, err = mw.CreateFormFile("file", "patrol.gpx"); err == nil {
				if _, err = fw.Write(data); err == nil {
					err = mw.Close()
				}
			}
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/tracks", pr)
	if err != nil {
		return patrol.Track{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+benchToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return patrol.Track{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return patrol.Track{}, err
	}
	if res.StatusCode != http.StatusCreated {
		return patrol.Track{}, fmt.Errorf("POST /api/v1/tracks: %s: %.500s", res.Status, body)
	}
	var t patrol.Track
	return t, json.Unmarshal(body, &t)
}

var (
	fileOnce  sync.Once
	benchFile []byte
)

// benchReserve builds the benchmark reserve in a fresh database and returns
// the runtime role's URL of it, a pool on it, its vertex count, and a copy
// of the benchmark track with the offset of its name's placeholder.
func benchReserve(b *testing.B) (url string, pool *pgxpool.Pool, verts int, data []byte, mark int) {
	b.Helper()
	ctx := context.Background()
	url = testdb.URL(b)
	pool, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	r, err := benchzones.Build(ctx, pool, benchzones.Qiangtang)
	if err != nil {
		b.Fatal(err)
	}
	var bl, bt, cl, ct float64
	if err := pool.QueryRow(ctx, `
		WITH c AS (SELECT ST_PointOnSurface(geom) AS p FROM zone WHERE kind = 'core'),
		     o AS (SELECT ST_Boundary(ST_Union(geom)) AS g FROM zone)
		SELECT ST_X(ST_ClosestPoint(o.g, c.p)), ST_Y(ST_ClosestPoint(o.g, c.p)), ST_X(c.p), ST_Y(c.p) FROM c, o`).Scan(&bl, &bt, &cl, &ct); err != nil {
		b.Fatal(err)
	}
	fileOnce.Do(func() { benchFile = patrolFile(bl, bt, cl, ct) })
	data = bytes.Clone(benchFile)
	return url, pool, r.Vertices, data, bytes.Index(data, []byte("patrol 000000000000"))
}

// BenchmarkUploadTrack100k: see the top of this file. In the same run, the
// analyst's way does the same work the obvious way (see analyst): the
// figures are printed side by side with their ratio (target, issue #13:
// 3× faster than the analyst). Without ogr2ogr the analyst's side is skipped
// with a line saying so.
func BenchmarkUploadTrack100k(b *testing.B) {
	url, pool, verts, data, mark := benchReserve(b)
	srv := startServer(b, url)
	upload := func(n int) patrol.Track {
		copy(data[mark+7:mark+19], fmt.Sprintf("%012d", n))
		t, err := srv.post(data)
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	an := newAnalyst(b, testdb.Owner(b, pool), data)
	n := 0
	warm := upload(n) // connections, plans, caches
	if warm.Totals.PointsKept != benchPoints || len(warm.Visits) != 5 || len(warm.Findings) == 0 {
		b.Fatalf("warm-up upload: %d points kept, %d visits, %d findings: %+v", warm.Totals.PointsKept, len(warm.Visits), len(warm.Findings), warm.Visits)
	}
	an.check(b, warm)
	var elapsed, analystTime time.Duration
	for b.Loop() {
		n++
		start := time.Now()
		upload(n)
		elapsed += time.Since(start)
		analystTime += an.run(b)
	}
	rss, err := peakRSS(srv.cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	tr, err := geoio.ReadTrackFile("patrol.gpx", bytes.NewReader(data), geoio.TrackOptions{})
	if err != nil || tr.Points() != benchPoints {
		b.Fatalf("decode: %v", err)
	}
	decode := time.Since(t0)
	ms := elapsed.Seconds() * 1000 / float64(b.N)
	b.ReportMetric(ms, "ms/upload")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(len(data))/1e6, "file-MB")
	b.ReportMetric(float64(len(data))/1e6/decode.Seconds(), "decode-MB/s")
	b.ReportMetric(float64(verts), "zone-vertices")
	b.ReportMetric(float64(len(warm.Visits)), "visits")
	if an.ok {
		ams := analystTime.Seconds() * 1000 / float64(b.N)
		b.ReportMetric(ams, "analyst-ms")
		b.ReportMetric(ams/ms, "x-analyst")
		b.Logf("100,000-point GPX: Warden upload, decode, clean, store, visits, findings %.0f ms; analyst ogr2ogr + ST_Intersection + ST_Length %.0f ms (%.2fx; target 3x)", ms, ams, ams/ms)
	}
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		b.Logf("load average: %s", strings.Join(strings.Fields(string(load))[:3], " "))
	}
}

// analyst is the analyst's pipeline: ogr2ogr loads the GPX's tracks layer
// into a PostGIS table of its own, then one query measures the length of
// the track inside each zone kind (ST_Length on geography of ST_Intersection
// with the raw zones). It answers lengths, not visits, times or findings:
// less than Warden's upload does.
type analyst struct {
	ok    bool
	conn  string // libpq connection string of the schema's owner
	path  string
	owner *pgxpool.Pool
	n     int
}

// newAnalyst writes data to a file for ogr2ogr; ok is false, with a line
// saying so, when ogr2ogr is missing.
func newAnalyst(b *testing.B, owner *pgxpool.Pool, data []byte) *analyst {
	b.Helper()
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		b.Log("ogr2ogr not found: the analyst's side is skipped (install Debian's gdal-bin; scripts/setup.sh does)")
		return &analyst{}
	}
	a := &analyst{ok: true, conn: owner.Config().ConnString(), path: filepath.Join(b.TempDir(), "patrol.gpx"), owner: owner}
	if err := os.WriteFile(a.path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return a
}

// run loads the file and measures, and returns the time taken.
func (a *analyst) run(b *testing.B) time.Duration {
	if !a.ok {
		return 0
	}
	start := time.Now()
	a.lengths(b)
	return time.Since(start)
}

// lengths is run's work: the length inside each zone kind.
func (a *analyst) lengths(b *testing.B) map[string]float64 {
	a.n++
	table := fmt.Sprintf("analyst_track_%d", a.n)
	cmd := exec.Command("ogr2ogr", "-f", "PostgreSQL", "PG:"+a.conn, a.path, "tracks", "-nln", table)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	rows, err := a.owner.Query(context.Background(), `
		SELECT z.kind, sum(ST_Length(ST_Intersection(t.wkb_geometry, z.geom)::geography))
		FROM `+table+` t JOIN zone z ON ST_Intersects(t.wkb_geometry, z.geom)
		GROUP BY z.kind`)
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]float64{}
	for rows.Next() {
		var k string
		var l float64
		if err := rows.Scan(&k, &l); err != nil {
			b.Fatal(err)
		}
		out[k] = l
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// check holds the analyst's lengths inside each zone kind equal, within
// 0.1 %, to the sum of Warden's visit lengths: the two sides did the same
// measuring.
func (a *analyst) check(b *testing.B, t patrol.Track) {
	if !a.ok {
		return
	}
	want := a.lengths(b)
	got := map[string]float64{}
	for _, v := range t.Visits {
		got[string(v.ZoneKind)] += v.LengthM
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-3*w {
			b.Fatalf("length inside %s: Warden %.1f m, analyst %.1f m", k, got[k], w)
		}
	}
}

// BenchmarkSaveTrack100kEngineVsSQL: the same 100,000-point track stored and
// analysed (clean, store, visits, findings) in process, once by a store
// whose analysis asks the zone engine and once by one that asks PostGIS
// (the SQL path on zone_edge and zone_piece), alternately in one run; the
// file is decoded before the clock starts. Prints both and the ratio.
func BenchmarkSaveTrack100kEngineVsSQL(b *testing.B) {
	ctx := context.Background()
	_, pool, _, data, mark := benchReserve(b)
	eng, err := zoning.StartEngine(ctx, pool, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	withEngine, plain := patrol.NewStore(pool, patrol.Options{}), patrol.NewStore(pool, patrol.Options{})
	withEngine.UseEngine(eng)
	n := 0
	save := func(s *patrol.Store) (patrol.Track, time.Duration) {
		n++
		copy(data[mark+7:mark+19], fmt.Sprintf("%012d", n))
		u, err := s.Read(patrol.Input{FileName: "patrol.gpx", Subject: "bench", SubjectKind: patrol.Visitor}, bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		t, _, err := s.Save(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		return t, time.Since(start)
	}
	we, _ := save(withEngine) // warm up
	ws, _ := save(plain)
	if len(we.Visits) != 5 || len(ws.Visits) != 5 {
		b.Fatalf("visits: engine %d, SQL %d", len(we.Visits), len(ws.Visits))
	}
	var te, ts time.Duration
	for b.Loop() {
		_, e := save(withEngine)
		_, s := save(plain)
		te, ts = te+e, ts+s
	}
	es, ss := te.Seconds()/float64(b.N), ts.Seconds()/float64(b.N)
	b.ReportMetric(es*1000, "engine-ms")
	b.ReportMetric(ss*1000, "sql-ms")
	b.ReportMetric(ss/es, "x-sql")
	b.Logf("store and analyse a %d-point track: engine %.0f ms, SQL path %.0f ms (%.1fx)", benchPoints, es*1000, ss*1000, ss/es)
}
