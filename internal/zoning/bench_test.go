package zoning_test

// Speed figures for locate (`make bench`) and a correctness check of its
// subdivided-pieces / KNN optimisation against plain PostGIS (`make test`).
//
// # The benchmark reserve
//
// The product target is a batch locate of 100,000 points against a reserve
// whose zones total at least 50,000 vertices. No sample reserve is that large
// (geodata/qiangtang/zones.geojson has three zones with 2,236 vertices in all),
// so the benchmark reserve is generated, deterministically, from it:
//
//  1. Read the three Qiangtang sample zones (experimental, buffer, core) from
//     the embedded geodata.FS.
//  2. Densify each zone in PostGIS with
//     ST_Segmentize(geom::geography, 350)::geometry: every edge is split into
//     great-circle pieces of at most 350 m. The shapes stay those of the real
//     reserve (a ~12,700 km total perimeter, 32°-36°N, 80°-91°E); edges that
//     two zones share are split at the same points in both, so the zones still
//     tile without overlap. With PostGIS 3.3 this gives 51,885 vertices in all
//     (PostGIS bisects geography edges, so the count is a step function of the
//     segment length: 380 m gives 46,639, 320 m 56,793). The count is checked
//     (>= 50,000) and reported as the zone-vertices metric.
//  3. Write the densified zones back as GeoJSON (ST_AsGeoJSON, 15 digits), read
//     them with geoio.DecodeGeoJSON and store them as reserve
//     "bench-qiangtang" through Store.CreateReserve and Store.PutZones, the
//     same path as a client's upload, so that validation runs and the
//     triggers fill zone_piece and zone_edge exactly as in production.
//
// The points are 100,000 uniform random positions in the reserve's bounding
// box (math/rand/v2, PCG with a fixed seed), so about two thirds fall inside a zone,
// as with real batches (GPS tracks, camera-trap sites) that straddle the
// reserve. The benchmarks share one reserve per test binary (benchFixture);
// the correctness test builds its own in a fresh database.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/internal/api"
	"warden/internal/benchzones"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

const (
	benchPoints    = 100_000
	benchSeed1     = 20240709 // PCG seeds of the point set
	benchSeed2     = 1993
	benchDistBatch = 10_000 // points in the batch-with-distances benchmark
)

// randomPoints returns n deterministic uniform points in bbox.
func randomPoints(bbox [4]float64, n int) []orb.Point {
	rng := rand.New(rand.NewPCG(benchSeed1, benchSeed2))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			bbox[0] + rng.Float64()*(bbox[2]-bbox[0]),
			bbox[1] + rng.Float64()*(bbox[3]-bbox[1]),
		}
	}
	return pts
}

// benchFixture is the benchmarks' shared reserve and points, built once per
// test binary.
type benchFixture struct {
	pool    *pgxpool.Pool
	store   *zoning.Store
	reserve benchzones.Reserve
	points  []orb.Point
	logged  sync.Once
}

var sharedBenchFixture = sync.OnceValues(func() (*benchFixture, error) {
	pool, rs, err := benchzones.Shared(benchzones.Qiangtang)
	if err != nil {
		return nil, err
	}
	return &benchFixture{pool: pool, store: zoning.NewStore(pool), reserve: rs[0], points: randomPoints(rs[0].BBox, benchPoints)}, nil
})

func benchEnv(b *testing.B) *benchFixture {
	b.Helper()
	f, err := sharedBenchFixture()
	if err != nil {
		b.Fatal(err)
	}
	f.logged.Do(func() {
		b.Logf("benchmark reserve %s: %d vertices in 3 zones (Qiangtang sample zones at %v m segments), built in %v; %d points in bbox %v",
			f.reserve.Code, f.reserve.Vertices, benchzones.Qiangtang.SegmentM, f.reserve.Build.Round(time.Millisecond), len(f.points), f.reserve.BBox)
	})
	return f
}

// lonLats splits points into their longitudes and latitudes, as the
// reference queries unnest them.
func lonLats(pts []orb.Point) (xs, ys []float64) {
	xs, ys = make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = p[0], p[1]
	}
	return xs, ys
}

func countInside(ls []zoning.Location) int {
	n := 0
	for _, l := range ls {
		if l.Inside {
			n++
		}
	}
	return n
}

// reportBatch adds the human figures of a benchmark whose every operation
// handles points points.
func reportBatch(b *testing.B, points int) {
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perOp*1000, "ms/batch")
	b.ReportMetric(float64(points)/perOp, "points/s")
}

// BenchmarkLocateBatch100k: Store.Locate of 100,000 points without distances
// (target: under 1 s).
func BenchmarkLocateBatch100k(b *testing.B) {
	f := benchEnv(b)
	ctx := context.Background()
	warm, err := f.store.Locate(ctx, f.points, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.store.Locate(ctx, f.points, false); err != nil {
			b.Fatal(err)
		}
	}
	reportBatch(b, len(f.points))
	b.ReportMetric(float64(f.reserve.Vertices), "zone-vertices")
	b.ReportMetric(100*float64(countInside(warm))/float64(len(warm)), "inside-%")
}

// BenchmarkLocateBatch100kHTTP: the same batch as POST /api/v1/locate through
// the real API over a loopback HTTP connection, counting the full round trip
// (request upload, JSON decoding, Locate, encoding and reading the ~13 MB
// answer; the client does not decode it).
func BenchmarkLocateBatch100kHTTP(b *testing.B) {
	f := benchEnv(b)
	srv := httptest.NewServer(api.New(api.Config{Version: "bench", AdminToken: benchToken}, f.pool, slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	pos := make([][2]float64, len(f.points))
	for i, p := range f.points {
		pos[i] = [2]float64{p[0], p[1]}
	}
	body, err := json.Marshal(pos)
	if err != nil {
		b.Fatal(err)
	}
	post := func() (int64, error) { return postBatch(srv.Client(), srv.URL, body) }
	respBytes, err := post() // warm up: connection, plans, caches
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := post(); err != nil {
			b.Fatal(err)
		}
	}
	reportBatch(b, len(f.points))
	b.ReportMetric(float64(len(body))/1e6, "MB-request")
	b.ReportMetric(float64(respBytes)/1e6, "MB-response")
}

// BenchmarkLocateOneWithDistance: Store.Locate of one point with its boundary
// distance, a different point of the fixed set each time (target: under 2 ms).
func BenchmarkLocateOneWithDistance(b *testing.B) {
	f := benchEnv(b)
	ctx := context.Background()
	for i := range 20 { // warm up connections and plans
		if _, err := f.store.Locate(ctx, f.points[len(f.points)-1-i:len(f.points)-i], true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ls, err := f.store.Locate(ctx, f.points[i%len(f.points):i%len(f.points)+1], true)
		if err != nil {
			b.Fatal(err)
		}
		if ls[0].BoundaryDistanceM == nil {
			b.Fatalf("point %v: no boundary distance", f.points[i%len(f.points)])
		}
		i++
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/locate")
}

// BenchmarkLocateOneWithDistanceHTTP: GET /api/v1/locate?lon=..&lat=.. (which
// always measures the distance) through the real API, full round trip.
func BenchmarkLocateOneWithDistanceHTTP(b *testing.B) {
	f := benchEnv(b)
	srv := httptest.NewServer(api.New(api.Config{Version: "bench"}, f.pool, slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	get := func(p orb.Point) error {
		_, err := readOK(srv.Client().Get(fmt.Sprintf("%s/api/v1/locate?lon=%v&lat=%v", srv.URL, p[0], p[1])))
		return err
	}
	for i := range 20 {
		if err := get(f.points[len(f.points)-1-i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := get(f.points[i%len(f.points)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/locate")
}

// BenchmarkLocateBatch10kWithDistance: Store.Locate of the first 10,000 points
// with boundary distances (a tenth of the batch: distances cost far more than
// point in polygon).
func BenchmarkLocateBatch10kWithDistance(b *testing.B) {
	f := benchEnv(b)
	ctx := context.Background()
	pts := f.points[:benchDistBatch]
	if _, err := f.store.Locate(ctx, pts[:100], true); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.store.Locate(ctx, pts, true); err != nil {
			b.Fatal(err)
		}
	}
	reportBatch(b, len(pts))
}

// TestLocateMatchesPostGIS checks Locate, which works on the subdivided
// zone_piece and zone_edge tables through their indexes, against plain PostGIS
// on the stored zones themselves: for 2,000 points of the benchmark set the
// zone (ST_Intersects with zone.geom, the stricter zone on a shared boundary),
// and for 50 of them the distance to the nearest zone boundary (ST_Distance on
// the spheroid to ST_Boundary(zone.geom), least over the current zones).
func TestLocateMatchesPostGIS(t *testing.T) {
	ctx := t.Context()
	pool := testdb.New(t)
	r, err := benchzones.Build(ctx, pool, benchzones.Qiangtang)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reserve %s: %d vertices, built in %v", r.Code, r.Vertices, r.Build.Round(time.Millisecond))
	pts := randomPoints(r.BBox, benchPoints)[:2000]
	zs := zoning.NewStore(pool)

	got, err := zs.Locate(ctx, pts, false)
	if err != nil {
		t.Fatal(err)
	}
	xs, ys := lonLats(pts)
	type ref struct {
		id   int64
		kind zoning.Kind
	}
	want := make([]*ref, len(pts))
	rows, err := pool.Query(ctx, `
		SELECT t.i - 1, z.id, z.kind
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
		JOIN zone z ON ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
		JOIN zoning_version v ON v.id = z.version_id AND v.is_current`, xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var i int
		var c ref
		if err := rows.Scan(&i, &c.id, &c.kind); err != nil {
			t.Fatal(err)
		}
		if w := want[i]; w == nil || c.kind.Rank() < w.kind.Rank() || (c.kind.Rank() == w.kind.Rank() && c.id < w.id) {
			want[i] = &c
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	inside, bad := 0, 0
	for i, g := range got {
		w := want[i]
		switch {
		case w == nil && g.Inside:
			t.Errorf("point %d %v: Locate says inside %s zone %d, PostGIS says outside every zone", i, pts[i], g.ZoneKind, g.ZoneID)
			bad++
		case w != nil && !g.Inside:
			t.Errorf("point %d %v: Locate says outside, PostGIS says inside %s zone %d", i, pts[i], w.kind, w.id)
			bad++
		case w != nil && (g.ZoneID != w.id || g.ZoneKind != w.kind):
			t.Errorf("point %d %v: Locate says %s zone %d, PostGIS says %s zone %d", i, pts[i], g.ZoneKind, g.ZoneID, w.kind, w.id)
			bad++
		}
		if w != nil {
			inside++
		}
		if bad >= 20 {
			t.Fatal("too many mismatches")
		}
	}
	t.Logf("%d of %d points inside a zone; zones agree", inside, len(pts))
	if inside < len(pts)/10 || inside > len(pts)*9/10 {
		t.Errorf("%d of %d points inside: the point set should straddle the reserve", inside, len(pts))
	}

	// Distances: every 40th point, inside and outside alike.
	var dpts []orb.Point
	for i := 0; i < len(pts); i += 40 {
		dpts = append(dpts, pts[i])
	}
	dgot, err := zs.Locate(ctx, dpts, true)
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	for i, p := range dpts {
		var d float64
		if err := pool.QueryRow(ctx, `
			SELECT min(ST_Distance(ST_Boundary(z.geom)::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography))
			FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current`, p[0], p[1]).Scan(&d); err != nil {
			t.Fatal(err)
		}
		g := dgot[i]
		if g.BoundaryDistanceM == nil || g.Nearest == nil {
			t.Errorf("point %v: no boundary distance (PostGIS: %.1f m)", p, d)
			continue
		}
		diff := math.Abs(*g.BoundaryDistanceM - d)
		if diff > math.Max(1, 0.005*d) {
			t.Errorf("point %v: Locate says %.1f m to the nearest boundary (zone %d), PostGIS says %.1f m", p, *g.BoundaryDistanceM, g.Nearest.ZoneID, d)
		}
		worst = math.Max(worst, diff)
	}
	t.Logf("%d boundary distances agree with ST_Distance within %.3g m", len(dpts), worst)
}
