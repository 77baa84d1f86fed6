package zoning_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/zoning/engine"
)

// testPaths makes n paths over the zones: random walks that cross
// boundaries, and walks along a ring's own vertices (running along edges,
// through vertices, in and out of shared boundaries). ST_Intersection
// dissolves a path's parts that run over each other, which the engine counts
// as often as they are travelled; the paths avoid that.
func testPaths(zones []storedZone, n int) []orb.LineString {
	rng := rand.New(rand.NewPCG(11, 2026))
	var out []orb.LineString
	for len(out) < n {
		z := zones[rng.IntN(len(zones))]
		bb := z.bbox
		w, h := bb.Max[0]-bb.Min[0], bb.Max[1]-bb.Min[1]
		if rng.IntN(3) > 0 {
			p := orb.Point{bb.Min[0] + rng.Float64()*w, bb.Min[1] + rng.Float64()*h}
			ls := orb.LineString{p}
			for range 2 + rng.IntN(30) {
				p = orb.Point{p[0] + (rng.Float64()-0.5)*w/5, p[1] + (rng.Float64()-0.5)*h/5}
				ls = append(ls, p)
			}
			out = append(out, ls)
			continue
		}
		ring := z.geom[rng.IntN(len(z.geom))][0]
		k := rng.IntN(len(ring) - 1)
		// Approached and left diagonally, so that the path never runs
		// back over itself (ST_Intersection would count such a part once).
		ls := orb.LineString{{ring[k][0] - w/50, ring[k][1] - h/70}}
		for j := k; j < min(len(ring), k+2+rng.IntN(6)); j++ {
			ls = append(ls, ring[j])
		}
		last := ls[len(ls)-1]
		out = append(out, append(ls, orb.Point{last[0] + w/50, last[1] + h/50}))
	}
	return out
}

// TestEngineLinesEqualPostGIS: for paths over the sample reserves (shared
// boundaries, holes, paths along edges), the engine's crossings are where
// ST_Intersection of each segment with the zones' boundary segments puts
// them, and the length inside each zone (its stretches measured on the
// ellipsoid) is ST_Length(ST_Intersection(zone, path)::geography), within
// 1e-5: PostGIS cuts a path's geodesics also where the path meets itself,
// which lengthens the sum by up to that on the test's 100 km segments.
func TestEngineLinesEqualPostGIS(t *testing.T) {
	ctx := t.Context()
	f := sampleEngine(t)
	pool, ix := f.pool, f.eng.Index(ctx)
	crossings, lengths := 0, 0
	for pi, path := range testPaths(f.zones, 300) {
		w, err := wkb.Marshal(path)
		if err != nil {
			t.Fatal(err)
		}
		want := postgisCrossings(t, f, path, w)
		got := ix.Crossings(path)
		crossings += len(want)
		if len(got) != len(want) {
			t.Errorf("path %d %v: engine crossings %v, PostGIS %v", pi, path, got, want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-7 {
				t.Errorf("path %d: crossing %d at %.12f, PostGIS %.12f", pi, i, got[i], want[i])
			}
		}
		inside := map[int64]float64{}
		for _, s := range ix.Inside(path) {
			inside[s.Zone.ID] += engine.Length(engine.Sub(path, s.From, s.To))
		}
		rows, err := pool.Query(ctx, `
			SELECT z.id, ST_Length(ST_Intersection(z.geom, ST_GeomFromWKB($1, 4326))::geography)
			FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current
			WHERE ST_Intersects(z.geom, ST_GeomFromWKB($1, 4326))`, w)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var l float64
			if err := rows.Scan(&id, &l); err != nil {
				t.Fatal(err)
			}
			if g := inside[id]; math.Abs(g-l) > math.Max(0.001, 1e-5*l) {
				t.Errorf("path %d, zone %d: %.4f m inside, PostGIS %.4f m", pi, id, g, l)
			}
			delete(inside, id)
			lengths++
		}
		rows.Close()
		for id, l := range inside {
			if l > 0 {
				t.Errorf("path %d: engine %.4f m inside zone %d, which PostGIS says it does not meet", pi, l, id)
			}
		}
	}
	t.Logf("300 paths: %d crossings, %d lengths inside zones agree", crossings, lengths)
}

// postgisCrossings: where each segment of path meets the current zones'
// boundary segments, by ST_Intersection, as positions (segment index plus
// fraction along it), sorted, those within 1e-9 given once.
func postgisCrossings(t *testing.T, f *engineFixture, path orb.LineString, w []byte) []float64 {
	t.Helper()
	rows, err := f.pool.Query(t.Context(), `
		WITH p AS (SELECT ST_GeomFromWKB($1, 4326) AS g),
		s AS (SELECT (d).path[1] - 1 AS k, (d).geom AS g FROM (SELECT ST_DumpSegments(p.g) AS d FROM p) x),
		e AS (SELECT (ST_DumpSegments(ST_Boundary(z.geom))).geom AS g
		      FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current, p WHERE z.geom && p.g)
		SELECT s.k, ST_AsBinary(ST_Intersection(e.g, s.g)) FROM s JOIN e ON ST_Intersects(e.g, s.g)`, w)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var k int
		var b []byte
		if err := rows.Scan(&k, &b); err != nil {
			t.Fatal(err)
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		p, q := path[k], path[k+1]
		for _, pt := range ends(g, nil) {
			dx, dy := q[0]-p[0], q[1]-p[1]
			out = append(out, float64(k)+math.Min(1, math.Max(0, ((pt[0]-p[0])*dx+(pt[1]-p[1])*dy)/(dx*dx+dy*dy))))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.CompactFunc(out, func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })
}

// ends lists an intersection's points and the ends of its lines.
func ends(g orb.Geometry, out []orb.Point) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.MultiPoint:
		out = append(out, g...)
	case orb.LineString:
		out = append(out, g[0], g[len(g)-1])
	case orb.MultiLineString:
		for _, l := range g {
			out = ends(l, out)
		}
	case orb.Collection:
		for _, c := range g {
			out = ends(c, out)
		}
	}
	return out
}
