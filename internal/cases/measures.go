package cases

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// measureKinds are the enforcement measures of seed section 六 (四), and the
// accountability measures of step 4, with their Chinese names.
var measureKinds = map[string]string{
	"administrative_penalty":   "行政处罚（罚款）",
	"daily_penalty":            "按日连续处罚",
	"seizure":                  "查封扣押",
	"production_limit":         "限产",
	"production_stop":          "停产",
	"police_referral":          "移送公安机关",
	"listed_supervision":       "挂牌督办",
	"media_exposure":           "媒体曝光",
	"credit_card":              "环境信用红黄牌",
	"notified_criticism":       "通报批评",
	"accountability_interview": "约谈问责",
	"discipline_referral":      "移送纪检监察机关",
}

// MeasureInput is an enforcement measure decided on a case.
type MeasureInput struct {
	Version    int    `json:"version"`
	Kind       string `json:"kind"`
	DecidedOn  string `json:"decided_on"`
	DecisionNo string `json:"decision_no"`
	// Authority is who decided it (or, for a police referral, the police
	// authority the case went to; for listed supervision, who supervises).
	Authority string `json:"authority"`
	// Target is who an accountability measure concerns.
	Target string `json:"target"`
	// Amount of an administrative penalty, in yuan.
	Amount *float64 `json:"amount"`
	// DailyAmount and StartOn (and EndOn, the day the violation stopped) of
	// a daily consecutive penalty.
	DailyAmount *float64 `json:"daily_amount"`
	StartOn     string   `json:"start_on"`
	EndOn       string   `json:"end_on"`
	// Card is red or yellow, for credit_card.
	Card        string `json:"card"`
	Description string `json:"description"`
	// HigherAmountBasis names the administrative regulation that sets a
	// fine higher than the case's penalty article allows (2026 Art. 44 ¶2).
	HigherAmountBasis string `json:"higher_amount_basis"`
}

// Measure is a stored measure; Accrued is a daily penalty's total to date.
type Measure struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	KindZH      string    `json:"kind_zh"`
	DecidedOn   string    `json:"decided_on"`
	DecisionNo  string    `json:"decision_no,omitempty"`
	Authority   string    `json:"authority,omitempty"`
	Target      string    `json:"target,omitempty"`
	Amount      *float64  `json:"amount,omitempty"`
	DailyAmount *float64  `json:"daily_amount,omitempty"`
	StartOn     *string   `json:"start_on,omitempty"`
	EndOn       *string   `json:"end_on,omitempty"`
	Days        *int      `json:"days,omitempty"`
	Accrued     *float64  `json:"accrued,omitempty"`
	Card        *string   `json:"card,omitempty"`
	Description string    `json:"description,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// AddMeasure records an enforcement measure, checking its rules: a penalty
// has an amount, a daily penalty a daily amount and a start, a credit card
// a colour and an enterprise as the party, a police referral the authority
// it went to.
func (s *Store) AddMeasure(ctx context.Context, id int64, in MeasureInput, actor string) (_ Case, err error) {
	defer db.Wrap(&err, "cases: add measure %d", id)
	var ps []problem.Detail
	if _, ok := measureKinds[in.Kind]; !ok {
		bad(&ps, "kind", "kind %q must be one of administrative_penalty, daily_penalty, seizure, production_limit, production_stop, police_referral, listed_supervision, media_exposure, credit_card, notified_criticism, accountability_interview, discipline_referral", in.Kind)
	}
	checkDate(&ps, "decided_on", in.DecidedOn, true)
	for ptr, v := range map[string]string{"decision_no": in.DecisionNo, "authority": in.Authority, "target": in.Target, "description": in.Description} {
		checkText(&ps, ptr, v)
	}
	positive := func(ptr string, v *float64, need bool) {
		switch {
		case v == nil && need:
			bad(&ps, ptr, "%s is required for %s (yuan, more than 0)", ptr, in.Kind)
		case v != nil && (*v <= 0 || *v > 1e11):
			bad(&ps, ptr, "%s %v must be more than 0 yuan", ptr, *v)
		case v != nil && !need:
			bad(&ps, ptr, "%s applies only to %s", ptr, map[string]string{"amount": "administrative_penalty", "daily_amount": "daily_penalty"}[ptr])
		}
	}
	positive("amount", in.Amount, in.Kind == "administrative_penalty")
	positive("daily_amount", in.DailyAmount, in.Kind == "daily_penalty")
	start := checkDate(&ps, "start_on", in.StartOn, in.Kind == "daily_penalty")
	end := checkDate(&ps, "end_on", in.EndOn, false)
	if start != nil && end != nil && end.Before(*start) {
		bad(&ps, "end_on", "end_on %s is before start_on %s", in.EndOn, in.StartOn)
	}
	if in.Kind != "daily_penalty" && (in.StartOn != "" || in.EndOn != "") {
		bad(&ps, "start_on", "start_on and end_on apply only to daily_penalty")
	}
	switch {
	case in.Kind == "credit_card" && in.Card != "red" && in.Card != "yellow":
		bad(&ps, "card", "card must be red or yellow (环境信用评价红黄牌)")
	case in.Kind != "credit_card" && in.Card != "":
		bad(&ps, "card", "card applies only to credit_card")
	}
	switch in.Kind {
	case "police_referral", "listed_supervision":
		required(&ps, "authority", in.Authority)
	case "seizure", "media_exposure":
		required(&ps, "description", in.Description)
	case "notified_criticism", "accountability_interview", "discipline_referral":
		required(&ps, "target", in.Target)
	}
	if err := invalid(ps); err != nil {
		return Case{}, err
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := s.lock(ctx, tx, id, in.Version)
		if err != nil {
			return err
		}
		if !l.status.Open() {
			return &problem.Error{Status: http.StatusConflict, Type: "case-finished", Title: "Conflict",
				Detail: fmt.Sprintf("case %d is %s: no more measures can be recorded on it", id, l.status), Extra: map[string]any{"status": l.status, "allowed": l.status.Allowed()}}
		}
		if in.Kind == "credit_card" && l.partyKnd != "enterprise" {
			return problem.Invalid("invalid-measure", fmt.Sprintf("case %d's party is not an enterprise: credit cards (红黄牌) are for enterprises; set party.kind to enterprise first", id),
				problem.At(-1, "card", "the party is not an enterprise"))
		}
		if err := checkPenaltyRange(ctx, tx, id, in); err != nil {
			return err
		}
		var mid int64
		if err := tx.QueryRow(ctx, `INSERT INTO case_measure (case_id, kind, decided_on, decision_no, authority, target, amount, daily_amount,
			start_on, end_on, card, description, created_by)
			VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, nullif($9, '')::date, nullif($10, '')::date, nullif($11, ''), $12, $13) RETURNING id`,
			id, in.Kind, in.DecidedOn, in.DecisionNo, in.Authority, in.Target, in.Amount, in.DailyAmount, in.StartOn, in.EndOn, in.Card,
			in.Description, actor).Scan(&mid); err != nil {
			return err
		}
		return appendEvent(ctx, tx, id, actor, "measure", nil, nil, in.Description, map[string]any{
			"measure": mid, "kind": in.Kind, "kind_zh": measureKinds[in.Kind], "decided_on": in.DecidedOn, "decision_no": in.DecisionNo,
			"authority": in.Authority, "target": in.Target, "amount": in.Amount, "daily_amount": in.DailyAmount, "start_on": in.StartOn,
			"end_on": in.EndOn, "card": in.Card, "higher_amount_basis": in.HigherAmountBasis})
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, id)
}

// measureCols select measures; $1 is today's date in the case's time zone
// for the accrual of daily penalties: days from start_on to end_on (or
// today) inclusive, times the daily amount.
const measureCols = `m.id, m.kind, to_char(m.decided_on, 'YYYY-MM-DD'), m.decision_no, m.authority, m.target, m.amount::float8, m.daily_amount::float8,
	to_char(m.start_on, 'YYYY-MM-DD'), to_char(m.end_on, 'YYYY-MM-DD'),
	CASE WHEN m.kind = 'daily_penalty' THEN greatest(0, least(coalesce(m.end_on, ($1::timestamptz AT TIME ZONE c.timezone)::date), ($1::timestamptz AT TIME ZONE c.timezone)::date) - m.start_on + 1) END,
	m.card, m.description, m.created_by, m.created_at`

func scanMeasure(row pgx.Row, m *Measure) error {
	if err := row.Scan(&m.ID, &m.Kind, &m.DecidedOn, &m.DecisionNo, &m.Authority, &m.Target, &m.Amount, &m.DailyAmount, &m.StartOn, &m.EndOn,
		&m.Days, &m.Card, &m.Description, &m.CreatedBy, &m.CreatedAt); err != nil {
		return err
	}
	m.KindZH = measureKinds[m.Kind]
	if m.Days != nil && m.DailyAmount != nil {
		a := float64(*m.Days) * *m.DailyAmount
		m.Accrued = &a
	}
	return nil
}

func (s *Store) measures(ctx context.Context, q db.Querier, id int64) ([]Measure, error) {
	rows, err := q.Query(ctx, `SELECT `+measureCols+` FROM case_measure m JOIN violation_case c ON c.id = m.case_id
		WHERE m.case_id = $2 ORDER BY m.id`, s.opts.Now(), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Measure{}
	for rows.Next() {
		var m Measure
		if err := scanMeasure(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreditCard is a red or yellow card given to an enterprise on a case.
type CreditCard struct {
	Enterprise string    `json:"enterprise"`
	PartyID    string    `json:"party_id,omitempty"`
	Card       string    `json:"card"`
	DecidedOn  string    `json:"decided_on"`
	Authority  string    `json:"authority,omitempty"`
	CaseID     int64     `json:"case_id"`
	CaseNumber string    `json:"case_number"`
	Reserve    string    `json:"reserve"`
	Reason     string    `json:"reason,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// CreditCards lists the credit cards given, newest first; enterprise (a
// name or a credit code) selects one enterprise's.
func (s *Store) CreditCards(ctx context.Context, enterprise, reserve string) (_ []CreditCard, err error) {
	defer db.Wrap(&err, "cases: credit cards %q", reserve)
	rows, err := s.pool.Query(ctx, `SELECT c.party_name, c.party_id, m.card, to_char(m.decided_on, 'YYYY-MM-DD'), m.authority, c.id, c.number, r.code,
		m.description, m.created_at
		FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
		WHERE m.kind = 'credit_card' AND ($1 = '' OR c.party_name = $1 OR (c.party_id <> '' AND c.party_id = $1))
		  AND ($2 = '' OR r.code = $2)
		ORDER BY m.decided_on DESC, m.id DESC`, enterprise, reserve)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CreditCard{}
	for rows.Next() {
		var cc CreditCard
		if err := rows.Scan(&cc.Enterprise, &cc.PartyID, &cc.Card, &cc.DecidedOn, &cc.Authority, &cc.CaseID, &cc.CaseNumber, &cc.Reserve,
			&cc.Reason, &cc.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, cc)
	}
	return out, rows.Err()
}
