package law

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"warden/internal/zoning"
)

//go:embed rulesets/*.json
var rulesFS embed.FS

// Verdict is what a rule says of an activity in a zone.
type Verdict string

// Verdicts.
const (
	Prohibited Verdict = "prohibited"
	Allowed    Verdict = "allowed"
	// AllowedWithApproval: allowed once the approval or consent named in
	// the rule is given.
	AllowedWithApproval Verdict = "allowed_with_approval"
	// AllowedForOriginalResidents: allowed to original residents (原有居民)
	// within their existing scale and intensity of use; prohibited to anyone
	// else.
	AllowedForOriginalResidents Verdict = "allowed_for_original_residents"
	// Conditional: allowed only under the condition the rule states.
	Conditional Verdict = "conditional"
	// Outside: the place is outside the reserve under the rule set (a
	// peripheral belt under a two-zone rule set).
	Outside Verdict = "outside"
)

var verdictNames = map[Verdict][2]string{
	Prohibited:                  {"禁止", "prohibited"},
	Allowed:                     {"允许", "allowed"},
	AllowedWithApproval:         {"经批准或者同意后允许", "allowed with approval"},
	AllowedForOriginalResidents: {"仅允许原有居民在现有规模内开展", "allowed for original residents within the existing scale"},
	Conditional:                 {"有条件允许", "conditional"},
	Outside:                     {"不在保护区内", "outside the reserve"},
}

// ZH is the verdict's Chinese name.
func (v Verdict) ZH() string { return verdictNames[v][0] }

// EN is the verdict's English name.
func (v Verdict) EN() string { return verdictNames[v][1] }

// Valid reports whether v is a verdict a rule may give.
func (v Verdict) Valid() bool { _, ok := verdictNames[v]; return ok && v != Outside }

// Cite points at an article, or a paragraph (款) or item (项) of it. An
// empty Instrument means the rule set's own instrument.
type Cite struct {
	Instrument string `json:"instrument,omitempty"`
	Article    int    `json:"article"`
	Paragraph  int    `json:"paragraph,omitempty"`
	Item       int    `json:"item,omitempty"`
}

// Range is the fine an article sets for one circumstance: activity (the act
// itself), facilities (unlawful facilities or works), ecological_damage.
type Range struct {
	Circumstance string `json:"circumstance"`
	Min          int64  `json:"min"`
	Max          int64  `json:"max"`
}

// Circumstances a penalty range may be set for.
var Circumstances = map[string][2]string{
	"activity":          {"违法行为本身", "the act itself"},
	"facilities":        {"违法修筑设施或者进行工程建设", "unlawful facilities or works"},
	"ecological_damage": {"造成生态破坏", "ecological damage"},
}

// PenaltyRule is a penalty article of a rule set with its ranges.
type PenaltyRule struct {
	Code   string  `json:"code"`
	Cite   Cite    `json:"cite"`
	Ranges []Range `json:"ranges"`
}

// Rule is the verdict for some activities in a zone kind, the articles and
// items it rests on, and the penalty for breaking it.
type Rule struct {
	Activities      []string `json:"activities,omitempty"`
	Verdict         Verdict  `json:"verdict"`
	Basis           []Cite   `json:"basis"`
	Penalty         string   `json:"penalty,omitempty"`
	ResidentPenalty string   `json:"resident_penalty,omitempty"`
	ApprovalByZH    string   `json:"approval_by_zh,omitempty"`
	ApprovalByEN    string   `json:"approval_by_en,omitempty"`
	ConditionZH     string   `json:"condition_zh,omitempty"`
	ConditionEN     string   `json:"condition_en,omitempty"`
	ConditionBasis  []Cite   `json:"condition_basis,omitempty"`
}

// ZoneRules are the rules of one zone kind: Default for every activity no
// rule names (the closed lists of the 2026 Regulations make it prohibited).
type ZoneRules struct {
	Kind    zoning.Kind `json:"kind"`
	Default Rule        `json:"default"`
	Rules   []Rule      `json:"rules"`
}

// HigherAmounts names the provision that lets another administrative
// regulation set higher fines for some penalties (2026 Art. 44 ¶2).
type HigherAmounts struct {
	Cite      Cite     `json:"cite"`
	Penalties []string `json:"penalties"`
}

// RuleSet is the rules of one instrument version for one jurisdiction and
// zone scheme: the file format of rulesets/*.json and of an agency's import.
type RuleSet struct {
	Code          string         `json:"code"`
	Family        string         `json:"family"`
	TitleZH       string         `json:"title_zh"`
	TitleEN       string         `json:"title_en"`
	Jurisdiction  string         `json:"jurisdiction,omitempty"`
	Instrument    string         `json:"instrument"`
	ZoneScheme    zoning.Scheme  `json:"zone_scheme"`
	InForceFrom   Date           `json:"in_force_from"`
	InForceUntil  *Date          `json:"in_force_until,omitempty"`
	Currency      string         `json:"currency,omitempty"`
	Illustrative  bool           `json:"illustrative,omitempty"`
	NoteZH        string         `json:"note_zh,omitempty"`
	NoteEN        string         `json:"note_en,omitempty"`
	Penalties     []PenaltyRule  `json:"penalties"`
	HigherAmounts *HigherAmounts `json:"higher_amounts,omitempty"`
	Everywhere    []Rule         `json:"everywhere,omitempty"`
	Zones         []ZoneRules    `json:"zones"`
	// Instruments are an agency's own texts brought with an imported rule
	// set (articles with their text, one paragraph a line).
	Instruments []OwnInstrument `json:"instruments,omitempty"`
}

// OwnInstrument is a text that comes with an imported rule set.
type OwnInstrument struct {
	Instrument
	Articles []OwnArticle `json:"articles"`
}

// OwnArticle is an article of an own instrument: paragraphs one a line.
type OwnArticle struct {
	Number int    `json:"number"`
	Label  string `json:"label,omitempty"`
	Text   string `json:"text"`
}

// InForce reports whether the rule set is in force on day d.
func (rs *RuleSet) InForce(d Date) bool {
	if d.Before(rs.InForceFrom.Time) {
		return false
	}
	return rs.InForceUntil == nil || !d.After(rs.InForceUntil.Time)
}

// CurrencyOrCNY is the currency of the fines, CNY unless the set says.
func (rs *RuleSet) CurrencyOrCNY() string {
	if rs.Currency == "" {
		return "CNY"
	}
	return rs.Currency
}

func (rs *RuleSet) zone(k zoning.Kind) *ZoneRules {
	for i := range rs.Zones {
		if rs.Zones[i].Kind == k {
			return &rs.Zones[i]
		}
	}
	return nil
}

// RuleFor returns the rule for an activity in a zone kind of the rule set's
// scheme: a rule for every zone first, then the zone's rules, then its
// default. listed says whether a rule names the activity.
func (rs *RuleSet) RuleFor(k zoning.Kind, activity string) (r Rule, listed bool, ok bool) {
	for _, r := range rs.Everywhere {
		if contains(r.Activities, activity) {
			return r, true, true
		}
	}
	z := rs.zone(k)
	if z == nil {
		return Rule{}, false, false
	}
	for _, r := range z.Rules {
		if contains(r.Activities, activity) {
			return r, true, true
		}
	}
	return z.Default, false, true
}

func (rs *RuleSet) penalty(code string) *PenaltyRule {
	for i := range rs.Penalties {
		if rs.Penalties[i].Code == code {
			return &rs.Penalties[i]
		}
	}
	return nil
}

func (rs *RuleSet) cites() []Cite {
	var out []Cite
	add := func(cs []Cite) {
		for _, c := range cs {
			if c.Instrument == "" {
				c.Instrument = rs.Instrument
			}
			out = append(out, c)
		}
	}
	rules := append([]Rule{}, rs.Everywhere...)
	for _, z := range rs.Zones {
		rules = append(append(rules, z.Default), z.Rules...)
	}
	for _, r := range rules {
		add(r.Basis)
		add(r.ConditionBasis)
	}
	for _, p := range rs.Penalties {
		add([]Cite{p.Cite})
	}
	if rs.HigherAmounts != nil {
		add([]Cite{rs.HigherAmounts.Cite})
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// Activity is a word of the activity vocabulary rules are written in.
type Activity struct {
	Code    string   `json:"code"`
	NameZH  string   `json:"name_zh"`
	NameEN  string   `json:"name_en"`
	Aliases []string `json:"aliases,omitempty"`
	NoteZH  string   `json:"note_zh,omitempty"`
	NoteEN  string   `json:"note_en,omitempty"`
	// Facility: the activity builds something, so a breach is fined as
	// unlawful facilities or works where the penalty article says so.
	Facility bool `json:"facility,omitempty"`
}

var (
	vocabOnce sync.Once
	vocab     []Activity
	vocabErr  error
	sets      []RuleSet
)

func loadRules() {
	raw, err := fs.ReadFile(rulesFS, "rulesets/activities.json")
	if err != nil {
		vocabErr = err
		return
	}
	if err := json.Unmarshal(raw, &vocab); err != nil {
		vocabErr = fmt.Errorf("law: activities.json: %w", err)
		return
	}
	files, _ := fs.Glob(rulesFS, "rulesets/*.json")
	sort.Strings(files)
	for _, f := range files {
		if strings.HasSuffix(f, "/activities.json") || strings.HasSuffix(f, "/samples.json") {
			continue
		}
		b, _ := fs.ReadFile(rulesFS, f)
		rs, err := DecodeRuleSet(b)
		if err != nil {
			vocabErr = fmt.Errorf("law: %s: %w", f, err)
			return
		}
		sets = append(sets, rs)
	}
}

// Activities returns the activity vocabulary, shared: do not change it.
func Activities() ([]Activity, error) {
	vocabOnce.Do(loadRules)
	return vocab, vocabErr
}

// ShippedRuleSets returns the rule sets in rulesets/, shared: do not change them.
func ShippedRuleSets() ([]RuleSet, error) {
	vocabOnce.Do(loadRules)
	return sets, vocabErr
}

// ResolveActivity reads an activity by its code, its Chinese or English
// name or an alias (采石, quarrying, 采石场 all give quarrying).
func ResolveActivity(s string) (Activity, bool) {
	acts, err := Activities()
	if err != nil {
		return Activity{}, false
	}
	t := strings.TrimSpace(s)
	lt := strings.ToLower(t)
	for _, a := range acts {
		if lt == a.Code || t == a.NameZH || lt == strings.ToLower(a.NameEN) {
			return a, true
		}
	}
	for _, a := range acts {
		for _, al := range a.Aliases {
			if t == al || lt == strings.ToLower(al) {
				return a, true
			}
		}
	}
	return Activity{}, false
}

// DecodeRuleSet reads a rule set document strictly: unknown fields are an
// error, so a misspelt key never silently drops a rule.
func DecodeRuleSet(b []byte) (RuleSet, error) {
	var rs RuleSet
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return RuleSet{}, err
	}
	if dec.More() {
		return RuleSet{}, fmt.Errorf("more than one JSON value")
	}
	return rs, nil
}

// SampleFamily is the rule family a sample reserve of geodata/ is judged
// under (rulesets/samples.json), "" for the default.
func SampleFamily(reserve string) string {
	raw, err := fs.ReadFile(rulesFS, "rulesets/samples.json")
	if err != nil {
		return ""
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	return m[reserve]
}
