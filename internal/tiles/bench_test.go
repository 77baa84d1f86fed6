package tiles_test

// Speed of tiles (`make bench`): zone tiles at zoom 6-14 for zones of 50,000+
// vertices, target median under 50 ms.
//
// The benchmark reserve is made as internal/zoning/bench_test.go makes its
// own: the three Qiangtang sample zones, densified in PostGIS with
// ST_Segmentize(geom::geography, 350 m) (51,885 vertices with PostGIS 3.3),
// stored through zoning.Store.PutZones like a client's upload. The tiles
// asked for at each zoom are those holding 16 vertices spread evenly along
// the zones' boundaries, so that the tiles cut through zone edges (the costly
// case; a tile inside a zone is a plain square), and the one holding the
// zones' centroid (at zoom 6, most of the reserve). Each tile is fetched once as
// a warm-up, then every iteration fetches all of them through the HTTP API
// (httptest on loopback: SQL, ETag and transfer); the median and 90th
// percentile are over every fetch.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"warden/internal/api"
	"warden/internal/benchzones"
	"warden/internal/testdb"
)

const (
	benchSamples = 16 // boundary points: at most 17 tiles per zoom with the centre
)

// boundaryPoints returns benchSamples vertices spread along the zones' rings,
// and the zones' centroid (at low zoom, the tile holding most of the reserve).
func boundaryPoints(ctx context.Context, pool *pgxpool.Pool) ([]orb.Point, error) {
	rows, err := pool.Query(ctx, `
		WITH p AS (
			SELECT d.geom, row_number() OVER () AS i, count(*) OVER () AS n
			FROM zone z, ST_DumpPoints(z.geom) d)
		(SELECT ST_X(geom), ST_Y(geom) FROM p WHERE i % (n / $1) = 0 LIMIT $1)
		UNION ALL
		SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) AS c FROM zone) s`, benchSamples)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pts []orb.Point
	for rows.Next() {
		var p orb.Point
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		pts = append(pts, p)
	}
	return pts, rows.Err()
}

// BenchmarkZoneTiles: zone tiles at zoom 6-14 (target: median under 50 ms).
func BenchmarkZoneTiles(b *testing.B) { benchTiles(b, "zones") }

// BenchmarkReserveTiles: reserve outline tiles (the per-tile union of the
// zones) at the same zooms, for comparison; no target.
func BenchmarkReserveTiles(b *testing.B) { benchTiles(b, "reserves") }

func benchTiles(b *testing.B, layer string) {
	ctx := context.Background()
	pool := testdb.New(b)
	r, err := benchzones.Build(ctx, pool, benchzones.Qiangtang)
	verts := r.Vertices
	if err != nil {
		b.Fatal(err)
	}
	pts, err := boundaryPoints(ctx, pool)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Version: "bench"}, pool, slog.New(slog.DiscardHandler)).Handler())
	defer srv.Close()
	fetch := func(t maptile.Tile) (int, error) {
		res, err := srv.Client().Get(fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", srv.URL, layer, t.Z, t.X, t.Y))
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		n, err := io.Copy(io.Discard, res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("tile %v: %s", t, res.Status)
		}
		return int(n), err
	}
	for z := maptile.Zoom(6); z <= 14; z++ {
		var ts []maptile.Tile
		for _, p := range pts {
			if t := maptile.At(p, z); !slices.Contains(ts, t) {
				ts = append(ts, t)
			}
		}
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			bytes := 0
			for _, t := range ts { // warm-up: connections, plans, caches
				n, err := fetch(t)
				if err != nil {
					b.Fatal(err)
				}
				bytes += n
			}
			var ms []float64
			for b.Loop() {
				for _, t := range ts {
					start := time.Now()
					if _, err := fetch(t); err != nil {
						b.Fatal(err)
					}
					ms = append(ms, float64(time.Since(start).Microseconds())/1000)
				}
			}
			slices.Sort(ms)
			b.ReportMetric(ms[len(ms)/2], "ms-median")
			b.ReportMetric(ms[len(ms)*9/10], "ms-p90")
			b.ReportMetric(float64(len(ts)), "tiles")
			b.ReportMetric(float64(bytes)/float64(len(ts))/1024, "KiB/tile")
			b.ReportMetric(float64(verts), "zone-vertices")
		})
	}
}
