package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// accountabilityKinds are the measures of step 4.
var accountabilityKinds = map[string]string{
	"notified_criticism": "通报批评", "accountability_interview": "约谈问责", "discipline_referral": "移送纪检监察机关",
}

func notAllowed(id int64, from, to Status) error {
	p := problem.Conflict("transition-not-allowed", fmt.Sprintf("case %d is %s (%s): it cannot go to %s; allowed: %s", id, from, from.ZH(), to, list(from.Allowed())))
	p.Extra = map[string]any{"status": from, "allowed": from.Allowed()}
	return p
}

func list(ss []Status) string {
	if len(ss) == 0 {
		return "none (the case is finished)"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// Transition moves a case to in.To if the workflow allows it from where it
// is, the version is the current one and the target's fields are given.
func (s *Store) Transition(ctx context.Context, id int64, in TransitionInput, actor string) (_ Case, err error) {
	defer db.Wrap(&err, "cases: transition %d", id)
	if _, ok := ParseStatus(string(in.To)); !ok || in.To == Reported {
		return Case{}, problem.Invalid("invalid-transition", fmt.Sprintf("to %q must be one of verified, dismissed, transferred, rectifying, interviewed, special_inspection, rectified, closed", in.To),
			problem.At(-1, "to", "unknown status"))
	}
	if in.Version <= 0 {
		return Case{}, problem.Invalid("invalid-transition", "version is required: the case version you read (optimistic concurrency)", problem.At(-1, "version", "missing"))
	}
	var ps []problem.Detail
	checkText(&ps, "comment", in.Comment)
	if err := invalid(ps); err != nil {
		return Case{}, err
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := s.lock(ctx, tx, id, in.Version)
		if err != nil {
			return err
		}
		if !l.status.CanMove(in.To) {
			return notAllowed(id, l.status, in.To)
		}
		data := map[string]any{}
		set := []string{"status = $2"}
		args := []any{id, string(in.To)}
		setArg := func(col string, v any) {
			args = append(args, v)
			set = append(set, fmt.Sprintf("%s = $%d", col, len(args)))
		}
		if err := s.prepare(ctx, tx, l, &in, data, setArg); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE violation_case SET `+strings.Join(set, ", ")+` WHERE id = $1`, args...); err != nil {
			return err
		}
		from, to := l.status, in.To
		return appendEvent(ctx, tx, id, actor, "transition", &from, &to, in.Comment, data)
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, id)
}

// move is a transition being prepared: the case as locked, the input, the
// faults found, the data of its event and the columns it sets.
type move struct {
	l    locked
	in   *TransitionInput
	ps   []problem.Detail
	data map[string]any
	set  func(col string, v any)
}

// prepare checks what the target status needs and says what to store: one
// check-and-apply function per target status.
func (s *Store) prepare(ctx context.Context, tx pgx.Tx, l locked, in *TransitionInput, data map[string]any, set func(string, any)) error {
	m := &move{l: l, in: in, data: data, set: set}
	var err error
	switch in.To {
	case Dismissed:
		required(&m.ps, "reason", in.Reason)
		data["reason"] = in.Reason
	case Verified:
		m.toVerified()
	case Transferred:
		err = m.toTransferred(ctx, tx)
	case Rectifying:
		m.toRectifying()
	case Interviewed:
		err = m.toInterviewed(ctx, tx)
	case SpecialInspection:
		err = m.toSpecialInspection(ctx, tx)
	case Rectified:
		err = m.toRectified(ctx, tx)
	case Closed:
		err = m.toClosed(ctx, tx, s.opts.Now())
	}
	if err != nil {
		return err
	}
	return invalid(m.ps)
}

// toVerified records whether the case is criminal and who the party is.
func (m *move) toVerified() {
	in := m.in
	if in.Criminal != nil {
		m.set("criminal", *in.Criminal)
		m.data["criminal"] = *in.Criminal
	}
	if in.Party != nil {
		checkParty(&m.ps, in.Party)
		m.set("party_name", in.Party.Name)
		m.set("party_kind", in.Party.Kind)
		m.set("party_id", in.Party.ID)
		m.data["party"] = in.Party
	}
}

// toTransferred hands the case to its responsible unit with a deadline
// (step 1).
func (m *move) toTransferred(ctx context.Context, tx pgx.Tx) error {
	in := m.in
	d := checkDate(&m.ps, "deadline", in.Deadline, true)
	checkText(&m.ps, "rectification_measures", in.Measures)
	unit, err := resolveUnit(ctx, tx, m.l, in.Unit, &m.ps)
	if err != nil {
		return err
	}
	if err := invalid(m.ps); err != nil {
		return err
	}
	m.set("unit_id", unit.id)
	m.set("timezone", unit.tz)
	m.set("deadline", *d)
	m.set("overdue_at", nil)
	m.data["unit"], m.data["unit_name"], m.data["deadline"] = unit.code, unit.name, in.Deadline
	if in.Measures != "" {
		m.set("measures", in.Measures)
		m.data["rectification_measures"] = in.Measures
	}
	return nil
}

// toRectifying starts (or, after a failed verification, resumes)
// rectification, optionally with the first joint inspection (step 2).
func (m *move) toRectifying() {
	if m.l.status == Rectified {
		required(&m.ps, "comment", m.in.Comment) // why verification failed
	}
	if m.in.Inspection != nil {
		m.in.Inspection.check(&m.ps, "inspection")
		m.data["inspection"] = m.in.Inspection
	}
}

// toInterviewed records the public interview (step 3), which follows a
// missed deadline or a joint inspection that found rectification stalled.
func (m *move) toInterviewed(ctx context.Context, tx pgx.Tx) error {
	if !m.l.overdue {
		stalled, err := lastAssessment(ctx, tx, m.l.id)
		if err != nil {
			return err
		}
		if stalled != "slow" && stalled != "incomplete" {
			p := problem.Conflict("not-overdue-or-stalled", fmt.Sprintf("case %d is neither overdue nor stalled: a public interview (step 3) follows a missed deadline or a joint inspection that found rectification slow or incomplete", m.l.id))
			p.Extra = map[string]any{"status": m.l.status, "allowed": m.l.status.Allowed()}
			return p
		}
		m.data["grounds"] = "stalled: the last joint inspection found rectification " + stalled
	} else {
		m.data["grounds"] = "overdue"
	}
	if m.in.Interview == nil {
		bad(&m.ps, "interview", "interview is required: date, by, interviewed, record")
	} else {
		m.in.Interview.check(&m.ps)
		m.data["interview"] = m.in.Interview
	}
	m.newDeadline()
	return nil
}

// check refuses an interview without date, record or who was interviewed.
func (iv *Interview) check(ps *[]problem.Detail) {
	checkDate(ps, "interview.date", iv.Date, true)
	required(ps, "interview.record", iv.Record)
	checkText(ps, "interview.by", iv.By)
	if len(iv.Interviewed) == 0 {
		bad(ps, "interview.interviewed", "interview.interviewed must name who was interviewed")
	}
	for i, p := range iv.Interviewed {
		required(ps, fmt.Sprintf("interview.interviewed[%d].name", i), p.Name)
		checkText(ps, fmt.Sprintf("interview.interviewed[%d].title", i), p.Title)
		checkText(ps, fmt.Sprintf("interview.interviewed[%d].unit", i), p.Unit)
	}
}

// toSpecialInspection records the special inspection (step 4) and stores
// its accountability measures as the case's measures.
func (m *move) toSpecialInspection(ctx context.Context, tx pgx.Tx) error {
	sp := m.in.Special
	if sp == nil {
		bad(&m.ps, "special_inspection", "special_inspection is required: date, inspectors, findings, accountability")
	} else {
		sp.check(&m.ps)
		m.data["special_inspection"] = sp
	}
	m.newDeadline()
	if err := invalid(m.ps); err != nil {
		return err
	}
	for _, a := range sp.Accountability {
		if _, err := tx.Exec(ctx, `INSERT INTO case_measure (case_id, kind, decided_on, target, description, created_by)
			VALUES ($1, $2, $3::date, $4, $5, 'special_inspection')`, m.l.id, a.Kind, sp.Date, a.Target, a.Note); err != nil {
			return err
		}
	}
	return nil
}

// check refuses a special inspection without date, inspectors, findings or
// a known accountability measure.
func (sp *Special) check(ps *[]problem.Detail) {
	checkDate(ps, "special_inspection.date", sp.Date, true)
	names(ps, "special_inspection.inspectors", sp.Inspectors)
	required(ps, "special_inspection.findings", sp.Findings)
	if len(sp.Accountability) == 0 {
		bad(ps, "special_inspection.accountability", "special_inspection.accountability must list at least one measure: notified_criticism, accountability_interview or discipline_referral")
	}
	for i, a := range sp.Accountability {
		if _, ok := accountabilityKinds[a.Kind]; !ok {
			bad(ps, fmt.Sprintf("special_inspection.accountability[%d].kind", i), "kind %q must be notified_criticism, accountability_interview or discipline_referral", a.Kind)
		}
		required(ps, fmt.Sprintf("special_inspection.accountability[%d].target", i), a.Target)
		checkText(ps, fmt.Sprintf("special_inspection.accountability[%d].note", i), a.Note)
	}
}

// toRectified records the completed rectification and ends the daily
// consecutive penalties, which run until the violation is corrected.
func (m *move) toRectified(ctx context.Context, tx pgx.Tx) error {
	r := m.in.Rectification
	if r == nil {
		bad(&m.ps, "rectification", "rectification is required: completed_on, description")
	} else {
		checkDate(&m.ps, "rectification.completed_on", r.CompletedOn, true)
		required(&m.ps, "rectification.description", r.Description)
		m.data["rectification"] = r
	}
	if err := invalid(m.ps); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE case_measure SET end_on = greatest(start_on, $2::date)
		WHERE case_id = $1 AND kind = 'daily_penalty' AND end_on IS NULL`, m.l.id, r.CompletedOn)
	if err != nil {
		return err
	}
	if tag.RowsAffected() > 0 {
		m.data["daily_penalties_ended_on"] = r.CompletedOn
	}
	return nil
}

// toClosed closes the case (销号) once its verification is recorded and
// closable allows it.
func (m *move) toClosed(ctx context.Context, tx pgx.Tx, now time.Time) error {
	v := m.in.Verification
	if v == nil {
		bad(&m.ps, "verification", "verification is required: date, verifiers, note")
	} else {
		checkDate(&m.ps, "verification.date", v.Date, true)
		names(&m.ps, "verification.verifiers", v.Verifiers)
		checkText(&m.ps, "verification.note", v.Note)
		m.data["verification"] = v
	}
	if err := invalid(m.ps); err != nil {
		return err
	}
	if err := closable(ctx, tx, m.l, m.data); err != nil {
		return err
	}
	m.set("closed_at", now)
	return nil
}

// newDeadline applies a new deadline given at step 3 or 4 (限期整改).
func (m *move) newDeadline() {
	if m.in.Deadline == "" {
		return
	}
	if d := checkDate(&m.ps, "deadline", m.in.Deadline, false); d != nil {
		m.set("deadline", *d)
		m.set("overdue_at", nil)
		m.data["deadline"] = m.in.Deadline
	}
}

// closable checks a rectified case may be closed: verification evidence is
// on it, and a criminal case has been referred to the police rather than
// settled with a fine (以罚代刑).
func closable(ctx context.Context, tx pgx.Tx, l locked, data map[string]any) error {
	var ids []int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM case_evidence WHERE case_id = $1 AND role = 'verification'`, l.id).Scan(&ids); err != nil {
		return err
	}
	if len(ids) == 0 {
		p := problem.Conflict("verification-evidence-missing", fmt.Sprintf("case %d has no verification evidence: upload the photos or documents of the check (POST /api/v1/cases/%d/evidence with role=verification) before closing it", l.id, l.id))
		p.Extra = map[string]any{"status": l.status, "allowed": l.status.Allowed()}
		return p
	}
	data["verification_evidence"] = ids
	if !l.criminal {
		return nil
	}
	var referred, fined bool
	if err := tx.QueryRow(ctx, `SELECT bool_or(kind = 'police_referral') IS TRUE, bool_or(kind IN ('administrative_penalty', 'daily_penalty')) IS TRUE
		FROM case_measure WHERE case_id = $1`, l.id).Scan(&referred, &fined); err != nil {
		return err
	}
	if !referred {
		detail := fmt.Sprintf("case %d is marked criminal and has not been referred to the police: a criminal case must not be settled with a fine (杜绝以罚代刑); record a police_referral measure first", l.id)
		if !fined {
			detail = fmt.Sprintf("case %d is marked criminal and has not been referred to the police: record a police_referral measure before closing it", l.id)
		}
		p := problem.Conflict("criminal-not-referred", detail)
		p.Extra = map[string]any{"status": l.status, "allowed": l.status.Allowed()}
		return p
	}
	return nil
}

// lastAssessment is the assessment of the case's latest joint inspection.
func lastAssessment(ctx context.Context, tx pgx.Tx, id int64) (string, error) {
	var a *string
	err := tx.QueryRow(ctx, `SELECT coalesce(data->>'assessment', data->'inspection'->>'assessment') FROM case_event
		WHERE case_id = $1 AND (kind = 'inspection' OR data ? 'inspection') ORDER BY version DESC LIMIT 1`, id).Scan(&a)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("cases: last assessment of case %d: %w", id, err)
	case a == nil:
		return "", nil
	}
	return *a, nil
}

type unit struct {
	id         int64
	code, name string
	tz         string
}

// resolveUnit finds the responsible unit of a hand-over: the one named, or
// the administrative area the case lies in.
func resolveUnit(ctx context.Context, tx pgx.Tx, l locked, code string, ps *[]problem.Detail) (unit, error) {
	var u unit
	var err error
	switch {
	case code != "":
		err = tx.QueryRow(ctx, `SELECT id, code, coalesce(nullif(unit_name, ''), name_zh, name_en), timezone FROM admin_area WHERE code = $1`, code).Scan(&u.id, &u.code, &u.name, &u.tz)
		if errors.Is(err, pgx.ErrNoRows) {
			bad(ps, "unit", "unit %q is not an administrative area (GET /api/v1/admin-areas)", code)
			return u, nil
		}
	case l.areaID != nil:
		err = tx.QueryRow(ctx, `SELECT id, code, coalesce(nullif(unit_name, ''), name_zh, name_en), timezone FROM admin_area WHERE id = $1`, *l.areaID).Scan(&u.id, &u.code, &u.name, &u.tz)
	default:
		bad(ps, "unit", "unit is required: the case lies in no administrative area, so name the county the case is handed to")
		return u, nil
	}
	return u, err
}

func (in *Inspection) check(ps *[]problem.Detail, ptr string) {
	checkDate(ps, ptr+".date", in.Date, true)
	names(ps, ptr+".inspectors", in.Inspectors)
	required(ps, ptr+".progress", in.Progress)
	checkText(ps, ptr+".findings", in.Findings)
	switch in.Assessment {
	case "":
		in.Assessment = "on_track"
	case "on_track", "slow", "incomplete":
	default:
		bad(ps, ptr+".assessment", "%s.assessment %q must be on_track, slow or incomplete", ptr, in.Assessment)
	}
}
