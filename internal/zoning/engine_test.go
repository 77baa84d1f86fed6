package zoning_test

// Property tests holding the zone engine equal to PostGIS, the authority, on
// the same inputs: the sample reserves (real outlines, see geodata/README.md),
// the densified benchmark reserve (51,885 vertices, see bench_test.go) and the
// shared corpus's protected areas (internal/testcorpus).

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/internal/benchzones"
	"warden/internal/geoio"
	"warden/internal/sample/sampletest"
	"warden/internal/testcorpus"
	"warden/internal/testdb"
	"warden/internal/zoning"
	"warden/internal/zoning/engine"
)

// engineFixture is a database with the samples and the benchmark reserve,
// and a running engine on it.
type engineFixture struct {
	pool  *pgxpool.Pool
	eng   *zoning.Engine
	zones []storedZone
}

type storedZone struct {
	id   int64
	wkb  []byte
	geom orb.MultiPolygon
	bbox orb.Bound
}

func newEngineFixture(t *testing.T) *engineFixture {
	t.Helper()
	ctx := t.Context()
	pool := sampletest.New(t)
	zs := zoning.NewStore(pool)
	if _, err := benchzones.Build(ctx, pool, benchzones.Qiangtang); err != nil {
		t.Fatal(err)
	}
	loadCorpusReserves(t, zs)
	return startEngineFixture(t, pool)
}

// sampleEngine is the sample reserves in a fresh database, the engine on
// them and their current zones.
func sampleEngine(t *testing.T) *engineFixture {
	t.Helper()
	return startEngineFixture(t, sampletest.New(t))
}

// startEngineFixture starts the engine on pool's zones and reads them.
func startEngineFixture(t *testing.T, pool *pgxpool.Pool) *engineFixture {
	t.Helper()
	eng, err := zoning.StartEngine(t.Context(), pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return &engineFixture{pool: pool, eng: eng, zones: currentStoredZones(t, pool)}
}

// corpusOutlines are the shared corpus's protected areas (see its
// SOURCES.md): OpenStreetMap extracts of Andorra (natural parks with holes)
// and Delaware (72 areas of every shape), ODbL-1.0.
var corpusOutlines = []string{
	"protected_areas/osm-extracts/andorra-protected-areas.osm.geojson",
	"protected_areas/osm-extracts/delaware-protected-areas.osm.geojson",
}

// loadCorpusReserves stores each polygon of the corpus outlines as a reserve
// of its own with one core zone, through the same validation as an upload;
// outlines that validation refuses (invalid OSM rings) are left out.
func loadCorpusReserves(t *testing.T, zs *zoning.Store) {
	t.Helper()
	ctx := t.Context()
	n, refused := 0, 0
	for _, rel := range corpusOutlines {
		raw, err := os.ReadFile(testcorpus.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		feats, err := geoio.DecodeGeoJSON(raw, geoio.GeoJSONOptions{})
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, f := range feats {
			switch f.Geometry.(type) {
			case orb.Polygon, orb.MultiPolygon:
			default:
				continue
			}
			n++
			code := fmt.Sprintf("corpus-%d", n)
			if _, err := zs.CreateReserve(ctx, zoning.ReserveInput{Code: code, NameEN: code, Level: "county", ZoningScheme: zoning.ThreeZone, Illustrative: true}); err != nil {
				t.Fatal(err)
			}
			zone := geoio.Feature{Geometry: f.Geometry, Properties: map[string]any{"kind": "core"}}
			if _, err := zs.PutZones(ctx, code, []geoio.Feature{zone}, zoning.VersionInput{}); err != nil {
				refused++
			}
		}
	}
	t.Logf("corpus outlines: %d areas, %d refused by zone validation", n, refused)
	if n-refused < 50 {
		t.Fatalf("only %d corpus outlines stored", n-refused)
	}
}

// testPoints makes n points: a third uniform in the zones' bounding boxes,
// the rest on and within 1e-9° (and 1e-12°) of vertices and edges.
func testPoints(zones []storedZone, n int) []orb.Point {
	rng := rand.New(rand.NewPCG(13, 2026))
	var verts []orb.Point // every vertex, with the next one
	var nexts []orb.Point
	for _, z := range zones {
		for _, poly := range z.geom {
			for _, ring := range poly {
				for i := 0; i+1 < len(ring); i++ {
					verts, nexts = append(verts, ring[i]), append(nexts, ring[i+1])
				}
			}
		}
	}
	offsets := []float64{0, 1e-9, -1e-9, 1e-12, -1e-12, 1e-7, -1e-7}
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		k := rng.IntN(len(verts))
		a, b := verts[k], nexts[k]
		var p orb.Point
		switch rng.IntN(3) {
		case 0: // uniform in a zone's bounding box
			bb := zones[rng.IntN(len(zones))].bbox
			p = orb.Point{bb.Min[0] + rng.Float64()*(bb.Max[0]-bb.Min[0]), bb.Min[1] + rng.Float64()*(bb.Max[1]-bb.Min[1])}
		case 1: // at or near a vertex
			p = orb.Point{a[0] + offsets[rng.IntN(len(offsets))], a[1] + offsets[rng.IntN(len(offsets))]}
		default: // on or near an edge
			f := rng.Float64()
			p = orb.Point{a[0] + f*(b[0]-a[0]) + offsets[rng.IntN(len(offsets))], a[1] + f*(b[1]-a[1]) + offsets[rng.IntN(len(offsets))]}
		}
		pts = append(pts, p)
	}
	return pts
}

// postgisCovers returns, for each zone, the indexes of pts that ST_Covers
// says the zone covers. Points outside a zone's bounding box are not sent;
// PostGIS caches the zone's prepared rings across the rows of each query.
func postgisCovers(ctx context.Context, t *testing.T, pool *pgxpool.Pool, zones []storedZone, pts []orb.Point) map[int64]map[int32]bool {
	t.Helper()
	out := map[int64]map[int32]bool{}
	for _, z := range zones {
		hit := map[int32]bool{}
		var idx []int32
		var xs, ys []float64
		flush := func() {
			if len(idx) == 0 {
				return
			}
			rows, err := pool.Query(ctx, `
				SELECT t.i FROM zone z, unnest($2::int[], $3::float8[], $4::float8[]) AS t(i, x, y)
				WHERE z.id = $1 AND ST_Covers(z.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))`, z.id, idx, xs, ys)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var i int32
				if err := rows.Scan(&i); err != nil {
					t.Fatal(err)
				}
				hit[i] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			idx, xs, ys = idx[:0], xs[:0], ys[:0]
		}
		for i, p := range pts {
			if z.bbox.Contains(p) {
				idx, xs, ys = append(idx, int32(i)), append(xs, p[0]), append(ys, p[1])
				if len(idx) == 200_000 {
					flush()
				}
			}
		}
		flush()
		out[z.id] = hit
	}
	return out
}

// TestEngineCoversEqualsPostGIS: for 1,000,000 points, many on or within
// 1e-9° of edges and vertices, the zones the engine says cover each point
// are exactly those ST_Covers names.
func TestEngineCoversEqualsPostGIS(t *testing.T) {
	f := newEngineFixture(t)
	ctx := t.Context()
	ix := f.eng.Index(ctx)
	if ix == nil {
		t.Fatal("the engine has no current index")
	}
	t.Logf("index: %d zones, %d vertices", ix.Zones(), ix.Vertices())
	pts := testPoints(f.zones, 1_000_000)
	want := postgisCovers(ctx, t, f.pool, f.zones, pts)
	bad, covered, onBoundary := 0, 0, 0
	for i, p := range pts {
		got := map[int64]bool{}
		ix.Covering(p[0], p[1], func(z *engine.Zone, pos engine.Position) {
			got[z.ID] = true
			if pos == engine.Boundary {
				onBoundary++
			}
		})
		for _, z := range f.zones {
			w := want[z.id][int32(i)]
			if w != got[z.id] {
				bad++
				if bad <= 20 {
					t.Errorf("point %d (%.17g, %.17g), zone %d: engine covers=%v, ST_Covers=%v", i, p[0], p[1], z.id, got[z.id], w)
				}
			}
			if w {
				covered++
			}
		}
	}
	t.Logf("%d points: %d (point, zone) pairs covered, %d points on a boundary; %d disagreements", len(pts), covered, onBoundary, bad)
	if bad > 0 {
		t.Fatalf("%d disagreements with ST_Covers", bad)
	}
}

// postgisBoundaryDistances measures, in PostGIS, the distance from each point
// to the nearest current zone boundary: ST_Distance on the spheroid to the
// boundary's lon/lat edges cut into pieces of at most 0.001° (so that
// geography's geodesic edges follow the lon/lat edges within a millimetre),
// least over the pieces within r[i] metres of point i (r is the engine's
// answer with a margin: a piece nearer than the engine says is found; if
// there is none within it, the distance is NaN). Measuring the whole
// boundary at once would not do: with one large geography PostGIS picks the
// nearest point on the sphere and only then measures it on the spheroid,
// which overstates some distances by 0.2 %.
func postgisBoundaryDistances(ctx context.Context, pool *pgxpool.Pool, xs, ys, r []float64) ([]float64, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	for _, q := range []string{
		`CREATE TEMP TABLE boundary_piece AS
		 SELECT (ST_DumpSegments(ST_Segmentize(ST_Boundary(z.geom), 0.001))).geom::geography AS g
		 FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current`,
		`CREATE INDEX ON boundary_piece USING gist (g)`,
		`ANALYZE boundary_piece`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	defer conn.Exec(context.Background(), `DROP TABLE boundary_piece`)
	var out []float64
	for lo := 0; lo < len(xs); lo += 250 { // small batches stay within the statement timeout
		hi := min(lo+250, len(xs))
		rows, err := conn.Query(ctx, `
			SELECT coalesce((SELECT min(ST_Distance(b.g, t.p)) FROM boundary_piece b WHERE ST_DWithin(b.g, t.p, t.r)), 'NaN')
			FROM (SELECT ST_SetSRID(ST_MakePoint(x, y), 4326)::geography AS p, r, i
			      FROM unnest($1::float8[], $2::float8[], $3::float8[]) WITH ORDINALITY AS u(x, y, r, i)) t
			ORDER BY t.i`, xs[lo:hi], ys[lo:hi], r[lo:hi])
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d float64
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TestEngineLocateAndDistanceEqualPostGIS: Store.Locate through the engine
// names the zone PostGIS names (the stricter on a shared boundary), and its
// boundary distances are within 0.05 % or 0.5 m of PostGIS's
// (postgisBoundaryDistances).
func TestEngineLocateAndDistanceEqualPostGIS(t *testing.T) {
	f := newEngineFixture(t)
	ctx := t.Context()
	zs := zoning.NewStore(f.pool)
	zs.UseEngine(f.eng)
	pts := testPoints(f.zones, 3000)
	pts = append(pts, orb.Point{1.2, 42.5}, orb.Point{86, 34.5}, orb.Point{-70, -30}, orb.Point{100, 10})
	got, err := zs.Locate(ctx, pts, true)
	if err != nil {
		t.Fatal(err)
	}
	xs, ys := lonLats(pts)
	r := make([]float64, len(pts))
	for i, l := range got {
		if l.BoundaryDistanceM == nil {
			t.Fatalf("point %d %v: no distance", i, pts[i])
		}
		r[i] = *l.BoundaryDistanceM*1.001 + 1
	}
	want, err := postgisBoundaryDistances(ctx, f.pool, xs, ys, r)
	if err != nil {
		t.Fatal(err)
	}
	var worst, worstRel float64
	for i, l := range got {
		d := *l.BoundaryDistanceM
		diff := math.Abs(d - want[i])
		if !(diff <= math.Max(0.5, 0.0005*want[i])) {
			t.Errorf("point %d (%.12g, %.12g): engine %.3f m, ST_Distance %.3f m", i, pts[i][0], pts[i][1], d, want[i])
		}
		worst = math.Max(worst, diff)
		if want[i] > 1 {
			worstRel = math.Max(worstRel, diff/want[i])
		}
	}
	t.Logf("%d distances: worst difference %.4f m, worst relative %.2e", len(pts), worst, worstRel)
	sql, err := zoning.NewStore(f.pool).Locate(ctx, pts, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		g, w := got[i], sql[i]
		if g.Inside != w.Inside || g.ZoneID != w.ZoneID {
			// The SQL path's zone_piece subdivision may split exactly
			// on-boundary cases differently; only report the rest.
			t.Errorf("point %d (%.17g, %.17g): engine zone %d (inside %v), SQL zone %d (inside %v)", i, pts[i][0], pts[i][1], g.ZoneID, g.Inside, w.ZoneID, w.Inside)
		}
	}
}

// TestEngineFollowsOtherProcesses: zones stored through a store that has no
// engine (as another process would) reach the engine through the
// notification, and the engine never answers from the old zoning once the
// new epoch is announced.
func TestEngineFollowsOtherProcesses(t *testing.T) {
	ctx := t.Context()
	pool := testdb.New(t)
	eng, err := zoning.StartEngine(ctx, pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if ix := eng.Index(ctx); ix == nil || ix.Zones() != 0 {
		t.Fatalf("empty database: index %v", ix)
	}
	start := eng.Epoch()
	sampletest.Load(t, pool) // through stores without the engine: another process
	var last int64
	if err := pool.QueryRow(ctx, `SELECT epoch FROM zoning_epoch`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if last <= start {
		t.Fatalf("storing zones did not advance the epoch (%d, then %d)", start, last)
	}
	deadline := time.Now().Add(10 * time.Second)
	for eng.Epoch() < last && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if eng.Epoch() != last {
		t.Fatalf("engine at epoch %d, database at %d after 10 s", eng.Epoch(), last)
	}
	mine := zoning.NewStore(pool)
	mine.UseEngine(eng)
	ls, err := mine.Locate(ctx, []orb.Point{{86, 34.5}}, true)
	if err != nil {
		t.Fatal(err)
	}
	// the sample's current zoning: its two zones, approved 2026-06-01
	if !ls[0].Inside || ls[0].Reserve != "qiangtang" || ls[0].ZoneKind != zoning.CoreProtection {
		t.Errorf("(86, 34.5) after the samples were stored elsewhere: %+v", ls[0])
	}
}
