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
	var out []Issue
	bad := func(p, f string, a ...any) { out = append(out, Issue{p, fmt.Sprintf(f, a...)}) }
	if !codeRE.MatchString(rs.Code) {
		bad("/code", "code %q must be lower-case letters, digits and hyphens", rs.Code)
	}
	if !codeRE.MatchString(rs.Family) {
		bad("/family", "family %q must be lower-case letters, digits and hyphens", rs.Family)
	}
	if rs.TitleZH == "" && rs.TitleEN == "" {
		bad("/title_en", "a title is needed (title_zh or title_en)")
	}
	if !rs.ZoneScheme.Valid() {
		bad("/zone_scheme", "zone_scheme %q must be three_zone or two_zone", rs.ZoneScheme)
	}
	if rs.InForceFrom.IsZero() {
		bad("/in_force_from", "in_force_from is needed (YYYY-MM-DD)")
	}
	if rs.InForceUntil != nil && rs.InForceUntil.Before(rs.InForceFrom.Time) {
		bad("/in_force_until", "in_force_until %s is before in_force_from %s", rs.InForceUntil, rs.InForceFrom)
	}
	if _, ok := instruments[rs.Instrument]; !ok {
		bad("/instrument", "unknown instrument %q (GET /api/v1/law/instruments lists them; bring your own under instruments)", rs.Instrument)
	}
	for i, oi := range rs.Instruments {
		ip := fmt.Sprintf("/instruments/%d", i)
		if !codeRE.MatchString(oi.Code) {
			bad(ip+"/code", "instrument code %q must be lower-case letters, digits and hyphens", oi.Code)
		}
		if oi.TitleZH == "" && oi.TitleEN == "" {
			bad(ip+"/title_en", "an instrument needs a title (title_zh or title_en)")
		}
		if oi.InForceFrom.IsZero() {
			bad(ip+"/in_force_from", "in_force_from is needed (YYYY-MM-DD)")
		}
		if len(oi.Articles) == 0 {
			bad(ip+"/articles", "an instrument brings at least one article")
		}
		nums := map[int]bool{}
		for j, a := range oi.Articles {
			if a.Number <= 0 || nums[a.Number] {
				bad(fmt.Sprintf("%s/articles/%d/number", ip, j), "article number %d must be positive and unique", a.Number)
			}
			nums[a.Number] = true
			if Normalise(a.Text) == "" {
				bad(fmt.Sprintf("%s/articles/%d/text", ip, j), "article %d has no text", a.Number)
			}
		}
	}
	cite := func(p string, c Cite) {
		code := c.Instrument
		if code == "" {
			code = rs.Instrument
		}
		if err := checkCite(instruments[code], code, c); err != "" {
			bad(p, "%s", err)
		}
	}
	pens := map[string]bool{}
	for i, p := range rs.Penalties {
		pp := fmt.Sprintf("/penalties/%d", i)
		pens[p.Code] = true
		cite(pp+"/cite", p.Cite)
		if len(p.Ranges) == 0 {
			bad(pp+"/ranges", "penalty %q has no range", p.Code)
		}
		for j, r := range p.Ranges {
			rp := fmt.Sprintf("%s/ranges/%d", pp, j)
			if _, ok := Circumstances[r.Circumstance]; !ok {
				bad(rp+"/circumstance", "circumstance %q must be activity, facilities or ecological_damage", r.Circumstance)
			}
			if r.Min < 0 || r.Max < r.Min {
				bad(rp, "range %d-%d is not 0 <= min <= max", r.Min, r.Max)
			}
		}
	}
	rule := func(p string, r Rule, needActs bool) {
		if !r.Verdict.Valid() {
			bad(p+"/verdict", "verdict %q must be prohibited, allowed, allowed_with_approval, allowed_for_original_residents or conditional", r.Verdict)
		}
		if needActs && len(r.Activities) == 0 {
			bad(p+"/activities", "a rule names at least one activity")
		}
		for j, a := range r.Activities {
			if _, ok := ResolveActivity(a); !ok || a != mustCode(a) {
				bad(fmt.Sprintf("%s/activities/%d", p, j), "unknown activity code %q (GET /api/v1/rules lists the vocabulary)", a)
			}
		}
		if len(r.Basis) == 0 {
			bad(p+"/basis", "a rule cites at least one article")
		}
		for j, c := range r.Basis {
			cite(fmt.Sprintf("%s/basis/%d", p, j), c)
		}
		for j, c := range r.ConditionBasis {
			cite(fmt.Sprintf("%s/condition_basis/%d", p, j), c)
		}
		for _, pc := range [][2]string{{"penalty", r.Penalty}, {"resident_penalty", r.ResidentPenalty}} {
			if pc[1] != "" && !pens[pc[1]] {
				bad(p+"/"+pc[0], "no penalty %q in penalties", pc[1])
			}
		}
		if r.Verdict == AllowedWithApproval && r.ApprovalByZH == "" && r.ApprovalByEN == "" {
			bad(p+"/approval_by_en", "allowed_with_approval says whose approval (approval_by_zh or approval_by_en)")
		}
		if r.Verdict == Conditional && r.ConditionZH == "" && r.ConditionEN == "" {
			bad(p+"/condition_en", "conditional says the condition (condition_zh or condition_en)")
		}
	}
	for i, r := range rs.Everywhere {
		rule(fmt.Sprintf("/everywhere/%d", i), r, true)
	}
	seen := map[zoning.Kind]bool{}
	for i, z := range rs.Zones {
		zp := fmt.Sprintf("/zones/%d", i)
		if !rs.ZoneScheme.Allows(z.Kind) {
			bad(zp+"/kind", "zone kind %q is not of the %s scheme", z.Kind, rs.ZoneScheme)
		}
		if seen[z.Kind] {
			bad(zp+"/kind", "zone kind %q appears twice", z.Kind)
		}
		seen[z.Kind] = true
		rule(zp+"/default", z.Default, false)
		acts := map[string]bool{}
		for j, r := range z.Rules {
			rule(fmt.Sprintf("%s/rules/%d", zp, j), r, true)
			for _, a := range r.Activities {
				if acts[a] {
					bad(fmt.Sprintf("%s/rules/%d", zp, j), "activity %q has two rules in zone %s", a, z.Kind)
				}
				acts[a] = true
			}
		}
	}
	for _, k := range zoning.KindsOf(rs.ZoneScheme) {
		if rs.ZoneScheme.Valid() && !seen[k] && k != zoning.Peripheral {
			bad("/zones", "no rules for zone kind %q", k)
		}
	}
	return out
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
