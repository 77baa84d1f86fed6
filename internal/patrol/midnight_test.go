package patrol

import (
	"math"
	"strings"
	"testing"
	"time"

	"warden/internal/geoio"
	"warden/internal/zoning"
)

// wander is a visitor's fixes every 30 s from start to end, within 0.001°
// of (lon, lat).
func wander(lon, lat float64, start, end time.Time) []fx {
	var out []fx
	for i, t := 0, start; !t.After(end); i, t = i+1, t.Add(30*time.Second) {
		out = append(out, fx{lon + 0.001*math.Sin(float64(i)/7), lat + 0.001*math.Cos(float64(i)/5), t})
	}
	return out
}

var shanghai = time.FixedZone("+08:00", 8*3600)

// TestTrackAcrossLawChange: a visitor inside the squares reserve's core
// zone from 2026-03-14 23:30 to 2026-03-15 00:40 (+08:00) makes one visit,
// judged in two findings: under the 2017 Regulations until midnight, and
// under the 2026 Regulations (Art. 26, penalty Art. 40) after.
func TestTrackAcrossLawChange(t *testing.T) {
	_, s := squaresDB(t, Options{})
	start, end := time.Date(2026, 3, 14, 23, 30, 0, 0, shanghai), time.Date(2026, 3, 15, 0, 40, 0, 0, shanghai)
	midnight := time.Date(2026, 3, 15, 0, 0, 0, 0, shanghai)
	tr := upload(t, s, Input{Subject: "游客丙", SubjectKind: Visitor}, gpxFile([][]fx{wander(100.05, 30.05, start, end)}))
	if len(tr.Visits) != 1 {
		t.Fatalf("%d visits, want one across midnight: %+v", len(tr.Visits), tr.Visits)
	}
	v := tr.Visits[0]
	if v.ZoneKind != zoning.Core || v.EnteredByCrossing || v.ExitedByCrossing || !v.EnteredAt.Equal(start) || !v.ExitedAt.Equal(end) {
		t.Errorf("visit %+v, want the core from %v to %v", v, start, end)
	}
	if len(tr.Findings) != 2 {
		t.Fatalf("%d findings, want two (before and after midnight): %+v", len(tr.Findings), tr.Findings)
	}
	for i, c := range []struct {
		ruleSet, article, penalty, local string
		from, to                         time.Time
	}{
		{"cn-nrr-2017", "nrr-2017/", "", "2026-03-14 23:30:00+08:00至2026-03-15 00:00:00+08:00", start, midnight},
		{"cn-nrr-2026", "nrr-2026/26", "Art. 40", "2026-03-15 00:00:00+08:00至2026-03-15 00:40:00+08:00", midnight, end},
	} {
		f := tr.Findings[i]
		if f.RuleSet != c.ruleSet || f.Kind != FindingProhibitedEntry || f.VisitID == nil || *f.VisitID != v.ID ||
			!f.ObservedAt.Equal(c.from) || !f.ObservedUntil.Equal(c.to) || !strings.Contains(f.BasisZH, c.local) {
			t.Errorf("finding %d: %s %s %v..%v visit %v\n%s\nwant %s %v..%v", i, f.RuleSet, f.Kind, f.ObservedAt, f.ObservedUntil, f.VisitID, f.BasisZH, c.ruleSet, c.from, c.to)
		}
		if !strings.HasPrefix(strings.Join(f.Articles, " "), c.article) {
			t.Errorf("finding %d cites %v, want %s…", i, f.Articles, c.article)
		}
		if c.penalty != "" && (f.Penalty == nil || !strings.HasSuffix(f.Penalty.CiteEN, c.penalty)) {
			t.Errorf("finding %d: penalty %+v, want %s", i, f.Penalty, c.penalty)
		}
	}
}

// squaresV2 is the squares reserve's second zoning: the core grown to
// 100.03..100.07, the buffer a ring around it.
const squaresV2 = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"kind":"experimental"},"geometry":{"type":"Polygon","coordinates":[
  [[100.00,30.00],[100.10,30.00],[100.10,30.10],[100.00,30.10],[100.00,30.00]],
  [[100.02,30.02],[100.02,30.08],[100.08,30.08],[100.08,30.02],[100.02,30.02]]]}},
 {"type":"Feature","properties":{"kind":"buffer"},"geometry":{"type":"Polygon","coordinates":[
  [[100.02,30.02],[100.08,30.02],[100.08,30.08],[100.02,30.08],[100.02,30.02]],
  [[100.03,30.03],[100.03,30.07],[100.07,30.07],[100.07,30.03],[100.03,30.03]]]}},
 {"type":"Feature","properties":{"kind":"core"},"geometry":{"type":"Polygon","coordinates":[
  [[100.03,30.03],[100.07,30.03],[100.07,30.07],[100.03,30.07],[100.03,30.03]]]}}]}`

// TestTrackAcrossZoningChange: the squares reserve's second zoning, whose
// core takes in part of the old buffer, is approved on 2024-06-01. A
// visitor standing in that part from 23:30 on 31 May to 00:30 (+08:00) is
// in the buffer of the old zoning until midnight and in the core of the new
// one after: two visits meeting at midnight, neither by crossing, each with
// its depth in its own zoning, and a finding for each. The zone engine
// (with its index of the older zoning) and PostGIS agree on the visits.
func TestTrackAcrossZoningChange(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	ctx := t.Context()
	feats, err := geoio.DecodeGeoJSON([]byte(squaresV2), geoio.GeoJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zoning.NewStore(pool).PutZones(ctx, "squares", feats, zoning.VersionInput{ApprovedOn: "2024-06-01"}); err != nil {
		t.Fatal(err)
	}
	start, end := time.Date(2024, 5, 31, 23, 30, 0, 0, shanghai), time.Date(2024, 6, 1, 0, 30, 0, 0, shanghai)
	midnight := time.Date(2024, 6, 1, 0, 0, 0, 0, shanghai)
	fixes := wander(100.035, 30.05, start, end)
	tr := upload(t, s, Input{Subject: "游客丁", SubjectKind: Visitor}, gpxFile([][]fx{fixes}))
	if len(tr.Visits) != 2 {
		t.Fatalf("%d visits, want the old buffer then the new core: %+v", len(tr.Visits), tr.Visits)
	}
	b, c := tr.Visits[0], tr.Visits[1]
	if b.ZoneKind != zoning.Buffer || !b.ExitedAt.Equal(midnight) || b.ExitedByCrossing || b.MaxDepthM < 300 {
		t.Errorf("first visit %+v, want the buffer until midnight", b)
	}
	if c.ZoneKind != zoning.Core || !c.EnteredAt.Equal(midnight) || c.EnteredByCrossing || c.MaxDepthM < 300 || c.ZoneID == b.ZoneID {
		t.Errorf("second visit %+v, want the new core from midnight", c)
	}
	if len(tr.Findings) != 2 || tr.Findings[0].ZoneKind != zoning.Buffer || tr.Findings[1].ZoneKind != zoning.Core {
		t.Errorf("findings %+v, want one in the buffer and one in the core", tr.Findings)
	}
	var segFixes []geoio.Fix
	for _, f := range fixes {
		segFixes = append(segFixes, geoio.Fix{Lon: f.lon, Lat: f.lat, Time: f.t})
	}
	byEngine, bySQL := analyseBoth(t, s, segsOf(segFixes))
	if len(byEngine) != 2 || len(bySQL) != 2 {
		t.Fatalf("engine %d visits, SQL %d", len(byEngine), len(bySQL))
	}
	for i, w := range bySQL {
		g := byEngine[i]
		if g.ZoneID != w.ZoneID || !g.EnteredAt.Equal(*w.EnteredAt) || !g.ExitedAt.Equal(*w.ExitedAt) || g.Fixes != w.Fixes ||
			math.Abs(g.LengthM-w.LengthM) > 1e-3 || math.Abs(g.MaxDepthM-w.MaxDepthM) > math.Max(depthTolM, depthTolRel*w.MaxDepthM) {
			t.Errorf("visit %d:\nengine %+v\n   SQL %+v", i, g, w)
		}
	}
}

// analyseBoth analyses segs, cut by day as Save cuts them, once by the zone
// engine and once by PostGIS, and returns both visit lists.
func analyseBoth(t *testing.T, s *Store, segs []geoio.Segment) (byEngine, bySQL []Visit) {
	t.Helper()
	ctx := t.Context()
	rb, err := s.ruleBook(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var totals Totals
	first, last := timeTotals(segs, &totals)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	plain := &Store{pool: s.pool, opts: s.opts}
	for _, st := range []*Store{s, plain} {
		z0, cuts, err := st.dayCuts(ctx, tx, &first, &last, rb)
		if err != nil {
			t.Fatal(err)
		}
		if z0.FromEngine() != (st.eng != nil) {
			t.Fatalf("engine %v, answered from the engine %v", st.eng != nil, z0.FromEngine())
		}
		a := &analysis{segs: segs, opts: s.opts, z0: z0, cuts: cuts, parts: parts(segs, z0, cuts)}
		if err := a.run(ctx); err != nil {
			t.Fatal(err)
		}
		var vs []Visit
		for _, v := range a.visits {
			vs = append(vs, v.Visit)
		}
		if st == s {
			byEngine = vs
		} else {
			bySQL = vs
		}
	}
	return byEngine, bySQL
}
