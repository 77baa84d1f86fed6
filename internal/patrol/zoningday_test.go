package patrol

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"
	"warden/internal/sample/sampletest"
)

// TestVisitsInZoningOfTheDay: Qiangtang's two-zone zoning is approved on
// 2026-06-01. The same drive into the old core zone, on 2026-05-20, visits
// the three zones in force that day, each with its depth; on 2026-06-10 it
// visits the two zones of the new zoning.
func TestVisitsInZoningOfTheDay(t *testing.T) {
	pool := sampletest.New(t)
	s := withEngine(t, pool, NewStore(pool, Options{}))
	cx, cy := qiangtangCore(t, pool)
	drive := func(start time.Time) []fx {
		var seg []fx
		north := 36.9
		n := int((north - cy) / 0.05)
		for i := 0; i <= n; i++ {
			seg = append(seg, fx{cx, north - float64(i)*0.05, start.Add(time.Duration(i) * 5 * time.Minute)})
		}
		return seg
	}
	for _, c := range []struct {
		day   time.Time
		kinds string
	}{
		{time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC), "[buffer core experimental]"},
		{time.Date(2026, 6, 10, 2, 0, 0, 0, time.UTC), "[core_protection general_control]"},
	} {
		tr := upload(t, s, Input{Subject: "游客乙", SubjectKind: Visitor}, gpxFile([][]fx{drive(c.day)}))
		var kinds []string
		for _, v := range tr.Visits {
			kinds = append(kinds, string(v.ZoneKind))
			if v.MaxDepthM <= 0 || math.IsNaN(v.MaxDepthM) {
				t.Errorf("%s: visit of %s without a depth: %+v", c.day.Format(time.DateOnly), v.ZoneKind, v)
			}
		}
		sort.Strings(kinds)
		if fmt.Sprint(kinds) != c.kinds {
			t.Errorf("%s: visits %v, want %s", c.day.Format(time.DateOnly), kinds, c.kinds)
		}
	}
}
