package screening

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/law"
	"warden/internal/zoning"
)

// lawActivity is the screened activity in the law's vocabulary.
type lawActivity struct{ law.Activity }

func (a lawActivity) screening() Activity {
	return Activity{Code: a.Code, NameZH: a.NameZH, NameEN: a.NameEN, NoteZH: a.NoteZH, NoteEN: a.NoteEN}
}

// LawInForce records the day a screening judged the project for and the
// law it was judged under.
type LawInForce struct {
	// On is the day of the act: the start of construction (started_on) of
	// a project under construction or existing, else the screening date.
	On law.Date `json:"on"`
	// DayOf says which: "started_on" or "screening_date".
	DayOf string `json:"day_of"`
	// RuleSets maps each reserve within reach to the rule set it was
	// judged under.
	RuleSets map[string]string `json:"rule_sets"`
	// Instruments are the official instruments in force on the day.
	Instruments []InstrumentRef `json:"instruments"`
	// ImpactAssessment quotes the Ecological Environment Code's articles on
	// the environmental impact assessment of construction projects, where
	// the Code is in force on the day (from 2026-08-15; it replaced the EIA
	// Law): the duty to assess (Art. 83), the classes of report (Art. 95),
	// refusal of a project whose siting breaks the law or statutory plans
	// (Art. 105 (1)) and no construction before approval (Art. 107).
	ImpactAssessment []law.Basis `json:"impact_assessment,omitempty"`
}

// eiaArticles are the Ecological Environment Code's provisions a screening
// report quotes on impact assessment.
var eiaArticles = []law.Cite{{Article: 83}, {Article: 95}, {Article: 105, Paragraph: 1, Item: 1}, {Article: 107}}

// impactAssessment quotes eiaArticles from the stored text of the Code, if
// it is in force on day on.
func impactAssessment(book *law.Book, on law.Date) []law.Basis {
	in := book.Instruments["eec-2026"]
	if in == nil || !in.InForce(on) {
		return nil
	}
	var out []law.Basis
	for _, c := range eiaArticles {
		c.Instrument = in.Code
		zh, en := law.CiteText(in, c)
		out = append(out, law.Basis{Instrument: in.Code, Article: c.Article, Paragraph: c.Paragraph, Item: c.Item,
			CiteZH: zh, CiteEN: en, TextZH: law.Quote(in, c), InForceFrom: in.InForceFrom})
	}
	return out
}

// InstrumentRef names an instrument and its dates.
type InstrumentRef struct {
	Code         string    `json:"code"`
	TitleZH      string    `json:"title_zh"`
	TitleEN      string    `json:"title_en"`
	Issuer       string    `json:"issuer"`
	InForceFrom  law.Date  `json:"in_force_from"`
	InForceUntil *law.Date `json:"in_force_until,omitempty"`
}

// actAndDay resolves the activity (its code or any of its Chinese or
// English names) and the day of the act.
func (s *Store) actAndDay(ctx context.Context, req Request) (lawActivity, law.Date, *law.Book, error) {
	a, ok := law.ResolveActivity(req.Activity)
	if !ok {
		acts, _ := law.Activities()
		var list []Activity
		for _, x := range acts {
			list = append(list, Activity{Code: x.Code, NameZH: x.NameZH})
		}
		return lawActivity{}, law.Date{}, nil, unknownActivity(req.Activity, list)
	}
	on := law.Today()
	if v := req.Project.StartedOn; v != "" {
		d, err := law.ParseDate(v)
		if err != nil {
			return lawActivity{}, on, nil, invalid("invalid-screening", "project.started_on: "+err.Error(), "project.started_on")
		}
		if d.After(on.Time) {
			return lawActivity{}, on, nil, invalid("invalid-screening", fmt.Sprintf("project.started_on %s is after today (%s); a proposed project has no start date", d, on), "project.started_on")
		}
		on = d
	}
	book, err := s.law.Book(ctx)
	if err != nil {
		return lawActivity{}, on, nil, fmt.Errorf("screening: law: %w", err)
	}
	return lawActivity{a}, on, book, nil
}

// lawRules are the rules that judged one screening: per reserve and zone
// kind, and the provisions they quote.
type lawRules struct {
	rules    map[string]map[zoning.Kind]Rule
	articles []Article
	sets     map[string]string
}

// judgeByLaw judges the activity in every zone kind of every reserve within
// reach under the rule set of the reserve's family in force on the day.
func judgeByLaw(ctx context.Context, tx pgx.Tx, book *law.Book, on law.Date, act lawActivity, reserves []reserveInfo) (lawRules, error) {
	out := lawRules{rules: map[string]map[zoning.Kind]Rule{}, sets: map[string]string{}}
	codes := make([]string, len(reserves))
	for i, r := range reserves {
		codes[i] = r.code
	}
	fams := map[string]string{}
	rows, err := tx.Query(ctx, `SELECT code, coalesce(rule_family, '') FROM reserve WHERE code = ANY($1)`, codes)
	if err != nil {
		return out, fmt.Errorf("screening: rule families: %w", err)
	}
	for rows.Next() {
		var c, f string
		if err := rows.Scan(&c, &f); err != nil {
			rows.Close()
			return out, err
		}
		fams[c] = f
	}
	rows.Close()
	seen := map[string]bool{}
	for _, ri := range reserves {
		out.rules[ri.code] = map[zoning.Kind]Rule{}
		for _, k := range ri.kinds {
			j, err := book.Judge(law.Act{Family: fams[ri.code], On: on, ZoneKind: k.kind, Activity: act.Code})
			if err != nil {
				return out, invalid("no-rule-set", fmt.Sprintf("reserve %s: %v", ri.code, err), "project.started_on")
			}
			out.sets[ri.code] = j.RuleSet
			r := ruleOf(j)
			for _, b := range j.LegalBasis {
				code := citeCode(b)
				r.Articles = append(r.Articles, code)
				if !seen[code] {
					seen[code] = true
					out.articles = append(out.articles, Article{Code: code, TitleZH: b.CiteZH, TitleEN: b.CiteEN, ShortZH: b.CiteZH, ShortEN: b.CiteEN,
						TextZH: b.TextZH + b.Text, TextEN: b.TextEN})
				}
			}
			out.rules[ri.code][k.kind] = r
		}
	}
	return out, nil
}

// ruleOf turns a judgment into a screening rule. A project is no original
// resident's livelihood, so allowed_for_original_residents judges it
// prohibited; approvals and conditions need approval.
func ruleOf(j law.Judgment) Rule {
	r := Rule{LawVerdict: j.Verdict, RuleSet: j.RuleSet, JudgedAs: j.JudgedAs, ZoneLabelZH: j.ZoneLabelZH, ZoneLabelEN: j.ZoneLabelEN,
		LegalBasis: j.LegalBasis, Penalty: j.Penalty, SentenceZH: j.SentenceZH, SentenceEN: j.SentenceEN, Articles: []string{}}
	switch j.Verdict {
	case law.Prohibited, law.AllowedForOriginalResidents:
		r.Verdict = Prohibited
	case law.Allowed:
		r.Verdict = Allowed
	case law.Outside:
		r.Verdict = Outside
	default:
		r.Verdict = NeedsApproval
	}
	r.NoteZH = strings.Trim(j.ApprovalByZH+"；"+j.ConditionZH, "；")
	r.NoteEN = strings.Trim(j.ApprovalByEN+"; "+j.ConditionEN, "; ")
	return r
}

// citeCode is a provision's code in the screening's article list:
// nrr-2026/26/1/2 (instrument/article/paragraph/item).
func citeCode(b law.Basis) string {
	c := fmt.Sprintf("%s/%d", b.Instrument, b.Article)
	if b.Paragraph > 0 {
		c += fmt.Sprintf("/%d", b.Paragraph)
	}
	if b.Item > 0 {
		c += fmt.Sprintf("/%d", b.Item)
	}
	return c
}

func (lr lawRules) inForce(book *law.Book, on law.Date, req Request) *LawInForce {
	li := &LawInForce{On: on, DayOf: "screening_date", RuleSets: lr.sets}
	if req.Project.StartedOn != "" {
		li.DayOf = "started_on"
	}
	li.ImpactAssessment = impactAssessment(book, on)
	for _, code := range []string{"nrr-2017", "nrr-2026", "npl-2025", "eec-2026", "apl-2021"} {
		in := book.Instruments[code]
		if in != nil && in.InForce(on) {
			li.Instruments = append(li.Instruments, InstrumentRef{Code: in.Code, TitleZH: in.TitleZH, TitleEN: in.TitleEN, Issuer: in.Issuer,
				InForceFrom: in.InForceFrom, InForceUntil: in.InForceUntil})
		}
	}
	return li
}

// dayOf is the stored day of a screening.
func dayOf(r Result) *time.Time {
	if r.Law == nil {
		return nil
	}
	t := r.Law.On.Time
	return &t
}
