// Package engine is the zone engine's in-memory index: prepared polygons for
// point-in-polygon tests that agree with PostGIS's ST_Covers, and an R-tree
// over boundary edges for geodesic distances to the nearest zone boundary. It
// knows nothing of the database; package zoning builds it from PostGIS and
// keeps it in step.
//
// # One boundary
//
// A zone's boundary is its rings as stored: straight segments in lon/lat
// (EPSG:4326), exactly what PostGIS's geometry type, the tiles and the map
// show. Containment is tested against those segments (planar, as ST_Covers on
// geometry), and the distance to the boundary is the geodesic distance on the
// WGS 84 ellipsoid to the nearest point of those same segments. A point is
// therefore inside a zone exactly when its distance to that zone's boundary
// is measured from inside, and a point with distance 0 is on the boundary.
// (PostGIS's geography type would instead join the same vertices by
// geodesics, which lie up to metres away from the lon/lat segments on long
// edges.)
//
// # Shared boundaries
//
// A point on an edge or vertex is covered by the zone (ST_Covers), so a point
// on a boundary two zones share is covered by both; Locate then answers the
// stricter zone (lower rank, then the lower zone id), as the SQL path always
// has.
package engine

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// Zone is one zone given to Build.
type Zone struct {
	ID        int64
	ReserveID int64
	Reserve   string // its code
	Kind      string
	Name      string
	// Rank orders kinds from the strictest (1): on a shared boundary the
	// stricter zone is answered.
	Rank int
	Geom orb.MultiPolygon
}

// Index is an immutable snapshot of every current zone, safe for concurrent
// use.
type Index struct {
	zones     []Zone
	prep      []*prepared
	zoneTree  *packedTree // zone bounding boxes, when there are many zones
	zoneOrder []int32     // zoneTree position -> zone
	edgeTree  *packedTree // every boundary edge
	edges     []treeEdge  // edgeTree's items, in its order: each zone's together
	zoneEdges [][2]int32  // zone -> the range of its edges in edges
	byID      map[int64]int
	vertices  int
}

// treeEdge is an edge of zone z in the edge tree; rev says that it runs
// against the direction that has the zone's interior on its left (see
// orientations), which the overlap areas need.
type treeEdge struct {
	edge
	z   int32
	rev bool
}

// Build prepares zones. It takes ownership of their geometries.
func Build(zones []Zone) *Index {
	ix := &Index{zones: zones, prep: make([]*prepared, len(zones)), byID: make(map[int64]int, len(zones))}
	var edgeBoxes, zoneBoxes []box
	var all []treeEdge
	var boxed []int32 // zones with edges
	for i, z := range zones {
		p := prepare(z.Geom)
		ix.prep[i] = p
		ix.vertices += p.vertices()
		ix.byID[z.ID] = i
		if len(p.edges) == 0 {
			ix.zones[i].Geom = nil
			continue
		}
		zoneBoxes, boxed = append(zoneBoxes, box{p.x0, p.y0, p.x1, p.y1}), append(boxed, int32(i))
		rev := orientations(z.Geom)
		for k, e := range p.edges {
			all = append(all, treeEdge{e, int32(i), rev[k]})
			edgeBoxes = append(edgeBoxes, e.box())
		}
	}
	if len(zoneBoxes) > smallZoneCount {
		t, order := packTree(zoneBoxes)
		ix.zoneTree, ix.zoneOrder = t, order
		for k, i := range order {
			order[k] = boxed[i]
		}
	}
	for i := range ix.zones {
		ix.zones[i].Geom = nil // the prepared edges are all that is kept
	}
	groups := make([]int32, len(all))
	for i := range all {
		groups[i] = all[i].z
	}
	t, order := packGroups(edgeBoxes, groups)
	ix.edgeTree, ix.edges = t, make([]treeEdge, len(all))
	ix.zoneEdges = make([][2]int32, len(zones))
	for k, i := range order {
		ix.edges[k] = all[i]
		z := all[i].z
		if r := &ix.zoneEdges[z]; r[1] == 0 {
			*r = [2]int32{int32(k), int32(k + 1)}
		} else {
			r[1] = int32(k + 1)
		}
	}
	return ix
}

// smallZoneCount: up to this many zones a linear scan of bounding boxes beats
// the zone tree.
const smallZoneCount = 32

func (e *edge) box() box {
	return box{math.Min(e.x1, e.x2), math.Min(e.y1, e.y2), math.Max(e.x1, e.x2), math.Max(e.y1, e.y2)}
}

// Vertices is the number of boundary vertices indexed.
func (ix *Index) Vertices() int { return ix.vertices }

// Zones is the number of zones indexed.
func (ix *Index) Zones() int { return len(ix.zones) }

// Covering calls fn for every zone that covers (lon, lat), in no order.
func (ix *Index) Covering(lon, lat float64, fn func(z *Zone, pos Position)) {
	ix.covering(lon, lat, func(i int32, pos Position) { fn(&ix.zones[i], pos) })
}

// covering is Covering with the zones' positions in the index.
func (ix *Index) covering(lon, lat float64, fn func(i int32, pos Position)) {
	if ix.zoneTree == nil {
		for i, p := range ix.prep {
			if pos := p.locate(lon, lat); pos != Outside {
				fn(int32(i), pos)
			}
		}
		return
	}
	var buf [64]int32
	for _, k := range ix.zoneTree.searchPoint(lon, lat, buf[:0]) {
		i := ix.zoneOrder[k]
		if pos := ix.prep[i].locate(lon, lat); pos != Outside {
			fn(i, pos)
		}
	}
}

// Locate returns the zone covering (lon, lat), the stricter one on a shared
// boundary (lower Rank, then lower ID), or nil.
func (ix *Index) Locate(lon, lat float64) *Zone {
	var best *Zone
	ix.Covering(lon, lat, func(z *Zone, _ Position) {
		if best == nil || z.Rank < best.Rank || (z.Rank == best.Rank && z.ID < best.ID) {
			best = z
		}
	})
	return best
}

// Nearest returns the geodesic distance in metres from (lon, lat) to the
// nearest zone boundary and the zone it belongs to (nil when there are no
// zones). See the package comment for what the boundary is.
//
// The edge tree is searched best-first: nodes and edges come off a heap in
// the order of a lower bound of their geodesic distance, and edges are
// measured exactly (segmentDistance) as they come off, until the next lower
// bound exceeds the nearest distance measured. Up to planeLimit the bound is
// the distance in the tangent plane (metres east and north: cheap, and
// within planeError of the geodesic distance), taken for a node with the
// smallest scales anywhere in its box and shrunk by twice that error and a
// centimetre; beyond it, boxLowerBound's ellipsoidal bound for paths no
// longer than the best distance known. So only the few edges that could be
// the nearest are measured on the ellipsoid.
func (ix *Index) Nearest(lon, lat float64) (float64, *Zone) {
	if ix.edgeTree.n == 0 {
		return 0, nil
	}
	d, z := ix.nearest(lon, lat, -1)
	return d, &ix.zones[z]
}

// nearest is Nearest among the edges of zone only, or of every zone when
// zone is -1. It returns the distance and the zone's index.
func (ix *Index) nearest(lon, lat float64, zone int32) (float64, int32) {
	s := searchPool.Get().(*nearSearch)
	defer searchPool.Put(s)
	s.qx, s.qy, s.heap = lon, lat, s.heap[:0]
	s.kx, s.ky, s.c = scale(lat)
	t := ix.edgeTree
	// Far from the point the bounds need a limit on the length of the
	// path: the geodesic distance to one point of the edge a greedy
	// descent reaches gives it (the edge itself is measured below).
	s.zone = zone
	best, bestZone := s.greedyLimit(ix)
	s.near = s.near[:0]
	s.push(heapEntry{0, int32(t.top()), 0})
	for len(s.heap) > 0 {
		h := s.pop()
		if h.key > best {
			break
		}
		if h.l == cheapEdge {
			// Only now the tighter bound, for the few edges that reach
			// the top of the heap; back in at it unless it rules the edge out.
			if key := s.edgeKey(&ix.edges[h.k].edge, best); key <= best {
				s.push(heapEntry{max(key, h.key), -1, h.k})
			}
			continue
		}
		if h.l < 0 {
			// The distance to the edge's plane-nearest point: within
			// millimetres of the distance to the edge, and never less.
			e := &ix.edges[h.k]
			if zone >= 0 && e.z != zone {
				continue
			}
			d := s.pointDistance(&e.edge)
			s.near = append(s.near, heapEntry{d, 0, h.k})
			if d < best || (d <= best*(1+1e-12) && e.z < bestZone) {
				best, bestZone = min(d, best), e.z
			}
			continue
		}
		lo, hi := t.children(int(h.l), int(h.k))
		leafCos := 0.0
		if h.l == 0 {
			leafCos = min(s.c, t.cos[t.levelStart[0]+int(h.k)])
		}
		for c := lo; c < hi; c++ {
			var key float64
			level := h.l - 1
			if h.l == 0 {
				key, level = s.edgeBound(&ix.edges[c].edge, leafCos, best), cheapEdge
			} else {
				if zone >= 0 { // only the nodes over the zone's own edges
					if lo, hi := t.itemRange(int(h.l)-1, c); hi <= int(ix.zoneEdges[zone][0]) || lo >= int(ix.zoneEdges[zone][1]) {
						continue
					}
				}
				key = s.boxKey(t, int(h.l)-1, c, best)
			}
			if key <= best {
				s.push(heapEntry{key, level, int32(c)})
			}
		}
	}
	// The edges that may be the nearest are measured exactly: the plane's
	// nearest point can be a little off the edge's, by up to its error.
	limit := best*(1+2*planeError(best, s.c)) + 0.01
	for _, n := range s.near {
		if n.key > limit {
			continue
		}
		e := &ix.edges[n.k]
		if d := segmentDistance(lon, lat, e.x1, e.y1, e.x2, e.y2); d < best || (d == best && e.z < bestZone) {
			best, bestZone = d, e.z
		}
	}
	return best, bestZone
}

// pointDistance is the geodesic distance from the point to the point of e
// nearest in the plane at their mid-latitude.
func (s *nearSearch) pointDistance(e *edge) float64 {
	d, px, py := planePoint(s.qx, s.qy, s.kx, s.ky, e)
	if d > 100 {
		kx, ky, _ := scale((s.qy + py) / 2)
		_, px, py = planePoint(s.qx, s.qy, kx, ky, e)
	}
	return Distance(s.qx, s.qy, px, py)
}

// greedyLimit descends the edge tree through the child nearest in the plane
// at each level, and returns the geodesic distance from the point to the
// plane-nearest point of the nearest edge of the leaf it reaches (at least
// the distance to the nearest boundary), and that edge's zone.
func (s *nearSearch) greedyLimit(ix *Index) (float64, int32) {
	t := ix.edgeTree
	l, k := t.top(), 0
	for ; l >= 0; l-- {
		lo, hi := t.children(l, k)
		best := math.Inf(1)
		for c := lo; c < hi; c++ {
			var d float64
			if l == 0 {
				d, _ = planeDistance(s.qx, s.qy, s.kx, s.ky, &ix.edges[c].edge)
			} else {
				b := t.node(l-1, c)
				dx, dy := max(0, b.x0-s.qx, s.qx-b.x1)*s.kx, max(0, b.y0-s.qy, s.qy-b.y1)*s.ky
				d = dx*dx + dy*dy
			}
			if d < best {
				best, k = d, c
			}
		}
	}
	e := &ix.edges[k]
	if s.zone >= 0 && e.z != s.zone {
		// The leaf reached holds none of the zone's edges: any of them
		// gives a limit.
		return s.pointDistance(&ix.prep[s.zone].edges[0]), s.zone
	}
	return s.pointDistance(&e.edge), e.z
}

var searchPool = sync.Pool{New: func() any { return &nearSearch{} }}

// cheapEdge marks a heap entry of an edge whose key is edgeBound's.
const cheapEdge = -2

// planeLimit is the distance up to which the tangent plane bounds distances.
const planeLimit = 200_000.0

// planeError bounds the relative error of a distance d (metres) measured in
// the plane with the scales at the mid-latitude of its ends, where c is the
// cosine of the highest latitude of the ends: second order in d/R, and
// growing with the convergence of the meridians. Measured against the
// geodesic on the WGS 84 ellipsoid up to 200 km and 80°, the error stays
// under 0.05·(d/R)²/cos²φ; the bound allows twice that.
func planeError(d, c float64) float64 {
	r := d / mMin
	return 1e-6 + 0.1*r*r/(c*c)
}

// planeBound turns a plane distance d into a lower bound of the geodesic
// distance, with a margin of twice its error and a centimetre.
func planeBound(d, c float64) float64 { return d/(1+2*planeError(d, c)) - 0.01 }

// nearSearch is the state of one Nearest: the point, its scales and the
// cosine of its latitude, and the heap of nodes and edges still to visit.
type nearSearch struct {
	qx, qy, kx, ky, c float64
	zone              int32 // only this zone's edges, or -1 for all
	heap              []heapEntry
	near              []heapEntry // edges measured, with their distances
}

// heapEntry is node k of level l, or edge k when l is -1 (or cheapEdge,
// while its key is edgeBound's), with a lower bound of its distance.
type heapEntry struct {
	key  float64
	l, k int32
}

// boxKey is a lower bound of the geodesic distance from the point to any
// point of node k of level l, for paths no longer than best.
func (s *nearSearch) boxKey(t *packedTree, l, k int, best float64) float64 {
	b := t.node(l, k)
	dx, dy := max(0, b.x0-s.qx, s.qx-b.x1), max(0, b.y0-s.qy, s.qy-b.y1)
	if dx == 0 && dy == 0 {
		return 0
	}
	// The smallest scales over the box: metres per degree of longitude
	// are at least a·cos φ, least at the highest latitude, and the
	// meridian's at least mMin.
	c := min(s.c, t.cos[t.levelStart[l]+k])
	ex, ny := dx*wgsA*deg*c, dy*mMin*deg
	if d := math.Sqrt(ex*ex + ny*ny); d <= planeLimit {
		return planeBound(d, c)
	}
	return boxLowerBound(s.qx, s.qy, b.x0, b.y0, b.x1, b.y1, best)
}

// edgeBound is a cheap lower bound of the geodesic distance from the point
// to edge e of a leaf whose highest latitude has cosine c (at most the
// point's): the distance in the plane with the smallest scales over the leaf
// and the point, shrunk as boxKey shrinks a node's (boxKey's argument, for
// the edge's nearest point rather than its node's box). It is within a few
// thousandths of edgeKey's, without its sines; beyond the plane's reach it
// is edgeKey's. Edges enter the heap with it, and only those that reach the
// top get edgeKey's.
func (s *nearSearch) edgeBound(e *edge, c, best float64) float64 {
	d, _ := planeDistance(s.qx, s.qy, wgsA*deg*c, mMin*deg, e)
	if d <= planeLimit {
		return planeBound(d, c)
	}
	return s.edgeKey(e, best)
}

// edgeKey is a lower bound of the geodesic distance from the point to e.
func (s *nearSearch) edgeKey(e *edge, best float64) float64 {
	d, py := planeDistance(s.qx, s.qy, s.kx, s.ky, e)
	c := s.c
	if d > 100 {
		// Remeasure with the scales at the mid-latitude of the point and
		// the edge's nearest point: the error then falls from first to
		// second order in d/R.
		var kx, ky float64
		kx, ky, c = scale((s.qy + py) / 2)
		d, _ = planeDistance(s.qx, s.qy, kx, ky, e)
		// The cosine at the higher end, from the mid-latitude's.
		c = max(1e-3, c-math.Abs(s.qy-py)*deg/2)
	}
	if d <= planeLimit {
		return planeBound(d, c)
	}
	b := e.box()
	return boxLowerBound(s.qx, s.qy, b.x0, b.y0, b.x1, b.y1, best)
}

func (s *nearSearch) push(h heapEntry) {
	s.heap = append(s.heap, h)
	i := len(s.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s.heap[p].key <= h.key {
			break
		}
		s.heap[i] = s.heap[p]
		i = p
	}
	s.heap[i] = h
}

func (s *nearSearch) pop() heapEntry {
	top := s.heap[0]
	last := s.heap[len(s.heap)-1]
	s.heap = s.heap[:len(s.heap)-1]
	n := len(s.heap)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && s.heap[c+1].key < s.heap[c].key {
			c++
		}
		if last.key <= s.heap[c].key {
			break
		}
		s.heap[i] = s.heap[c]
		i = c
	}
	if n > 0 {
		s.heap[i] = last
	}
	return top
}

// planeDistance is the distance from q to the edge in the plane with the
// scales kx, ky (metres per degree), and the latitude of the edge's nearest
// point.
func planeDistance(qx, qy, kx, ky float64, e *edge) (float64, float64) {
	d, _, py := planePoint(qx, qy, kx, ky, e)
	return d, py
}

// planePoint is planeDistance with the nearest point of the edge.
func planePoint(qx, qy, kx, ky float64, e *edge) (d, px, py float64) {
	ax, ay := (e.x1-qx)*kx, (e.y1-qy)*ky
	dx, dy := (e.x2-e.x1)*kx, (e.y2-e.y1)*ky
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = max(0, min(1, -(ax*dx+ay*dy)/l2))
	}
	ex, ny := ax+t*dx, ay+t*dy
	return math.Sqrt(ex*ex + ny*ny), e.x1 + t*(e.x2-e.x1), e.y1 + t*(e.y2-e.y1)
}
