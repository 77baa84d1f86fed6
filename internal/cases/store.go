package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// caseCols select a case; $1 is the reference time for overdue.
var caseCols = `c.id, c.number, r.code, c.source, c.source_ref, c.kind, c.status, c.version, c.title, c.description, c.zone_kind,
	c.activity, c.articles, c.basis_zh, c.basis_en, c.legal_basis, c.penalty, c.subject, c.reporter, c.party_name, c.party_kind, c.party_id, c.criminal,
	a.code, a.name_zh, a.unit_name, g.id, g.code, g.name, u.code, u.name_zh, u.unit_name,
	c.measures, to_char(c.deadline, 'YYYY-MM-DD'), ` + OverdueAt("$1") + `, c.overdue_at, c.timezone, m.code,
	c.observed_at, c.last_seen_at, c.reported_at, c.closed_at, c.updated_at, ST_AsGeoJSON(c.geom, 7), ST_X(c.point), ST_Y(c.point), ` + stepStateCols

const caseFrom = ` FROM violation_case c JOIN reserve r ON r.id = c.reserve_id
	LEFT JOIN admin_area a ON a.id = c.area_id LEFT JOIN grid_cell g ON g.id = c.cell_id
	LEFT JOIN admin_area u ON u.id = c.unit_id LEFT JOIN marker m ON m.id = c.marker_id`

func scanCase(row pgx.Row) (Case, error) {
	var c Case
	var aCode, aName, aUnit, gCode, gName, uCode, uName, uUnit *string
	var gID *int64
	var loc string
	var st stepState
	err := row.Scan(&c.ID, &c.Number, &c.Reserve, &c.Source, &c.SourceRef, &c.Kind, &c.Status, &c.Version, &c.Title, &c.Description,
		&c.ZoneKind, &c.Activity, &c.Articles, &c.BasisZH, &c.BasisEN, &c.LegalBasis, &c.Penalty, &c.Subject, &c.Reporter, &c.Party.Name, &c.Party.Kind, &c.Party.ID, &c.Criminal,
		&aCode, &aName, &aUnit, &gID, &gCode, &gName, &uCode, &uName, &uUnit,
		&c.Measures, &c.Deadline, &c.Overdue, &c.OverdueAt, &c.Timezone, &c.Marker,
		&c.ObservedAt, &c.LastSeenAt, &c.ReportedAt, &c.ClosedAt, &c.UpdatedAt, &loc, &c.Point[0], &c.Point[1],
		&st.lastAssessment, &st.verificationEvidence, &st.policeReferral)
	if err != nil {
		return c, err
	}
	if aCode != nil {
		c.Area = &AreaRef{Code: *aCode, NameZH: *aName, UnitName: *aUnit}
	}
	if gID != nil {
		c.Cell = &CellRef{ID: *gID, Code: *gCode, Name: *gName}
	}
	if uCode != nil {
		c.Unit = &AreaRef{Code: *uCode, NameZH: *uName, UnitName: *uUnit}
	}
	c.Location = json.RawMessage(loc)
	c.SourceZH, c.StatusZH = sources[c.Source], c.Status.ZH()
	c.Allowed, c.Blocked = st.judge(c)
	return c, nil
}

// Get returns a case with its events, evidence and enforcement measures.
func (s *Store) Get(ctx context.Context, id int64) (_ Case, err error) {
	defer db.Wrap(&err, "cases: get %d", id)
	c, err := scanCase(s.pool.QueryRow(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = $2`, s.opts.Now(), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, problem.NotFound("case", fmt.Sprint(id))
	}
	if err != nil {
		return c, err
	}
	if c.Events, err = s.events(ctx, id); err != nil {
		return c, err
	}
	if c.Evidence, err = s.evidence(ctx, id); err != nil {
		return c, err
	}
	if c.MeasuresTaken, err = s.measures(ctx, s.pool, id); err != nil {
		return c, err
	}
	if c.LawChange, err = s.lawChange(ctx, c); err != nil {
		return c, err
	}
	total := 0.0
	daily := false
	for _, m := range c.MeasuresTaken {
		if m.Accrued != nil {
			total += *m.Accrued
			daily = true
		}
	}
	if daily {
		c.AccruedPenalty = &total
	}
	return c, nil
}

// Reserve is the code of the reserve case id lies in: the one light query
// authorizing a case route needs (Get reads the whole case).
func (s *Store) Reserve(ctx context.Context, id int64) (_ string, err error) {
	defer db.Wrap(&err, "cases: reserve %d", id)
	var code string
	err = s.pool.QueryRow(ctx, `SELECT r.code FROM violation_case c JOIN reserve r ON r.id = c.reserve_id WHERE c.id = $1`, id).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", problem.NotFound("case", fmt.Sprint(id))
	}
	if err != nil {
		return "", err
	}
	return code, nil
}

func (s *Store) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, version, at, actor, kind, from_status, to_status, comment, data
		FROM case_event WHERE case_id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var data []byte
		if err := rows.Scan(&e.ID, &e.Version, &e.At, &e.Actor, &e.Kind, &e.From, &e.To, &e.Comment, &data); err != nil {
			return nil, err
		}
		e.Data = json.RawMessage(data)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Filter selects cases for List. Zero values do not filter.
type Filter struct {
	Reserve string
	// Status may list several, comma-separated.
	Status []Status
	// Unit is an administrative area code: the responsible unit, or for a
	// case not yet handed over, the area it lies in.
	Unit string
	// Cell is a grid cell code.
	Cell     string
	Overdue  *bool
	Source   string
	Activity string
	// From and To bound reported_at: From <= reported_at < To.
	From, To time.Time
	// DeadlineFrom and DeadlineTo (YYYY-MM-DD, inclusive) bound the deadline.
	DeadlineFrom, DeadlineTo string
	// Sort is one of SortKeys (default DefaultSort).
	Sort          string
	Limit, Offset int
}

// Page is one page of cases.
type Page struct {
	Total  int    `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Cases  []Case `json:"cases"`
	// AsOf is the time overdue was judged at.
	AsOf string `json:"as_of"`
}

// Limits of List.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// List returns the cases that match f, newest first, without their events.
func (s *Store) List(ctx context.Context, f Filter) (_ Page, err error) {
	defer db.Wrap(&err, "cases: list")
	if err := db.CheckPage(&f.Limit, f.Offset, DefaultLimit, MaxLimit); err != nil {
		return Page{}, err
	}
	now := s.opts.Now()
	q, err := s.where(ctx, f, now)
	if err != nil {
		return Page{}, err
	}
	order, err := f.order()
	if err != nil {
		return Page{}, err
	}
	p := Page{Limit: f.Limit, Offset: f.Offset, Cases: []Case{}, AsOf: now.UTC().Format(time.RFC3339)}
	// $1, the reference time, is selected so that it is bound in the count
	// as in the list, with or without the overdue filter.
	if err := s.pool.QueryRow(ctx, `SELECT count(*), $1::timestamptz`+caseFrom+q.Where(), q.Args...).Scan(&p.Total, new(time.Time)); err != nil {
		return p, fmt.Errorf("count: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+caseCols+caseFrom+q.Where()+` ORDER BY `+order+q.Page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return p, err
		}
		p.Cases = append(p.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	return p, nil
}

// where is the WHERE clause of f, with now, the reference time of overdue,
// bound as $1.
func (s *Store) where(ctx context.Context, f Filter, now time.Time) (db.Filter, error) {
	var q db.Filter
	at := q.Bind(now)
	q.Equal("r.code", f.Reserve)
	q.Equal("coalesce(u.code, a.code)", f.Unit)
	q.Equal("g.code", f.Cell)
	q.Equal("c.source", f.Source)
	if len(f.Status) > 0 {
		ss := make([]string, len(f.Status))
		for i, st := range f.Status {
			ss[i] = string(st)
		}
		q.And("c.status = ANY(" + q.Bind(ss) + ")")
	}
	if f.Activity != "" {
		code, _, err := activityCode(ctx, s.pool, f.Activity)
		if err != nil {
			return q, err
		}
		q.And("c.activity = " + q.Bind(code))
	}
	if !f.From.IsZero() {
		q.And("c.reported_at >= " + q.Bind(f.From))
	}
	if !f.To.IsZero() {
		q.And("c.reported_at < " + q.Bind(f.To))
	}
	if err := f.deadlineConds(&q); err != nil {
		return q, err
	}
	if f.Overdue != nil {
		cond := OverdueAt(at)
		if !*f.Overdue {
			cond = "NOT " + cond
		}
		q.And(cond)
	}
	return q, nil
}

// SourceNames are the case sources with their Chinese names.
func SourceNames() map[string]string { return sources }
