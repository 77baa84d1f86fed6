package screening

import (
	"math"
	"sort"

	"warden/internal/zoning"
)

// judge turns the measurements into the per-zone table, the verdict and its reasons.
func judge(req Request, act Activity, rules map[string]map[zoning.Kind]Rule, arts []Article, fp footprint, c computed) Result {
	byCode := map[string]Article{}
	for _, a := range arts {
		byCode[a.Code] = a
	}
	res := Result{
		Activity: act, Project: req.Project, SearchDistanceM: req.DistanceM,
		Footprint: Footprint{
			Format: req.Format, FileName: req.FileName, CRS: req.CRS.String(), Features: fp.features,
			FeaturesWithoutGeometry: fp.skipped, Vertices: fp.verts,
			Measure: fp.measure(), AreaM2: fp.areaM2, AreaHa: fp.areaM2 / 1e4, LengthM: fp.lengthM, Points: fp.points,
			BBox: fp.bbox[:],
		},
		Verdict:  Outside,
		Reasons:  []Reason{},
		Reserves: []ReserveResult{},
	}
	cited := map[string]bool{}
	for _, ri := range c.reserves {
		rr := ReserveResult{Code: ri.code, NameZH: ri.nameZH, NameEN: ri.nameEN, Scheme: ri.scheme, Illustrative: ri.illustrative,
			ZoningVersion: ri.version, Verdict: Outside, DistanceM: math.Inf(1)}
		kinds := ri.kinds
		sort.Slice(kinds, func(i, j int) bool { return kinds[i].kind.Rank() < kinds[j].kind.Rank() })
		for _, k := range kinds {
			z := zoneResult(k, c.m[zoneKey{ri.id, k.kind}], rules[ri.code][k.kind], fp)
			if z.Intersects {
				rr.Intersects = true
				if z.Rule.Verdict.Severity() > rr.Verdict.Severity() {
					rr.Verdict = z.Rule.Verdict
				}
				res.Reasons = append(res.Reasons, zoneReason(ri, z, act, byCode, fp))
			}
			for _, a := range z.Rule.Articles {
				cited[a] = true
			}
			rr.DistanceM = math.Min(rr.DistanceM, z.DistanceM)
			rr.Zones = append(rr.Zones, z)
		}
		if rr.Verdict.Severity() > res.Verdict.Severity() {
			res.Verdict = rr.Verdict
		}
		res.Reserves = append(res.Reserves, rr)
	}
	// Reserves the footprint touches first, then by distance.
	sort.SliceStable(res.Reserves, func(i, j int) bool {
		a, b := res.Reserves[i], res.Reserves[j]
		if a.Intersects != b.Intersects {
			return a.Intersects
		}
		return a.DistanceM < b.DistanceM
	})
	// The most severe reasons first.
	sort.SliceStable(res.Reasons, func(i, j int) bool {
		return res.Reasons[i].Verdict.Severity() > res.Reasons[j].Verdict.Severity()
	})
	if res.Verdict == Outside {
		res.Reasons = append(res.Reasons, outsideReason(res, req.DistanceM))
	}
	res.VerdictZH, res.VerdictEN = res.Verdict.ZH(), res.Verdict.EN()
	res.Articles = []Article{}
	for _, a := range arts {
		if cited[a.Code] {
			res.Articles = append(res.Articles, a)
		}
	}
	return res
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return math.Min(1, a/b)
}

// zoneResult is the line of the per-zone table for zone kind k, measured m
// (nil: not near the footprint), judged by rule.
func zoneResult(k kindInfo, m *measured, rule Rule, fp footprint) ZoneResult {
	z := ZoneResult{Kind: k.kind, KindZH: k.kind.ZH(), KindEN: k.kind.EN(), ZoneAreaHa: k.areaHa, Rule: rule}
	if m != nil {
		// Touching a zone (a shared edge, a line ending on the
		// boundary) is distance 0 but not being in it.
		z.Intersects = m.areaM2 > minOverlapM2 || m.lengthM > minOverlapM || m.points > 0
		z.AreaM2, z.AreaHa, z.LengthM, z.Points = m.areaM2, m.areaM2/1e4, m.lengthM, m.points
		switch {
		case m.hit:
			z.DistanceM = 0
		case m.dist != nil:
			z.DistanceM = *m.dist
		}
	}
	if z.Intersects {
		switch fp.measure() {
		case "area":
			z.FootprintShare = ratio(z.AreaM2, fp.areaM2)
		case "length":
			z.FootprintShare = ratio(z.LengthM, fp.lengthM)
		default:
			z.FootprintShare = ratio(float64(z.Points), float64(fp.points))
		}
		z.ZoneShare = ratio(z.AreaM2, k.areaHa*1e4)
	}
	return z
}
