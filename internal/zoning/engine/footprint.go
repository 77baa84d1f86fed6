package engine

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Footprint is a project's footprint prepared for Measure: its polygons, its
// lines and its points, in lon/lat, edges straight in lon/lat as the zones'.
type Footprint struct {
	area   *prepared // the polygons, for point-in-polygon; nil without polygons
	ring   []edge    // the polygons' edges, each with the interior on its left
	lines  orb.MultiLineString
	points []orb.Point
	tree   *packedTree // every edge: rings, line segments, points (of length 0)
	edges  []fpEdge    // tree's items, in its order
	bbox   box
	origin vec3 // reference point of the area sums (see overlapAreas)
}

// fpEdge is an edge of a footprint; ring is its position in Footprint.ring
// when it bounds one of its polygons, else -1.
type fpEdge struct {
	edge
	ring int32
}

// NewFootprint prepares a footprint: polys must be valid and not overlap
// one another (as ST_UnaryUnion leaves them), lines and points may be
// anything. The work is linear in the vertices, plus the sort of the edge
// tree.
func NewFootprint(polys orb.MultiPolygon, lines orb.MultiLineString, points []orb.Point) *Footprint {
	f := &Footprint{lines: lines, points: points, bbox: box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}}
	n := len(points)
	for _, l := range lines {
		n += len(l)
	}
	var all []fpEdge
	if len(polys) > 0 {
		f.area = prepare(polys)
		n += len(f.area.edges)
		f.ring = make([]edge, 0, len(f.area.edges))
	}
	all = make([]fpEdge, 0, n)
	if len(polys) > 0 {
		rev := orientations(polys)
		for k, e := range f.area.edges {
			if rev[k] {
				e = edge{e.x2, e.y2, e.x1, e.y1}
			}
			all = append(all, fpEdge{e, int32(len(f.ring))})
			f.ring = append(f.ring, e)
		}
	}
	for _, l := range lines {
		for k := 0; k+1 < len(l); k++ {
			all = append(all, fpEdge{edge{l[k][0], l[k][1], l[k+1][0], l[k+1][1]}, -1})
		}
		if len(l) == 1 {
			all = append(all, fpEdge{edge{l[0][0], l[0][1], l[0][0], l[0][1]}, -1})
		}
	}
	for _, p := range points {
		all = append(all, fpEdge{edge{p[0], p[1], p[0], p[1]}, -1})
	}
	boxes := make([]box, len(all))
	for i := range all {
		boxes[i] = all[i].box()
		f.bbox = f.bbox.union(boxes[i])
	}
	t, order := packTree(boxes)
	f.tree, f.edges = t, make([]fpEdge, len(all))
	for k, i := range order {
		f.edges[k] = all[i]
	}
	if len(all) > 0 {
		f.origin = authalic((f.bbox.x0+f.bbox.x1)/2, (f.bbox.y0+f.bbox.y1)/2)
	}
	return f
}

// Overlap is what a footprint has in common with one zone.
type Overlap struct {
	Zone *Zone
	// AreaM2 is the area of the footprint's polygons inside the zone, as
	// ST_Area(ST_Intersection(zone, polygons)::geography) measures it.
	AreaM2 float64
	// LengthM is the geodesic length of its lines inside the zone.
	LengthM float64
	// Points is the number of its points the zone covers.
	Points int
	// Meets says the footprint and the zone intersect (touching counts).
	Meets bool
	// DistanceM is the geodesic distance from the footprint to the zone,
	// 0 when they meet.
	DistanceM float64
}

// Measure answers, for every zone that f meets or that lies within radius
// metres of it, and for the other zones of those zones' reserves at any
// distance, what f has in common with the zone and how far it is; ordered
// by zone id.
func (ix *Index) Measure(f *Footprint, radius float64) []Overlap {
	acc := make([]Overlap, len(ix.zones))
	if len(f.edges) == 0 {
		return nil
	}
	if f.area != nil {
		ix.overlapAreas(f, acc)
	}
	var buf []int32
	for _, l := range f.lines {
		for k := 0; k+1 < len(l); k++ {
			buf = ix.meetsSegment(l[k], l[k+1], acc, buf)
		}
		for _, s := range ix.Inside(l) {
			o := &acc[ix.byID[s.Zone.ID]]
			o.LengthM += Length(Sub(l, s.From, s.To))
			o.Meets = true
		}
	}
	for _, p := range f.points {
		ix.covering(p[0], p[1], func(i int32, _ Position) {
			acc[i].Points++
			acc[i].Meets = true
		})
	}
	in := make([]bool, len(ix.zones))
	reserves := map[int64]bool{}
	for i := range acc {
		acc[i].Zone, acc[i].DistanceM = &ix.zones[i], math.Inf(1)
		if acc[i].Meets {
			acc[i].DistanceM = 0
		} else if p := ix.prep[i]; len(p.edges) > 0 && boxPairBound(f.bbox, box{p.x0, p.y0, p.x1, p.y1}, radius) <= radius {
			acc[i].DistanceM = ix.footprintDistance(f, int32(i), radius)
		}
		if acc[i].DistanceM <= radius {
			in[i], reserves[ix.zones[i].ReserveID] = true, true
		}
	}
	var out []Overlap
	for i := range acc {
		if !reserves[ix.zones[i].ReserveID] {
			continue
		}
		if !in[i] && len(ix.prep[i].edges) > 0 {
			acc[i].DistanceM = ix.footprintDistance(f, int32(i), math.Inf(1))
		}
		out = append(out, acc[i])
	}
	slices.SortFunc(out, func(a, b Overlap) int { return cmpFloat(float64(a.Zone.ID), float64(b.Zone.ID)) })
	return out
}

// meetsSegment marks in acc the zones whose boundary segment p-q meets.
func (ix *Index) meetsSegment(p, q orb.Point, acc []Overlap, buf []int32) []int32 {
	e := edge{p[0], p[1], q[0], q[1]}
	buf = ix.edgeTree.searchBox(e.box(), buf[:0])
	var cuts [2]float64
	for _, k := range buf {
		if te := &ix.edges[k]; !acc[te.z].Meets && len(segmentMeets(p, q, &te.edge, 0, cuts[:0])) > 0 {
			acc[te.z].Meets = true
		}
	}
	return buf
}

// run is a part, from fraction lo to hi, of a directed edge that lies
// along an edge of zone z; same says the two run the same way.
type run struct {
	lo, hi float64
	z      int32
	same   bool
}

// overlapAreas adds to acc the area of f's polygons inside each zone. The
// boundary of the intersection of f's polygons P and a zone Z is the part
// of P's boundary inside Z, the part of Z's boundary inside P, and where
// the two boundaries run together the same way (interiors on the same
// side), that part once; so its area is the sum of signed areas over those
// pieces, with every ring directed to have its interior on the left. Each
// edge is cut where it meets the other side's edges, and each piece
// between cuts lies wholly inside, outside or along the other side, which
// its middle tells. A piece contributes the signed area of the triangle
// that it makes with f's centre on the authalic sphere (triangleArea), so
// the sum is the area on the WGS 84 ellipsoid of the polygon whose edges
// are great circles there; PostGIS's ST_Area(geography) takes the edges as
// geodesics, which lie within a few parts in a million of the same area at
// the scale of a reserve.
//
// Why by hand: simplefeatures (the maintained pure-Go overlay the module
// proxy serves, v0.50) took 130-220 ms to intersect a 10,000-vertex
// footprint with one 50,000-vertex zone and 40-80 ms with a 2,000-vertex
// one, building a doubly connected edge list of both geometries each time,
// where the budget for every zone with distances is 14 ms; and its areas
// are planar. The pieces here are found with the index's own edge tree and
// prepared polygons (the same bit-exact tests as locate), in time linear in
// the edges near the footprint and the cuts.
func (ix *Index) overlapAreas(f *Footprint, acc []Overlap) {
	sums := make([]float64, len(ix.zones))
	near := ix.zoneSide(f, sums)
	var cuts []float64
	var runs []run
	var done, zones []int32
	var c authalicCache
	valid := false // zones holds the zones of the end of the previous edge
	for i := range f.ring {
		e := &f.ring[i]
		if i > 0 && (e.x1 != f.ring[i-1].x2 || e.y1 != f.ring[i-1].y2) {
			valid = false // a new ring
		}
		if len(near[i]) == 0 && valid {
			// No zone edge comes near: the whole edge lies in the zones
			// its start lies in, the previous edge's end.
			a, b := c.at(e.x1, e.y1), c.at(e.x2, e.y2)
			for _, z := range zones {
				sums[z] += triangleArea(f.origin, a, b)
			}
			continue
		}
		cuts, runs = append(cuts[:0], 0, 1), runs[:0]
		for _, k := range near[i] {
			te := &ix.edges[k]
			n := len(cuts)
			cuts = segmentMeets(orb.Point{e.x1, e.y1}, orb.Point{e.x2, e.y2}, &te.edge, 0, cuts)
			if len(cuts) > n {
				acc[te.z].Meets = true
			}
			if len(cuts) == n+2 {
				same := ((e.x2-e.x1)*(te.x2-te.x1)+(e.y2-e.y1)*(te.y2-te.y1) > 0) != te.rev
				runs = append(runs, run{cuts[n], cuts[n+1], te.z, same})
			}
		}
		pieces(e, cuts, &c, func(u, v float64, a, b vec3) {
			done, zones = done[:0], zones[:0]
			for _, r := range runs {
				if r.lo <= u+1e-12 && v <= r.hi+1e-12 {
					done = append(done, r.z)
					if r.same {
						sums[r.z] += triangleArea(f.origin, a, b)
					}
				}
			}
			mx, my := e.at((u + v) / 2)
			ix.covering(mx, my, func(z int32, _ Position) {
				if !slices.Contains(done, z) {
					sums[z] += triangleArea(f.origin, a, b)
					zones = append(zones, z)
				}
			})
		})
		valid = true
	}
	for i, s := range sums {
		if a := s * authalicR2; a > 0 {
			acc[i].AreaM2 = a
			acc[i].Meets = true
		}
	}
}

// zoneSide adds to sums the zones' edges inside f's polygons (the second
// part of overlapAreas), and returns, for each of f's ring edges, the zone
// edges whose boxes meet its box: the only ones that can cut it.
func (ix *Index) zoneSide(f *Footprint, sums []float64) [][]int32 {
	near := make([][]int32, len(f.ring))
	var cuts []float64
	var runs []run
	var fbuf []int32
	var c authalicCache
	for _, k := range ix.edgeTree.searchBox(f.bbox, nil) {
		te := &ix.edges[k]
		e := te.edge
		if te.rev {
			e = edge{e.x2, e.y2, e.x1, e.y1}
		}
		eb := e.box()
		if eb.x0 > f.bbox.x1 || eb.x1 < f.bbox.x0 || eb.y0 > f.bbox.y1 || eb.y1 < f.bbox.y0 {
			continue
		}
		cuts, runs = append(cuts[:0], 0, 1), runs[:0]
		fbuf = f.tree.searchBox(eb, fbuf[:0])
		for _, j := range fbuf {
			fe := &f.edges[j]
			if fb := fe.box(); fe.ring < 0 || fb.x0 > eb.x1 || fb.x1 < eb.x0 || fb.y0 > eb.y1 || fb.y1 < eb.y0 {
				continue
			}
			near[fe.ring] = append(near[fe.ring], k)
			n := len(cuts)
			cuts = segmentMeets(orb.Point{e.x1, e.y1}, orb.Point{e.x2, e.y2}, &fe.edge, 0, cuts)
			if len(cuts) == n+2 {
				runs = append(runs, run{lo: cuts[n], hi: cuts[n+1]})
			}
		}
		pieces(&e, cuts, &c, func(u, v float64, a, b vec3) {
			for _, r := range runs {
				if r.lo <= u+1e-12 && v <= r.hi+1e-12 {
					return // along f's boundary: counted from f's side
				}
			}
			mx, my := e.at((u + v) / 2)
			if f.area.locate(mx, my) == Interior {
				sums[te.z] += triangleArea(f.origin, a, b)
			}
		})
	}
	return near
}

// authalicCache keeps the last point mapped to the authalic sphere: the
// pieces of a ring meet end to start.
type authalicCache struct {
	x, y float64
	v    vec3
	ok   bool
}

func (c *authalicCache) at(x, y float64) vec3 {
	if !c.ok || x != c.x || y != c.y {
		c.x, c.y, c.v, c.ok = x, y, authalic(x, y), true
	}
	return c.v
}

// at is the point the fraction t of the way along e (its ends exactly).
func (e *edge) at(t float64) (x, y float64) {
	switch t {
	case 0:
		return e.x1, e.y1
	case 1:
		return e.x2, e.y2
	}
	return e.x1 + t*(e.x2-e.x1), e.y1 + t*(e.y2-e.y1)
}

// pieces sorts the cuts (fractions along e, 0 and 1 among them) and calls
// fn for every piece of e between consecutive ones, with the authalic
// points of its ends.
func pieces(e *edge, cuts []float64, c *authalicCache, fn func(u, v float64, a, b vec3)) {
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	lo := 0
	for lo < len(cuts) && cuts[lo] < 0 {
		lo++
	}
	if lo >= len(cuts) {
		return
	}
	u := cuts[lo]
	a := c.at(e.at(u))
	for _, v := range cuts[lo+1:] {
		if v > 1 {
			break
		}
		b := c.at(e.at(v))
		if v > u {
			fn(u, v, a, b)
		}
		u, a = v, b
	}
}
