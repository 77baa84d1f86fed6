package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// Inspection is a monthly joint enforcement inspection of a case's
// rectification (step 2: 每月开展联合执法检查).
type Inspection struct {
	Date       string   `json:"date"`
	Inspectors []string `json:"inspectors"`
	Progress   string   `json:"progress"`
	Findings   string   `json:"findings"`
	// Assessment is on_track, slow (落实缓慢) or incomplete (解决不彻底); slow
	// and incomplete make the case stalled, which opens step 3.
	Assessment string `json:"assessment"`
}

// Person is someone named in a record: interviewed, inspecting, verifying.
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Unit  string `json:"unit,omitempty"`
}

// Interview is the public interview of step 3 (公开约谈).
type Interview struct {
	Date        string   `json:"date"`
	By          string   `json:"by"`
	Interviewed []Person `json:"interviewed"`
	Record      string   `json:"record"`
}

// Accountability is one accountability measure of step 4: notified_criticism
// (通报批评), accountability_interview (约谈问责) or discipline_referral (移送纪检监察).
type Accountability struct {
	Kind   string `json:"kind"`
	Target string `json:"target"`
	Note   string `json:"note,omitempty"`
}

// Special is the municipal special inspection of step 4 (市级专项督察).
type Special struct {
	Date           string           `json:"date"`
	Inspectors     []string         `json:"inspectors"`
	Findings       string           `json:"findings"`
	Accountability []Accountability `json:"accountability"`
}

// Rectification says the responsible unit completed the rectification.
type Rectification struct {
	CompletedOn string `json:"completed_on"`
	Description string `json:"description"`
}

// Verification is the check before a case is closed (销号).
type Verification struct {
	Date      string   `json:"date"`
	Verifiers []string `json:"verifiers"`
	Note      string   `json:"note"`
}

// TransitionInput moves a case on. Version is the case version the officer
// saw; the fields each target needs are listed in the README.
type TransitionInput struct {
	To      Status `json:"to"`
	Version int    `json:"version"`
	Comment string `json:"comment"`
	// dismissed
	Reason string `json:"reason"`
	// verified
	Criminal *bool  `json:"criminal"`
	Party    *Party `json:"party"`
	// transferred; deadline also sets a new deadline at steps 3 and 4
	Unit     string `json:"unit"`
	Deadline string `json:"deadline"`
	Measures string `json:"rectification_measures"`
	// rectifying (optional first inspection)
	Inspection *Inspection `json:"inspection"`
	// interviewed
	Interview *Interview `json:"interview"`
	// special_inspection
	Special *Special `json:"special_inspection"`
	// rectified
	Rectification *Rectification `json:"rectification"`
	// closed
	Verification *Verification `json:"verification"`
}

// locked is the part of a case a change is judged on, read under its row lock.
type locked struct {
	id       int64
	status   Status
	version  int
	criminal bool
	partyKnd string
	areaID   *int64
	tz       string
	deadline *time.Time
	overdue  bool
}

// lock reads the case under FOR UPDATE and checks the version the caller
// saw (0: not checked). Two officers acting at once serialise here: the
// second waits for the first to commit, then finds the version moved on.
func (s *Store) lock(ctx context.Context, tx pgx.Tx, id int64, version int) (locked, error) {
	var l locked
	err := tx.QueryRow(ctx, `SELECT c.id, c.status, c.version, c.criminal, c.party_kind, c.area_id, c.timezone, c.deadline, `+OverdueAt("$2")+`
		FROM violation_case c WHERE c.id = $1 FOR UPDATE`, id, s.opts.Now()).
		Scan(&l.id, &l.status, &l.version, &l.criminal, &l.partyKnd, &l.areaID, &l.tz, &l.deadline, &l.overdue)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, problem.NotFound("case", fmt.Sprint(id))
	}
	if err != nil {
		return l, err
	}
	if version != 0 && version != l.version {
		p := problem.Conflict("stale-version", fmt.Sprintf("case %d is at version %d, not %d: someone changed it since you read it; reload it and try again", id, l.version, version))
		p.Extra = map[string]any{"version": l.version, "status": l.status, "allowed": l.status.Allowed()}
		return l, p
	}
	return l, nil
}

// appendEvent bumps the case's version and appends the event.
func appendEvent(ctx context.Context, tx pgx.Tx, id int64, actor, kind string, from, to *Status, comment string, data map[string]any) error {
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `WITH v AS (UPDATE violation_case SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version)
		INSERT INTO case_event (case_id, version, actor, kind, from_status, to_status, comment, data)
		SELECT $1, v.version, $2, $3, $4, $5, $6, $7 FROM v`, id, actor, kind, from, to, comment, body)
	return err
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
func (s *Store) Transition(ctx context.Context, id int64, in TransitionInput, actor string) (Case, error) {
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
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
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

// prepare checks what the target status needs and says what to store.
func (s *Store) prepare(ctx context.Context, tx pgx.Tx, l locked, in *TransitionInput, data map[string]any, set func(string, any)) error {
	var ps []problem.Detail
	switch in.To {
	case Dismissed:
		required(&ps, "reason", in.Reason)
		data["reason"] = in.Reason
	case Verified:
		if in.Criminal != nil {
			set("criminal", *in.Criminal)
			data["criminal"] = *in.Criminal
		}
		if in.Party != nil {
			checkParty(&ps, in.Party)
			set("party_name", in.Party.Name)
			set("party_kind", in.Party.Kind)
			set("party_id", in.Party.ID)
			data["party"] = in.Party
		}
	case Transferred:
		d := checkDate(&ps, "deadline", in.Deadline, true)
		checkText(&ps, "rectification_measures", in.Measures)
		unit, err := s.resolveUnit(ctx, tx, l, in.Unit, &ps)
		if err != nil {
			return err
		}
		if err := invalid(ps); err != nil {
			return err
		}
		set("unit_id", unit.id)
		set("timezone", unit.tz)
		set("deadline", *d)
		set("overdue_at", nil)
		data["unit"], data["unit_name"], data["deadline"] = unit.code, unit.name, in.Deadline
		if in.Measures != "" {
			set("measures", in.Measures)
			data["rectification_measures"] = in.Measures
		}
	case Rectifying:
		if l.status == Rectified {
			required(&ps, "comment", in.Comment) // why verification failed
		}
		if in.Inspection != nil {
			in.Inspection.check(&ps, "inspection")
			data["inspection"] = in.Inspection
		}
	case Interviewed:
		if !l.overdue {
			stalled, err := lastAssessment(ctx, tx, l.id)
			if err != nil {
				return err
			}
			if stalled != "slow" && stalled != "incomplete" {
				p := problem.Conflict("not-overdue-or-stalled", fmt.Sprintf("case %d is neither overdue nor stalled: a public interview (step 3) follows a missed deadline or a joint inspection that found rectification slow or incomplete", l.id))
				p.Extra = map[string]any{"status": l.status, "allowed": l.status.Allowed()}
				return p
			}
			data["grounds"] = "stalled: the last joint inspection found rectification " + stalled
		} else {
			data["grounds"] = "overdue"
		}
		if in.Interview == nil {
			bad(&ps, "interview", "interview is required: date, by, interviewed, record")
		} else {
			iv := in.Interview
			checkDate(&ps, "interview.date", iv.Date, true)
			required(&ps, "interview.record", iv.Record)
			checkText(&ps, "interview.by", iv.By)
			if len(iv.Interviewed) == 0 {
				bad(&ps, "interview.interviewed", "interview.interviewed must name who was interviewed")
			}
			for i, p := range iv.Interviewed {
				required(&ps, fmt.Sprintf("interview.interviewed[%d].name", i), p.Name)
				checkText(&ps, fmt.Sprintf("interview.interviewed[%d].title", i), p.Title)
				checkText(&ps, fmt.Sprintf("interview.interviewed[%d].unit", i), p.Unit)
			}
			data["interview"] = iv
		}
		s.newDeadline(&ps, l, in, data, set)
	case SpecialInspection:
		if in.Special == nil {
			bad(&ps, "special_inspection", "special_inspection is required: date, inspectors, findings, accountability")
		} else {
			sp := in.Special
			checkDate(&ps, "special_inspection.date", sp.Date, true)
			names(&ps, "special_inspection.inspectors", sp.Inspectors)
			required(&ps, "special_inspection.findings", sp.Findings)
			if len(sp.Accountability) == 0 {
				bad(&ps, "special_inspection.accountability", "special_inspection.accountability must list at least one measure: notified_criticism, accountability_interview or discipline_referral")
			}
			for i, a := range sp.Accountability {
				if _, ok := accountabilityKinds[a.Kind]; !ok {
					bad(&ps, fmt.Sprintf("special_inspection.accountability[%d].kind", i), "kind %q must be notified_criticism, accountability_interview or discipline_referral", a.Kind)
				}
				required(&ps, fmt.Sprintf("special_inspection.accountability[%d].target", i), a.Target)
				checkText(&ps, fmt.Sprintf("special_inspection.accountability[%d].note", i), a.Note)
			}
			data["special_inspection"] = sp
		}
		s.newDeadline(&ps, l, in, data, set)
		if err := invalid(ps); err != nil {
			return err
		}
		for _, a := range in.Special.Accountability {
			if _, err := tx.Exec(ctx, `INSERT INTO case_measure (case_id, kind, decided_on, target, description, created_by)
				VALUES ($1, $2, $3::date, $4, $5, 'special_inspection')`, l.id, a.Kind, in.Special.Date, a.Target, a.Note); err != nil {
				return err
			}
		}
	case Rectified:
		if in.Rectification == nil {
			bad(&ps, "rectification", "rectification is required: completed_on, description")
		} else {
			checkDate(&ps, "rectification.completed_on", in.Rectification.CompletedOn, true)
			required(&ps, "rectification.description", in.Rectification.Description)
			data["rectification"] = in.Rectification
		}
		if err := invalid(ps); err != nil {
			return err
		}
		// a daily consecutive penalty runs until the violation is corrected
		tag, err := tx.Exec(ctx, `UPDATE case_measure SET end_on = greatest(start_on, $2::date)
			WHERE case_id = $1 AND kind = 'daily_penalty' AND end_on IS NULL`, l.id, in.Rectification.CompletedOn)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 {
			data["daily_penalties_ended_on"] = in.Rectification.CompletedOn
		}
	case Closed:
		if in.Verification == nil {
			bad(&ps, "verification", "verification is required: date, verifiers, note")
		} else {
			checkDate(&ps, "verification.date", in.Verification.Date, true)
			names(&ps, "verification.verifiers", in.Verification.Verifiers)
			checkText(&ps, "verification.note", in.Verification.Note)
			data["verification"] = in.Verification
		}
		if err := invalid(ps); err != nil {
			return err
		}
		if err := s.closable(ctx, tx, l, data); err != nil {
			return err
		}
		set("closed_at", s.opts.Now())
	}
	return invalid(ps)
}

// newDeadline applies a new deadline given at step 3 or 4 (限期整改).
func (s *Store) newDeadline(ps *[]problem.Detail, l locked, in *TransitionInput, data map[string]any, set func(string, any)) {
	if in.Deadline == "" {
		return
	}
	if d := checkDate(ps, "deadline", in.Deadline, false); d != nil {
		set("deadline", *d)
		set("overdue_at", nil)
		data["deadline"] = in.Deadline
	}
}

// closable checks a rectified case may be closed: verification evidence is
// on it, and a criminal case has been referred to the police rather than
// settled with a fine (以罚代刑).
func (s *Store) closable(ctx context.Context, tx pgx.Tx, l locked, data map[string]any) error {
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
func (s *Store) resolveUnit(ctx context.Context, tx pgx.Tx, l locked, code string, ps *[]problem.Detail) (unit, error) {
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

// RecordInspection records a monthly joint inspection on a case being
// rectified (step 2).
func (s *Store) RecordInspection(ctx context.Context, id int64, version int, in Inspection, actor string) (Case, error) {
	var ps []problem.Detail
	in.check(&ps, "")
	for i := range ps {
		ps[i].Pointer = strings.TrimPrefix(ps[i].Pointer, ".")
		ps[i].Reason = strings.TrimPrefix(ps[i].Reason, ".")
	}
	if err := invalid(ps); err != nil {
		return Case{}, err
	}
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := s.lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		switch l.status {
		case Transferred, Rectifying, Interviewed, SpecialInspection:
		default:
			return &problem.Error{Status: http.StatusConflict, Type: "not-rectifying", Title: "Conflict",
				Detail: fmt.Sprintf("case %d is %s: joint inspections are recorded once it is handed over and until it is rectified", id, l.status),
				Extra:  map[string]any{"status": l.status, "allowed": l.status.Allowed()}}
		}
		b, _ := json.Marshal(in)
		var data map[string]any
		if err := json.Unmarshal(b, &data); err != nil {
			return err
		}
		return appendEvent(ctx, tx, id, actor, "inspection", nil, nil, in.Progress, data)
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, id)
}

// Patch is a change to a case's fields; nil fields stay.
type Patch struct {
	Version     int     `json:"version"`
	Comment     string  `json:"comment"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	SourceRef   *string `json:"source_ref"`
	Party       *Party  `json:"party"`
	Criminal    *bool   `json:"criminal"`
	Measures    *string `json:"rectification_measures"`
	// Deadline extends (or shortens) a running deadline.
	Deadline *string `json:"deadline"`
	BasisZH  *string `json:"basis_zh"`
	BasisEN  *string `json:"basis_en"`
}

// Update applies a patch, recording every changed field with its old and
// new value in an 'edit' event.
func (s *Store) Update(ctx context.Context, id int64, p Patch, actor string) (Case, error) {
	var ps []problem.Detail
	if p.Version <= 0 {
		bad(&ps, "version", "version is required: the case version you read (optimistic concurrency)")
	}
	checkParty(&ps, p.Party)
	checkText(&ps, "comment", p.Comment)
	for ptr, v := range map[string]*string{"title": p.Title, "description": p.Description, "source_ref": p.SourceRef,
		"rectification_measures": p.Measures, "basis_zh": p.BasisZH, "basis_en": p.BasisEN} {
		if v != nil {
			checkText(&ps, ptr, *v)
		}
	}
	if p.Deadline != nil {
		checkDate(&ps, "deadline", *p.Deadline, true)
	}
	if err := invalid(ps); err != nil {
		return Case{}, err
	}
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := s.lock(ctx, tx, id, p.Version)
		if err != nil {
			return err
		}
		if !l.status.Open() {
			return &problem.Error{Status: http.StatusConflict, Type: "case-finished", Title: "Conflict",
				Detail: fmt.Sprintf("case %d is %s and can no longer be changed", id, l.status), Extra: map[string]any{"status": l.status, "allowed": l.status.Allowed()}}
		}
		if p.Deadline != nil && l.deadline == nil {
			return problem.Invalid("invalid-case", "the case has no deadline yet: it is set when the case is transferred", problem.At(-1, "deadline", "set at transfer"))
		}
		var old struct {
			Title, Description, SourceRef, PartyName, PartyKind, PartyID, Measures, BasisZH, BasisEN string
			Criminal                                                                                 bool
			Deadline                                                                                 *string
		}
		if err := tx.QueryRow(ctx, `SELECT title, description, source_ref, party_name, party_kind, party_id, measures, basis_zh, basis_en, criminal,
			to_char(deadline, 'YYYY-MM-DD') FROM violation_case WHERE id = $1`, id).Scan(&old.Title, &old.Description, &old.SourceRef,
			&old.PartyName, &old.PartyKind, &old.PartyID, &old.Measures, &old.BasisZH, &old.BasisEN, &old.Criminal, &old.Deadline); err != nil {
			return err
		}
		changes := map[string]any{}
		var set []string
		args := []any{id}
		change := func(field, col string, from, to any) {
			if from == to {
				return
			}
			changes[field] = map[string]any{"from": from, "to": to}
			args = append(args, to)
			set = append(set, fmt.Sprintf("%s = $%d", col, len(args)))
		}
		str := func(field, col string, from string, to *string) {
			if to != nil {
				change(field, col, from, *to)
			}
		}
		str("title", "title", old.Title, p.Title)
		str("description", "description", old.Description, p.Description)
		str("source_ref", "source_ref", old.SourceRef, p.SourceRef)
		str("rectification_measures", "measures", old.Measures, p.Measures)
		str("basis_zh", "basis_zh", old.BasisZH, p.BasisZH)
		str("basis_en", "basis_en", old.BasisEN, p.BasisEN)
		if p.Party != nil {
			change("party.name", "party_name", old.PartyName, p.Party.Name)
			change("party.kind", "party_kind", old.PartyKind, p.Party.Kind)
			change("party.id", "party_id", old.PartyID, p.Party.ID)
		}
		if p.Criminal != nil {
			change("criminal", "criminal", old.Criminal, *p.Criminal)
		}
		if p.Deadline != nil && *p.Deadline != *old.Deadline {
			changes["deadline"] = map[string]any{"from": *old.Deadline, "to": *p.Deadline}
			args = append(args, *p.Deadline)
			set = append(set, fmt.Sprintf("deadline = $%d::date", len(args)), "overdue_at = NULL")
		}
		if len(set) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE violation_case SET `+strings.Join(set, ", ")+` WHERE id = $1`, args...); err != nil {
			return err
		}
		return appendEvent(ctx, tx, id, actor, "edit", nil, nil, p.Comment, map[string]any{"changes": changes})
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, id)
}
