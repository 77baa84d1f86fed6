package screening

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// distToPath is the least planar distance from p to the path.
func distToPath(p orb.Point, path []orb.Point) float64 {
	d := math.Inf(1)
	for i := 1; i < len(path); i++ {
		d = math.Min(d, planar.DistanceFromSegment(path[i-1], path[i], p))
	}
	return d
}

// TestSimplifyBoundedStaysWithinTolerance holds SimplifyBounded to its
// promise on random walks and on a zigzag: every input vertex is within tol
// of the result, every kept vertex is an input vertex, and rings stay rings.
func TestSimplifyBoundedStaysWithinTolerance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	walk := make(orb.LineString, 5000)
	for i := 1; i < len(walk); i++ {
		walk[i] = orb.Point{walk[i-1][0] + rng.Float64()*1e-3, walk[i-1][1] + (rng.Float64()-0.5)*1e-3}
	}
	zig := make(orb.LineString, 3000)
	for i := range zig {
		zig[i] = orb.Point{float64(i) * 1e-4, float64(i%2) * 1e-5}
	}
	const tol = 2e-5
	for name, ls := range map[string]orb.LineString{"walk": walk, "zigzag": zig} {
		got := SimplifyBounded(ls, tol).(orb.LineString)
		if got[0] != ls[0] || got[len(got)-1] != ls[len(ls)-1] {
			t.Errorf("%s: ends moved", name)
		}
		if len(got) >= len(ls) {
			t.Errorf("%s: %d vertices kept of %d", name, len(got), len(ls))
		}
		for _, p := range ls {
			if d := distToPath(p, got); d > tol*1.000001 {
				t.Fatalf("%s: vertex %v is %g from the simplified path, more than %g", name, p, d, tol)
			}
		}
	}
	ring := orb.Ring{{0, 0}, {1e-7, 0}, {1e-7, 1e-7}, {0, 1e-7}, {0, 0}}
	p := SimplifyBounded(orb.Polygon{ring}, 1).(orb.Polygon)
	if len(p[0]) < 4 {
		t.Errorf("a ring simplified to %d points", len(p[0]))
	}
}

// TestSimplifyBoundedAdversarial runs the shapes that made GEOS recurse once
// per vertex: a 200,000-vertex zigzag whose every vertex is kept, and a comb.
// It must finish (bounded, iterative work) and keep every vertex that matters.
func TestSimplifyBoundedAdversarial(t *testing.T) {
	zig := make(orb.LineString, 200_000)
	for i := range zig {
		zig[i] = orb.Point{80.5 + 10*float64(i)/200_000, 33 + 2.8*float64(i%2)}
	}
	if got := SimplifyBounded(zig, 2.2e-5).(orb.LineString); len(got) != len(zig) {
		t.Errorf("zigzag: %d vertices kept of %d, want all", len(got), len(zig))
	}
	comb := orb.Ring{{0, 0}}
	for i := 0; i < 40_000; i++ {
		x := float64(i) * 1e-3
		comb = append(comb, orb.Point{x, 0.1}, orb.Point{x, 2}, orb.Point{x + 5e-4, 2}, orb.Point{x + 5e-4, 0.1})
	}
	comb = append(comb, orb.Point{40, 0.1}, orb.Point{40, 0}, orb.Point{0, 0})
	// (0, 0.1) lies on the edge from (0, 0) to (0, 2): the one vertex to go.
	if got := SimplifyBounded(orb.Polygon{comb}, 1e-4).(orb.Polygon); len(got[0]) != len(comb)-1 {
		t.Errorf("comb: %d vertices kept of %d, want all but one", len(got[0]), len(comb))
	}
}

// TestSegmentizeAndComplexity checks Segmentize cuts long edges, refuses past
// its limit, leaves points alone, and that Complexity predicts its size.
func TestSegmentizeAndComplexity(t *testing.T) {
	ls := orb.LineString{{0, 0}, {1, 0}, {1, 0.01}}
	g, ok := Segmentize(ls, EdgeDegrees, 1000)
	if !ok {
		t.Fatal("refused a 1° line with a limit of 1000")
	}
	out := g.(orb.LineString)
	if len(out) != 52 {
		t.Errorf("%d vertices, want 52 (50 pieces for 1°, one edge kept)", len(out))
	}
	for i := 1; i < len(out); i++ {
		if d := out[i].X() - out[i-1].X() + out[i].Y() - out[i-1].Y(); d > EdgeDegrees+1e-12 {
			t.Fatalf("edge %d is %g long", i, d)
		}
	}
	if c := Complexity(ls, 0); c < len(out)-1 || c > len(out)+1 {
		t.Errorf("Complexity %d, Segmentize gave %d", c, len(out))
	}
	if _, ok := Segmentize(ls, EdgeDegrees, 40); ok {
		t.Error("a 1° line cut in 0.02° pieces fit a limit of 40")
	}
	mp := orb.MultiPoint{{0, 0}, {10, 10}}
	if g, ok := Segmentize(mp, EdgeDegrees, 10); !ok || len(g.(orb.MultiPoint)) != 2 || Complexity(mp, 0) != 2 {
		t.Errorf("points: %v %v, complexity %d", g, ok, Complexity(mp, 0))
	}
	// Projected metres: 10 km in pieces of about 2.2 km.
	if c := Complexity(orb.LineString{{500000, 3000000}, {510000, 3000000}}, 1); c != 6 {
		t.Errorf("Complexity of a 10 km projected edge = %d, want 6", c)
	}
}
