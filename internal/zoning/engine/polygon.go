package engine

import (
	"math"

	"github.com/paulmach/orb"
)

// Position of a point with respect to a zone.
type Position int8

// Positions.
const (
	Outside  Position = iota
	Boundary          // on an edge or vertex of one of the zone's rings
	Interior
)

// edge is one straight lon/lat segment of a ring.
type edge struct{ x1, y1, x2, y2 float64 }

// prepared is a zone's polygons prepared for repeated point-in-polygon tests,
// like GEOS's IndexedPointInAreaLocator: the edges of all its rings, and
// horizontal bands over its bounding box, each listing the edges whose
// latitude range meets the band. A test looks only at the edges of the
// point's band. No library served by the Go module proxy offers a prepared
// polygon (orb's planar.MultiPolygonContains scans every edge).
//
// The test reproduces PostGIS 3.3's own (point_in_ring in
// lwgeom_functions_analytic.c, which ST_Covers, ST_Intersects and
// ST_Contains use for a point in a polygon) operation by operation: the same
// side determinant in float64, a point with a zero determinant inside an
// edge's bounding box lies on the boundary, and the same half-open rule for
// edges that the point's horizontal ray meets at a vertex. So the engine and
// PostGIS agree bit for bit, including for points within 1e-9° of an edge.
type prepared struct {
	edges          []edge
	x0, y0, x1, y1 float64 // bounding box
	bandH          float64
	bandStart      []int32 // band k's edges are bandEdges[bandStart[k]:bandStart[k+1]]
	bandEdges      []int32
}

// prepare builds the band index of mp.
func prepare(mp orb.MultiPolygon) *prepared {
	p := &prepared{x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1)}
	n := 0
	for _, poly := range mp {
		for _, ring := range poly {
			n += len(ring)
		}
	}
	p.edges = make([]edge, 0, n)
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				if a == b {
					continue // zero-length segments are ignored, as PostGIS does
				}
				p.edges = append(p.edges, edge{a[0], a[1], b[0], b[1]})
				p.x0, p.x1 = math.Min(p.x0, math.Min(a[0], b[0])), math.Max(p.x1, math.Max(a[0], b[0]))
				p.y0, p.y1 = math.Min(p.y0, math.Min(a[1], b[1])), math.Max(p.y1, math.Max(a[1], b[1]))
			}
		}
	}
	p.edges = p.edges[:len(p.edges):len(p.edges)]
	nb := max(1, len(p.edges)/2)
	p.bandH = (p.y1 - p.y0) / float64(nb)
	if !(p.bandH > 0) {
		nb, p.bandH = 1, 1
	}
	counts := make([]int32, nb+1)
	for _, e := range p.edges {
		k0, k1 := p.band(math.Min(e.y1, e.y2), nb), p.band(math.Max(e.y1, e.y2), nb)
		for k := k0; k <= k1; k++ {
			counts[k+1]++
		}
	}
	for k := 1; k <= nb; k++ {
		counts[k] += counts[k-1]
	}
	p.bandStart = counts
	p.bandEdges = make([]int32, counts[nb])
	fill := make([]int32, nb)
	for i, e := range p.edges {
		k0, k1 := p.band(math.Min(e.y1, e.y2), nb), p.band(math.Max(e.y1, e.y2), nb)
		for k := k0; k <= k1; k++ {
			p.bandEdges[counts[k]+fill[k]] = int32(i)
			fill[k]++
		}
	}
	return p
}

// orientations says, for every edge prepare keeps of mp and in its order,
// whether it runs against the direction that has the polygon's interior on
// its left: an outer ring that runs clockwise in lon/lat, or a hole that
// runs anticlockwise (the sign of its shoelace sum, which for a valid
// polygon says the ring's direction).
func orientations(mp orb.MultiPolygon) []bool {
	var out []bool
	for _, poly := range mp {
		for r, ring := range poly {
			rev := (shoelace(ring) < 0) == (r == 0)
			for i := 0; i+1 < len(ring); i++ {
				if ring[i] != ring[i+1] {
					out = append(out, rev)
				}
			}
		}
	}
	return out
}

// shoelace is twice the signed planar area of a closed ring in lon/lat,
// positive when it runs anticlockwise; taken about the first vertex for
// precision.
func shoelace(ring orb.Ring) float64 {
	if len(ring) < 3 {
		return 0
	}
	o := ring[0]
	s := 0.0
	for i := 1; i+1 < len(ring); i++ {
		s += (ring[i][0]-o[0])*(ring[i+1][1]-o[1]) - (ring[i+1][0]-o[0])*(ring[i][1]-o[1])
	}
	return s
}

// band is the band of latitude y. It is monotone in y, so an edge listed in
// the bands of its lowest and highest latitude, and all between, is found
// from every latitude it spans.
func (p *prepared) band(y float64, nb int) int {
	k := int(math.Floor((y - p.y0) / p.bandH))
	return max(0, min(nb-1, k))
}

// locate says whether (x, y) is outside, on the boundary of, or inside the
// zone. The winding number of all rings together decides: for a valid
// (multi)polygon a point is inside exactly when it is inside an odd number of
// rings, and each ring's winding number is ±1 inside and 0 outside.
func (p *prepared) locate(x, y float64) Position {
	if x < p.x0 || x > p.x1 || y < p.y0 || y > p.y1 {
		return Outside
	}
	nb := len(p.bandStart) - 1
	k := p.band(y, nb)
	crossings := 0
	for _, i := range p.bandEdges[p.bandStart[k]:p.bandStart[k+1]] {
		e := &p.edges[i]
		// float64() conversions forbid fused multiply-add, so the
		// determinant is rounded exactly as PostGIS's C code rounds it.
		side := float64((e.x2-e.x1)*(y-e.y1)) - float64((x-e.x1)*(e.y2-e.y1))
		if side == 0 && onSegment(e, x, y) {
			return Boundary
		}
		if (e.y1 <= y && y < e.y2 && side > 0) || (e.y2 <= y && y < e.y1 && side < 0) {
			crossings++
		}
	}
	if crossings%2 == 1 {
		return Interior
	}
	return Outside
}

// onSegment reports whether (x, y), known to be on the line through e, lies
// within e's bounding box.
func onSegment(e *edge, x, y float64) bool {
	return x >= math.Min(e.x1, e.x2) && x <= math.Max(e.x1, e.x2) &&
		y >= math.Min(e.y1, e.y2) && y <= math.Max(e.y1, e.y2)
}

// vertices is the number of edges kept, one per vertex of closed rings.
func (p *prepared) vertices() int { return len(p.edges) }
