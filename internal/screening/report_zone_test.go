package screening_test

import (
	"html"
	"strings"
	"testing"
	"time"

	"warden/internal/geoio"
	"warden/internal/screening"
	"warden/internal/zoning"
)

// TestReportTimeZone: the printable report writes when the screening was
// made in the service's time zone with its offset (the case time zone
// setting, passed in as Options.Location), China Standard Time by default.
func TestReportTimeZone(t *testing.T) {
	pool, beijing := sampleDB(t)
	ctx := t.Context()
	bogota, err := time.LoadLocation("America/Bogota") // UTC-5, no summer time
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := screening.NewStore(pool, screening.Options{Location: bogota})
	sc, err := beijing.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: square(inside(t, pool, "qiangtang", zoning.Core), 200)}},
		Activity: "quarrying"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s      *screening.Store
		offset string
	}{{beijing, "+08:00"}, {elsewhere, "-05:00"}} {
		page, err := c.s.Report(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := sc.CreatedAt.In(time.FixedZone("", map[string]int{"+08:00": 8 * 3600, "-05:00": -5 * 3600}[c.offset])).Format("2006-01-02 15:04:05 ") + c.offset
		if !strings.Contains(html.UnescapeString(string(page)), want) {
			t.Errorf("report in %s: does not say %q", c.offset, want)
		}
	}
}
