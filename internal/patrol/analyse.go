package patrol

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/zoning"
	"warden/internal/zoning/engine"
)

// Visit is a stretch of a track segment inside one current zone.
type Visit struct {
	ID         int64       `json:"id"`
	Ordinal    int         `json:"ordinal"`
	Segment    int         `json:"segment"`
	Reserve    string      `json:"reserve"`
	ZoneID     int64       `json:"zone_id"`
	ZoneKind   zoning.Kind `json:"zone_kind"`
	ZoneKindZH string      `json:"zone_kind_zh"`
	ZoneName   string      `json:"zone_name"`
	// EnteredAt and ExitedAt are interpolated at the boundary crossings
	// (linearly in time between the fixes either side, at the crossing's
	// fraction of the way); where the segment began or ended inside
	// (EnteredByCrossing, ExitedByCrossing false) they are its first or last
	// fix's time. Null without times.
	EnteredAt         *time.Time `json:"entered_at"`
	ExitedAt          *time.Time `json:"exited_at"`
	EnteredByCrossing bool       `json:"entered_by_crossing"`
	ExitedByCrossing  bool       `json:"exited_by_crossing"`
	// Entry and Exit are where, lon/lat.
	Entry     [2]float64 `json:"entry"`
	Exit      [2]float64 `json:"exit"`
	DurationS *float64   `json:"duration_s"`
	// LengthM is the geodesic length inside; MaxDepthM the greatest distance
	// from the zone's boundary that a fix inside reached (geodesic, to within
	// 2 m or 1 %); Fixes counts the fixes inside.
	LengthM   float64 `json:"length_m"`
	MaxDepthM float64 `json:"max_depth_m"`
	Fixes     int     `json:"fixes"`
	// BoundaryJitter marks a stretch shorter than the dwell time or never
	// deeper than the GPS noise margin: it raises nothing.
	BoundaryJitter bool   `json:"boundary_jitter"`
	JitterReason   string `json:"jitter_reason,omitempty"`
}

// zoneInfo is a current zone a track or observation is in.
type zoneInfo struct {
	id, reserveID int64
	reserve, name string
	kind          zoning.Kind
}

// visit is a Visit with what the analysis needs about it.
type visit struct {
	Visit
	zone zoneInfo
	seg  int
	u, v float64 // positions along the segment: fix index plus fraction
	// The fixes inside are those from fixLo to fixHi-1; the visit's line
	// is its entry, the fixes lineLo to lineHi-1 (those strictly between
	// entry and exit) and its exit. Ranges, not copies: a visit of a
	// million fixes takes no memory of its own.
	fixLo, fixHi   int
	lineLo, lineHi int
}

// line is the visit's path (see visit), a point's worth for a visit that
// neither enters nor leaves by crossing and has one fix.
func (a *analysis) line(v *visit) orb.LineString {
	inner := a.segs[v.seg].XY[v.lineLo:v.lineHi]
	l := make(orb.LineString, 0, len(inner)+2)
	l = append(append(l, orb.Point(v.Entry)), inner...)
	if v.v > v.u+eps {
		l = append(l, orb.Point(v.Exit))
	}
	return l
}

// analysis finds a cleaned track's zone visits against the zones in force
// on the day the track starts (at, counted in each reserve's time zone; the
// current zones for a track without times).
type analysis struct {
	tx     pgx.Tx
	segs   []geoio.Segment
	opts   Options
	at     *time.Time
	past   bool // some reserve's zoning of that day is not its current one
	eng    *zoning.Engine
	ix     *engine.Index // the zone engine's index, for the current zoning; nil: SQL
	zones  map[int64]zoneInfo
	visits []*visit
}

// pieces is the table of zone pieces the analysis reads: zone_piece, or
// for a day whose zoning is not the current one zone_piece_on, with the
// track's start as parameter $n.
func (a *analysis) pieces(n int) string {
	if !a.past {
		return "zone_piece"
	}
	return fmt.Sprintf("zone_piece_on(NULL, $%d::timestamptz)", n)
}

// edges is zone_edge or, for an older zoning, zone_edge_on (see pieces).
func (a *analysis) edges(n int) string {
	if !a.past {
		return "zone_edge"
	}
	return fmt.Sprintf("zone_edge_on(NULL, $%d::timestamptz)", n)
}

// edgesOf is the boundary pieces of zone t.z in the depths query.
func (a *analysis) edgesOf() string {
	if !a.past {
		return "zone_edge e WHERE e.zone_id = t.z"
	}
	return "zone_edge_of(t.z) AS e(geog)"
}

// args appends the track's start to a query's arguments when pieces or
// edges name it.
func (a *analysis) args(args ...any) []any {
	if a.past {
		return append(args, a.at)
	}
	return args
}

// chunkSegs is the number of track segments per piece sent to PostGIS to
// find boundary crossings: small enough that few boundary pieces share its
// bounding box.
const chunkSegs = 64

// eps separates positions along a segment (fix index plus fraction).
const eps = 1e-9

// run finds the visits. The boundary crossings of every segment are found,
// planar in lon/lat like point-in-polygon, by the zone engine when the
// track's day is in the current zoning and the engine's index is current,
// else by PostGIS (ST_Intersection of each track segment with the pieces of
// zone_edge whose box it touches); between
// consecutive crossings the track is inside the same zones throughout, which
// a point-in-polygon test of one point of each such stretch tells. Visits are
// maximal runs of stretches inside one zone; their lengths are measured on
// the spheroid and their depths by maxDepths.
func (a *analysis) run(ctx context.Context) error {
	a.zones = map[int64]zoneInfo{}
	if a.at != nil {
		if err := a.tx.QueryRow(ctx, `SELECT zoning_past(NULL, $1)`, a.at).Scan(&a.past); err != nil {
			return fmt.Errorf("patrol: zoning of the track's day: %w", err)
		}
	}
	if a.eng != nil && !a.past {
		a.ix = a.eng.Index(ctx)
	}
	cross, err := a.crossings(ctx)
	if err != nil {
		return err
	}
	type stretch struct {
		seg  int
		u, v float64
	}
	var sts []stretch
	var xs, ys []float64
	for si := range a.segs {
		s := &a.segs[si]
		end := float64(s.Len() - 1)
		bounds := []float64{0}
		for _, c := range cross[si] {
			if c > eps && c < end-eps {
				bounds = append(bounds, c)
			}
		}
		bounds = append(bounds, end)
		for i := 0; i+1 < len(bounds); i++ {
			u, v := bounds[i], bounds[i+1]
			lon, lat := at(s, (u+v)/2)
			sts = append(sts, stretch{si, u, v})
			xs, ys = append(xs, lon), append(ys, lat)
		}
	}
	in, err := a.locate(ctx, xs, ys)
	if err != nil {
		return err
	}
	open := map[int64]*visit{}
	closeAll := func(keep map[int64]bool) {
		for z := range open {
			if !keep[z] {
				delete(open, z)
			}
		}
	}
	for i, st := range sts {
		if i > 0 && sts[i-1].seg != st.seg {
			closeAll(nil)
		}
		keep := map[int64]bool{}
		for _, z := range in[i] {
			keep[z] = true
			if v := open[z]; v != nil {
				v.v = st.v
				continue
			}
			v := &visit{zone: a.zones[z], seg: st.seg, u: st.u, v: st.v}
			open[z] = v
			a.visits = append(a.visits, v)
		}
		closeAll(keep)
	}
	slices.SortStableFunc(a.visits, func(p, q *visit) int {
		switch {
		case p.seg != q.seg:
			return p.seg - q.seg
		case p.u != q.u:
			if p.u < q.u {
				return -1
			}
			return 1
		}
		return p.zone.kind.Rank() - q.zone.kind.Rank()
	})
	for i, v := range a.visits {
		a.describe(i, v)
	}
	if err := a.lengths(ctx); err != nil {
		return err
	}
	if err := a.maxDepths(ctx); err != nil {
		return err
	}
	for _, v := range a.visits {
		v.JitterReason = jitterReason(v.Visit, a.opts.JitterDwell, a.opts.JitterDepthM)
		v.BoundaryJitter = v.JitterReason != ""
	}
	return nil
}

// at is the position at p along s (fix index plus fraction), interpolated
// linearly in lon/lat.
func at(s *geoio.Segment, p float64) (float64, float64) {
	k := int(math.Floor(p))
	if k >= s.Len()-1 {
		f := s.XY[s.Len()-1]
		return f[0], f[1]
	}
	t := p - float64(k)
	a, b := s.XY[k], s.XY[k+1]
	return a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])
}

// timeAt is the time at p along s, interpolated linearly between the fixes
// either side; zero when either has no time.
func timeAt(s *geoio.Segment, p float64) time.Time {
	k := int(math.Floor(p))
	if k >= s.Len()-1 {
		return s.Time(s.Len() - 1)
	}
	t := p - float64(k)
	a, b := s.T[k], s.T[k+1]
	if t < eps {
		return s.Time(k)
	}
	if a == geoio.NoTime || b == geoio.NoTime {
		return time.Time{}
	}
	return geoio.MicroTime(a).Add(time.Duration(math.Round(t * float64(b-a) * float64(time.Microsecond))))
}

// describe fills a visit's times, places, fixes and line.
func (a *analysis) describe(i int, v *visit) {
	s := &a.segs[v.seg]
	end := float64(s.Len() - 1)
	v.Ordinal, v.Segment = i, v.seg
	v.Reserve, v.ZoneID, v.ZoneKind, v.ZoneKindZH, v.ZoneName = v.zone.reserve, v.zone.id, v.zone.kind, v.zone.kind.ZH(), v.zone.name
	v.EnteredByCrossing, v.ExitedByCrossing = v.u > eps, v.v < end-eps
	if t := timeAt(s, v.u); !t.IsZero() {
		u := t.UTC().Truncate(time.Microsecond)
		v.EnteredAt = &u
	}
	if t := timeAt(s, v.v); !t.IsZero() {
		u := t.UTC().Truncate(time.Microsecond)
		v.ExitedAt = &u
	}
	if v.EnteredAt != nil && v.ExitedAt != nil {
		d := v.ExitedAt.Sub(*v.EnteredAt).Seconds()
		v.DurationS = &d
	}
	lon, lat := at(s, v.u)
	v.Entry = [2]float64{lon, lat}
	first, inner := true, true
	for k := int(math.Ceil(v.u - eps)); k <= int(math.Floor(v.v+eps)) && k < s.Len(); k++ {
		f := float64(k)
		if (v.EnteredByCrossing && f < v.u+eps) || (v.ExitedByCrossing && f > v.v-eps) {
			continue
		}
		if first {
			v.fixLo, first = k, false
		}
		v.fixHi = k + 1
		if f > v.u+eps && f < v.v-eps {
			if inner {
				v.lineLo, inner = k, false
			}
			v.lineHi = k + 1
		}
	}
	lon, lat = at(s, v.v)
	v.Exit = [2]float64{lon, lat}
	v.Fixes = v.fixHi - v.fixLo
}

// crossings returns, per segment, the sorted positions (fix index plus
// fraction) where it meets a current zone boundary.
func (a *analysis) crossings(ctx context.Context) ([][]float64, error) {
	if a.ix != nil {
		return a.crossingsIndex(), nil
	}
	type chunk struct{ seg, first int }
	var chunks []chunk
	var ws []orb.LineString
	for si, s := range a.segs {
		for first := 0; first < s.Len()-1; first += chunkSegs {
			last := min(first+chunkSegs, s.Len()-1)
			ls := orb.LineString(s.XY[first : last+1])
			chunks = append(chunks, chunk{si, first})
			ws = append(ws, ls)
		}
	}
	out := make([][]float64, len(a.segs))
	if len(ws) == 0 {
		return out, nil
	}
	rows, err := a.tx.Query(ctx, `
		WITH c AS (
			SELECT t.i, ST_GeomFromWKB(t.w, 4326) AS g FROM unnest($1::bytea[]) WITH ORDINALITY AS t(w, i)
		), hit AS (
			SELECT c.i, c.g, e.geog::geometry AS eg
			FROM c JOIN `+a.edges(2)+` e ON e.geog::geometry && c.g
			WHERE ST_Intersects(e.geog::geometry, c.g)
		)
		SELECT hit.i - 1, s.path[1] - 1, ST_AsBinary(ST_Intersection(hit.eg, s.geom))
		FROM hit CROSS JOIN LATERAL ST_DumpSegments(hit.g) s
		WHERE ST_Intersects(hit.eg, s.geom)`, a.args(db.Geoms(ws))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ci, k int
		var g orb.Geometry
		if err := rows.Scan(&ci, &k, db.Scan(&g)); err != nil {
			return nil, fmt.Errorf("boundary crossing: %w", err)
		}
		c := chunks[ci]
		s := a.segs[c.seg]
		p, q := s.XY[c.first+k], s.XY[c.first+k+1]
		for _, pt := range points(g, nil) {
			out[c.seg] = append(out[c.seg], float64(c.first+k)+fraction(p, q, pt))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, cs := range out {
		slices.Sort(cs)
		out[i] = slices.CompactFunc(cs, func(x, y float64) bool { return math.Abs(x-y) < eps })
	}
	return out, nil
}

// points lists the points of an intersection: its points, and the ends of
// its lines (a track running along a boundary).
func points(g orb.Geometry, out []orb.Point) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.MultiPoint:
		out = append(out, g...)
	case orb.LineString:
		if len(g) > 0 {
			out = append(out, g[0], g[len(g)-1])
		}
	case orb.MultiLineString:
		for _, l := range g {
			out = points(l, out)
		}
	case orb.Collection:
		for _, c := range g {
			out = points(c, out)
		}
	}
	return out
}

// fraction is how far along the segment p-q the point pt (on it) lies.
func fraction(p, q, pt orb.Point) float64 {
	dx, dy := q[0]-p[0], q[1]-p[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return 0
	}
	return math.Min(1, math.Max(0, ((pt[0]-p[0])*dx+(pt[1]-p[1])*dy)/l2))
}

// locate returns, for each point, the zones of the track's day it lies in,
// and records those zones in a.zones.
func (a *analysis) locate(ctx context.Context, xs, ys []float64) ([][]int64, error) {
	out := make([][]int64, len(xs))
	if len(xs) == 0 {
		return out, nil
	}
	if a.ix != nil {
		return a.locateIndex(xs, ys), nil
	}
	rows, err := a.tx.Query(ctx, `
		SELECT DISTINCT t.i - 1, z.id, z.reserve_id, r.code, z.kind, z.name
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
		JOIN `+a.pieces(3)+` zp ON ST_Intersects(zp.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
		JOIN zone z ON z.id = zp.zone_id
		JOIN reserve r ON r.id = z.reserve_id
		ORDER BY 1, 2`, a.args(xs, ys)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var z zoneInfo
		if err := rows.Scan(&i, &z.id, &z.reserveID, &z.reserve, &z.kind, &z.name); err != nil {
			return nil, err
		}
		a.zones[z.id] = z
		out[i] = append(out[i], z.id)
	}
	return out, rows.Err()
}

// lengths measures each visit's line on the spheroid.
func (a *analysis) lengths(ctx context.Context) error {
	if a.ix != nil {
		for _, v := range a.visits {
			v.LengthM = a.lineLength(v)
		}
		return nil
	}
	var ws []orb.LineString
	var idx []int
	for i, v := range a.visits {
		line := a.line(v)
		if len(line) < 2 {
			continue
		}
		ws, idx = append(ws, line), append(idx, i)
	}
	if len(ws) == 0 {
		return nil
	}
	rows, err := a.tx.Query(ctx, `SELECT t.i - 1, ST_Length(ST_GeomFromWKB(t.w, 4326)::geography) FROM unnest($1::bytea[]) WITH ORDINALITY AS t(w, i)`, db.Geoms(ws))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var l float64
		if err := rows.Scan(&i, &l); err != nil {
			return err
		}
		a.visits[idx[i]].LengthM = l
	}
	return rows.Err()
}

// lineLength is the length of the visit's line on the spheroid, measured
// by pieces so that the line is not copied: entry to the first fix inside,
// along the fixes, last fix to exit.
func (a *analysis) lineLength(v *visit) float64 {
	inner := a.segs[v.seg].XY[v.lineLo:v.lineHi]
	entry, exit := orb.Point(v.Entry), orb.Point(v.Exit)
	leaves := v.v > v.u+eps
	if len(inner) == 0 {
		if !leaves {
			return 0
		}
		return engine.Length(orb.LineString{entry, exit})
	}
	l := engine.Length(orb.LineString{entry, inner[0]}) + engine.Length(orb.LineString(inner))
	if leaves {
		l += engine.Length(orb.LineString{inner[len(inner)-1], exit})
	}
	return l
}

// Depth search tolerances: maxDepths stops refining once no stretch between
// measured fixes can hide a fix deeper than the best found by more than
// max(depthTolM, depthTolRel × best).
const (
	depthTolM   = 2.0
	depthTolRel = 0.01
	// lipschitz bounds the ratio of the geodesic to the haversine distance
	// (the ellipsoid's radii of curvature differ from earthR by under 0.4 %).
	lipschitz = 1.004
)

// depthPoint is a point along a visit whose depth is known or wanted.
type depthPoint struct {
	lon, lat float64
	p        float64 // path distance from the visit's start, scaled by lipschitz
	d        float64
	known    bool
}

// maxDepths finds each visit's greatest depth: the distance of its deepest
// fix from the zone's boundary, by KNN over zone_edge as in zoning's locate.
// Measuring every fix of a long track would be slow, so it branches and
// bounds: depth changes no faster than distance travelled, so between two
// measured points a and b no fix is deeper than (d_a + d_b + path_ab) / 2;
// stretches whose bound cannot beat the best found (or, while the best is
// within the jitter margin, cannot pass the margin) are left unmeasured, and
// the middle fix of each other stretch is measured, for all visits at once,
// until none is left. Boundary crossings are known points of depth 0.
func (a *analysis) maxDepths(ctx context.Context) error {
	type job struct {
		v   *visit
		pts []depthPoint
	}
	jobs := make([]job, len(a.visits))
	type ask struct{ job, pt int }
	var asks []ask
	for i, v := range a.visits {
		s := &a.segs[v.seg]
		var pts []depthPoint
		p := 0.0
		prev := orb.Point{v.Entry[0], v.Entry[1]}
		step := func(lon, lat float64) {
			p += lipschitz * haversine(prev[0], prev[1], lon, lat)
			prev = orb.Point{lon, lat}
		}
		if v.EnteredByCrossing {
			pts = append(pts, depthPoint{lon: v.Entry[0], lat: v.Entry[1], known: true})
		}
		for k := v.fixLo; k < v.fixHi; k++ {
			lon, lat := s.XY[k][0], s.XY[k][1]
			step(lon, lat)
			pts = append(pts, depthPoint{lon: lon, lat: lat, p: p})
		}
		if v.fixHi == v.fixLo { // a corner cut between two fixes: its midpoint
			lon, lat := at(s, (v.u+v.v)/2)
			step(lon, lat)
			pts = append(pts, depthPoint{lon: lon, lat: lat, p: p})
		}
		if v.ExitedByCrossing {
			step(v.Exit[0], v.Exit[1])
			pts = append(pts, depthPoint{lon: v.Exit[0], lat: v.Exit[1], p: p, known: true})
		}
		jobs[i] = job{v: v, pts: pts}
		first, last := -1, -1
		for j, pt := range pts {
			if !pt.known {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		for _, j := range []int{first, (first + last) / 2, last} {
			if len(asks) == 0 || asks[len(asks)-1] != (ask{i, j}) {
				asks = append(asks, ask{i, j})
			}
		}
	}
	for len(asks) > 0 {
		xs, ys, zs := make([]float64, len(asks)), make([]float64, len(asks)), make([]int64, len(asks))
		for n, q := range asks {
			pt := jobs[q.job].pts[q.pt]
			xs[n], ys[n], zs[n] = pt.lon, pt.lat, jobs[q.job].v.zone.id
		}
		ds, err := a.depths(ctx, xs, ys, zs)
		if err != nil {
			return err
		}
		for n, q := range asks {
			pt := &jobs[q.job].pts[q.pt]
			pt.d, pt.known = ds[n], true
		}
		asks = asks[:0]
		for i, jb := range jobs {
			best := 0.0
			for _, pt := range jb.pts {
				if pt.known {
					best = math.Max(best, pt.d)
				}
			}
			jb.v.MaxDepthM = best
			tol := math.Max(depthTolM, depthTolRel*best)
			for lo := 0; lo < len(jb.pts); {
				hi := lo + 1
				for hi < len(jb.pts) && !jb.pts[hi].known {
					hi++
				}
				if hi >= len(jb.pts) {
					break
				}
				if hi-lo > 1 {
					pa, pb := jb.pts[lo], jb.pts[hi]
					bound := (pa.d + pb.d + pb.p - pa.p) / 2
					if bound > best+tol || (best <= a.opts.JitterDepthM && bound > a.opts.JitterDepthM) {
						asks = append(asks, ask{i, (lo + hi) / 2})
					}
				}
				lo = hi
			}
		}
	}
	return nil
}

// depths measures the geodesic distance from each point to the boundary of
// its zone: the nearest few boundary pieces by the index's sphere distance,
// then the least spheroid distance among them.
func (a *analysis) depths(ctx context.Context, xs, ys []float64, zs []int64) ([]float64, error) {
	if a.ix != nil {
		return a.depthsIndex(xs, ys, zs), nil
	}
	rows, err := a.tx.Query(ctx, `
		SELECT t.i - 1, coalesce(d.m, 0)
		FROM unnest($1::float8[], $2::float8[], $3::int8[]) WITH ORDINALITY AS t(x, y, z, i)
		CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(t.x, t.y), 4326)::geography AS p) q
		CROSS JOIN LATERAL (
			SELECT min(ST_Distance(c.geog, q.p)) AS m
			FROM (SELECT e.geog FROM `+a.edgesOf()+` ORDER BY e.geog <-> q.p LIMIT 4) c) d`, xs, ys, zs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]float64, len(xs))
	for rows.Next() {
		var i int
		var d float64
		if err := rows.Scan(&i, &d); err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, rows.Err()
}

// jitterReason says why a visit is boundary jitter, or "" if it is not.
func jitterReason(v Visit, dwell time.Duration, depth float64) string {
	switch {
	case v.DurationS != nil && *v.DurationS < dwell.Seconds():
		return fmt.Sprintf("inside for %.0f s, less than the %.0f s dwell time", *v.DurationS, dwell.Seconds())
	case v.MaxDepthM <= depth:
		return fmt.Sprintf("never more than %.1f m inside, within the %.0f m GPS noise margin", v.MaxDepthM, depth)
	}
	return ""
}

// mainReserve is the reserve the track spends most length in (outside
// boundary jitter if it can), else the reserve of the first observation in
// one.
func (a *analysis) mainReserve(obs []Observation) *int64 {
	for _, jitterToo := range []bool{false, true} {
		by := map[int64]float64{}
		var best *int64
		for _, v := range a.visits {
			if v.BoundaryJitter && !jitterToo {
				continue
			}
			id := v.zone.reserveID
			by[id] += v.LengthM + 1e-9
			if best == nil || by[id] > by[*best] {
				best = &id
			}
		}
		if best != nil {
			return best
		}
	}
	for _, o := range obs {
		if o.ZoneID != 0 {
			id := a.zones[o.ZoneID].reserveID
			return &id
		}
	}
	return nil
}

// enters reports whether any visit is in the reserve.
func (a *analysis) enters(reserveID int64) bool {
	for _, v := range a.visits {
		if v.zone.reserveID == reserveID {
			return true
		}
	}
	return false
}

// reserveCode is the code of a reserve the analysis met, or "".
func (a *analysis) reserveCode(id int64) string {
	for _, z := range a.zones {
		if z.reserveID == id {
			return z.reserve
		}
	}
	return ""
}
