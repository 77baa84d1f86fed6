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

// Each item of 2026 Art. 26: an activity under it is allowed (or allowed
// with the approval Art. 31 asks for, or to original residents) in the core
// protection zone, and the verdict cites the item.
func TestArticle26Items2026(t *testing.T) {
	b := book(t)
	for _, c := range []struct {
		item     int
		activity string
		want     law.Verdict
	}{
		{1, "patrol_monitoring", law.Allowed}, {1, "生态修复", law.Allowed}, {1, "research_observation", law.Allowed},
		{1, "basic_surveying", law.Allowed}, {1, "heritage_protection", law.Allowed}, {1, "disaster_prevention", law.Allowed},
		{1, "emergency_rescue", law.Allowed}, {1, "law_enforcement", law.Allowed},
		{2, "grazing", law.AllowedForOriginalResidents}, {2, "采药", law.AllowedForOriginalResidents},
		{2, "existing_infrastructure", law.AllowedWithApproval},
		{3, "linear_infrastructure_crossing", law.AllowedWithApproval},
		{4, "national_security", law.AllowedWithApproval}, {4, "national_major_project", law.AllowedWithApproval},
		{5, "state_council_approved", law.AllowedWithApproval},
	} {
		j := judge(t, b, "2026-06-01", zoning.CoreProtection, c.activity, law.OriginalResident)
		if j.Verdict != c.want || j.Breach || !cites(j, "nrr-2026", 26, 1, c.item) {
			t.Errorf("%s in core protection: %s breach=%v basis %+v; want %s citing Art. 26(%d)", c.activity, j.Verdict, j.Breach, j.LegalBasis, c.want, c.item)
		}
	}
}

// Each item of 2026 Art. 27 in the general control zone.
func TestArticle27Items2026(t *testing.T) {
	b := book(t)
	for _, c := range []struct {
		item     int
		activity string
		want     law.Verdict
	}{
		{1, "patrol_monitoring", law.Allowed}, {1, "grazing", law.AllowedForOriginalResidents}, {1, "linear_infrastructure_crossing", law.AllowedWithApproval},
		{2, "planned_infrastructure", law.AllowedWithApproval}, {2, "road", law.Conditional},
		{3, "fossil_survey", law.AllowedWithApproval}, {3, "geological_survey", law.AllowedWithApproval},
		{3, "strategic_mineral_exploration", law.AllowedWithApproval}, {3, "mining", law.Conditional},
		{4, "rewilding_breeding", law.Allowed}, {4, "标本采集", law.Allowed},
		{5, "forest_tending", law.Allowed}, {5, "logging", law.Conditional},
		{6, "science_education", law.Allowed}, {6, "eco_tourism", law.Allowed}, {6, "education_culture_sport", law.Allowed},
		{7, "state_council_approved", law.AllowedWithApproval},
	} {
		j := judge(t, b, "2026-06-01", zoning.GeneralControl, c.activity, law.OriginalResident)
		if j.Verdict != c.want || j.Breach || !cites(j, "nrr-2026", 27, 1, c.item) {
			t.Errorf("%s in general control: %s breach=%v basis %+v; want %s citing Art. 27(%d)", c.activity, j.Verdict, j.Breach, j.LegalBasis, c.want, c.item)
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
