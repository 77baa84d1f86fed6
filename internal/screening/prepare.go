package screening

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/simplify"
)

// Footprint preparation with bounded work, in Go.
//
// GEOS's topology-preserving simplifier recurses about once per vertex on
// adversarial shapes (a zigzag, a comb), ignores statement_timeout and can
// crash the PostgreSQL backend, which ends every session. So no footprint is
// simplified in the database: SimplifyBounded and Segmentize below do it in
// Go with work that grows at most linearly in the vertices (times a fixed
// run length), and Complexity lets a request be refused before any of it
// reaches PostGIS. The functions know nothing of the store, so that spatial
// code elsewhere (the zone engine) can call them.

// runVertices is the longest run of vertices Douglas-Peucker sees at once:
// its worst case is quadratic in the run, so a path is simplified in runs
// whose ends are kept, making the worst case runVertices times the length.
const runVertices = 256

// EdgeDegrees is the longest edge, in degrees, of a prepared footprint: edges
// of at most 0.02° (about 2 km) read as great circles rather than straight
// lon/lat lines move by well under a metre.
const EdgeDegrees = 0.02

// Complexity is the number of vertices g has once every edge is cut into
// pieces of at most EdgeDegrees (g in lon/lat degrees; for a projected CRS
// pass metresPerUnit 1 and it is counted in pieces of about 2.2 km). It is
// what the footprint's preparation and the distance queries cost, and what a
// request is refused for when it is too large.
func Complexity(g orb.Geometry, metresPerUnit float64) int {
	piece := EdgeDegrees
	if metresPerUnit > 0 {
		piece = EdgeDegrees * 111_320 / metresPerUnit
	}
	n := 0
	eachPath(g, func(p []orb.Point) {
		n += len(p)
		for i := 1; i < len(p); i++ {
			if d := math.Hypot(p[i][0]-p[i-1][0], p[i][1]-p[i-1][1]); d > piece {
				n += int(math.Min(d/piece, 1e9))
			}
		}
	})
	return n
}

// SimplifyBounded returns g (lon/lat) simplified so that no point of it is
// more than tol degrees from g and no point of g more than tol from it: a
// Douglas-Peucker simplification run over stretches of at most runVertices
// vertices, iterative, in time linear in the vertices. Unlike GEOS's
// topology-preserving simplifier the result may self-intersect, so it serves
// distances and drawings, never areas or validity. g is not changed.
func SimplifyBounded(g orb.Geometry, tol float64) orb.Geometry {
	path := func(p []orb.Point, ring bool) []orb.Point {
		out := simplifyPath(p, tol)
		if ring && len(out) < 4 {
			return append([]orb.Point(nil), p...)
		}
		return out
	}
	return mapPaths(g, path)
}

// simplifyPath simplifies one path run by run, keeping each run's ends.
func simplifyPath(p []orb.Point, tol float64) []orb.Point {
	if len(p) <= 2 {
		return append([]orb.Point(nil), p...)
	}
	dp := simplify.DouglasPeucker(tol)
	out := []orb.Point{p[0]}
	for start := 0; start < len(p)-1; start += runVertices {
		end := min(start+runVertices, len(p)-1)
		run := dp.LineString(append(orb.LineString(nil), p[start:end+1]...))
		out = append(out, run[1:]...)
	}
	return out
}

// Segmentize returns g (lon/lat) with vertices added so that no edge is longer
// than maxDeg degrees, or false when that would give more than limit vertices.
// g is not changed.
func Segmentize(g orb.Geometry, maxDeg float64, limit int) (orb.Geometry, bool) {
	n := 0
	path := func(p []orb.Point, _ bool) []orb.Point {
		if len(p) == 0 || n > limit {
			return nil
		}
		out := []orb.Point{p[0]}
		for i := 1; i < len(p) && n <= limit; i++ {
			a, b := p[i-1], p[i]
			k := int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1]) / maxDeg))
			if k > limit {
				n = limit + 1
				return nil
			}
			for j := 1; j < k; j++ {
				f := float64(j) / float64(k)
				out = append(out, orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
			}
			out = append(out, b)
			n += k
		}
		return out
	}
	out := mapPaths(g, path)
	return out, n <= limit
}

// eachPath calls fn with every point sequence of g.
func eachPath(g orb.Geometry, fn func([]orb.Point)) {
	mapPaths(g, func(p []orb.Point, _ bool) []orb.Point { fn(p); return p })
}

// mapPaths rebuilds g with every point sequence replaced by fn's; ring says
// whether the sequence is a polygon ring.
func mapPaths(g orb.Geometry, fn func(p []orb.Point, ring bool) []orb.Point) orb.Geometry {
	switch t := g.(type) {
	case orb.Point:
		fn([]orb.Point{t}, false)
		return t
	case orb.MultiPoint:
		out := make(orb.MultiPoint, 0, len(t))
		for _, pt := range t {
			out = append(out, fn([]orb.Point{pt}, false)...)
		}
		return out
	case orb.LineString:
		return orb.LineString(fn(t, false))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(t))
		for i, l := range t {
			out[i] = fn(l, false)
		}
		return out
	case orb.Polygon:
		return mapRings(t, fn)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(t))
		for i, p := range t {
			out[i] = mapRings(p, fn)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(t))
		for i, m := range t {
			out[i] = mapPaths(m, fn)
		}
		return out
	}
	return g
}

func mapRings(p orb.Polygon, fn func([]orb.Point, bool) []orb.Point) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = fn(r, true)
	}
	return out
}

// pieceVertices is the most vertices of a footprint piece (as zoning cuts its zones).
const pieceVertices = 128

// LinePieces cuts the lines of a (Multi)LineString, as WKB, into runs of at
// most n vertices sharing their ends, as a MultiLineString WKB: the same
// lines, in pieces small enough that each intersection with a zone piece is
// cheap, in time linear in the vertices. nil stays nil.
func LinePieces(line []byte, n int) ([]byte, error) {
	if line == nil {
		return nil, nil
	}
	g, err := wkb.Unmarshal(line)
	if err != nil {
		return nil, fmt.Errorf("screening: read lines: %w", err)
	}
	var out orb.MultiLineString
	eachPath(g, func(p []orb.Point) {
		for start := 0; start < len(p)-1; start += n - 1 {
			out = append(out, orb.LineString(p[start:min(start+n, len(p))]))
		}
	})
	return wkb.Marshal(out)
}
