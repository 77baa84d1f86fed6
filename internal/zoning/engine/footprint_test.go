package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// footprintZones: a buffer zone with a hole holding a core zone, as the
// sample reserves have them, and a zone of another reserve far away.
func footprintZones() *Index {
	return Build([]Zone{
		{ID: 1, ReserveID: 1, Kind: "buffer", Rank: 2, Geom: orb.MultiPolygon{{
			{{85, 34}, {87, 34}, {87, 35}, {85, 35}, {85, 34}},
			{{85.5, 34.25}, {85.5, 34.75}, {86.5, 34.75}, {86.5, 34.25}, {85.5, 34.25}}}}},
		{ID: 2, ReserveID: 1, Kind: "core", Rank: 1, Geom: square(85.5, 34.25, 86.5, 34.75)},
		{ID: 3, ReserveID: 2, Kind: "core", Rank: 1, Geom: square(100, 20, 101, 21)},
	})
}

func overlapOf(t *testing.T, out []Overlap, id int64) Overlap {
	t.Helper()
	for _, o := range out {
		if o.Zone.ID == id {
			return o
		}
	}
	t.Fatalf("no overlap with zone %d in %v", id, out)
	return Overlap{}
}

// TestFootprintAreasAddUp: a box split by the core zone's edge has its
// area shared between the core and the buffer zone, the parts adding up to
// the whole box's (measured inside one zone); a box on the shared boundary
// itself, wound either way, is wholly in the zone on the side of its
// interior; a box sharing an edge with a zone from outside has no area in
// it but meets it.
func TestFootprintAreasAddUp(t *testing.T) {
	ix := footprintZones()
	whole := func(p orb.MultiPolygon) float64 {
		return overlapOf(t, ix.Measure(NewFootprint(p, nil, nil), 0), 1).AreaM2
	}
	full := whole(square(85.1, 34.3, 85.3, 34.4))
	if want := 0.2 * 0.1 * 111_000 * 92_000; math.Abs(full-want) > 0.02*want {
		t.Fatalf("0.2° × 0.1° box at 34° N: %.0f m², want about %.0f", full, want)
	}
	split := ix.Measure(NewFootprint(square(85.4, 34.3, 85.6, 34.4), nil, nil), 0)
	core, buffer := overlapOf(t, split, 2).AreaM2, overlapOf(t, split, 1).AreaM2
	if d := math.Abs(core-buffer) / core; d > 1e-3 {
		t.Errorf("box split in half by the core's edge: core %.0f m², buffer %.0f m²", core, buffer)
	}
	if d := math.Abs(core+buffer-full) / full; d > 1e-3 {
		t.Errorf("halves %.0f + %.0f m², whole %.0f m²", core, buffer, full)
	}
	for _, p := range []orb.MultiPolygon{square(85.5, 34.3, 85.6, 34.4), {{{{85.5, 34.3}, {85.5, 34.4}, {85.6, 34.4}, {85.6, 34.3}, {85.5, 34.3}}}}} {
		out := ix.Measure(NewFootprint(p, nil, nil), 0)
		c, b := overlapOf(t, out, 2), overlapOf(t, out, 1)
		if half := whole(square(85.2, 34.3, 85.3, 34.4)); math.Abs(c.AreaM2-half) > 1e-3*half || b.AreaM2 != 0 || !b.Meets || b.DistanceM != 0 {
			t.Errorf("box on the core's side of the shared edge: core %+v, buffer %+v", c, b)
		}
	}
	out := ix.Measure(NewFootprint(square(87, 34.5, 87.1, 34.6), nil, nil), 0)
	if o := overlapOf(t, out, 1); o.AreaM2 != 0 || !o.Meets || o.DistanceM != 0 {
		t.Errorf("box touching the buffer from outside: %+v", o)
	}
	if o := overlapOf(t, out, 2); o.Meets || math.Abs(o.DistanceM-Distance(87, 34.6, 86.5, 34.6)) > 100 {
		t.Errorf("core zone from a box 0.5° east of it: %+v", o)
	}
	for _, o := range out {
		if o.Zone.ReserveID == 2 {
			t.Errorf("a reserve beyond the radius is answered: %+v", o)
		}
	}
}

// TestFootprintLinesAndPoints: lengths inside zones are the stretches'
// geodesic lengths, points are counted in every zone that covers them.
func TestFootprintLinesAndPoints(t *testing.T) {
	ix := footprintZones()
	line := orb.LineString{{85.2, 34.5}, {86, 34.5}}
	out := ix.Measure(NewFootprint(nil, orb.MultiLineString{line}, []orb.Point{{86, 34.5}, {85.5, 34.5}, {90, 30}}), 1000)
	c, b := overlapOf(t, out, 2), overlapOf(t, out, 1)
	if want := Distance(85.5, 34.5, 86, 34.5); math.Abs(c.LengthM-want) > 0.01 {
		t.Errorf("core: %.2f m of line, want %.2f", c.LengthM, want)
	}
	if want := Distance(85.2, 34.5, 85.5, 34.5); math.Abs(b.LengthM-want) > 0.01 {
		t.Errorf("buffer: %.2f m of line, want %.2f", b.LengthM, want)
	}
	if c.Points != 2 || b.Points != 1 {
		t.Errorf("points: core %d, buffer %d, want 2 and 1 (one on their shared boundary)", c.Points, b.Points)
	}
}

// TestFootprintDistanceMatchesExhaustive holds the paired tree search equal
// to measuring every pair of edges, for random footprints near wavy zones.
func TestFootprintDistanceMatchesExhaustive(t *testing.T) {
	ix := Build(syntheticZones(4_000))
	rng := rand.New(rand.NewPCG(3, 13))
	for n := range 30 {
		cx, cy := 85+rng.Float64()*4, 30+rng.Float64()*4
		var ring orb.Ring
		k := 3 + rng.IntN(40)
		r := 0.001 + rng.Float64()*0.05
		for j := range k {
			a := 2 * math.Pi * float64(j) / float64(k)
			rr := r * (0.5 + rng.Float64())
			ring = append(ring, orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		f := NewFootprint(orb.MultiPolygon{{ring}}, nil, nil)
		for zi := range ix.zones {
			if p := ix.prep[zi]; math.Abs(p.x0-cx) > 4 || math.Abs(p.y0-cy) > 4 {
				continue
			}
			got := ix.footprintDistance(f, int32(zi), math.Inf(1))
			want := math.Inf(1)
			for i := range ix.edges {
				if ix.edges[i].z != int32(zi) {
					continue
				}
				for j := range f.edges {
					a, b := &ix.edges[i].edge, &f.edges[j].edge
					if boxPairBound(a.box(), b.box(), want) <= want {
						want = min(want, edgeDistance(a, b))
					}
				}
			}
			if math.Abs(got-want) > 1e-6*want+1e-6 {
				t.Errorf("footprint %d, zone %d: tree search %.6f m, every pair %.6f m", n, zi, got, want)
			}
		}
	}
}

// BenchmarkMeasure: a 10,000-vertex star footprint 5 km across a boundary
// between two of three nested wavy zones of 17,000 vertices each.
func BenchmarkMeasure(b *testing.B) {
	var zones []Zone
	for i, r := range []float64{1, 0.6, 0.3} {
		ring := make(orb.Ring, 0, 17_001)
		for k := range 17_000 {
			a := 2 * math.Pi * float64(k) / 17_000
			rr := r * (1 + 0.05*math.Sin(40*a))
			ring = append(ring, orb.Point{86 + rr*math.Cos(a), 34 + rr*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		zones = append(zones, Zone{ID: int64(i + 1), ReserveID: 1, Kind: "k", Rank: 3 - i, Geom: orb.MultiPolygon{{ring}}})
	}
	ix := Build(zones)
	c := orb.Point{86.6, 34}
	ring := make(orb.Ring, 0, 10_001)
	for k := range 10_000 {
		t := 2 * math.Pi * float64(k) / 10_000
		ri := 5000 * (1 + 0.15*math.Sin(40*t))
		ring = append(ring, orb.Point{c[0] + ri*math.Cos(t)/92_000, c[1] + ri*math.Sin(t)/111_000})
	}
	poly := orb.MultiPolygon{{append(ring, ring[0])}}
	for b.Loop() {
		ix.Measure(NewFootprint(poly, nil, nil), 5000)
	}
}
