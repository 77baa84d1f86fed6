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
	"sort"

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
	ix.zoneTree.SearchIntersect(rect(lon, lat, lon, lat), func(_ []rtreego.Spatial, o rtreego.Spatial) (bool, bool) {
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
func (ix *Index) Nearest(lon, lat float64) (float64, *Zone) {
	if ix.edgeTree == nil {
		return 0, nil
	}
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
	// A first bound from the runs nearest in degrees, then every run whose
	// box could hold something nearer, nearest boxes first.
	for _, o := range ix.edgeTree.NearestNeighbors(2, rtreego.Point{lon, lat}) {
		if o != nil {
			measure(o.(*run))
		}
	}
	dlat := best/mMin/deg + 1e-9
	hi := math.Abs(lat) + dlat
	x0, x1 := -180.0, 180.0
	if hi < 89 {
		dlon := best/(wgsA*math.Cos(hi*deg))/deg + 1e-9
		x0, x1 = lon-dlon, lon+dlon
	}
	var cand []*run
	var lbs []float64
	ix.edgeTree.SearchIntersect(rect(x0, lat-dlat, x1, lat+dlat), func(_ []rtreego.Spatial, o rtreego.Spatial) (bool, bool) {
		r := o.(*run)
		if lb := boxLowerBound(lon, lat, r.rect.PointCoord(0), r.rect.PointCoord(1),
			r.rect.PointCoord(0)+r.rect.LengthsCoord(0), r.rect.PointCoord(1)+r.rect.LengthsCoord(1), best); lb < best {
			cand = append(cand, r)
			lbs = append(lbs, lb)
		}
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
