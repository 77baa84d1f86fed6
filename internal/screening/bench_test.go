package screening_test

// Speed figures for screening (`make bench`) and a check of the fast path
// against plain PostGIS on the same large shapes (`make test`).
//
// The benchmark reserve is built the way internal/zoning/bench_test.go builds
// its own: the three Qiangtang sample zones, densified in PostGIS with
// ST_Segmentize(geom::geography, 350)::geometry to 51,885 vertices in all
// (checked: at least 50,000), stored through zoning.Store.PutZones so that
// validation runs and the triggers fill zone_piece and zone_edge as in
// production. The footprint is a 10,000-vertex star polygon (radius 5 km ±
// 15 %, 40 points) generated in Go and centred on the first vertex of the
// core zone's ring, so it lies across the core/buffer boundary.

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/benchzones"
	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/screening"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

const benchFootVerts = 10_000

// naive is the screening's measurements written the obvious way, on the
// raw, unsubdivided zones near the footprint (bounding boxes within the
// search distance, 5 km ~ 0.055° of latitude, widened for longitude):
// ST_Intersection with ST_Area / ST_Length of it on geography, and
// ST_Distance between the zones' and the footprint's geography.
const naive = `
	SELECT r.code, z.kind,
	       sum(ST_Area(ST_Intersection(f.g, z.geom)::geography)),
	       sum(ST_Length(ST_Intersection(f.g, z.geom)::geography)),
	       min(ST_Distance(z.geom::geography, f.g::geography))
	FROM (SELECT ST_GeomFromWKB($1, 4326) AS g) f
	JOIN zone z ON z.geom && ST_Expand(f.g, 0.055 / cos(radians(ST_Y(ST_Centroid(f.g)))))
	JOIN zoning_version v ON v.id = z.version_id AND v.is_current
	JOIN reserve r ON r.id = z.reserve_id
	GROUP BY 1, 2`

// naiveIntersections is naive without the distances.
const naiveIntersections = `
	SELECT r.code, z.kind,
	       sum(ST_Area(ST_Intersection(f.g, z.geom)::geography)),
	       sum(ST_Length(ST_Intersection(f.g, z.geom)::geography))
	FROM (SELECT ST_GeomFromWKB($1, 4326) AS g) f
	JOIN zone z ON ST_Intersects(z.geom, f.g)
	JOIN zoning_version v ON v.id = z.version_id AND v.is_current
	JOIN reserve r ON r.id = z.reserve_id
	GROUP BY 1, 2`

type benchFixture struct {
	pool    *pgxpool.Pool
	store   *screening.Store
	reserve benchzones.Reserve
}

var sharedBenchFixture = sync.OnceValues(func() (*benchFixture, error) {
	pool, rs, err := benchzones.Shared(benchzones.Qiangtang)
	if err != nil {
		return nil, err
	}
	s, err := engineStore(context.Background(), pool, screening.Options{}) // lives as long as the binary
	if err != nil {
		return nil, err
	}
	return &benchFixture{pool: pool, store: s, reserve: rs[0]}, nil
})

func benchEnv(b *testing.B) *benchFixture {
	b.Helper()
	f, err := sharedBenchFixture()
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// benchFootprints are the footprints benchmarked: the 10,000-vertex star of
// the product target, and a small site (a 64-vertex star of radius 300 m),
// both across the core/buffer boundary.
var benchFootprints = []struct {
	name     string
	radius   float64
	vertices int
}{
	{"footprint=10000", 5000, benchFootVerts},
	{"footprint=64", 300, 64},
}

// BenchmarkScreen: Store.Screen, as POST /api/v1/screenings runs it
// (validation, intersections through zone_piece, distances through
// zone_edge and the zones, verdict, storing), against the 51,885-vertex
// reserve. Target for the 10,000-vertex footprint: under 300 ms.
func BenchmarkScreen(b *testing.B) {
	f := benchEnv(b)
	ctx := context.Background()
	for _, c := range benchFootprints {
		b.Run(c.name, func(b *testing.B) {
			req := screening.Request{Features: []geoio.Feature{{Geometry: benchzones.Star(f.reserve.Core, c.radius, c.vertices)}}, Activity: "quarrying"}
			if _, err := f.store.Screen(ctx, req); err != nil { // warm up
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.store.Screen(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/screening")
			b.ReportMetric(float64(f.reserve.Vertices), "zone-vertices")
		})
	}
}

// BenchmarkScreenNaive: the same measurements written the obvious way
// (naive), for the ratio; areas=only is the intersections alone
// (naiveIntersections).
func BenchmarkScreenNaive(b *testing.B) {
	f := benchEnv(b)
	ctx := context.Background()
	for _, c := range benchFootprints {
		w, err := wkb.Marshal(benchzones.Star(f.reserve.Core, c.radius, c.vertices))
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range []struct{ name, sql string }{{"", naive}, {"/areas=only", naiveIntersections}} {
			b.Run(c.name+q.name, func(b *testing.B) {
				run := func() error {
					return db.Tx(ctx, f.pool, func(tx pgx.Tx) error {
						// The naive query may take longer than the pool's statement timeout.
						if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '10min'`); err != nil {
							return err
						}
						rows, err := tx.Query(ctx, q.sql, w)
						if err != nil {
							return err
						}
						defer rows.Close()
						n := 0
						for rows.Next() {
							n++
						}
						if err := rows.Err(); err != nil {
							return err
						}
						if n < 2 {
							return fmt.Errorf("the naive query found %d zone kinds, want core and buffer", n)
						}
						return nil
					})
				}
				for b.Loop() {
					if err := run(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/screening")
			})
		}
	}
}

// TestScreenLargeMatchesPostGIS holds the fast path (subdivided footprint
// against zone_piece, zone_edge distances) to the naive query on the
// benchmark's shapes: areas, lengths and distances within 0.5 %. It also
// checks that the report's SVG map stays small against 50,000-vertex zones.
func TestScreenLargeMatchesPostGIS(t *testing.T) {
	ctx := t.Context()
	pool := testdb.New(t)
	r, err := benchzones.Build(ctx, pool, benchzones.Qiangtang)
	if err != nil {
		t.Fatal(err)
	}
	fp := benchzones.Star(r.Core, 5000, benchFootVerts)
	s, err := engineStore(ctx, pool, screening.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: fp}}, Activity: "quarrying"})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Footprint.Vertices != benchFootVerts+1 || sc.Verdict != screening.Prohibited {
		t.Fatalf("footprint %d vertices, verdict %s", sc.Footprint.Vertices, sc.Verdict)
	}
	checkAgainstReference(t, pool, sc, fp, r.Code)
	cz, bz := zoneResult(t, sc, r.Code, zoning.Core), zoneResult(t, sc, r.Code, zoning.Buffer)
	if cz.AreaM2 < 1e7 || bz.AreaM2 < 1e7 {
		t.Errorf("core %.0f m², buffer %.0f m²: the star should lie across the core/buffer boundary", cz.AreaM2, bz.AreaM2)
	}
	t.Logf("%d zone vertices; core %.1f ha, buffer %.1f ha, experimental %.0f m away", r.Vertices, cz.AreaHa, bz.AreaHa, zoneResult(t, sc, r.Code, zoning.Experimental).DistanceM)
	page, err := s.Report(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) > 300_000 {
		t.Errorf("the report is %d bytes: its SVG should be simplified to the drawing's resolution", len(page))
	}
	t.Logf("report: %d bytes", len(page))
}
