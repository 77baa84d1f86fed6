package law_test

import (
	"strings"
	"testing"

	"warden/internal/law"
	"warden/internal/zoning"
)

// TestTranslationsMatchTheText: every shipped English translation has the
// paragraphs and items of the Chinese article it renders, and every article
// of the 2026 Regulations that a shipped rule set cites is translated.
func TestTranslationsMatchTheText(t *testing.T) {
	ins, err := law.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]law.Instrument{}
	for _, in := range ins {
		byCode[in.Code] = in
	}
	ts, err := law.Translations()
	if err != nil {
		t.Fatal(err)
	}
	if ts["nrr-2026"] == nil || !strings.Contains(ts["nrr-2026"].NoteEN, "Unofficial") {
		t.Fatalf("no marked translation of nrr-2026: %+v", ts)
	}
	for code, tr := range ts {
		in, ok := byCode[code]
		if !ok {
			t.Errorf("translation of unknown instrument %s", code)
			continue
		}
		for _, ta := range tr.Articles {
			a, ok := in.Article(ta.Number)
			if !ok || len(a.Paragraphs) != len(ta.Paragraphs) {
				t.Errorf("%s art. %d: %d paragraphs in English, %d in Chinese", code, ta.Number, len(ta.Paragraphs), len(a.Paragraphs))
				continue
			}
			for i, p := range ta.Paragraphs {
				if len(p.Items) != len(a.Paragraphs[i].Items) || strings.TrimSpace(p.Text) == "" {
					t.Errorf("%s art. %d ¶%d: %d items in English, %d in Chinese", code, ta.Number, i+1, len(p.Items), len(a.Paragraphs[i].Items))
				}
			}
		}
	}
	sets, err := law.ShippedRuleSets()
	if err != nil {
		t.Fatal(err)
	}
	book := law.NewBook(append([]law.RuleSet{}, sets...), ins)
	for _, rs := range sets {
		if rs.Instrument != "nrr-2026" {
			continue
		}
		v, err := book.View(rs.Family, rs.InForceFrom, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range v.Provisions {
			if p.Instrument == "nrr-2026" && (p.TextEN == "" || p.TextENNote != law.TranslationNoteEN) {
				t.Errorf("%s is quoted without its English: %+v", p.CiteEN, p)
			}
		}
	}
	// An item is quoted with its paragraph's opening, as in Chinese.
	j, err := book.Judge(law.Act{On: law.MustDate("2026-06-01"), ZoneKind: zoning.GeneralControl, Activity: "eco_tourism", Subject: law.Visitor})
	if err != nil {
		t.Fatal(err)
	}
	if b := j.LegalBasis[0]; b.TextEN != "Only the following human activities are allowed in the general control zone of a nature reserve:\n(6) public service activities such as science popularisation, eco-tourism, education, culture and sport;" {
		t.Errorf("Art. 27 (6) in English: %q", b.TextEN)
	}
}
