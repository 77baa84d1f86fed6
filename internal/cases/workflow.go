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

// RecordInspection records a monthly joint inspection on a case being
// rectified (step 2).
func (s *Store) RecordInspection(ctx context.Context, id int64, version int, in Inspection, actor string) (_ Case, err error) {
	defer db.Wrap(&err, "cases: record inspection %d", id)
	var ps []problem.Detail
	in.check(&ps, "")
	for i := range ps {
		ps[i].Pointer = strings.TrimPrefix(ps[i].Pointer, ".")
		ps[i].Reason = strings.TrimPrefix(ps[i].Reason, ".")
	}
	if err := invalid(ps); err != nil {
		return Case{}, err
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
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
func (s *Store) Update(ctx context.Context, id int64, p Patch, actor string) (_ Case, err error) {
	defer db.Wrap(&err, "cases: update %d", id)
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
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
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
		changes, set, args, err := p.edits(ctx, tx, id)
		if err != nil {
			return err
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

// edits compares the patch with the stored case: the changes for the edit
// event, each with its old and new value, and the SET clauses with their
// arguments ($1 is the case id).
func (p Patch) edits(ctx context.Context, tx pgx.Tx, id int64) (changes map[string]any, set []string, args []any, err error) {
	var old struct {
		Title, Description, SourceRef, PartyName, PartyKind, PartyID, Measures, BasisZH, BasisEN string
		Criminal                                                                                 bool
		Deadline                                                                                 *string
	}
	if err := tx.QueryRow(ctx, `SELECT title, description, source_ref, party_name, party_kind, party_id, measures, basis_zh, basis_en, criminal,
		to_char(deadline, 'YYYY-MM-DD') FROM violation_case WHERE id = $1`, id).Scan(&old.Title, &old.Description, &old.SourceRef,
		&old.PartyName, &old.PartyKind, &old.PartyID, &old.Measures, &old.BasisZH, &old.BasisEN, &old.Criminal, &old.Deadline); err != nil {
		return nil, nil, nil, err
	}
	changes = map[string]any{}
	args = []any{id}
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
	return changes, set, args, nil
}
