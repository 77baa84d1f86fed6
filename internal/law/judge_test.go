package law_test

import (
	"context"
	"strings"
	"testing"

	"warden/internal/law"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

func book(t *testing.T) *law.Book {
	t.Helper()
	b, err := law.NewStore(testdb.New(t)).Book(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func judge(t *testing.T, b *law.Book, on string, k zoning.Kind, act string, who law.Subject) law.Judgment {
	t.Helper()
	j, err := b.Judge(law.Act{On: law.MustDate(on), ZoneKind: k, Activity: act, Subject: who})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// cites reports whether a judgment's legal basis names the instrument's
// article, paragraph and item, quoting the stored text.
func cites(j law.Judgment, ins string, art, para, item int) bool {
	for _, b := range j.LegalBasis {
		if b.Instrument == ins && b.Article == art && b.Paragraph == para && b.Item == item && b.TextZH != "" {
			return true
		}
	}
	return false
}

// Each item of 2026 Art. 26 in the core protection zone and of Art. 27 in
// the general control zone: an activity under it is allowed (or allowed
// with the approval Art. 31 asks for, to original residents, or on
// conditions), and the verdict cites the item.
func TestArticle26And27Items2026(t *testing.T) {
	b := book(t)
	for _, c := range []struct {
		kind          zoning.Kind
		article, item int
		want          law.Verdict
		activities    []string
	}{
		{zoning.CoreProtection, 26, 1, law.Allowed, []string{"patrol_monitoring", "生态修复", "research_observation", "basic_surveying", "heritage_protection", "disaster_prevention", "emergency_rescue", "law_enforcement"}},
		{zoning.CoreProtection, 26, 2, law.AllowedForOriginalResidents, []string{"grazing", "采药"}},
		{zoning.CoreProtection, 26, 2, law.AllowedWithApproval, []string{"existing_infrastructure"}},
		{zoning.CoreProtection, 26, 3, law.AllowedWithApproval, []string{"linear_infrastructure_crossing"}},
		{zoning.CoreProtection, 26, 4, law.AllowedWithApproval, []string{"national_security", "national_major_project"}},
		{zoning.CoreProtection, 26, 5, law.AllowedWithApproval, []string{"state_council_approved"}},

		{zoning.GeneralControl, 27, 1, law.Allowed, []string{"patrol_monitoring"}},
		{zoning.GeneralControl, 27, 1, law.AllowedForOriginalResidents, []string{"grazing"}},
		{zoning.GeneralControl, 27, 1, law.AllowedWithApproval, []string{"linear_infrastructure_crossing"}},
		{zoning.GeneralControl, 27, 2, law.AllowedWithApproval, []string{"planned_infrastructure"}},
		{zoning.GeneralControl, 27, 2, law.Conditional, []string{"road"}},
		{zoning.GeneralControl, 27, 3, law.AllowedWithApproval, []string{"fossil_survey", "geological_survey", "strategic_mineral_exploration"}},
		{zoning.GeneralControl, 27, 3, law.Conditional, []string{"mining"}},
		{zoning.GeneralControl, 27, 4, law.Allowed, []string{"rewilding_breeding", "标本采集"}},
		{zoning.GeneralControl, 27, 5, law.Allowed, []string{"forest_tending"}},
		{zoning.GeneralControl, 27, 5, law.Conditional, []string{"logging"}},
		{zoning.GeneralControl, 27, 6, law.Allowed, []string{"science_education", "eco_tourism", "education_culture_sport"}},
		{zoning.GeneralControl, 27, 7, law.AllowedWithApproval, []string{"state_council_approved"}},
	} {
		for _, activity := range c.activities {
			j := judge(t, b, "2026-06-01", c.kind, activity, law.OriginalResident)
			if j.Verdict != c.want || j.Breach || !cites(j, "nrr-2026", c.article, 1, c.item) {
				t.Errorf("%s in %s: %s breach=%v basis %+v; want %s citing Art. %d(%d)", activity, c.kind, j.Verdict, j.Breach, j.LegalBasis, c.want, c.article, c.item)
			}
		}
	}
}

// Outside the closed lists: prohibited, with the penalty ranges of Art. 40
// (core protection) and Art. 41 (general control).
func TestOutsideTheLists2026(t *testing.T) {
	b := book(t)
	for _, c := range []struct {
		kind         zoning.Kind
		activity     string
		art          string
		circ         string
		min, max     int64
		basisArticle int
	}{
		{zoning.GeneralControl, "采石", "Art. 41", "facilities", 50000, 500000, 27},
		{zoning.GeneralControl, "hunting", "Art. 41", "activity", 0, 50000, 27},
		{zoning.GeneralControl, "production_facility", "Art. 41", "facilities", 50000, 500000, 27},
		{zoning.CoreProtection, "sand_digging", "Art. 40", "activity", 0, 100000, 26},
		{zoning.CoreProtection, "eco_tourism", "Art. 40", "activity", 0, 100000, 26},
		{zoning.CoreProtection, "hydropower", "Art. 40", "facilities", 100000, 1000000, 26},
	} {
		j := judge(t, b, "2026-06-01", c.kind, c.activity, law.Visitor)
		p := j.Penalty
		if j.Verdict != law.Prohibited || !j.Breach || !cites(j, "nrr-2026", c.basisArticle, 1, 0) || p == nil ||
			!strings.HasSuffix(p.CiteEN, c.art) || p.Circumstance != c.circ || *p.MinYuan != c.min || *p.MaxYuan != c.max || len(p.Ranges) != 3 {
			t.Errorf("%s in %s: %+v penalty %+v", c.activity, c.kind, j, p)
		}
	}
	j := judge(t, b, "2026-06-01", zoning.GeneralControl, "quarrying", law.Visitor)
	if !strings.Contains(j.SentenceZH, "5万元以上50万元以下") || !strings.Contains(j.SentenceZH, "第四十一条") {
		t.Errorf("sentence %q", j.SentenceZH)
	}
}

// The same visitor in the old core zone: on 2026-03-14 the 2017 Regulations
// (Art. 18, 27; fine under Art. 34), on 2026-03-15 the 2026 Regulations
// through the zone conversion (Art. 26, fine under Art. 40).
func TestDateBoundary(t *testing.T) {
	b := book(t)
	old := judge(t, b, "2026-03-14", zoning.Core, "entry", law.Visitor)
	if old.RuleSet != "cn-nrr-2017" || old.Verdict != law.Prohibited || !cites(old, "nrr-2017", 27, 1, 0) ||
		old.Penalty == nil || !strings.HasSuffix(old.Penalty.CiteEN, "Art. 34 (2)") || old.Penalty.Max != 5000 || old.ZoneLabelZH != "核心区" {
		t.Errorf("2026-03-14: %+v", old)
	}
	nw := judge(t, b, "2026-03-15", zoning.Core, "entry", law.Visitor)
	if nw.RuleSet != "cn-nrr-2026" || nw.Verdict != law.Prohibited || !cites(nw, "nrr-2026", 26, 1, 0) ||
		nw.Penalty == nil || !strings.HasSuffix(nw.Penalty.CiteEN, "Art. 40") || nw.Penalty.Max != 100000 ||
		nw.JudgedAs != zoning.CoreProtection || nw.ZoneLabelZH != "核心区（按核心保护区管理）" {
		t.Errorf("2026-03-15: %+v", nw)
	}
	buf := judge(t, b, "2026-03-15", zoning.Buffer, "entry", law.Visitor)
	if buf.ZoneLabelZH != "缓冲区（按核心保护区管理）" || buf.Verdict != law.Prohibited {
		t.Errorf("buffer after the change: %s %s", buf.ZoneLabelZH, buf.Verdict)
	}
	exp := judge(t, b, "2026-03-15", zoning.Experimental, "entry", law.Visitor)
	if exp.JudgedAs != zoning.GeneralControl || exp.Verdict != law.Allowed {
		t.Errorf("experimental after the change: %s %s", exp.JudgedAs, exp.Verdict)
	}
	per := judge(t, b, "2026-03-15", zoning.Peripheral, "quarrying", law.Visitor)
	if per.Verdict != law.Outside || per.Breach {
		t.Errorf("peripheral belt after the change: %+v", per)
	}
}

// Original resident against visitor grazing, in both zones, under both texts.
func TestGrazingResidentVisitor(t *testing.T) {
	b := book(t)
	for _, c := range []struct {
		on     string
		kind   zoning.Kind
		who    law.Subject
		breach bool
		pen    string
	}{
		{"2025-07-01", zoning.Core, law.OriginalResident, true, "Art. 35"},
		{"2025-07-01", zoning.Core, law.Visitor, true, "Art. 35"},
		{"2025-07-01", zoning.Experimental, law.OriginalResident, true, "Art. 35"},
		{"2025-07-01", zoning.Experimental, law.Visitor, true, "Art. 35"},
		{"2026-07-01", zoning.CoreProtection, law.OriginalResident, false, "Art. 42"},
		{"2026-07-01", zoning.CoreProtection, law.Visitor, true, "Art. 40"},
		{"2026-07-01", zoning.GeneralControl, law.OriginalResident, false, "Art. 42"},
		{"2026-07-01", zoning.GeneralControl, law.Visitor, true, "Art. 41"},
		{"2026-07-01", zoning.Experimental, law.OriginalResident, false, "Art. 42"},
		{"2026-07-01", zoning.Experimental, law.Visitor, true, "Art. 41"},
	} {
		j := judge(t, b, c.on, c.kind, "放牧", c.who)
		if j.Breach != c.breach || j.Penalty == nil || !strings.HasSuffix(j.Penalty.CiteEN, c.pen) {
			t.Errorf("%s %s %s: breach=%v penalty %+v, want breach=%v under %s", c.on, c.kind, c.who, j.Breach, j.Penalty, c.breach, c.pen)
		}
		if c.on > "2026" && !cites(j, "nrr-2026", 29, 1, 0) {
			t.Errorf("%s %s %s: no Art. 29 in %+v", c.on, c.kind, c.who, j.LegalBasis)
		}
	}
}

// Chinese names and aliases resolve to the same activity as the code.
func TestActivityNames(t *testing.T) {
	for name, code := range map[string]string{"采石": "quarrying", "quarrying": "quarrying", "Quarrying": "quarrying", "采砂": "sand_digging",
		"盗伐": "logging", "放牧": "grazing", "巡护": "patrol_monitoring", "生态旅游": "eco_tourism", "损毁界桩": "marker_damage"} {
		a, ok := law.ResolveActivity(name)
		if !ok || a.Code != code {
			t.Errorf("%s → %q %v, want %s", name, a.Code, ok, code)
		}
	}
	if _, ok := law.ResolveActivity("teleporting"); ok {
		t.Error("unknown activity resolved")
	}
}
