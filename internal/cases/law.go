package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/law"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// casePenalty is the penalty a case was judged under (law.Penalty as
// stored): the article and its range for the circumstance.
type casePenalty struct {
	CiteZH       string `json:"cite_zh"`
	CiteEN       string `json:"cite_en"`
	Circumstance string `json:"circumstance"`
	Currency     string `json:"currency"`
	Min          int64  `json:"min"`
	Max          int64  `json:"max"`
	// HigherBy is the provision that lets another regulation set higher
	// fines, where the article has one.
	HigherBy json.RawMessage `json:"higher_amounts_by"`
}

// checkPenaltyRange refuses an administrative penalty whose amount is
// outside the range the case's penalty article sets for its circumstance,
// unless the measure names the other regulation that sets higher amounts
// (2026 Regulations Art. 44 ¶2). A daily consecutive penalty (按日连续处罚)
// accrues by day and is not held to the range.
func checkPenaltyRange(ctx context.Context, tx pgx.Tx, id int64, in MeasureInput) error {
	if in.Kind != "administrative_penalty" || in.Amount == nil {
		return nil
	}
	var raw []byte
	if err := tx.QueryRow(ctx, `SELECT penalty FROM violation_case WHERE id = $1`, id).Scan(&raw); err != nil {
		return fmt.Errorf("cases: penalty of %d: %w", id, err)
	}
	if raw == nil {
		return nil
	}
	var p casePenalty
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("cases: penalty of %d: %w", id, err)
	}
	amt := *in.Amount
	if amt >= float64(p.Min) && amt <= float64(p.Max) {
		return nil
	}
	if in.HigherAmountBasis != "" && len(p.HigherBy) > 0 && string(p.HigherBy) != "null" {
		return nil // another regulation's higher amount, named (2026 Art. 44 ¶2)
	}
	detail := fmt.Sprintf("amount %.2f %s is outside the range of %s for %s: %d to %d %s (%s：%d元至%d元); "+
		"a higher amount set by another administrative regulation needs higher_amount_basis naming it, and 按日连续处罚 is a daily_penalty",
		amt, p.Currency, p.CiteEN, p.Circumstance, p.Min, p.Max, p.Currency, p.CiteZH, p.Min, p.Max)
	return problem.Invalid("penalty-out-of-range", detail, problem.At(-1, "amount", fmt.Sprintf("must be from %d to %d %s under %s", p.Min, p.Max, p.Currency, p.CiteEN)))
}

// LawChange says, for a case judged under an instrument that has since
// been replaced, which rule applies now (Administrative Penalty Law Art.
// 37: the rules in force when the act was done, unless the new rules are
// lighter or no longer make the act unlawful).
type LawChange struct {
	// Applies is "old" or "new".
	Applies     string       `json:"applies"`
	OldRuleSet  string       `json:"old_rule_set"`
	NewRuleSet  string       `json:"new_rule_set"`
	NewVerdict  law.Verdict  `json:"new_verdict"`
	NewPenalty  *law.Penalty `json:"new_penalty,omitempty"`
	ReasonZH    string       `json:"reason_zh"`
	ReasonEN    string       `json:"reason_en"`
	Basis       law.Basis    `json:"basis"`
	JudgedOnNew law.Date     `json:"judged_on"`
}

// lawChange compares a case's law with the law in force on the day the
// case is decided, for a case whose penalty article belongs to a replaced
// instrument.
func (s *Store) lawChange(ctx context.Context, c Case) (*LawChange, error) {
	if len(c.Penalty) == 0 || c.ZoneKind == nil {
		return nil, nil
	}
	var old struct {
		Instrument string `json:"instrument"`
		Max        int64  `json:"max"`
		CiteZH     string `json:"cite_zh"`
		CiteEN     string `json:"cite_en"`
	}
	if err := json.Unmarshal(c.Penalty, &old); err != nil {
		return nil, fmt.Errorf("cases: penalty of %d: %w", c.ID, err)
	}
	book, err := s.law.Book(ctx)
	if err != nil {
		return nil, err
	}
	in := book.Instruments[old.Instrument]
	today := s.decisionDay(c)
	if in == nil || in.ReplacedBy == "" || in.InForce(today) {
		return nil, nil
	}
	var fam, subject, oldSet string
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(r.rule_family, ''), coalesce(f.subject_kind, ''), coalesce(f.rule_set, '')
		FROM violation_case c JOIN reserve r ON r.id = c.reserve_id
		LEFT JOIN LATERAL (SELECT f.subject_kind, f.rule_set FROM case_evidence e JOIN finding f ON f.id = e.finding_id AND f.created_at = e.finding_at
		                   WHERE e.case_id = c.id ORDER BY e.id LIMIT 1) f ON true
		WHERE c.id = $1`, c.ID).Scan(&fam, &subject, &oldSet); err != nil {
		return nil, fmt.Errorf("cases: law of %d: %w", c.ID, err)
	}
	if oldSet == "" {
		oldSet = actRuleSet(book, fam, c)
	}
	j, err := book.Judge(law.Act{Family: fam, On: today, ZoneKind: zoning.Kind(*c.ZoneKind), Activity: c.Activity, Subject: lawSubject(subject)})
	if err != nil {
		return nil, nil // no rule set of the family today: nothing to compare
	}
	apl := book.Instruments["apl-2021"]
	lc := &LawChange{Applies: "old", OldRuleSet: oldSet, NewRuleSet: j.RuleSet, NewVerdict: j.Verdict, NewPenalty: j.Penalty, JudgedOnNew: today}
	if apl != nil {
		zh, en := law.CiteText(apl, law.Cite{Article: 37})
		lc.Basis = law.Basis{Instrument: apl.Code, Article: 37, CiteZH: zh, CiteEN: en, TextZH: law.Quote(apl, law.Cite{Article: 37}), InForceFrom: apl.InForceFrom}
	}
	switch {
	case !j.Breach:
		lc.Applies = "new"
		lc.ReasonZH = fmt.Sprintf("行为时适用的%s已被替代；依作出处罚决定之日（%s）的规则（%s）该行为不再违法，依照%s适用新的规定。", in.ShortZH, today, j.RuleSet, lc.Basis.CiteZH)
		lc.ReasonEN = fmt.Sprintf("%s, in force when the act was done, has been replaced; under the rules in force on the day of decision (%s, %s) the act is no longer unlawful, so the new rules apply (%s).", in.ShortEN, today, j.RuleSet, lc.Basis.CiteEN)
	case j.Penalty != nil && j.Penalty.Max < old.Max:
		lc.Applies = "new"
		lc.ReasonZH = fmt.Sprintf("作出处罚决定之日（%s）的规则处罚较轻（%s，最高%d元，原%s最高%d元），依照%s适用新的规定。", today, j.Penalty.CiteZH, j.Penalty.Max, old.CiteZH, old.Max, lc.Basis.CiteZH)
		lc.ReasonEN = fmt.Sprintf("The rules in force on the day of decision (%s) are lighter (%s, at most %d yuan; %s allowed %d), so they apply (%s).", today, j.Penalty.CiteEN, j.Penalty.Max, old.CiteEN, old.Max, lc.Basis.CiteEN)
	default:
		lc.ReasonZH = fmt.Sprintf("作出处罚决定之日（%s）的规则并不更轻，依照%s适用行为时的规定（%s）。", today, lc.Basis.CiteZH, old.CiteZH)
		lc.ReasonEN = fmt.Sprintf("The rules in force on the day of decision (%s) are not lighter, so the rules in force when the act was done apply (%s; %s).", today, old.CiteEN, lc.Basis.CiteEN)
	}
	return lc, nil
}

// actRuleSet is the rule set of the family in force on the day of a case's
// act (its observed time in the case's time zone), for a case opened from
// no finding; "" when none was.
func actRuleSet(book *law.Book, fam string, c Case) string {
	at := c.ObservedAt
	if loc, err := time.LoadLocation(c.Timezone); err == nil {
		at = at.In(loc)
	}
	rs, err := book.InForce(fam, law.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return ""
	}
	return rs.Code
}

// decisionDay is the day a case is decided, for Administrative Penalty Law
// Art. 37: the decision date of its first administrative penalty (fixed or
// daily), or, while none is decided, today in the case's time zone.
func (s *Store) decisionDay(c Case) law.Date {
	for _, m := range c.MeasuresTaken {
		if m.Kind != "administrative_penalty" && m.Kind != "daily_penalty" {
			continue
		}
		if d, err := law.ParseDate(m.DecidedOn); err == nil {
			return d
		}
	}
	now := s.opts.Now()
	if loc, err := time.LoadLocation(c.Timezone); err == nil {
		now = now.In(loc)
	}
	return law.Date{Time: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
}

// lawSubject is a finding's subject kind in the law's terms.
func lawSubject(k string) law.Subject {
	switch k {
	case "patrol":
		return law.Ranger
	case "research_permit":
		return law.Researcher
	case "original_resident":
		return law.OriginalResident
	case "visitor":
		return law.Visitor
	case "vehicle":
		return law.Vehicle
	}
	return law.UnknownSubject
}

// basisArticles turns a case's legal_basis into the dossier's articles:
// each provision with its citation and its text as stored.
func basisArticles(raw json.RawMessage) []Article {
	var bs []law.Basis
	if len(raw) == 0 || json.Unmarshal(raw, &bs) != nil {
		return nil
	}
	out := make([]Article, 0, len(bs))
	for _, b := range bs {
		code := fmt.Sprintf("%s/%d", b.Instrument, b.Article)
		if b.Paragraph > 0 {
			code += fmt.Sprintf("/%d", b.Paragraph)
		}
		if b.Item > 0 {
			code += fmt.Sprintf("/%d", b.Item)
		}
		out = append(out, Article{Code: code, TitleZH: b.CiteZH, TitleEN: b.CiteEN, TextZH: b.TextZH + b.Text, TextEN: b.TextEN})
	}
	return out
}
