package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/problem"
)

// querier is what both the pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

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
func (s *Store) Get(ctx context.Context, id int64) (Case, error) {
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
func (s *Store) Reserve(ctx context.Context, id int64) (string, error) {
	var code string
	err := s.pool.QueryRow(ctx, `SELECT r.code FROM violation_case c JOIN reserve r ON r.id = c.reserve_id WHERE c.id = $1`, id).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", problem.NotFound("case", fmt.Sprint(id))
	}
	if err != nil {
		return "", fmt.Errorf("cases: reserve of case %d: %w", id, err)
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
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit < 0 || f.Limit > MaxLimit || f.Offset < 0 {
		return Page{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("limit must be 1..%d and offset 0 or more", MaxLimit))
	}
	now := s.opts.Now()
	args := []any{now}
	var where []string
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Reserve != "" {
		add("r.code = $%d", f.Reserve)
	}
	if len(f.Status) > 0 {
		ss := make([]string, len(f.Status))
		for i, st := range f.Status {
			ss[i] = string(st)
		}
		add("c.status = ANY($%d)", ss)
	}
	if f.Unit != "" {
		add("coalesce(u.code, a.code) = $%d", f.Unit)
	}
	if f.Cell != "" {
		add("g.code = $%d", f.Cell)
	}
	if f.Source != "" {
		add("c.source = $%d", f.Source)
	}
	if f.Activity != "" {
		code, _, err := activityCode(ctx, s.pool, f.Activity)
		if err != nil {
			return Page{}, err
		}
		add("c.activity = $%d", code)
	}
	if !f.From.IsZero() {
		add("c.reported_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("c.reported_at < $%d", f.To)
	}
	if err := f.deadlineConds(add); err != nil {
		return Page{}, err
	}
	order, err := f.order()
	if err != nil {
		return Page{}, err
	}
	if f.Overdue != nil {
		cond := OverdueAt("$1")
		if !*f.Overdue {
			cond = "NOT " + cond
		}
		where = append(where, cond)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	p := Page{Limit: f.Limit, Offset: f.Offset, Cases: []Case{}, AsOf: now.UTC().Format(time.RFC3339)}
	// $1, the reference time, is selected so that it is bound in the count
	// as in the list, with or without the overdue filter.
	if err := s.pool.QueryRow(ctx, `SELECT count(*), $1::timestamptz`+caseFrom+cond, args...).Scan(&p.Total, new(time.Time)); err != nil {
		return p, err
	}
	n := len(args)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s%s%s ORDER BY %s LIMIT $%d OFFSET $%d`, caseCols, caseFrom, cond, order, n+1, n+2),
		append(args, f.Limit, f.Offset)...)
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
	return p, rows.Err()
}

// SourceNames are the case sources with their Chinese names.
func SourceNames() map[string]string { return sources }
