package reports

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// UnitReportInput is a unit's daily progress report on a day (seed section
// 七: each unit reports the previous day's progress by 12:00).
type UnitReportInput struct {
	Date     string `json:"date"`
	Progress string `json:"progress"`
}

// UnitReport is a stored daily report with whether it came in time.
type UnitReport struct {
	Unit        string    `json:"unit"`
	Date        string    `json:"date"`
	Progress    string    `json:"progress"`
	SubmittedBy string    `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
	DueAt       time.Time `json:"due_at"`
	// Status is in (by 12:00 the next day, local time) or late.
	Status string `json:"status"`
}

// SubmitUnitReport stores a unit's daily report; one per unit and day.
func (s *Store) SubmitUnitReport(ctx context.Context, unit string, in UnitReportInput, actor string) (_ UnitReport, err error) {
	defer db.Wrap(&err, "reports: submit unit report %q", unit)
	var ps problem.List
	d := ps.Date("date", in.Date, true)
	ps.Required("progress", in.Progress)
	if err := ps.Err(problem.InvalidReport); err != nil {
		return UnitReport{}, err
	}
	var r UnitReport
	var aid int64
	var tz string
	err = s.pool.QueryRow(ctx, `SELECT id, timezone FROM admin_area WHERE code = $1`, unit).Scan(&aid, &tz)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, problem.NotFound("administrative area", unit)
	}
	if err != nil {
		return r, err
	}
	now := s.opts.Now()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return r, err
	}
	if y, m, dd := now.In(loc).Date(); d.After(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)) {
		return r, problem.Invalid(problem.InvalidReport, fmt.Sprintf("date %s is in the future: a daily report covers a day that has passed (or today)", in.Date),
			problem.At(-1, "date", "in the future"))
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO unit_report (area_id, report_date, progress, submitted_by, submitted_at) VALUES ($1, $2::date, $3, $4, $5)
		ON CONFLICT (area_id, report_date) DO NOTHING RETURNING submitted_at`, aid, in.Date, in.Progress, actor, now).Scan(&r.SubmittedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, problem.Conflict(problem.ReportExists, fmt.Sprintf("unit %s has already reported on %s", unit, in.Date))
	}
	if err != nil {
		return r, err
	}
	r.Unit, r.Date, r.Progress, r.SubmittedBy = unit, in.Date, in.Progress, actor
	r.DueAt = dueAt(*d, loc)
	r.Status = "in"
	if r.SubmittedAt.After(r.DueAt) {
		r.Status = "late"
	}
	return r, nil
}

// dueAt is 12:00 local time on the day after d.
func dueAt(d time.Time, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day()+1, 12, 0, 0, 0, loc)
}
