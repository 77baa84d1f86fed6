package screening_test

import (
	"strings"
	"testing"

	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/screening"
	"warden/internal/zoning"
)

// TestReportQuotesImpactAssessment: screened on a day the Ecological
// Environment Code is in force (from 2026-08-15), a project's report quotes
// the Code's impact-assessment articles from the shipped text; a project
// that started before the Code has none.
func TestReportQuotesImpactAssessment(t *testing.T) {
	pool, s := sampleDB(t)
	ctx := t.Context()
	g := square(inside(t, pool, "qiangtang", zoning.Experimental), 300)
	eec, err := law.ShippedText("eec-2026")
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for _, c := range []struct {
		started string
		status  screening.Status
		quoted  bool
	}{
		{"", screening.Proposed, true},
		{"2026-09-01", screening.UnderConstruction, true},
		{"2026-08-14", screening.UnderConstruction, false},
	} {
		sc, err := s.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: g}}, Activity: "road",
			Project: screening.Project{Name: "道路", Status: c.status, StartedOn: c.started}})
		if err != nil {
			t.Fatal(err)
		}
		report, err := s.Report(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		html := string(report)
		got := len(sc.Law.ImpactAssessment) > 0
		if got != c.quoted || strings.Contains(html, "生态环境影响评价 Environmental impact assessment") != c.quoted {
			t.Errorf("started %q: impact assessment quoted %v, want %v", c.started, got, c.quoted)
			continue
		}
		if !c.quoted {
			continue
		}
		var arts []int
		for _, b := range sc.Law.ImpactAssessment {
			arts = append(arts, b.Article)
			if b.Instrument != "eec-2026" || b.TextZH == "" || !strings.Contains(norm(eec), norm(strings.Split(b.TextZH, "\n")[0])) {
				t.Errorf("%s is not quoted from the shipped text: %q", b.CiteZH, b.TextZH)
			}
		}
		for _, want := range []string{"《生态环境法典》第八十三条", "建设对生态环境有影响的项目，应当依法进行生态环境影响评价", "第一百零七条",
			"不得开工建设", "第一百零五条第一项", "Ecological Environment Code, Art. 107"} {
			if !strings.Contains(html, want) {
				t.Errorf("started %q: the report does not quote %q", c.started, want)
			}
		}
		if len(arts) != 4 || arts[0] != 83 || arts[3] != 107 {
			t.Errorf("articles %v", arts)
		}
	}
}
