package engine

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/paulmach/orb"
)

func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// TestSharedBoundaryGoesToStricterZone pins the rule for a point exactly on a
// boundary two zones share: both cover it (as ST_Covers says), Locate answers
// the stricter zone, and its distance to the boundary is 0.
func TestSharedBoundaryGoesToStricterZone(t *testing.T) {
	ix := Build([]Zone{
		{ID: 7, Reserve: "r", Kind: "buffer", Rank: 2, Geom: square(86, 34, 86.1, 34.1)},
		{ID: 9, Reserve: "r", Kind: "core", Rank: 1, Geom: square(86.1, 34, 86.2, 34.1)},
	})
	for _, p := range []orb.Point{{86.1, 34.05}, {86.1, 34}, {86.1, 34.1}} {
		var covered []int64
		ix.Covering(p[0], p[1], func(z *Zone, pos Position) {
			if pos != Boundary {
				t.Errorf("%v: zone %d says %v, want Boundary", p, z.ID, pos)
			}
			covered = append(covered, z.ID)
		})
		if len(covered) != 2 {
			t.Errorf("%v: covered by %v, want both zones", p, covered)
		}
		if z := ix.Locate(p[0], p[1]); z == nil || z.ID != 9 {
			t.Errorf("%v: Locate = %v, want the core zone 9", p, z)
		}
		if d, _ := ix.Nearest(p[0], p[1]); d != 0 {
			t.Errorf("%v: boundary distance %v, want 0", p, d)
		}
	}
	if z := ix.Locate(86.05, 34.05); z == nil || z.ID != 7 {
		t.Errorf("inside the buffer zone: Locate = %v", z)
	}
	if z := ix.Locate(86.3, 34.05); z != nil {
		t.Errorf("outside: Locate = %v", z)
	}
	// A point 1e-9° outside the outer edge of the core zone is outside.
	if z := ix.Locate(86.2+1e-9, 34.05); z != nil {
		t.Errorf("1e-9° outside: Locate = %v", z)
	}
}

// TestHoleAndIsland: a point in a hole is outside; on the hole's edge it is
// on the boundary; in an island inside the hole it is inside.
func TestHoleAndIsland(t *testing.T) {
	mp := orb.MultiPolygon{
		{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}}},
		{{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}},
	}
	p := prepare(mp)
	for _, c := range []struct {
		x, y float64
		want Position
	}{{1, 1, Interior}, {3.5, 3.5, Outside}, {3, 5, Boundary}, {5, 5, Interior}, {4, 5, Boundary}, {11, 5, Outside}, {0, 0, Boundary}} {
		if got := p.locate(c.x, c.y); got != c.want {
			t.Errorf("(%v, %v): %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

// TestInverse checks Vincenty's inverse on published lines; it is checked
// against PostGIS (GeographicLib) on many more in package zoning's tests.
func TestInverse(t *testing.T) {
	for _, c := range []struct{ lat1, lon1, lat2, lon2, s float64 }{
		{-37.95103342, 144.42486789, -37.65282114, 143.92649554, 54972.271}, // Flinders Peak - Buninyong (Vincenty 1975, GeographicLib)
		{33.4911, -112.4223, 32.1189, -113.1123, 165330.214571},             // GeographicLib's Go port's example
	} {
		s, _, ok := Inverse(c.lat1, c.lon1, c.lat2, c.lon2)
		if !ok || math.Abs(s-c.s) > 0.001 {
			t.Errorf("%v: s = %.4f (ok %v), want %.4f", c, s, ok, c.s)
		}
	}
}

// TestSegmentDistance: the distance to a segment is the least distance to
// its points, found by sampling the segment finely.
func TestSegmentDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		ax, ay := 80+rng.Float64()*10, 30+rng.Float64()*10
		bx, by := ax+(rng.Float64()-0.5)*2, ay+(rng.Float64()-0.5)*2
		qx, qy := ax+(rng.Float64()-0.5)*4, ay+(rng.Float64()-0.5)*4
		got := segmentDistance(qx, qy, ax, ay, bx, by)
		// Sample coarsely, then finely around the best sample.
		at := func(f float64) float64 { return Distance(qx, qy, ax+f*(bx-ax), ay+f*(by-ay)) }
		best, want := 0.0, math.Inf(1)
		for i := 0; i <= 1000; i++ {
			if d := at(float64(i) / 1000); d < want {
				best, want = float64(i)/1000, d
			}
		}
		for i := -1000; i <= 1000; i++ {
			if f := best + float64(i)/500000; f >= 0 && f <= 1 {
				want = math.Min(want, at(f))
			}
		}
		if got > want+1e-3 || got < want-0.01 {
			t.Fatalf("q (%v, %v) to (%v, %v)-(%v, %v): %.4f m, sampled %.4f m", qx, qy, ax, ay, bx, by, got, want)
		}
	}
}

// TestIndexMemory: an index of 1,000,000 zone vertices stays within 200 MB.
func TestIndexMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := Build(syntheticZones(1_000_000)) // Build drops the input rings
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(after.HeapAlloc-before.HeapAlloc) / 1e6
	t.Logf("%d vertices in %d zones: %.1f MB of heap", ix.Vertices(), ix.Zones(), mb)
	if ix.Vertices() < 1_000_000 {
		t.Fatalf("%d vertices", ix.Vertices())
	}
	if mb > 200 {
		t.Errorf("index of %d vertices takes %.1f MB, more than 200 MB", ix.Vertices(), mb)
	}
	runtime.KeepAlive(ix)
}

// syntheticZones makes 100 wavy ring zones with n vertices in all.
func syntheticZones(n int) []Zone {
	const count = 100
	per := n / count
	zones := make([]Zone, count)
	for z := range zones {
		cx, cy := 70+float64(z%10)*3, 20+float64(z/10)*3
		ring := make(orb.Ring, 0, per+1)
		for i := range per {
			a := 2 * math.Pi * float64(i) / float64(per)
			r := 1 + 0.1*math.Sin(40*a)
			ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		zones[z] = Zone{ID: int64(z + 1), Reserve: "synthetic", Kind: "core", Rank: 1, Geom: orb.MultiPolygon{{ring}}}
	}
	return zones
}

// TestExtremeVertexOfManyZones: with enough zones for the zone R-tree, a
// point on a zone's extreme vertex (on the edge of its bounding box) is
// still found on the boundary.
func TestExtremeVertexOfManyZones(t *testing.T) {
	var zones []Zone
	for i := range 2 * smallZoneCount {
		x := float64(i)
		zones = append(zones, Zone{ID: int64(i + 1), Reserve: "r", Kind: "core", Rank: 1, Geom: square(x, 0, x+0.5, 0.5)})
	}
	ix := Build(zones)
	for _, p := range []orb.Point{{3, 0}, {3.5, 0.5}, {3, 0.25}} {
		if z := ix.Locate(p[0], p[1]); z == nil || z.ID != 4 {
			t.Errorf("%v: Locate = %v, want zone 4", p, z)
		}
	}
}

// TestNearestMatchesExhaustive: the best-first search finds the distance and
// zone that measuring every edge exactly finds, for points near, inside, far
// from (beyond the tangent plane's reach) and between the zones.
func TestNearestMatchesExhaustive(t *testing.T) {
	zones := syntheticZones(8_000)
	ix := Build(zones)
	rng := rand.New(rand.NewPCG(3, 4))
	var pts []orb.Point
	for range 200 {
		pts = append(pts, orb.Point{68 + rng.Float64()*34, 18 + rng.Float64()*34})
	}
	pts = append(pts, orb.Point{0, 0}, orb.Point{85, 60}, orb.Point{150, -40}, orb.Point{70.5, 20})
	for _, p := range pts {
		got, z := ix.Nearest(p[0], p[1])
		want, wantZone := math.Inf(1), int32(-1)
		for _, e := range ix.edges {
			if d := segmentDistance(p[0], p[1], e.x1, e.y1, e.x2, e.y2); d < want || (d == want && e.z < wantZone) {
				want, wantZone = d, e.z
			}
		}
		if math.Abs(got-want) > math.Max(0.01, 1e-6*want) || z != &ix.zones[wantZone] {
			t.Errorf("%v: Nearest %.3f m in zone %d, every edge measured: %.3f m in zone %d", p, got, z.ID, want, ix.zones[wantZone].ID)
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	ix := Build(syntheticZones(100_000))
	rng := rand.New(rand.NewPCG(5, 6))
	pts := make([]orb.Point, 4096)
	for i := range pts { // near and in the zones
		z := rng.IntN(100)
		pts[i] = orb.Point{69 + float64(z%10)*3 + rng.Float64()*2.4, 19 + float64(z/10)*3 + rng.Float64()*2.4}
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		p := pts[i%len(pts)]
		ix.Nearest(p[0], p[1])
		i++
	}
}

// TestDistanceToBoundaryMatchesExhaustive: the distance to one zone's
// boundary is the least over that zone's edges, also where another zone's
// boundary is nearer.
func TestDistanceToBoundaryMatchesExhaustive(t *testing.T) {
	ix := Build(syntheticZones(4_000))
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		zi := rng.IntN(len(ix.zones))
		z := &ix.zones[zi]
		x, y := 69+rng.Float64()*32, 19+rng.Float64()*32
		got := ix.DistanceToBoundary(z.ID, x, y)
		want := math.Inf(1)
		for _, e := range ix.prep[zi].edges {
			want = math.Min(want, segmentDistance(x, y, e.x1, e.y1, e.x2, e.y2))
		}
		if math.Abs(got-want) > math.Max(0.01, 1e-6*want) {
			t.Errorf("(%v, %v) to zone %d: %.3f m, every edge measured: %.3f m", x, y, z.ID, got, want)
		}
	}
	if d := ix.DistanceToBoundary(12345, 80, 30); !math.IsNaN(d) {
		t.Errorf("unknown zone: %v, want NaN", d)
	}
}

// TestInsideAlongSharedBoundary: a path crossing from one zone into the
// next through their shared edge is in the first, then the second; a path
// running along the shared edge is inside both for that stretch.
func TestInsideAlongSharedBoundary(t *testing.T) {
	ix := Build([]Zone{
		{ID: 7, Reserve: "r", Kind: "buffer", Rank: 2, Geom: square(86, 34, 86.1, 34.1)},
		{ID: 9, Reserve: "r", Kind: "core", Rank: 1, Geom: square(86.1, 34, 86.2, 34.1)},
	})
	got := ix.Inside([]orb.Point{{85.95, 34.05}, {86.15, 34.05}, {86.25, 34.05}})
	want := []struct {
		id       int64
		from, to float64
	}{{7, 0.25, 0.75}, {9, 0.75, 1.5}}
	if len(got) != len(want) {
		t.Fatalf("stretches %+v", got)
	}
	for i, w := range want {
		if g := got[i]; g.Zone.ID != w.id || math.Abs(g.From-w.from) > 1e-9 || math.Abs(g.To-w.to) > 1e-9 {
			t.Errorf("stretch %d: zone %d %.6f-%.6f, want zone %d %.6f-%.6f", i, g.Zone.ID, g.From, g.To, w.id, w.from, w.to)
		}
	}
	along := ix.Inside([]orb.Point{{86.1, 33.95}, {86.1, 34.15}})
	if len(along) != 2 || along[0].Zone.ID != 9 || along[1].Zone.ID != 7 || math.Abs(along[0].From-0.25) > 1e-9 || math.Abs(along[0].To-0.75) > 1e-9 {
		t.Errorf("along the shared edge: %+v", along)
	}
}
