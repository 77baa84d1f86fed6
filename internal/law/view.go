package law

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/zoning"
)

// RuleView is the rule set that applies to a reserve on a day, as GET
// /api/v1/rules?reserve=&on= and the rule-table page show it: per zone kind
// of the reserve's zoning on that day (converted where the schemes differ)
// each activity's verdict, citations and penalty, with every cited provision
// quoted once.
type RuleView struct {
	Reserve       string        `json:"reserve,omitempty"`
	On            Date          `json:"on"`
	Family        string        `json:"family"`
	RuleSet       RuleSetInfo   `json:"rule_set"`
	ZoningVersion int           `json:"zoning_version,omitempty"`
	ZoningScheme  zoning.Scheme `json:"zoning_scheme"`
	Converted     bool          `json:"converted"`
	Zones         []ZoneView    `json:"zones"`
	Provisions    []Basis       `json:"provisions"`
	Verdicts      []Named       `json:"verdicts"`
	Circumstances []Named       `json:"circumstances"`
	Activities    []Activity    `json:"activities"`
}

// RuleSetInfo describes a rule set without its rules.
type RuleSetInfo struct {
	Code         string        `json:"code"`
	TitleZH      string        `json:"title_zh"`
	TitleEN      string        `json:"title_en"`
	Instrument   string        `json:"instrument"`
	ZoneScheme   zoning.Scheme `json:"zone_scheme"`
	InForceFrom  Date          `json:"in_force_from"`
	InForceUntil *Date         `json:"in_force_until,omitempty"`
	Currency     string        `json:"currency"`
	Illustrative bool          `json:"illustrative,omitempty"`
	NoteZH       string        `json:"note_zh,omitempty"`
	NoteEN       string        `json:"note_en,omitempty"`
}

// Named is a code with its Chinese and English names.
type Named struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// ZoneView is one zone kind of the reserve's zoning and the rules for it.
type ZoneView struct {
	Kind     zoning.Kind `json:"kind"`
	JudgedAs zoning.Kind `json:"judged_as,omitempty"`
	LabelZH  string      `json:"label_zh"`
	LabelEN  string      `json:"label_en"`
	Rules    []RuleLine  `json:"rules"`
}

// RuleLine is one activity's rule in a zone kind.
type RuleLine struct {
	Activity     string   `json:"activity"`
	Verdict      Verdict  `json:"verdict"`
	Listed       bool     `json:"listed"`
	ApprovalByZH string   `json:"approval_by_zh,omitempty"`
	ApprovalByEN string   `json:"approval_by_en,omitempty"`
	ConditionZH  string   `json:"condition_zh,omitempty"`
	ConditionEN  string   `json:"condition_en,omitempty"`
	Basis        []Cite   `json:"basis"`
	CiteZH       string   `json:"cite_zh"`
	CiteEN       string   `json:"cite_en"`
	Penalty      *Penalty `json:"penalty,omitempty"`
	// ResidentPenalty applies to original residents who exceed the
	// existing scale (allowed_for_original_residents).
	ResidentPenalty *Penalty `json:"resident_penalty,omitempty"`
}

// View builds the rule view of a family on a day for the zone kinds given
// (nil: the rule set's own kinds).
func (b *Book) View(family string, on Date, kinds []zoning.Kind) (RuleView, error) {
	rs, err := b.InForce(family, on)
	if err != nil {
		return RuleView{}, err
	}
	if family == "" {
		family = DefaultFamily
	}
	v := RuleView{On: on, Family: family, RuleSet: info(rs), ZoningScheme: rs.ZoneScheme}
	if kinds == nil {
		kinds = zoning.KindsOf(rs.ZoneScheme)
	}
	acts, err := Activities()
	if err != nil {
		return v, err
	}
	v.Activities = acts
	seen := map[Cite]bool{}
	for _, k := range kinds {
		zv, err := b.zoneView(rs, k, acts, &v, seen)
		if err != nil {
			return v, err
		}
		v.Zones = append(v.Zones, zv)
	}
	for _, vd := range []Verdict{Prohibited, Allowed, AllowedWithApproval, AllowedForOriginalResidents, Conditional, Outside} {
		v.Verdicts = append(v.Verdicts, Named{string(vd), vd.ZH(), vd.EN()})
	}
	for _, c := range []string{"activity", "facilities", "ecological_damage"} {
		v.Circumstances = append(v.Circumstances, Named{c, Circumstances[c][0], Circumstances[c][1]})
	}
	return v, nil
}

func (b *Book) zoneView(rs *RuleSet, k zoning.Kind, acts []Activity, v *RuleView, seen map[Cite]bool) (ZoneView, error) {
	judged, inside := Convert(k, rs.ZoneScheme)
	zv := ZoneView{Kind: k}
	if inside {
		zv.JudgedAs = judged
	}
	if judged != k {
		v.Converted = true
	}
	zv.LabelZH, zv.LabelEN = ZoneLabel(k, zv.JudgedAs)
	zv.Rules = []RuleLine{}
	if !inside {
		return zv, nil
	}
	for _, a := range acts {
		r, listed, ok := rs.RuleFor(judged, a.Code)
		if !ok {
			return zv, fmt.Errorf("rule set %s has no rules for zone kind %s", rs.Code, judged)
		}
		line := RuleLine{Activity: a.Code, Verdict: r.Verdict, Listed: listed, ApprovalByZH: r.ApprovalByZH, ApprovalByEN: r.ApprovalByEN,
			ConditionZH: r.ConditionZH, ConditionEN: r.ConditionEN}
		var bs []Basis
		for _, c := range append(append([]Cite{}, r.Basis...), r.ConditionBasis...) {
			if c.Instrument == "" {
				c.Instrument = rs.Instrument
			}
			line.Basis = append(line.Basis, c)
			q := b.basis(rs, c)
			bs = append(bs, q)
			if !seen[c] {
				seen[c] = true
				v.Provisions = append(v.Provisions, q)
			}
		}
		line.CiteZH, line.CiteEN = b.citeList(bs)
		circ := circumstance("", a)
		if r.Penalty != "" {
			line.Penalty = b.penalty(rs, r.Penalty, circ)
		}
		if r.ResidentPenalty != "" {
			line.ResidentPenalty = b.penalty(rs, r.ResidentPenalty, "activity")
		}
		zv.Rules = append(zv.Rules, line)
	}
	return zv, nil
}

func info(rs *RuleSet) RuleSetInfo {
	return RuleSetInfo{Code: rs.Code, TitleZH: rs.TitleZH, TitleEN: rs.TitleEN, Instrument: rs.Instrument, ZoneScheme: rs.ZoneScheme,
		InForceFrom: rs.InForceFrom, InForceUntil: rs.InForceUntil, Currency: rs.CurrencyOrCNY(), Illustrative: rs.Illustrative,
		NoteZH: rs.NoteZH, NoteEN: rs.NoteEN}
}

// ZoningOn returns the zoning version of a reserve that applies on a day
// and its zone kinds: the newest version approved on or before the day, or
// one with no approval date; the current version if none is.
func (s *Store) ZoningOn(ctx context.Context, reserve string, on Date) (version int, kinds []zoning.Kind, err error) {
	var vid int64
	err = s.pool.QueryRow(ctx, `
		SELECT v.id, v.version FROM zoning_version v JOIN reserve r ON r.id = v.reserve_id
		WHERE r.code = $1 AND (v.approved_on IS NULL OR v.approved_on <= $2::date)
		ORDER BY v.version DESC LIMIT 1`, reserve, on.Time).Scan(&vid, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.pool.QueryRow(ctx, `SELECT v.id, v.version FROM zoning_version v JOIN reserve r ON r.id = v.reserve_id
			WHERE r.code = $1 AND v.is_current`, reserve).Scan(&vid, &version)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil // a reserve without zones yet
	}
	if err != nil {
		return 0, nil, fmt.Errorf("law: zoning of %s on %s: %w", reserve, on, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT kind FROM zone WHERE version_id = $1`, vid)
	if err != nil {
		return 0, nil, fmt.Errorf("law: zones of %s v%d: %w", reserve, version, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k zoning.Kind
		if err := rows.Scan(&k); err != nil {
			return 0, nil, err
		}
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i].Rank() < kinds[j].Rank() })
	return version, kinds, rows.Err()
}

// RulesOn is the rule view of a reserve on a day ("" reserve: the default
// family, every zone kind of its rule set).
func (s *Store) RulesOn(ctx context.Context, reserve string, on Date) (RuleView, error) {
	b, err := s.Book(ctx)
	if err != nil {
		return RuleView{}, err
	}
	if reserve == "" {
		return b.View("", on, nil)
	}
	fam, err := s.ReserveFamily(ctx, reserve)
	if err != nil {
		return RuleView{}, err
	}
	ver, kinds, err := s.ZoningOn(ctx, reserve, on)
	if err != nil {
		return RuleView{}, err
	}
	v, err := b.View(fam, on, kinds)
	if err != nil {
		return v, err
	}
	v.Reserve, v.ZoningVersion = reserve, ver
	if len(kinds) > 0 {
		v.ZoningScheme = schemeOf(kinds)
	}
	return v, nil
}

func schemeOf(kinds []zoning.Kind) zoning.Scheme {
	if zoning.TwoZone.Allows(kinds[0]) {
		return zoning.TwoZone
	}
	return zoning.ThreeZone
}

// Today is the current date in China Standard Time, the default day of a
// rule view.
func Today() Date {
	t := time.Now().In(time.FixedZone("CST", 8*3600))
	return Date{time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}
