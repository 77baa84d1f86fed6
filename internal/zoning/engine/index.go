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
	"cmp"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/dhconnelly/rtreego"
	"github.com/paulmach/orb"
)

// Zone is one zone given to Build.
type Zone struct {
	ID      int64
	Reserve string
	Kind    string
	Name    string
	// Rank orders kinds from the strictest (1): on a shared boundary the
	// stricter zone is answered.
	Rank int
	Geom orb.MultiPolygon
}

// Index is an immutable snapshot of every current zone, safe for concurrent
// use.
type Index struct {
	zones    []Zone
	prep     []*prepared
	zoneTree *rtreego.Rtree // zone bounding boxes, when there are many zones
	edgeTree *rtreego.Rtree // runs of up to runLen consecutive edges
	vertices int
}

// runLen is how many consecutive edges of a zone share one R-tree entry:
// fewer entries keep the tree small (1,000,000 vertices make 125,000
// entries), and a run's few edges are cheap to measure.
const runLen = 8

// run is an R-tree entry: edges [first, first+n) of zone z.
type run struct {
	z, first, n int32
	rect        rtreego.Rect
}

func (r *run) Bounds() rtreego.Rect { return r.rect }

type zoneBox struct {
	i    int
	rect rtreego.Rect
}

func (z *zoneBox) Bounds() rtreego.Rect { return z.rect }

// Build prepares zones. It takes ownership of their geometries.
func Build(zones []Zone) *Index {
	ix := &Index{zones: zones, prep: make([]*prepared, len(zones))}
	var runs, boxes []rtreego.Spatial
	for i, z := range zones {
		p := prepare(z.Geom)
		ix.prep[i] = p
		ix.vertices += p.vertices()
		if len(p.edges) == 0 {
			continue
		}
		boxes = append(boxes, &zoneBox{i: i, rect: rect(p.x0, p.y0, p.x1, p.y1)})
		for f := 0; f < len(p.edges); f += runLen {
			n := min(runLen, len(p.edges)-f)
			x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, e := range p.edges[f : f+n] {
				x0, x1 = math.Min(x0, math.Min(e.x1, e.x2)), math.Max(x1, math.Max(e.x1, e.x2))
				y0, y1 = math.Min(y0, math.Min(e.y1, e.y2)), math.Max(y1, math.Max(e.y1, e.y2))
			}
			runs = append(runs, &run{z: int32(i), first: int32(f), n: int32(n), rect: rect(x0, y0, x1, y1)})
		}
		ix.zones[i].Geom = nil // the prepared edges are all that is kept
	}
	if len(boxes) > smallZoneCount {
		ix.zoneTree = rtreego.NewTree(2, 8, 32, boxes...)
	}
	if len(runs) > 0 {
		ix.edgeTree = rtreego.NewTree(2, 8, 32, runs...)
	}
	return ix
}

// smallZoneCount: up to this many zones a linear scan of bounding boxes beats
// the R-tree.
const smallZoneCount = 32

func rect(x0, y0, x1, y1 float64) rtreego.Rect {
	r, _ := rtreego.NewRectFromPoints(rtreego.Point{x0, y0}, rtreego.Point{x1, y1})
	return r
}

// queryRect is a search rectangle widened by 1e-9° on every side: rtreego
// counts boxes that only touch as disjoint, and a point on the edge of a
// zone's bounding box (one of its extreme vertices) must still find it. The
// exact tests that follow make the widening harmless.
func queryRect(x0, y0, x1, y1 float64) rtreego.Rect {
	return rect(x0-1e-9, y0-1e-9, x1+1e-9, y1+1e-9)
}

// Vertices is the number of boundary vertices indexed.
func (ix *Index) Vertices() int { return ix.vertices }

// Zones is the number of zones indexed.
func (ix *Index) Zones() int { return len(ix.zones) }

// Covering calls fn for every zone that covers (lon, lat), in no order.
func (ix *Index) Covering(lon, lat float64, fn func(z *Zone, pos Position)) {
	test := func(i int) {
		if pos := ix.prep[i].locate(lon, lat); pos != Outside {
			fn(&ix.zones[i], pos)
		}
	}
	if ix.zoneTree == nil {
		for i := range ix.prep {
			test(i)
		}
		return
	}
	ix.zoneTree.SearchIntersect(queryRect(lon, lat, lon, lat), func(_ []rtreego.Spatial, o rtreego.Spatial) (bool, bool) {
		test(o.(*zoneBox).i)
		return true, false
	})
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
// Edges are first ranked by their distance in the tangent plane at the point
// (metres east and north at the point's latitude: cheap, and within a few
// tenths of a percent of the geodesic distance up to 100 km); only those
// that could still be the nearest given that error are measured exactly. The
// search box grows from about a kilometre until it holds an edge, then is
// widened to hold every edge that could be nearer. Points farther than
// planeLimit from every boundary are measured exactly against every edge
// whose box could be nearer.
func (ix *Index) Nearest(lon, lat float64) (float64, *Zone) {
	if ix.edgeTree == nil {
		return 0, nil
	}
	kx, ky := scale(lat)
	c := searchPool.Get().(*nearSearch)
	defer searchPool.Put(c)
	*c = nearSearch{ix: ix, qx: lon, qy: lat, kx: kx, ky: ky, minPlane: math.Inf(1), cand: c.cand[:0], runs: c.runs[:0]}
	// The run nearest in degrees gives a lower bound of the plane distance
	// (degrees times the smaller scale); boxes grow from just above it until
	// the nearest edge found is certainly nearer than anything outside.
	nn, _ := ix.edgeTree.NearestNeighbor(rtreego.Point{lon, lat}).(*run)
	if nn == nil {
		return 0, nil
	}
	nb := nn.rect
	gx := math.Max(0, math.Max(nb.PointCoord(0)-lon, lon-(nb.PointCoord(0)+nb.LengthsCoord(0))))
	gy := math.Max(0, math.Max(nb.PointCoord(1)-lat, lat-(nb.PointCoord(1)+nb.LengthsCoord(1))))
	rho := math.Max(math.Hypot(gx, gy)*math.Min(kx, ky)*1.05, 50)
	for {
		if rho > planeLimit {
			return ix.nearestFar(lon, lat)
		}
		dlat := rho/mMin/deg + 1e-9
		kxFar, _ := scale(math.Min(89, math.Abs(lat)+dlat))
		dlon := rho/kxFar + 1e-9
		c.cand, c.minPlane = c.cand[:0], math.Inf(1)
		c.collect(lon-dlon, lat-dlat, lon+dlon, lat+dlat)
		// Everything outside the box is farther than rho in the plane.
		if c.minPlane*(1+planeError(c.minPlane))+1 <= rho {
			break
		}
		rho *= 1.3
	}
	limit := c.minPlane*(1+planeError(c.minPlane)) + 0.5
	best, bestZone := math.Inf(1), int32(-1)
	for _, e := range c.cand {
		if e.plane > limit {
			continue
		}
		ed := &ix.prep[e.z].edges[e.i]
		if d := segmentDistance(lon, lat, ed.x1, ed.y1, ed.x2, ed.y2); d < best || (d == best && e.z < bestZone) {
			best, bestZone = d, e.z
		}
	}
	return best, &ix.zones[bestZone]
}

var searchPool = sync.Pool{New: func() any { return &nearSearch{} }}

// planeLimit is the distance up to which the tangent plane ranks edges.
const planeLimit = 200_000.0

// planeError is the relative error allowed for plane distances at distance
// d (metres), measured at the mid-latitude (second order in d/R). A wrong
// ranking within it changes a distance by at most that share, which stays
// under the 0.05 % that the property tests hold the engine to.
func planeError(d float64) float64 { return 2e-4 + 0.1*d/mMin }

// nearSearch collects the edges near a point with their tangent-plane
// distances.
type nearSearch struct {
	ix             *Index
	qx, qy, kx, ky float64
	cand           []nearEdge
	runs           []nearRun
	minPlane       float64
}

type nearRun struct {
	lb float64
	r  *run
}

type nearEdge struct {
	plane float64
	z, i  int32
}

func (c *nearSearch) collect(x0, y0, x1, y1 float64) {
	c.runs = c.runs[:0]
	c.ix.edgeTree.SearchIntersect(queryRect(x0, y0, x1, y1), func(_ []rtreego.Spatial, o rtreego.Spatial) (bool, bool) {
		r := o.(*run)
		// The run's box distance in the plane bounds its edges' distances.
		bx0, by0 := r.rect.PointCoord(0), r.rect.PointCoord(1)
		gx := math.Max(0, math.Max(bx0-c.qx, c.qx-(bx0+r.rect.LengthsCoord(0)))) * c.kx
		gy := math.Max(0, math.Max(by0-c.qy, c.qy-(by0+r.rect.LengthsCoord(1)))) * c.ky
		if lb := math.Hypot(gx, gy); lb <= c.reach() {
			c.runs = append(c.runs, nearRun{lb, r})
		}
		return true, false
	})
	// Nearest boxes first: once a box is out of reach, so are the rest.
	slices.SortFunc(c.runs, func(a, b nearRun) int { return cmp.Compare(a.lb, b.lb) })
	for _, nr := range c.runs {
		if nr.lb > c.reach() {
			break
		}
		c.measureRun(nr.r)
	}
}

// reach is the plane distance beyond which an edge cannot be the nearest.
func (c *nearSearch) reach() float64 { return c.minPlane*(1+2*planeError(c.minPlane)) + 1 }

// measureRun adds the run's edges that are within reach.
func (c *nearSearch) measureRun(r *run) {
	edges := c.ix.prep[r.z].edges
	for i := r.first; i < r.first+r.n; i++ {
		e := &edges[i]
		d, py := planeDistance(c.qx, c.qy, c.kx, c.ky, e)
		if d <= c.reach() && d > 1000 {
			// Remeasure with the scales at the mid-latitude of the point
			// and the edge's nearest point: the error then falls from
			// first to second order in d/R.
			kx, ky := scale((c.qy + py) / 2)
			d, _ = planeDistance(c.qx, c.qy, kx, ky, e)
		}
		if d <= c.reach() {
			c.cand = append(c.cand, nearEdge{d, r.z, i})
			c.minPlane = math.Min(c.minPlane, d)
		}
	}
}

// planeDistance is the distance from q to the edge in the plane with the
// scales kx, ky (metres per degree), and the latitude of the edge's nearest
// point.
func planeDistance(qx, qy, kx, ky float64, e *edge) (float64, float64) {
	ax, ay := (e.x1-qx)*kx, (e.y1-qy)*ky
	dx, dy := (e.x2-e.x1)*kx, (e.y2-e.y1)*ky
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy), e.y1 + t*(e.y2-e.y1)
}

// nearestFar answers Nearest for a point far from every boundary: every run
// whose box could be nearer than the best found so far is measured exactly,
// nearest boxes first.
func (ix *Index) nearestFar(lon, lat float64) (float64, *Zone) {
	best, bestZone := math.Inf(1), int32(-1)
	measure := func(r *run) {
		p := ix.prep[r.z]
		for _, e := range p.edges[r.first : r.first+r.n] {
			x0, x1 := math.Min(e.x1, e.x2), math.Max(e.x1, e.x2)
			y0, y1 := math.Min(e.y1, e.y2), math.Max(e.y1, e.y2)
			if boxLowerBound(lon, lat, x0, y0, x1, y1, best) >= best {
				continue
			}
			if d := segmentDistance(lon, lat, e.x1, e.y1, e.x2, e.y2); d < best || (d == best && r.z < bestZone) {
				best, bestZone = d, r.z
			}
		}
	}
	var cand []*run
	var lbs []float64
	ix.edgeTree.SearchIntersect(queryRect(-180, -90, 180, 90), func(_ []rtreego.Spatial, o rtreego.Spatial) (bool, bool) {
		r := o.(*run)
		cand = append(cand, r)
		lbs = append(lbs, boxLowerBound(lon, lat, r.rect.PointCoord(0), r.rect.PointCoord(1),
			r.rect.PointCoord(0)+r.rect.LengthsCoord(0), r.rect.PointCoord(1)+r.rect.LengthsCoord(1), math.Inf(1)))
		return true, false
	})
	order := make([]int, len(cand))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return lbs[order[a]] < lbs[order[b]] })
	for _, i := range order {
		if lbs[i] >= best {
			break
		}
		measure(cand[i])
	}
	return best, &ix.zones[bestZone]
}
