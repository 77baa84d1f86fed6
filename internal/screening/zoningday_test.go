package screening_test

import (
	"fmt"
	"testing"

	"warden/internal/geoio"
	"warden/internal/sample/sampletest"
	"warden/internal/screening"
	"warden/internal/zoning"
)

// TestScreeningZoningOfItsDay: Qiangtang's two-zone zoning is approved on
// 2026-06-01. A quarry in the old buffer zone that started on 2026-05-20 is
// located in the three zones in force that day (buffer, judged as core
// protection zone), and its finding lies in the buffer; screened as a
// proposed project today, it lies in the core protection zone of the
// current zoning.
func TestScreeningZoningOfItsDay(t *testing.T) {
	pool := sampletest.New(t)
	ctx := t.Context()
	s, err := engineStore(ctx, pool, screening.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := point(t, pool, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(z.geom) AS p FROM zone z
		JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang' AND z.kind = 'buffer') s`)
	for _, c := range []struct {
		status  screening.Status
		started string
		version int
		scheme  zoning.Scheme
		kind    zoning.Kind
		label   string
	}{
		{screening.UnderConstruction, "2026-05-20", 1, zoning.ThreeZone, zoning.Buffer, "缓冲区（按核心保护区管理）"},
		{screening.Proposed, "", 2, zoning.TwoZone, zoning.CoreProtection, "核心保护区"},
	} {
		sc, err := s.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: square(p, 300)}}, Activity: "quarrying",
			Project: screening.Project{Name: "采石场", Status: c.status, StartedOn: c.started}})
		if err != nil {
			t.Fatal(err)
		}
		if len(sc.Reserves) != 1 {
			t.Fatalf("started %q: reserves %+v", c.started, sc.Reserves)
		}
		rr := sc.Reserves[0]
		var in []string
		for _, z := range rr.Zones {
			if z.Intersects {
				in = append(in, fmt.Sprintf("%s %s %s", z.Kind, z.Rule.Verdict, z.Rule.ZoneLabelZH))
			}
		}
		want := fmt.Sprintf("[%s prohibited %s]", c.kind, c.label)
		if rr.ZoningVersion != c.version || rr.Scheme != c.scheme || fmt.Sprint(in) != want {
			t.Errorf("started %q: version %d %s, in %v; want version %d %s, %s", c.started, rr.ZoningVersion, rr.Scheme, in, c.version, c.scheme, want)
		}
		if c.status == screening.UnderConstruction && (len(sc.Findings) != 1 || sc.Findings[0].ZoneKind != c.kind) {
			t.Errorf("started %q: findings %+v", c.started, sc.Findings)
		}
		if _, err := s.Report(ctx, sc.ID); err != nil {
			t.Errorf("report of %d: %v", sc.ID, err)
		}
	}
}
