package zoning

import (
	"context"
	"fmt"
	"math"

	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"warden/internal/problem"
	"warden/internal/zoning/engine"
)

// Location says where a point lies: in which reserve and zone of the current
// zoning, if any, and how far it is from the nearest zone boundary.
type Location struct {
	Lon      float64 `json:"lon"`
	Lat      float64 `json:"lat"`
	Inside   bool    `json:"inside"`
	Reserve  string  `json:"reserve,omitempty"`
	ZoneID   int64   `json:"zone_id,omitempty"`
	ZoneKind Kind    `json:"zone_kind,omitempty"`
	ZoneName string  `json:"zone_name,omitempty"`
	// BoundaryDistanceM is the geodesic distance to the nearest boundary of
	// any current zone: how deep inside, or how far outside. Nil unless asked.
	BoundaryDistanceM *float64 `json:"boundary_distance_m,omitempty"`
	// Nearest names the zone whose boundary that is.
	Nearest *ZoneRef `json:"nearest,omitempty"`
}

// ZoneRef names a zone.
type ZoneRef struct {
	Reserve  string `json:"reserve"`
	ZoneID   int64  `json:"zone_id"`
	ZoneKind Kind   `json:"zone_kind"`
}

// MaxLocatePoints caps one batch locate.
const MaxLocatePoints = 1_000_000

// CheckLonLat refuses a point outside lon/lat range or not finite.
func CheckLonLat(i int, p orb.Point) *problem.Detail {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) ||
		p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		d := problem.At(-1, fmt.Sprintf("[%d]", i), fmt.Sprintf("point %d (%v, %v) is not a lon/lat position in -180..180, -90..90", i, p[0], p[1]))
		return &d
	}
	return nil
}

// Locate finds, for each point in order, the current zone it lies in. A point
// on a boundary shared by two zones is reported in the stricter one. With
// distance, each result also has the geodesic distance to the nearest zone
// boundary.
func (s *Store) Locate(ctx context.Context, pts []orb.Point, distance bool) ([]Location, error) {
	return s.LocateOn(ctx, pts, distance, "")
}

// LocateOn is Locate in the zoning versions in force on day on (YYYY-MM-DD;
// "" is Locate): the judgment of an act done that day locates it so. Where
// that is every reserve's current zoning the answer is Locate's; where a
// reserve has rezoned since, PostGIS answers from the version of that day.
func (s *Store) LocateOn(ctx context.Context, pts []orb.Point, distance bool, on string) ([]Location, error) {
	b, err := s.LocateBatch(ctx, pts, distance, on)
	if err != nil {
		return nil, err
	}
	return b.Fill(make([]Location, 0, len(pts)), 0, len(pts)), nil
}

// LocateBatch is LocateOn kept compact: a large batch is located on every
// processor into a few words a point, and its Locations are made a part at
// a time (Batch.Fill), so that its answer can be written as it is made.
func (s *Store) LocateBatch(ctx context.Context, pts []orb.Point, distance bool, on string) (*Batch, error) {
	var d time.Time
	if on != "" {
		var err error
		if d, err = time.Parse(time.DateOnly, on); err != nil {
			return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("on=%q must be a date YYYY-MM-DD", on))
		}
	}
	if err := checkPoints(pts); err != nil {
		return nil, err
	}
	var day *time.Time
	if on != "" {
		var past bool
		if err := s.pool.QueryRow(ctx, `SELECT zoning_past($1::date, NULL)`, d).Scan(&past); err != nil {
			return nil, fmt.Errorf("zoning: zoning on %s: %w", on, err)
		}
		if past {
			day = &d
		}
	}
	if day == nil && s.engine != nil {
		if ix := s.engine.Index(ctx); ix != nil {
			return batchIndex(ix, pts, distance), nil
		}
	}
	ls, err := s.locateSQL(ctx, pts, distance, day)
	if err != nil {
		return nil, err
	}
	b := &Batch{Count: len(ls), ls: ls}
	for _, l := range ls {
		if l.Inside {
			b.Inside++
		}
	}
	return b, nil
}

// checkPoints refuses points outside lon/lat range and batches over the limit.
func checkPoints(pts []orb.Point) error {
	var ps []problem.Detail
	for i, p := range pts {
		if d := CheckLonLat(i, p); d != nil && len(ps) < 50 {
			ps = append(ps, *d)
		}
	}
	if len(ps) > 0 {
		return problem.Invalid("invalid-point", problem.Summary(ps), ps...)
	}
	if len(pts) > MaxLocatePoints {
		return problem.TooLarge(fmt.Sprintf("%d points in one request; the limit is %d", len(pts), MaxLocatePoints))
	}
	return nil
}

// onDay names the pieces of zones (or of their boundaries) that locateSQL
// reads: the indexed tables of the current zones, or with a day those of the
// zoning in force then, parameter $3 of the query.
func onDay(table string, day *time.Time) string {
	if day == nil {
		return table
	}
	return table + "_on($3::date, NULL)"
}

func withDay(day *time.Time, args ...any) []any {
	if day == nil {
		return args
	}
	return append(args, *day)
}

// locateSQL answers Locate from PostGIS, through the subdivided zone_piece
// and zone_edge tables (with a day, those of the zoning in force then): the
// path when no engine is running or its index is stale. Its boundary distances are to geodesic edges (geography), which
// differ from the engine's lon/lat edges by up to metres on long edges.
func (s *Store) locateSQL(ctx context.Context, pts []orb.Point, distance bool, day *time.Time) ([]Location, error) {
	xs := make([]float64, len(pts))
	ys := make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = p[0], p[1]
	}
	out := make([]Location, len(pts))
	for i, p := range pts {
		out[i] = Location{Lon: p[0], Lat: p[1]}
	}
	// Point in polygon against the subdivided pieces of current zones, through
	// their GiST index; only points that hit come back.
	rows, err := s.pool.Query(ctx, `
		SELECT t.i - 1, zp.zone_id
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
		JOIN `+onDay("zone_piece", day)+` zp ON ST_Intersects(zp.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))`, withDay(day, xs, ys)...)
	if err != nil {
		return nil, err
	}
	hit := make([][]int64, len(pts))
	zoneIDs := map[int64]bool{}
	for rows.Next() {
		var i int
		var zid int64
		if err := rows.Scan(&i, &zid); err != nil {
			rows.Close()
			return nil, err
		}
		hit[i] = append(hit[i], zid)
		zoneIDs[zid] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var near []nearest
	if distance {
		if near, err = s.nearestBoundaries(ctx, xs, ys, day); err != nil {
			return nil, err
		}
		for _, n := range near {
			if n.zone != 0 {
				zoneIDs[n.zone] = true
			}
		}
	}
	refs, err := s.zoneRefs(ctx, zoneIDs)
	if err != nil {
		return nil, err
	}
	for i, zids := range hit {
		if len(zids) == 0 {
			continue
		}
		best := refs[zids[0]]
		for _, z := range zids[1:] {
			r := refs[z]
			if r.rank < best.rank || (r.rank == best.rank && r.ZoneID < best.ZoneID) {
				best = r
			}
		}
		l := &out[i]
		l.Inside, l.Reserve, l.ZoneID, l.ZoneKind, l.ZoneName = true, best.Reserve, best.ZoneID, best.ZoneKind, best.name
	}
	for i, n := range near {
		if n.zone == 0 {
			continue
		}
		d := n.dist
		r := refs[n.zone]
		out[i].BoundaryDistanceM = &d
		out[i].Nearest = &r.ZoneRef
	}
	return out, nil
}

type zoneRef struct {
	ZoneRef
	name string
	rank int
}

func (s *Store) zoneRefs(ctx context.Context, ids map[int64]bool) (map[int64]zoneRef, error) {
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	refs := map[int64]zoneRef{}
	if len(list) == 0 {
		return refs, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT z.id, r.code, z.kind, z.name FROM zone z JOIN reserve r ON r.id = z.reserve_id WHERE z.id = ANY($1)`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r zoneRef
		if err := rows.Scan(&r.ZoneID, &r.Reserve, &r.ZoneKind, &r.name); err != nil {
			return nil, err
		}
		r.rank = r.ZoneKind.Rank()
		refs[r.ZoneID] = r
	}
	return refs, rows.Err()
}

type nearest struct {
	zone int64
	dist float64
}

// nearestBoundaries finds each point's nearest current zone boundary. The
// geography GiST index orders boundary pieces by distance on the sphere; the
// few nearest are then measured on the spheroid and the least taken, so the
// sphere's up-to-0.5% error cannot pick the wrong piece except in a near tie.
func (s *Store) nearestBoundaries(ctx context.Context, xs, ys []float64, day *time.Time) ([]nearest, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT t.i - 1, n.zone_id, n.d
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
		CROSS JOIN LATERAL (
			SELECT c.zone_id, ST_Distance(c.geog, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326)::geography) AS d
			FROM (SELECT e.zone_id, e.geog FROM `+onDay("zone_edge", day)+` e
			      ORDER BY e.geog <-> ST_SetSRID(ST_MakePoint(t.x, t.y), 4326)::geography LIMIT 4) c
			ORDER BY d LIMIT 1) n`, withDay(day, xs, ys)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]nearest, len(xs))
	for rows.Next() {
		var i int
		var n nearest
		if err := rows.Scan(&i, &n.zone, &n.dist); err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, rows.Err()
}

// Batch is a batch of points located: Count points, Inside of them in a
// zone. The engine's answer is kept as the zone covering each point and,
// with distances, the distance to the nearest boundary and its zone; Fill
// makes Locations from it.
type Batch struct {
	Count, Inside int
	ls            []Location // the SQL path's answer, whole
	pts           []orb.Point
	zone          []*engine.Zone // covering each point, or nil
	dist          []float64      // with distances: to the nearest boundary,
	near          []*engine.Zone // of this zone (nil without distances)
}

// Fill appends the Locations of points lo to hi to dst. Their distances
// point into the batch, and the points of one call that have the same
// nearest zone share its ZoneRef. Fill may be called from several
// goroutines at once.
func (b *Batch) Fill(dst []Location, lo, hi int) []Location {
	if b.ls != nil {
		return append(dst, b.ls[lo:hi]...)
	}
	var refs []*ZoneRef // of this call's nearest zones, few
	for i := lo; i < hi; i++ {
		p := b.pts[i]
		l := Location{Lon: p[0], Lat: p[1]}
		if z := b.zone[i]; z != nil {
			l.Inside, l.Reserve, l.ZoneID, l.ZoneKind, l.ZoneName = true, z.Reserve, z.ID, Kind(z.Kind), z.Name
		}
		if b.near != nil && b.near[i] != nil {
			z := b.near[i]
			k := slices.IndexFunc(refs, func(r *ZoneRef) bool { return r.ZoneID == z.ID && r.Reserve == z.Reserve })
			if k < 0 {
				k, refs = len(refs), append(refs, &ZoneRef{Reserve: z.Reserve, ZoneID: z.ID, ZoneKind: Kind(z.Kind)})
			}
			l.BoundaryDistanceM, l.Nearest = &b.dist[i], refs[k]
		}
		dst = append(dst, l)
	}
	return dst
}

// batchIndex locates pts in the engine's index, splitting large batches
// over the processors.
func batchIndex(ix *engine.Index, pts []orb.Point, distance bool) *Batch {
	b := &Batch{Count: len(pts), pts: pts, zone: make([]*engine.Zone, len(pts))}
	if distance {
		b.dist, b.near = make([]float64, len(pts)), make([]*engine.Zone, len(pts))
	}
	work := func(lo, hi int) (inside int) {
		for i := lo; i < hi; i++ {
			p := pts[i]
			if z := ix.Locate(p[0], p[1]); z != nil {
				b.zone[i] = z
				inside++
			}
			if distance {
				b.dist[i], b.near[i] = ix.Nearest(p[0], p[1])
			}
		}
		return inside
	}
	n := runtime.GOMAXPROCS(0)
	if len(pts) < 4096 || n == 1 {
		b.Inside = work(0, len(pts))
		return b
	}
	var wg sync.WaitGroup
	var inside atomic.Int64
	step := (len(pts) + n - 1) / n
	for lo := 0; lo < len(pts); lo += step {
		wg.Go(func() { inside.Add(int64(work(lo, min(lo+step, len(pts))))) })
	}
	wg.Wait()
	b.Inside = int(inside.Load())
	return b
}
