package clues

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// Batch reads one batch with its clue counts by status.
func (s *Store) Batch(ctx context.Context, id int64) (Batch, error) {
	bs, err := s.batches(ctx, `WHERE b.id = $1`, id)
	if err != nil {
		return Batch{}, err
	}
	if len(bs) == 0 {
		return Batch{}, problem.NotFound("clue batch", strconv.FormatInt(id, 10))
	}
	return bs[0], nil
}

// Batches lists every batch, newest first; with reserve, those with a clue
// located to it.
func (s *Store) Batches(ctx context.Context, reserve string) ([]Batch, error) {
	if reserve != "" {
		return s.batches(ctx, `WHERE EXISTS (SELECT 1 FROM clue c JOIN reserve r ON r.id = c.reserve_id WHERE c.batch_id = b.id AND r.code = $1)`, reserve)
	}
	return s.batches(ctx, ``)
}

func (s *Store) batches(ctx context.Context, where string, args ...any) ([]Batch, error) {
	rows, err := s.pool.Query(ctx, `SELECT b.id, b.source, b.imaged_before, b.imaged_after, b.file_name, b.format, b.features, b.uploaded_by, b.uploaded_at,
			coalesce((SELECT jsonb_object_agg(st, n) FROM (SELECT c.status st, count(*) n FROM clue c WHERE c.batch_id = b.id GROUP BY 1) x), '{}')
		FROM clue_batch b `+where+` ORDER BY b.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("clues: batches: %w", err)
	}
	defer rows.Close()
	out := []Batch{}
	for rows.Next() {
		var b Batch
		var before *time.Time
		var after time.Time
		if err := rows.Scan(&b.ID, &b.Source, &before, &after, &b.FileName, &b.Format, &b.Features, &b.UploadedBy, &b.UploadedAt, &b.ByStatus); err != nil {
			return nil, fmt.Errorf("clues: batches: %w", err)
		}
		b.ImagedAfter, b.ImagedBefore = law.Date{Time: after}, datePtr(before)
		for st, n := range b.ByStatus {
			b.Clues += n
			if st == string(Linked) {
				b.Linked = n
			}
		}
		b.Clues -= b.Linked
		out = append(out, b)
	}
	return out, rows.Err()
}

func datePtr(t *time.Time) *law.Date {
	if t == nil {
		return nil
	}
	return &law.Date{Time: *t}
}

// Filter selects clues.
type Filter struct {
	Batch    int64
	Reserve  string
	Status   string
	Zone     string // a zone kind, as mapped or as the law judges it
	Assignee string
	Overdue  bool
	// Limit (default and at most MaxLimit) and Offset page the ledger.
	Limit, Offset int
}

// MaxLimit is the most clues one list, ledger or statistics reads.
const MaxLimit = 5000

// clueSelect reads a clue with its batch, reserve, routing and cases; $1 is now.
const clueSelect = `SELECT c.id, c.number, c.batch_id, b.source, c.external_id, c.change_type, c.confidence, c.reported_area_ha, c.area_ha,
	ST_X(c.point), ST_Y(c.point), c.imaged_before, c.imaged_after, r.code, coalesce(r.name_zh, ''), coalesce(r.level, ''), c.inside,
	c.boundary_distance_m, coalesce(nullif(a.name_zh, ''), a.name_en), g.code, c.priority, c.activity, c.verdict, c.rule_set,
	c.legal_zone_kind, c.legal_basis, c.penalty, c.status, c.linked_clue_id, lc.id, lc.number, lc.status, c.assignee, c.assigned_at,
	c.deadline, c.result, c.approval, c.note, c.visit_track_id, c.visit_device, c.visited_at, c.verified_by, c.verified_at, vc.id, vc.number, vc.status,
	coalesce(r.time_zone, 'Asia/Shanghai'), ST_AsGeoJSON(c.geom, 7), c.properties,
	coalesce(c.status IN ('new', 'assigned') AND c.deadline < ($1::timestamptz AT TIME ZONE coalesce(r.time_zone, 'Asia/Shanghai'))::date, false),
	coalesce((SELECT jsonb_agg(jsonb_build_object('reserve', zr.code, 'zone_kind', z.zone_kind, 'legal_zone_kind', z.legal_zone_kind,
		'area_ha', round(z.area_ha::numeric, 4)) ORDER BY zr.code, case_zone_rank(z.zone_kind)) FROM clue_zone z JOIN reserve zr ON zr.id = z.reserve_id
		WHERE z.clue_id = c.id), '[]')
FROM clue c JOIN clue_batch b ON b.id = c.batch_id LEFT JOIN reserve r ON r.id = c.reserve_id LEFT JOIN admin_area a ON a.id = c.area_id
LEFT JOIN grid_cell g ON g.id = c.cell_id LEFT JOIN violation_case lc ON lc.id = c.linked_case_id LEFT JOIN violation_case vc ON vc.id = c.case_id`

func scanClue(row pgx.Row) (Clue, error) {
	var c Clue
	var before, deadline *time.Time
	var after time.Time
	var lcID, vcID *int64
	var lcNum, lcSt, vcNum, vcSt *string
	var zones []byte
	var geom string
	if err := row.Scan(&c.ID, &c.Number, &c.Batch, &c.Source, &c.ExternalID, &c.ChangeType, &c.Confidence, &c.ReportedAreaHa, &c.AreaHa,
		&c.Center[0], &c.Center[1], &before, &after, &c.Reserve, &c.ReserveName, &c.ReserveLevel, &c.Inside,
		&c.BoundaryDistanceM, &c.County, &c.GridCell, &c.Priority, &c.Activity, &c.Verdict, &c.RuleSet,
		&c.LegalZoneKind, &c.LegalBasis, &c.Penalty, &c.Status, &c.LinkedClue, &lcID, &lcNum, &lcSt, &c.Assignee, &c.AssignedAt,
		&deadline, &c.Result, &c.Approval, &c.Note, &c.VisitTrack, &c.VisitDevice, &c.VisitedAt, &c.VerifiedBy, &c.VerifiedAt, &vcID, &vcNum, &vcSt,
		&c.TimeZone, &geom, &c.Properties, &c.Overdue, &zones); err != nil {
		return c, err
	}
	c.ImagedBefore, c.ImagedAfter, c.Deadline = datePtr(before), law.Date{Time: after}, datePtr(deadline)
	c.Geometry = json.RawMessage(geom)
	c.ChangeTypeZH, c.StatusZH = c.ChangeType.ZH(), c.Status.ZH()
	if lcID != nil {
		c.LinkedCase = &CaseRef{ID: *lcID, Number: *lcNum, Status: *lcSt}
	}
	if vcID != nil {
		c.Case = &CaseRef{ID: *vcID, Number: *vcNum, Status: *vcSt}
	}
	c.Zones = []ZoneShare{}
	if err := json.Unmarshal(zones, &c.Zones); err != nil {
		return c, err
	}
	c.Photos = []Photo{}
	if c.BoundaryDistanceM != nil {
		d := float64(int64(*c.BoundaryDistanceM*100+0.5)) / 100
		c.BoundaryDistanceM = &d
	}
	return c, nil
}

// Get reads one clue with its photos.
func (s *Store) Get(ctx context.Context, id int64) (Clue, error) {
	c, err := scanClue(s.pool.QueryRow(ctx, clueSelect+` WHERE c.id = $2`, s.opts.Now(), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, problem.NotFound("clue", strconv.FormatInt(id, 10))
	} else if err != nil {
		return c, fmt.Errorf("clues: get %d: %w", id, err)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return c, fmt.Errorf("clues: get %d: %w", id, err)
	}
	c.VisitedAt = inZone(c.VisitedAt, loc)
	rows, err := s.pool.Query(ctx, `SELECT id, file_name, content_type, taken_at, taken_at_from, lon, lat, position_from, distance_m, added_by, added_at
		FROM clue_photo WHERE clue_id = $1 ORDER BY id`, id)
	if err != nil {
		return c, fmt.Errorf("clues: photos of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.ID, &p.FileName, &p.ContentType, &p.TakenAt, &p.TakenAtFrom, &p.Lon, &p.Lat, &p.PositionFrom, &p.DistanceM, &p.AddedBy, &p.AddedAt); err != nil {
			return c, fmt.Errorf("clues: photos of %d: %w", id, err)
		}
		p.TakenAt = inZone(p.TakenAt, loc)
		c.Photos = append(c.Photos, p)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("clues: photos of %d: %w", id, err)
	}
	if c.Visits, err = s.Visits(ctx, id); err != nil {
		return c, err
	}
	for i := range c.Visits {
		c.Visits[i].At = inZone(c.Visits[i].At, loc)
	}
	return c, nil
}

// inZone is t in loc, so that it reads as the reserve's local time with
// its offset.
func inZone(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(loc)
	return &l
}

// List reads the clues a filter selects, in ledger order (batch, ordinal).
func (s *Store) List(ctx context.Context, f Filter) ([]Clue, error) {
	if err := db.CheckPage(&f.Limit, f.Offset, MaxLimit, MaxLimit); err != nil {
		return nil, err
	}
	var q db.Filter
	now := q.Bind(s.opts.Now())
	if f.Batch != 0 {
		q.And("c.batch_id = " + q.Bind(f.Batch))
	}
	q.Equal("r.code", f.Reserve)
	if f.Status != "" {
		if _, ok := statusZH[Status(f.Status)]; !ok {
			return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("status %q is unknown: use new, assigned, case_opened, closed or linked", f.Status))
		}
		q.Equal("c.status", f.Status)
	}
	if f.Zone != "" {
		k, err := zoning.ParseKind(f.Zone)
		if err != nil {
			return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("zone %q is not a zone kind (core, buffer, experimental, core_protection, general_control or their Chinese names)", f.Zone))
		}
		q.And("EXISTS (SELECT 1 FROM clue_zone z WHERE z.clue_id = c.id AND " + q.Bind(string(k)) + " IN (z.zone_kind, z.legal_zone_kind))")
	}
	q.Equal("c.assignee", f.Assignee)
	if f.Overdue {
		q.And("c.status IN ('new', 'assigned') AND c.deadline < (" + now + "::timestamptz AT TIME ZONE coalesce(r.time_zone, 'Asia/Shanghai'))::date")
	}
	rows, err := s.pool.Query(ctx, clueSelect+q.Where()+" ORDER BY c.batch_id, c.ordinal"+q.Page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("clues: list: %w", err)
	}
	defer rows.Close()
	out := []Clue{}
	for rows.Next() {
		c, err := scanClue(rows)
		if err != nil {
			return nil, fmt.Errorf("clues: list: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
