package cases_test

import (
	"strings"
	"testing"
	"time"

	"warden/internal/cases"
	"warden/internal/cases/casetest"
	"warden/internal/law"
	"warden/internal/problem/problemtest"
	"warden/internal/zoning"
)

// walkerRules is an agency's rule set of the family "walker": entering the
// core zone is fined up to max yuan under the act of that year.
func walkerRules(t *testing.T, year, until, max, replacedBy string) law.RuleSet {
	t.Helper()
	act := `{"code": "walker-act-` + year + `", "lang": "en", "title_en": "Walker Park Act ` + year + `", "in_force_from": "` + year + `-01-01"` + until + replacedBy + `,
	   "articles": [{"number": 1, "text": "No one may enter the core zone.\nBreaches may be fined up to ` + max + ` yuan."},
	                {"number": 2, "text": "The other zones are open to visitors."}]}`
	rs, err := law.DecodeRuleSet([]byte(`{"code": "walker-` + year + `", "family": "walker", "title_en": "Walker park rules ` + year + `",
	 "instrument": "walker-act-` + year + `", "zone_scheme": "three_zone", "in_force_from": "` + year + `-01-01"` + until + `,
	 "instruments": [` + act + `],
	 "penalties": [{"code": "p", "cite": {"article": 1, "paragraph": 2}, "ranges": [{"circumstance": "activity", "min": 0, "max": ` + max + `}]}],
	 "zones": [
	   {"kind": "core", "default": {"verdict": "prohibited", "basis": [{"article": 1, "paragraph": 1}], "penalty": "p"}},
	   {"kind": "buffer", "default": {"verdict": "allowed", "basis": [{"article": 2}]}},
	   {"kind": "experimental", "default": {"verdict": "allowed", "basis": [{"article": 2}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestLawChangeLighter: an entry into the core zone done under an agency's
// rules of 2020 (up to 500 yuan) and decided after its rules of 2024 (up to
// 100 yuan) replaced them: the case says the lighter new rule applies, with
// both maxima and Administrative Penalty Law Art. 37. The shipped Chinese
// rule sets have no such act (every range of 2026 is above its 2017
// counterpart, and what they stop prohibiting is no longer unlawful:
// TestLawChangeAtDecision), so an agency's pair shows it.
func TestLawChangeLighter(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ls := law.NewStore(f.Pool)
	for _, rs := range []law.RuleSet{
		walkerRules(t, "2024", "", "100", ""),
		walkerRules(t, "2020", `, "in_force_until": "2023-12-31"`, "500", `, "replaced_by": "walker-act-2024"`),
	} {
		if issues, err := ls.Import(ctx, rs, "qiangtang"); err != nil || len(issues) > 0 {
			t.Fatalf("import %s: %v %+v", rs.Code, err, issues)
		}
	}
	book, err := ls.Book(ctx)
	if err != nil {
		t.Fatal(err)
	}
	j, err := book.Judge(law.Act{Family: "walker", On: law.MustDate("2023-06-01"), ZoneKind: zoning.Core, Activity: "entry", Subject: law.Visitor})
	if err != nil || j.RuleSet != "walker-2020" || !j.Breach || j.Penalty == nil || j.Penalty.Max != 500 {
		t.Fatalf("entry on 2023-06-01: %+v %v", j, err)
	}
	at := time.Date(2023, 6, 1, 2, 0, 0, 0, time.UTC)
	c := f.caseOf(f.observationFinding("walker-visitor", "visitor", casetest.CorePoint, at, "entry", zoning.Core, &j))
	got, err := cases.NewStore(f.Pool, cases.Options{}).AddMeasure(ctx, c.ID,
		cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2026-04-02", Amount: ptr(80.0)}, "officer")
	if err != nil {
		t.Fatal(err)
	}
	lc := got.LawChange
	if lc == nil || lc.Applies != "new" || lc.OldRuleSet != "walker-2020" || lc.NewRuleSet != "walker-2024" || lc.NewPenalty == nil || lc.NewPenalty.Max != 100 ||
		!strings.Contains(lc.ReasonZH, "处罚较轻") || !strings.Contains(lc.ReasonEN, "are lighter (") || !strings.Contains(lc.ReasonEN, "allowed 500") ||
		lc.Basis.Instrument != "apl-2021" || lc.Basis.Article != 37 || lc.JudgedOnNew.String() != "2026-04-02" {
		t.Errorf("decided on 2026-04-02 under lighter rules: %+v", lc)
	}
}

// TestHigherAmountWithBasis: 2026 Art. 44 ¶2 lets another administrative
// regulation's higher fine apply to the acts of Arts. 40, 41 and 43. A fine
// above Art. 40's range for unlawful facilities is refused (422, saying the
// range) unless it names that regulation; under Art. 39 (markers) nothing
// lifts the cap (TestMarkerCheckOpensCase).
func TestHigherAmountWithBasis(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	c := f.caseOf(f.screen(casetest.CorePoint, "某矿业公司").Findings[0].ID)
	_, err := f.Cases.AddMeasure(ctx, c.ID, cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2026-12-01", Amount: ptr(2_000_000.0)}, "officer")
	problemtest.Want(t, err, 422, "100000 to 1000000 CNY")
	got, err := f.Cases.AddMeasure(ctx, c.ID, cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2026-12-01", Amount: ptr(2_000_000.0),
		HigherAmountBasis: "《某行政法规》第十条"}, "officer")
	if err != nil || len(got.MeasuresTaken) != 1 {
		t.Fatalf("a higher fine with its basis: %v", err)
	}
}
