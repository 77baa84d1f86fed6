package patrol

import (
	"context"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"warden/internal/zoning"
)

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
	p        float64 // path distance from the span's start, scaled by lipschitz
	d        float64
	known    bool
}

// depthJob is the search for the deepest fix of one span of a visit, in
// the zone and zoning of that span.
type depthJob struct {
	v   *visit
	sp  *span
	z   *zoning.TrackZones
	pts []depthPoint
}

// depthAsk is a point of a job to measure.
type depthAsk struct{ job, pt int }

// maxDepths finds each visit's greatest depth: the distance of its deepest
// fix from the zone's boundary. Measuring every fix of a long track would be
// slow, so it branches and bounds: depth changes no faster than distance
// travelled, so between two measured points a and b no fix is deeper than
// (d_a + d_b + path_ab) / 2; stretches whose bound cannot beat the best
// found (or, while the best is within the jitter margin, cannot pass the
// margin) are left unmeasured, and the middle fix of each other stretch is
// measured, for all visits at once, until none is left. Boundary crossings
// are known points of depth 0. Each span of a visit is measured against its
// own zone (a visit that goes on across a change of zoning has one per
// zoning).
func (a *analysis) maxDepths(ctx context.Context) error {
	var jobs []*depthJob
	var asks []depthAsk
	for _, v := range a.visits {
		for si := range v.spans {
			jb := &depthJob{v: v, sp: &v.spans[si], z: a.parts[v.spans[si].part].z, pts: a.depthPoints(v, si)}
			jobs = append(jobs, jb)
			asks = jb.firstAsks(len(jobs)-1, asks)
		}
	}
	for len(asks) > 0 {
		if err := measureDepths(ctx, jobs, asks); err != nil {
			return err
		}
		for _, jb := range jobs {
			jb.v.MaxDepthM = 0
		}
		for _, jb := range jobs {
			jb.sp.depth = 0
			for _, pt := range jb.pts {
				if pt.known {
					jb.sp.depth = math.Max(jb.sp.depth, pt.d)
				}
			}
			jb.v.MaxDepthM = math.Max(jb.v.MaxDepthM, jb.sp.depth)
		}
		asks = asks[:0]
		for i, jb := range jobs {
			asks = jb.refine(i, asks, a.opts.JitterDepthM)
		}
	}
	return nil
}

// depthPoints lists the points of span si of v whose depth may be measured:
// its fixes (the midpoint for a corner cut between two fixes), and the
// boundary crossings where the visit entered or left, of depth 0.
func (a *analysis) depthPoints(v *visit, si int) []depthPoint {
	s := &a.segs[v.seg]
	sp := &v.spans[si]
	entry, exit := si == 0 && v.EnteredByCrossing, si == len(v.spans)-1 && v.ExitedByCrossing
	var pts []depthPoint
	p := 0.0
	lon0, lat0 := at(s, sp.u)
	prev := orb.Point{lon0, lat0}
	add := func(lon, lat float64, known bool) {
		p += lipschitz * haversine(prev[0], prev[1], lon, lat)
		prev = orb.Point{lon, lat}
		pts = append(pts, depthPoint{lon: lon, lat: lat, p: p, known: known})
	}
	if entry {
		add(lon0, lat0, true)
	}
	fixes := 0
	for k := int(math.Ceil(sp.u - eps)); k <= int(math.Floor(sp.v+eps)) && k < s.Len(); k++ {
		f := float64(k)
		if (entry && f < sp.u+eps) || (exit && f > sp.v-eps) {
			continue
		}
		add(s.XY[k][0], s.XY[k][1], false)
		fixes++
	}
	if fixes == 0 { // a corner cut between two fixes: its midpoint
		lon, lat := at(s, (sp.u+sp.v)/2)
		add(lon, lat, false)
	}
	if exit {
		lon, lat := at(s, sp.v)
		add(lon, lat, true)
	}
	return pts
}

// firstAsks asks for the first, middle and last unknown points of job i.
func (jb *depthJob) firstAsks(i int, asks []depthAsk) []depthAsk {
	first, last := -1, -1
	for j, pt := range jb.pts {
		if !pt.known {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	for _, j := range []int{first, (first + last) / 2, last} {
		if j >= 0 && (len(asks) == 0 || asks[len(asks)-1] != (depthAsk{i, j})) {
			asks = append(asks, depthAsk{i, j})
		}
	}
	return asks
}

// refine asks for the middle point of each stretch between measured points
// of job i that could still hide a deeper fix than the visit's best.
func (jb *depthJob) refine(i int, asks []depthAsk, jitterDepth float64) []depthAsk {
	best := jb.v.MaxDepthM
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
			if bound > best+tol || (best <= jitterDepth && bound > jitterDepth) {
				asks = append(asks, depthAsk{i, (lo + hi) / 2})
			}
		}
		lo = hi
	}
	return asks
}

// measureDepths measures the asked points, each zoning's at once.
func measureDepths(ctx context.Context, jobs []*depthJob, asks []depthAsk) error {
	done := make([]bool, len(asks))
	for n := range asks {
		if done[n] {
			continue
		}
		z := jobs[asks[n].job].z
		var idx []int
		var xs, ys []float64
		var zs []int64
		for m := n; m < len(asks); m++ {
			jb := jobs[asks[m].job]
			if done[m] || jb.z != z {
				continue
			}
			pt := jb.pts[asks[m].pt]
			idx, xs, ys, zs = append(idx, m), append(xs, pt.lon), append(ys, pt.lat), append(zs, jb.sp.zone.id)
			done[m] = true
		}
		ds, err := z.Depths(ctx, xs, ys, zs)
		if err != nil {
			return fmt.Errorf("patrol: %w", err)
		}
		for j, m := range idx {
			pt := &jobs[asks[m].job].pts[asks[m].pt]
			pt.d, pt.known = ds[j], true
		}
	}
	return nil
}
