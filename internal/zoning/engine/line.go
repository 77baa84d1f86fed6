package engine

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Crossings returns the sorted positions along path where it meets a zone
// boundary: k+t for the point the fraction t of the way from path[k] to
// path[k+1], straight in lon/lat like the boundary's edges. A segment that
// crosses or touches an edge meets it at one point; one that runs along an
// edge meets it at both ends of their overlap (as ST_Intersection of the
// segment and the edge gives a point, or a line whose ends these are).
// Positions within 1e-9 of each other are given once.
func (ix *Index) Crossings(path []orb.Point) []float64 {
	out, _ := ix.crossings(path)
	return out
}

// along is a part of a path, from position lo to hi, that runs along an
// edge of zone z.
type along struct {
	lo, hi float64
	z      int32
}

// crossings is Crossings, with the parts of the path that run along edges.
func (ix *Index) crossings(path []orb.Point) ([]float64, []along) {
	var out []float64
	var runs []along
	var buf [64]int32
	for k := 0; k+1 < len(path); k++ {
		p, q := path[k], path[k+1]
		b := box{math.Min(p[0], q[0]), math.Min(p[1], q[1]), math.Max(p[0], q[0]), math.Max(p[1], q[1])}
		for _, i := range ix.edgeTree.searchBox(b, buf[:0]) {
			e := &ix.edges[i].edge
			if eb := e.box(); eb.x0 > b.x1 || eb.x1 < b.x0 || eb.y0 > b.y1 || eb.y1 < b.y0 {
				continue
			}
			n := len(out)
			out = segmentMeets(p, q, e, float64(k), out)
			if len(out) == n+2 { // collinear overlap
				runs = append(runs, along{out[n], out[n+1], ix.edges[i].z})
			}
		}
	}
	slices.Sort(out)
	return slices.CompactFunc(out, func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }), runs
}

// segmentMeets appends base+t for the points where segment p-q meets e.
func segmentMeets(p, q orb.Point, e *edge, base float64, out []float64) []float64 {
	rx, ry := q[0]-p[0], q[1]-p[1]
	sx, sy := e.x2-e.x1, e.y2-e.y1
	ax, ay := e.x1-p[0], e.y1-p[1]
	den := rx*sy - ry*sx
	if den != 0 {
		t := (ax*sy - ay*sx) / den
		u := (ax*ry - ay*rx) / den
		if t >= 0 && t <= 1 && u >= 0 && u <= 1 {
			out = append(out, base+t)
		}
		return out
	}
	if ax*ry-ay*rx != 0 {
		return out // parallel, apart
	}
	l2 := rx*rx + ry*ry
	if l2 == 0 {
		// A segment of one point meets the edge if it lies on it.
		if onSegment(e, p[0], p[1]) {
			out = append(out, base)
		}
		return out
	}
	// Collinear: the overlap of the two, as fractions of p-q.
	ta := (ax*rx + ay*ry) / l2
	tb := ((e.x2-p[0])*rx + (e.y2-p[1])*ry) / l2
	lo, hi := math.Max(0, math.Min(ta, tb)), math.Min(1, math.Max(ta, tb))
	if lo <= hi {
		out = append(out, base+lo, base+hi)
	}
	return out
}

// searchBox appends to buf the edge positions whose parent node's box meets
// b; the caller tests the items themselves.
func (t *packedTree) searchBox(b box, buf []int32) []int32 {
	if t.n == 0 {
		return buf
	}
	var stack [64]struct{ l, k int32 }
	stack[0] = struct{ l, k int32 }{int32(t.top()), 0}
	for sp := 1; sp > 0; {
		sp--
		l, k := int(stack[sp].l), int(stack[sp].k)
		if n := t.node(l, k); n.x0 > b.x1 || n.x1 < b.x0 || n.y0 > b.y1 || n.y1 < b.y0 {
			continue
		}
		lo, hi := t.children(l, k)
		for c := lo; c < hi; c++ {
			if l == 0 {
				buf = append(buf, int32(c))
			} else {
				stack[sp] = struct{ l, k int32 }{int32(l - 1), int32(c)}
				sp++
			}
		}
	}
	return buf
}

// Zone returns the zone with the given id, or nil.
func (ix *Index) Zone(id int64) *Zone {
	if i, ok := ix.byID[id]; ok {
		return &ix.zones[i]
	}
	return nil
}

// DistanceToBoundary is the geodesic distance in metres from (lon, lat) to
// the boundary of zone id (see Nearest), or NaN if the index has no such
// zone.
func (ix *Index) DistanceToBoundary(id int64, lon, lat float64) float64 {
	i, ok := ix.byID[id]
	if !ok || len(ix.prep[i].edges) == 0 {
		return math.NaN()
	}
	d, _ := ix.nearest(lon, lat, int32(i))
	return d
}

// Length is the geodesic length in metres of a lon/lat path on the WGS 84
// ellipsoid (its segments as geodesics, as ST_Length on geography measures
// it).
func Length(path []orb.Point) float64 {
	l := 0.0
	for k := 0; k+1 < len(path); k++ {
		l += Distance(path[k][0], path[k][1], path[k+1][0], path[k+1][1])
	}
	return l
}

// Stretch is a maximal part of a path inside one zone: from position From
// to position To (as in Crossings).
type Stretch struct {
	Zone     *Zone
	From, To float64
}

// Inside returns the stretches of path inside each zone (its boundary
// included, as ST_Intersection of the zone and the path counts it), in the
// order they begin (the stricter zone first where two begin together).
// Between two consecutive crossings the path is inside the same zones
// throughout, which the zones covering the middle of that part tell, and
// the zones whose edges it runs along.
func (ix *Index) Inside(path []orb.Point) []Stretch {
	if len(path) == 0 {
		return nil
	}
	end := float64(len(path) - 1)
	bounds := []float64{0}
	cross, runs := ix.crossings(path)
	for _, c := range cross {
		if c > 1e-9 && c < end-1e-9 {
			bounds = append(bounds, c)
		}
	}
	bounds = append(bounds, end)
	var out []Stretch
	open := map[*Zone]int{} // zone -> its stretch in out
	for i := 0; i+1 < len(bounds); i++ {
		u, v := bounds[i], bounds[i+1]
		mid := At(path, (u+v)/2)
		seen := map[*Zone]bool{}
		add := func(z *Zone, _ Position) {
			if seen[z] {
				return
			}
			seen[z] = true
			if k, ok := open[z]; ok {
				out[k].To = v
				return
			}
			open[z] = len(out)
			out = append(out, Stretch{Zone: z, From: u, To: v})
		}
		ix.Covering(mid[0], mid[1], add)
		// A part running along an edge is on the boundary of the edge's
		// zone, which a point computed in its middle may miss by a rounding.
		for _, r := range runs {
			if r.lo <= u+1e-9 && v <= r.hi+1e-9 {
				add(&ix.zones[r.z], Boundary)
			}
		}
		for z := range open {
			if !seen[z] {
				delete(open, z)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Stretch) int {
		if a.From != b.From {
			return cmpFloat(a.From, b.From)
		}
		if a.Zone.Rank != b.Zone.Rank {
			return a.Zone.Rank - b.Zone.Rank
		}
		return cmpFloat(float64(a.Zone.ID), float64(b.Zone.ID))
	})
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// At is the point at position p along path (as in Crossings), linear in
// lon/lat.
func At(path []orb.Point, p float64) orb.Point {
	k := int(math.Floor(p))
	if k >= len(path)-1 {
		return path[len(path)-1]
	}
	k = max(k, 0)
	t := p - float64(k)
	a, b := path[k], path[k+1]
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// Sub is the part of path from position u to position v.
func Sub(path []orb.Point, u, v float64) []orb.Point {
	out := []orb.Point{At(path, u)}
	for k := int(math.Floor(u)) + 1; float64(k) < v && k < len(path); k++ {
		out = append(out, path[k])
	}
	if v > u {
		out = append(out, At(path, v))
	}
	return out
}
