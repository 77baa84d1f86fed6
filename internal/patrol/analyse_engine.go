package patrol

import (
	"math"
	"slices"

	"warden/internal/zoning"
	"warden/internal/zoning/engine"
)

// The analysis's questions answered by the zone engine's index (a.ix) for
// a track on a day of the current zoning: the same answers as the SQL in
// analyse.go, without a round trip per question. Crossings and containment
// are the same planar lon/lat tests; depths are measured to the boundary's
// lon/lat edges (zoning's one boundary), where the SQL measures to geodesics
// between the same vertices.

// crossingsIndex is crossings from the index.
func (a *analysis) crossingsIndex() [][]float64 {
	out := make([][]float64, len(a.segs))
	for si, s := range a.segs {
		out[si] = a.ix.Crossings(s.XY)
	}
	return out
}

// locateIndex is locate from the index: the zones covering each point, by
// id, recorded in a.zones.
func (a *analysis) locateIndex(xs, ys []float64) [][]int64 {
	out := make([][]int64, len(xs))
	for i := range xs {
		a.ix.Covering(xs[i], ys[i], func(z *engine.Zone, _ engine.Position) {
			if _, ok := a.zones[z.ID]; !ok {
				a.zones[z.ID] = zoneInfo{id: z.ID, reserveID: z.ReserveID, reserve: z.Reserve, name: z.Name, kind: zoning.Kind(z.Kind)}
			}
			out[i] = append(out[i], z.ID)
		})
		slices.Sort(out[i])
	}
	return out
}

// depthsIndex is depths from the index: each point's distance to the
// boundary of its zone (0 for a zone the index does not hold).
func (a *analysis) depthsIndex(xs, ys []float64, zs []int64) []float64 {
	out := make([]float64, len(xs))
	for i := range xs {
		if d := a.ix.DistanceToBoundary(zs[i], xs[i], ys[i]); !math.IsNaN(d) {
			out[i] = d
		}
	}
	return out
}
