package law

import (
	"fmt"
	"sort"
	"strings"

	"warden/internal/zoning"
)

// DefaultFamily judges reserves that name no rule family: Chinese nature
// reserves, under the 2017 Regulations until 2026-03-14 and the 2026
// Regulations from 2026-03-15.
const DefaultFamily = "cn-nature-reserve"

// Subject is who did the act. Only original residents change verdicts
// (allowed_for_original_residents); the others are kept for the record.
type Subject string

// Subjects of tracks, live positions and cases.
const (
	Ranger           Subject = "ranger"
	Researcher       Subject = "researcher_with_permit"
	OriginalResident Subject = "original_resident"
	Visitor          Subject = "visitor"
	Vehicle          Subject = "vehicle"
	UnknownSubject   Subject = "unknown"
)

// Book is the law Warden judges with: rule sets by family and the
// instruments they cite.
type Book struct {
	Sets        []RuleSet
	Instruments map[string]*Instrument
}

// NewBook indexes rule sets and instruments.
func NewBook(sets []RuleSet, ins []Instrument) *Book {
	b := &Book{Sets: sets, Instruments: map[string]*Instrument{}}
	for i := range ins {
		b.Instruments[ins[i].Code] = &ins[i]
	}
	sort.SliceStable(b.Sets, func(i, j int) bool { return b.Sets[i].InForceFrom.Before(b.Sets[j].InForceFrom.Time) })
	return b
}

// InForce returns the rule set of family in force on day d.
func (b *Book) InForce(family string, d Date) (*RuleSet, error) {
	if family == "" {
		family = DefaultFamily
	}
	known := false
	for i := range b.Sets {
		if b.Sets[i].Family == family {
			known = true
			if b.Sets[i].InForce(d) {
				return &b.Sets[i], nil
			}
		}
	}
	return nil, &NoRuleSetError{Family: family, On: d, Known: known}
}

// NoRuleSetError says no rule set of a family is in force on a day.
type NoRuleSetError struct {
	Family string
	On     Date
	Known  bool
}

func (e *NoRuleSetError) Error() string {
	if !e.Known {
		return fmt.Sprintf("no rule set family %q", e.Family)
	}
	return fmt.Sprintf("no rule set of family %q is in force on %s", e.Family, e.On)
}

// Convert maps a zone kind of a reserve's zoning onto the rule set's scheme.
// Three-zone zonings under a two-zone rule set take the default conversion
// of the protected-area integration: core and buffer are judged as core
// protection zone, experimental as general control zone, and a peripheral
// belt is outside the reserve (ok false). Two-zone zonings under a
// three-zone rule set are read strictly: core protection as core,
// general control as experimental.
func Convert(k zoning.Kind, to zoning.Scheme) (zoning.Kind, bool) {
	if to.Allows(k) {
		return k, true
	}
	switch k {
	case zoning.Core, zoning.Buffer:
		return zoning.CoreProtection, true
	case zoning.Experimental:
		return zoning.GeneralControl, true
	case zoning.CoreProtection:
		return zoning.Core, true
	case zoning.GeneralControl:
		return zoning.Experimental, true
	}
	return "", false
}

// ZoneLabel names a zone kind as judged: "缓冲区（按核心保护区管理）",
// "buffer zone (managed as core protection zone)" when converted.
func ZoneLabel(mapped, judged zoning.Kind) (zh, en string) {
	if judged == "" {
		return mapped.ZH() + "（按保护区外管理）", mapped.EN() + " (outside the reserve)"
	}
	if mapped == judged {
		return mapped.ZH(), mapped.EN()
	}
	return fmt.Sprintf("%s（按%s管理）", mapped.ZH(), judged.ZH()), fmt.Sprintf("%s (managed as %s)", mapped.EN(), judged.EN())
}

// Act is what is judged: an activity by a subject in a zone on a day.
type Act struct {
	Family   string
	On       Date
	ZoneKind zoning.Kind
	Activity string
	Subject  Subject
	// Circumstance chooses the penalty range: "" picks facilities for
	// activities that build, else activity.
	Circumstance string
}

// Basis is one provision a judgment rests on, quoted from the stored text.
type Basis struct {
	Instrument string `json:"instrument"`
	Article    int    `json:"article"`
	Paragraph  int    `json:"paragraph,omitempty"`
	Item       int    `json:"item,omitempty"`
	CiteZH     string `json:"cite_zh"`
	CiteEN     string `json:"cite_en"`
	TextZH     string `json:"text_zh,omitempty"`
	Text       string `json:"text,omitempty"`
	// TextEN is an unofficial English translation of a Chinese text, where
	// one is shipped; TextENNote says so (the Chinese text is authoritative).
	TextEN      string `json:"text_en,omitempty"`
	TextENNote  string `json:"text_en_note,omitempty"`
	InForceFrom Date   `json:"in_force_from"`
}

// Penalty is the penalty article for a judgment and the range for its
// circumstance; Ranges lists every circumstance the article distinguishes.
type Penalty struct {
	Instrument   string  `json:"instrument"`
	Article      string  `json:"article"`
	CiteZH       string  `json:"cite_zh"`
	CiteEN       string  `json:"cite_en"`
	Circumstance string  `json:"circumstance"`
	Currency     string  `json:"currency"`
	MinYuan      *int64  `json:"min_yuan,omitempty"`
	MaxYuan      *int64  `json:"max_yuan,omitempty"`
	Min          int64   `json:"min"`
	Max          int64   `json:"max"`
	Ranges       []Range `json:"ranges"`
	// HigherBy is set where another regulation may set higher fines.
	HigherBy *Basis `json:"higher_amounts_by,omitempty"`
}

// Judgment is a rule set's answer for an act.
type Judgment struct {
	RuleSet     string      `json:"rule_set"`
	Instrument  string      `json:"instrument"`
	InForceFrom Date        `json:"in_force_from"`
	ZoneKind    zoning.Kind `json:"zone_kind"`
	JudgedAs    zoning.Kind `json:"judged_as,omitempty"`
	ZoneLabelZH string      `json:"zone_label_zh"`
	ZoneLabelEN string      `json:"zone_label_en"`
	Activity    string      `json:"activity"`
	Subject     Subject     `json:"subject,omitempty"`
	Verdict     Verdict     `json:"verdict"`
	// Breach: the act as done by this subject breaks the rule (a
	// prohibited act; an act allowed to original residents done by anyone
	// else).
	Breach       bool     `json:"breach"`
	Listed       bool     `json:"listed"`
	ApprovalByZH string   `json:"approval_by_zh,omitempty"`
	ApprovalByEN string   `json:"approval_by_en,omitempty"`
	ConditionZH  string   `json:"condition_zh,omitempty"`
	ConditionEN  string   `json:"condition_en,omitempty"`
	LegalBasis   []Basis  `json:"legal_basis"`
	Penalty      *Penalty `json:"penalty,omitempty"`
	SentenceZH   string   `json:"sentence_zh"`
	SentenceEN   string   `json:"sentence_en"`
}

// Judge judges an act under the rule set of its family in force on its day.
func (b *Book) Judge(a Act) (Judgment, error) {
	rs, err := b.InForce(a.Family, a.On)
	if err != nil {
		return Judgment{}, err
	}
	return b.JudgeUnder(rs, a)
}

// JudgeUnder judges an act under a given rule set.
func (b *Book) JudgeUnder(rs *RuleSet, a Act) (Judgment, error) {
	act, ok := ResolveActivity(a.Activity)
	if !ok {
		return Judgment{}, fmt.Errorf("unknown activity %q", a.Activity)
	}
	j := Judgment{RuleSet: rs.Code, Instrument: rs.Instrument, InForceFrom: rs.InForceFrom, ZoneKind: a.ZoneKind, Activity: act.Code, Subject: a.Subject}
	judged, inside := Convert(a.ZoneKind, rs.ZoneScheme)
	if inside {
		j.JudgedAs = judged
	}
	j.ZoneLabelZH, j.ZoneLabelEN = ZoneLabel(a.ZoneKind, j.JudgedAs)
	if !inside {
		j.Verdict = Outside
		j.SentenceZH, j.SentenceEN = b.sentence(rs, j, act)
		return j, nil
	}
	r, listed, ok := rs.RuleFor(judged, act.Code)
	if !ok {
		return Judgment{}, fmt.Errorf("rule set %s has no rules for zone kind %s", rs.Code, judged)
	}
	j.Verdict, j.Listed = r.Verdict, listed
	j.ApprovalByZH, j.ApprovalByEN, j.ConditionZH, j.ConditionEN = r.ApprovalByZH, r.ApprovalByEN, r.ConditionZH, r.ConditionEN
	for _, c := range append(append([]Cite{}, r.Basis...), r.ConditionBasis...) {
		j.LegalBasis = append(j.LegalBasis, b.basis(rs, c))
	}
	pen := r.Penalty
	switch r.Verdict {
	case Prohibited:
		j.Breach = true
	case AllowedForOriginalResidents:
		if a.Subject == OriginalResident {
			pen = r.ResidentPenalty // for exceeding the existing scale
		} else {
			j.Breach = true
			if z := rs.zone(judged); z != nil {
				// anyone else does what the closed list does not allow
				for _, c := range z.Default.Basis {
					j.LegalBasis = append(j.LegalBasis, b.basis(rs, c))
				}
			}
		}
	}
	if pen != "" {
		j.Penalty = b.penalty(rs, pen, circumstance(a.Circumstance, act))
	}
	j.SentenceZH, j.SentenceEN = b.sentence(rs, j, act)
	return j, nil
}

func circumstance(c string, act Activity) string {
	if c != "" {
		return c
	}
	if act.Facility {
		return "facilities"
	}
	return "activity"
}

// basis quotes a citation from the stored text.
func (b *Book) basis(rs *RuleSet, c Cite) Basis {
	code := c.Instrument
	if code == "" {
		code = rs.Instrument
	}
	in := b.Instruments[code]
	out := Basis{Instrument: code, Article: c.Article, Paragraph: c.Paragraph, Item: c.Item}
	if in == nil {
		return out
	}
	out.InForceFrom = in.InForceFrom
	out.CiteZH, out.CiteEN = CiteText(in, c)
	text := Quote(in, c)
	if in.Lang() == "zh" {
		out.TextZH = text
		if out.TextEN = QuoteEN(code, c); out.TextEN != "" {
			out.TextENNote = TranslationNoteEN
		}
	} else {
		out.Text = text
	}
	return out
}

func (b *Book) penalty(rs *RuleSet, code, circ string) *Penalty {
	pr := rs.penalty(code)
	if pr == nil {
		return nil
	}
	c := pr.Cite
	if c.Instrument == "" {
		c.Instrument = rs.Instrument
	}
	in := b.Instruments[c.Instrument]
	p := &Penalty{Instrument: c.Instrument, Currency: rs.CurrencyOrCNY(), Ranges: pr.Ranges}
	if in != nil {
		p.CiteZH, p.CiteEN = CiteText(in, c)
		p.Article = p.CiteEN
	}
	rg, ok := findRange(pr.Ranges, circ)
	if !ok {
		rg = pr.Ranges[0]
	}
	p.Circumstance, p.Min, p.Max = rg.Circumstance, rg.Min, rg.Max
	if p.Currency == "CNY" {
		p.MinYuan, p.MaxYuan = &p.Min, &p.Max
	}
	if h := rs.HigherAmounts; h != nil && contains(h.Penalties, code) {
		hb := b.basis(rs, h.Cite)
		p.HigherBy = &hb
	}
	return p
}

func findRange(rs []Range, circ string) (Range, bool) {
	for _, r := range rs {
		if r.Circumstance == circ {
			return r, true
		}
	}
	return Range{}, false
}

// Lang is the language of the instrument's authentic text.
func (in *Instrument) Lang() string {
	if in.Language == "" {
		return "zh"
	}
	return in.Language
}

// CiteText names a provision: "《自然保护区条例》（2026年修订）第二十六条第一款第（一）项",
// "Regulations on Nature Reserves (2026), Art. 26 ¶1 (1)".
func CiteText(in *Instrument, c Cite) (zh, en string) {
	zh = in.ShortZH
	if zh == "" {
		zh = in.TitleZH
	}
	en = in.ShortEN
	if en == "" {
		en = in.TitleEN
	}
	zh += "第" + Numeral(c.Article) + "条"
	en += fmt.Sprintf(", Art. %d", c.Article)
	a, _ := in.Article(c.Article)
	if c.Paragraph > 0 && len(a.Paragraphs) > 1 {
		zh += "第" + Numeral(c.Paragraph) + "款"
		en += fmt.Sprintf(" ¶%d", c.Paragraph)
	}
	if c.Item > 0 {
		zh += "第" + Numeral(c.Item) + "项"
		en += fmt.Sprintf(" (%d)", c.Item)
	}
	return zh, en
}

// Quote returns the text of a provision: the whole article, one paragraph
// (with its items), or a paragraph's opening and one item.
func Quote(in *Instrument, c Cite) string {
	a, ok := in.Article(c.Article)
	if !ok {
		return ""
	}
	if c.Paragraph == 0 || c.Paragraph > len(a.Paragraphs) {
		return a.Text
	}
	p := a.Paragraphs[c.Paragraph-1]
	if c.Item == 0 {
		var sb strings.Builder
		sb.WriteString(p.Text)
		for _, it := range p.Items {
			sb.WriteString("\n" + it.Label + it.Text)
		}
		return sb.String()
	}
	if c.Item > len(p.Items) {
		return ""
	}
	it := p.Items[c.Item-1]
	return p.Text + "\n" + it.Label + it.Text
}

// sentence states a judgment with its citations, in Chinese and English:
// "依据《自然保护区条例》（2026年修订）第二十六条第一款，缓冲区（按核心保护区管理）内禁止放牧；罚则：第四十条，10万元以下。"
func (b *Book) sentence(rs *RuleSet, j Judgment, act Activity) (zh, en string) {
	name := act.NameEN
	if name != "" {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	if j.Verdict == Outside {
		return fmt.Sprintf("%s在%s下位于自然保护区之外。", j.ZoneLabelZH, rs.TitleZH),
			fmt.Sprintf("The %s lies outside the reserve under %s.", j.ZoneLabelEN, rs.TitleEN)
	}
	czh, cen := b.citeList(j.LegalBasis)
	v := j.Verdict.ZH()
	if j.Verdict == Prohibited {
		zh = fmt.Sprintf("依据%s，%s内禁止%s", czh, j.ZoneLabelZH, act.NameZH)
	} else {
		zh = fmt.Sprintf("依据%s，%s内%s：%s", czh, j.ZoneLabelZH, act.NameZH, v)
	}
	en = fmt.Sprintf("%s: %s in the %s", name, j.Verdict.EN(), j.ZoneLabelEN)
	if j.Verdict == AllowedForOriginalResidents && j.Breach {
		zh += "，" + subjectZH(j.Subject) + "不属于原有居民"
		en += fmt.Sprintf("; the subject (%s) is no original resident", j.Subject)
	}
	if j.ApprovalByZH != "" || j.ApprovalByEN != "" {
		zh += "；须" + j.ApprovalByZH
		en += "; needs " + j.ApprovalByEN
	}
	if j.ConditionZH != "" || j.ConditionEN != "" {
		zh += "；条件：" + j.ConditionZH
		en += "; condition: " + j.ConditionEN
	}
	if p := j.Penalty; p != nil {
		zh += fmt.Sprintf("；罚则：%s，%s", p.CiteZH, RangeZH(p.Min, p.Max, p.Currency))
		en += fmt.Sprintf("; penalty: %s, %s", p.CiteEN, RangeEN(p.Min, p.Max, p.Currency))
	}
	return zh + "。", fmt.Sprintf("%s (%s).", en, cen)
}

// citeList names provisions briefly, those of one instrument joined:
// "《自然保护区条例》（2026年修订）第二十六条第二项、第二十九条第一款",
// "Regulations on Nature Reserves (2026), Art. 26 (2), Art. 29 ¶1".
func (b *Book) citeList(bs []Basis) (zh, en string) {
	var zs, es []string
	prev := ""
	for _, x := range bs {
		in := b.Instruments[x.Instrument]
		if in == nil {
			continue
		}
		pz, pe := CiteText(in, Cite{})
		if x.Instrument == prev {
			zs[len(zs)-1] += "、" + strings.TrimPrefix(x.CiteZH, strings.TrimSuffix(pz, "第零条"))
			es[len(es)-1] += ", " + strings.TrimPrefix(x.CiteEN, strings.TrimSuffix(pe, ", Art. 0")+", ")
			continue
		}
		prev = x.Instrument
		zs, es = append(zs, x.CiteZH), append(es, x.CiteEN)
	}
	return strings.Join(zs, "；"), strings.Join(es, "; ")
}

func subjectZH(s Subject) string {
	switch s {
	case Ranger:
		return "巡护人员"
	case Researcher:
		return "持证科研人员"
	case OriginalResident:
		return "原有居民"
	case Visitor:
		return "访客"
	case Vehicle:
		return "车辆"
	}
	return "行为人"
}

// RangeZH writes a fine range: "10万元以下", "10万元以上100万元以下", "100元以上5000元以下".
func RangeZH(min, max int64, currency string) string {
	unit := "元"
	if currency != "CNY" && currency != "" {
		unit = " " + currency
	}
	f := func(v int64) string {
		if v >= 10000 && v%10000 == 0 {
			return fmt.Sprintf("%d万%s", v/10000, unit)
		}
		return fmt.Sprintf("%d%s", v, unit)
	}
	if min == 0 {
		return f(max) + "以下"
	}
	return f(min) + "以上" + f(max) + "以下"
}

// RangeEN writes a fine range: "up to 100,000 yuan", "100,000 to 1,000,000 yuan".
func RangeEN(min, max int64, currency string) string {
	unit := "yuan"
	if currency != "CNY" && currency != "" {
		unit = currency
	}
	if min == 0 {
		return fmt.Sprintf("up to %s %s", thousands(max), unit)
	}
	return fmt.Sprintf("%s to %s %s", thousands(min), thousands(max), unit)
}

func thousands(v int64) string {
	s := fmt.Sprint(v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
