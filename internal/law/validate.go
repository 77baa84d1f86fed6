package law

import (
	"fmt"
	"regexp"

	"warden/internal/zoning"
)

// Issue is one thing wrong with a rule set document, at a JSON pointer.
type Issue struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

var codeRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)

// Validate checks a rule set against the instruments it may cite (by code)
// and the activity vocabulary: codes and dates, zone kinds of its scheme,
// known activities and verdicts, penalties that exist with sane ranges, and
// every citation naming an article, paragraph and item the instrument has.
func Validate(rs *RuleSet, instruments map[string]*Instrument) []Issue {
	v := &validator{rs: rs, instruments: instruments, pens: map[string]bool{}}
	v.header()
	for i, oi := range rs.Instruments {
		v.instrument(fmt.Sprintf("/instruments/%d", i), oi)
	}
	v.penalties()
	for i, r := range rs.Everywhere {
		v.rule(fmt.Sprintf("/everywhere/%d", i), r, true)
	}
	v.zones()
	return v.out
}

// validator gathers the issues of one rule set.
type validator struct {
	rs          *RuleSet
	instruments map[string]*Instrument
	out         []Issue
	// pens are the codes of the rule set's penalties.
	pens map[string]bool
}

func (v *validator) bad(p, f string, a ...any) { v.out = append(v.out, Issue{p, fmt.Sprintf(f, a...)}) }

// header checks the rule set's code, title, scheme, dates and instrument.
func (v *validator) header() {
	rs := v.rs
	if !codeRE.MatchString(rs.Code) {
		v.bad("/code", "code %q must be lower-case letters, digits and hyphens", rs.Code)
	}
	if !codeRE.MatchString(rs.Family) {
		v.bad("/family", "family %q must be lower-case letters, digits and hyphens", rs.Family)
	}
	if rs.TitleZH == "" && rs.TitleEN == "" {
		v.bad("/title_en", "a title is needed (title_zh or title_en)")
	}
	if !rs.ZoneScheme.Valid() {
		v.bad("/zone_scheme", "zone_scheme %q must be three_zone or two_zone", rs.ZoneScheme)
	}
	if rs.InForceFrom.IsZero() {
		v.bad("/in_force_from", "in_force_from is needed (YYYY-MM-DD)")
	}
	if rs.InForceUntil != nil && rs.InForceUntil.Before(rs.InForceFrom.Time) {
		v.bad("/in_force_until", "in_force_until %s is before in_force_from %s", rs.InForceUntil, rs.InForceFrom)
	}
	if _, ok := v.instruments[rs.Instrument]; !ok {
		v.bad("/instrument", "unknown instrument %q (GET /api/v1/law/instruments lists them; bring your own under instruments)", rs.Instrument)
	}
}

// instrument checks an instrument the rule set brings, at ip.
func (v *validator) instrument(ip string, oi OwnInstrument) {
	if !codeRE.MatchString(oi.Code) {
		v.bad(ip+"/code", "instrument code %q must be lower-case letters, digits and hyphens", oi.Code)
	}
	if oi.TitleZH == "" && oi.TitleEN == "" {
		v.bad(ip+"/title_en", "an instrument needs a title (title_zh or title_en)")
	}
	if oi.InForceFrom.IsZero() {
		v.bad(ip+"/in_force_from", "in_force_from is needed (YYYY-MM-DD)")
	}
	if len(oi.Articles) == 0 {
		v.bad(ip+"/articles", "an instrument brings at least one article")
	}
	nums := map[int]bool{}
	for j, a := range oi.Articles {
		if a.Number <= 0 || nums[a.Number] {
			v.bad(fmt.Sprintf("%s/articles/%d/number", ip, j), "article number %d must be positive and unique", a.Number)
		}
		nums[a.Number] = true
		if Normalise(a.Text) == "" {
			v.bad(fmt.Sprintf("%s/articles/%d/text", ip, j), "article %d has no text", a.Number)
		}
	}
}

// cite checks a citation, at p, of the rule set's own instrument by default.
func (v *validator) cite(p string, c Cite) {
	code := c.Instrument
	if code == "" {
		code = v.rs.Instrument
	}
	if err := checkCite(v.instruments[code], code, c); err != "" {
		v.bad(p, "%s", err)
	}
}

// penalties checks the penalties' citations and ranges, and notes their
// codes for the rules.
func (v *validator) penalties() {
	for i, p := range v.rs.Penalties {
		pp := fmt.Sprintf("/penalties/%d", i)
		v.pens[p.Code] = true
		v.cite(pp+"/cite", p.Cite)
		if len(p.Ranges) == 0 {
			v.bad(pp+"/ranges", "penalty %q has no range", p.Code)
		}
		for j, r := range p.Ranges {
			rp := fmt.Sprintf("%s/ranges/%d", pp, j)
			if _, ok := Circumstances[r.Circumstance]; !ok {
				v.bad(rp+"/circumstance", "circumstance %q must be activity, facilities or ecological_damage", r.Circumstance)
			}
			if r.Min < 0 || r.Max < r.Min {
				v.bad(rp, "range %d-%d is not 0 <= min <= max", r.Min, r.Max)
			}
		}
	}
}

// rule checks a rule at p: its verdict, activities (needed unless it is a
// zone's default), citations, penalties and what its verdict must say.
func (v *validator) rule(p string, r Rule, needActs bool) {
	if !r.Verdict.Valid() {
		v.bad(p+"/verdict", "verdict %q must be prohibited, allowed, allowed_with_approval, allowed_for_original_residents or conditional", r.Verdict)
	}
	if needActs && len(r.Activities) == 0 {
		v.bad(p+"/activities", "a rule names at least one activity")
	}
	for j, a := range r.Activities {
		if _, ok := ResolveActivity(a); !ok || a != mustCode(a) {
			v.bad(fmt.Sprintf("%s/activities/%d", p, j), "unknown activity code %q (GET /api/v1/rules lists the vocabulary)", a)
		}
	}
	if len(r.Basis) == 0 {
		v.bad(p+"/basis", "a rule cites at least one article")
	}
	for j, c := range r.Basis {
		v.cite(fmt.Sprintf("%s/basis/%d", p, j), c)
	}
	for j, c := range r.ConditionBasis {
		v.cite(fmt.Sprintf("%s/condition_basis/%d", p, j), c)
	}
	for _, pc := range [][2]string{{"penalty", r.Penalty}, {"resident_penalty", r.ResidentPenalty}} {
		if pc[1] != "" && !v.pens[pc[1]] {
			v.bad(p+"/"+pc[0], "no penalty %q in penalties", pc[1])
		}
	}
	if r.Verdict == AllowedWithApproval && r.ApprovalByZH == "" && r.ApprovalByEN == "" {
		v.bad(p+"/approval_by_en", "allowed_with_approval says whose approval (approval_by_zh or approval_by_en)")
	}
	if r.Verdict == Conditional && r.ConditionZH == "" && r.ConditionEN == "" {
		v.bad(p+"/condition_en", "conditional says the condition (condition_zh or condition_en)")
	}
}

// zones checks each zone kind's rules, once per kind of the scheme, one
// rule per activity, and that every kind of the scheme (but the
// peripheral belt) has rules.
func (v *validator) zones() {
	rs := v.rs
	seen := map[zoning.Kind]bool{}
	for i, z := range rs.Zones {
		zp := fmt.Sprintf("/zones/%d", i)
		if !rs.ZoneScheme.Allows(z.Kind) {
			v.bad(zp+"/kind", "zone kind %q is not of the %s scheme", z.Kind, rs.ZoneScheme)
		}
		if seen[z.Kind] {
			v.bad(zp+"/kind", "zone kind %q appears twice", z.Kind)
		}
		seen[z.Kind] = true
		v.rule(zp+"/default", z.Default, false)
		acts := map[string]bool{}
		for j, r := range z.Rules {
			v.rule(fmt.Sprintf("%s/rules/%d", zp, j), r, true)
			for _, a := range r.Activities {
				if acts[a] {
					v.bad(fmt.Sprintf("%s/rules/%d", zp, j), "activity %q has two rules in zone %s", a, z.Kind)
				}
				acts[a] = true
			}
		}
	}
	for _, k := range zoning.KindsOf(rs.ZoneScheme) {
		if rs.ZoneScheme.Valid() && !seen[k] && k != zoning.Peripheral {
			v.bad("/zones", "no rules for zone kind %q", k)
		}
	}
}

func mustCode(s string) string {
	a, _ := ResolveActivity(s)
	return a.Code
}

// checkCite says what is wrong with a citation, or "".
func checkCite(in *Instrument, code string, c Cite) string {
	if in == nil {
		return fmt.Sprintf("unknown instrument %q", code)
	}
	a, ok := in.Article(c.Article)
	if !ok {
		return fmt.Sprintf("%s has no article %d", code, c.Article)
	}
	if c.Paragraph == 0 {
		if c.Item != 0 {
			return fmt.Sprintf("%s art. %d: an item needs its paragraph", code, c.Article)
		}
		return ""
	}
	if c.Paragraph > len(a.Paragraphs) {
		return fmt.Sprintf("%s art. %d has no paragraph %d", code, c.Article, c.Paragraph)
	}
	if c.Item > len(a.Paragraphs[c.Paragraph-1].Items) || c.Item < 0 {
		return fmt.Sprintf("%s art. %d ¶%d has no item %d", code, c.Article, c.Paragraph, c.Item)
	}
	return ""
}
