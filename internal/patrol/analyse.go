package patrol

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"

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

// zoneInfo is a zone a track or observation is in.
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
	// spans are the visit's stretches in each part of the track (see
	// part): one, unless the visit goes on across a midnight at which the
	// zoning or the law changes, in a zone of the same kind.
	spans []span
}

// span is the stretch u..v of a visit inside one part, in zone zone of
// that part's zoning, with its greatest depth.
type span struct {
	u, v  float64
	part  int
	zone  zoneInfo
	depth float64
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

// subLine is the path of segment seg from position u to v: the points at
// u and v and the fixes strictly between (one point if u and v meet).
func (a *analysis) subLine(seg int, u, v float64) orb.LineString {
	s := &a.segs[seg]
	lo, hi := int(math.Floor(u))+1, int(math.Ceil(v))
	if v >= float64(s.Len()-1) {
		hi = s.Len() - 1
	}
	lo, hi = min(lo, s.Len()), max(min(hi, s.Len()), 0)
	var inner []orb.Point
	if lo < hi {
		inner = s.XY[lo:hi]
	}
	l := make(orb.LineString, 0, len(inner)+2)
	x, y := at(s, u)
	l = append(append(l, orb.Point{x, y}), inner...)
	if v > u+eps {
		x, y = at(s, v)
		l = append(l, orb.Point{x, y})
	}
	return l
}

// analysis finds a cleaned track's zone visits, each part of the track (see
// part) against the zoning in force when it begins.
type analysis struct {
	segs   []geoio.Segment
	opts   Options
	parts  []part
	z0     *zoning.TrackZones // the zoning at the track's start
	cuts   []cut              // where another zoning or law applies
	zones  map[int64]zoneInfo
	visits []*visit
}

// eps separates positions along a segment (fix index plus fraction).
const eps = 1e-9

// stretch is a piece of a part between consecutive boundary crossings:
// inside the same zones throughout.
type stretch struct {
	part int
	u, v float64
}

// run finds the visits. The boundary crossings of every part are found,
// planar in lon/lat like point-in-polygon, by the zone engine (or where it
// cannot answer, by PostGIS: see zoning.TrackZones); between consecutive
// crossings the track is inside the same zones throughout, which a
// point-in-polygon test of one point of each such stretch tells. Visits are
// maximal runs of stretches inside one zone, joined across the parts of a
// segment where the zone is of the same kind in the same reserve; their
// lengths are measured on the spheroid and their depths by maxDepths.
func (a *analysis) run(ctx context.Context) error {
	a.zones = map[int64]zoneInfo{}
	sts, err := a.stretches(ctx)
	if err != nil {
		return err
	}
	in, err := a.locateStretches(ctx, sts)
	if err != nil {
		return err
	}
	a.join(sts, in)
	slices.SortStableFunc(a.visits, func(p, q *visit) int {
		switch {
		case p.seg != q.seg:
			return p.seg - q.seg
		case p.u != q.u:
			return cmp.Compare(p.u, q.u)
		}
		return p.zone.kind.Rank() - q.zone.kind.Rank()
	})
	for i, v := range a.visits {
		a.describe(i, v)
		v.LengthM = a.lineLength(v)
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

// stretches cuts each part at its boundary crossings.
func (a *analysis) stretches(ctx context.Context) ([]stretch, error) {
	cross, err := a.crossings(ctx)
	if err != nil {
		return nil, err
	}
	var sts []stretch
	for pi, p := range a.parts {
		bounds := []float64{p.lo}
		for _, c := range cross[pi] {
			if c > p.lo+eps && c < p.hi-eps {
				bounds = append(bounds, c)
			}
		}
		bounds = append(bounds, p.hi)
		for i := 0; i+1 < len(bounds); i++ {
			sts = append(sts, stretch{pi, bounds[i], bounds[i+1]})
		}
	}
	return sts, nil
}

// groups lists the parts by the zoning that answers for them, in order of
// first use, so each zoning is asked once.
func (a *analysis) groups() []group {
	var gs []group
	for pi, p := range a.parts {
		i := slices.IndexFunc(gs, func(g group) bool { return g.z == p.z })
		if i < 0 {
			gs, i = append(gs, group{z: p.z}), len(gs)
		}
		gs[i].parts = append(gs[i].parts, pi)
	}
	return gs
}

// group is parts analysed against one zoning.
type group struct {
	z     *zoning.TrackZones
	parts []int
}

// crossings returns, per part, the sorted positions along its segment
// (fix index plus fraction) where it meets a boundary of its zoning.
func (a *analysis) crossings(ctx context.Context) ([][]float64, error) {
	out := make([][]float64, len(a.parts))
	for _, g := range a.groups() {
		paths := make([][]orb.Point, len(g.parts))
		for j, pi := range g.parts {
			p := a.parts[pi]
			s := &a.segs[p.seg]
			paths[j] = s.XY[int(math.Floor(p.lo)) : min(int(math.Ceil(p.hi)), s.Len()-1)+1]
		}
		cs, err := g.z.Crossings(ctx, paths)
		if err != nil {
			return nil, fmt.Errorf("patrol: %w", err)
		}
		for j, pi := range g.parts {
			base := math.Floor(a.parts[pi].lo)
			for _, c := range cs[j] {
				out[pi] = append(out[pi], base+c)
			}
		}
	}
	return out, nil
}

// locateStretches returns the zones each stretch lies in, from one point
// of it, and records them in a.zones.
func (a *analysis) locateStretches(ctx context.Context, sts []stretch) ([][]zoning.TrackZone, error) {
	in := make([][]zoning.TrackZone, len(sts))
	for _, g := range a.groups() {
		var idx []int
		var xs, ys []float64
		for i, st := range sts {
			if a.parts[st.part].z != g.z {
				continue
			}
			lon, lat := at(&a.segs[a.parts[st.part].seg], (st.u+st.v)/2)
			idx, xs, ys = append(idx, i), append(xs, lon), append(ys, lat)
		}
		zs, err := a.locate(ctx, g.z, xs, ys)
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			in[i] = zs[j]
		}
	}
	return in, nil
}

// locate returns the zones of z each point lies in, and records them in
// a.zones.
func (a *analysis) locate(ctx context.Context, z *zoning.TrackZones, xs, ys []float64) ([][]zoning.TrackZone, error) {
	zs, err := z.Covering(ctx, xs, ys)
	if err != nil {
		return nil, fmt.Errorf("patrol: %w", err)
	}
	for _, l := range zs {
		for _, t := range l {
			a.zones[t.ID] = zoneInfo{id: t.ID, reserveID: t.ReserveID, reserve: t.Reserve, name: t.Name, kind: t.Kind}
		}
	}
	return zs, nil
}

// join makes the visits: runs of stretches inside one zone. Where a part
// ends and the next of the same segment begins, a visit goes on in the new
// part's zone of the same reserve and kind (the zone itself, or its
// successor in a new zoning version).
func (a *analysis) join(sts []stretch, in [][]zoning.TrackZone) {
	open := map[int64]*visit{}
	for i, st := range sts {
		seg := a.parts[st.part].seg
		if i > 0 && a.parts[sts[i-1].part].seg != seg {
			open = map[int64]*visit{}
		} else if i > 0 && sts[i-1].part != st.part {
			open = carry(open, in[i])
		}
		next := map[int64]*visit{}
		for _, z := range in[i] {
			zi := a.zones[z.ID]
			if v := open[z.ID]; v != nil {
				v.v = st.v
				if last := &v.spans[len(v.spans)-1]; last.part == st.part {
					last.v = st.v
				} else {
					v.spans = append(v.spans, span{u: st.u, v: st.v, part: st.part, zone: zi})
				}
				next[z.ID] = v
				continue
			}
			v := &visit{zone: zi, seg: seg, u: st.u, v: st.v, spans: []span{{u: st.u, v: st.v, part: st.part, zone: zi}}}
			next[z.ID] = v
			a.visits = append(a.visits, v)
		}
		open = next
	}
}

// carry re-keys the open visits by the zones of the next part: each goes
// on in the zone of the same id, else in one of the same reserve and kind.
func carry(open map[int64]*visit, zones []zoning.TrackZone) map[int64]*visit {
	out := map[int64]*visit{}
	taken := map[*visit]bool{}
	for _, z := range zones {
		if v := open[z.ID]; v != nil {
			out[z.ID], taken[v] = v, true
		}
	}
	for _, z := range zones {
		if out[z.ID] != nil {
			continue
		}
		for _, v := range open {
			if !taken[v] && v.zone.reserveID == z.ReserveID && v.zone.kind == z.Kind {
				out[z.ID], taken[v] = v, true
				break
			}
		}
	}
	return out
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
	v.Ordinal, v.Segment = i, v.seg
	v.Reserve, v.ZoneID, v.ZoneKind, v.ZoneKindZH, v.ZoneName = v.zone.reserve, v.zone.id, v.zone.kind, v.zone.kind.ZH(), v.zone.name
	// A visit that begins or ends where its part does (the segment's ends,
	// or a midnight where the zoning changed) was not entered or left by
	// crossing a boundary.
	p0, p1 := a.parts[v.spans[0].part], a.parts[v.spans[len(v.spans)-1].part]
	v.EnteredByCrossing, v.ExitedByCrossing = v.u > p0.lo+eps, v.v < p1.hi-eps
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
