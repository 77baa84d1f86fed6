// Package reports sums cases up the way the seed's section 七 asks: each
// unit's daily progress report (due by 12:00 the next day), the daily
// report per unit, the weekly summary, per-unit statistics, the overdue
// list with the escalation each case is due for, and the problem list
// (问题清单) workbook; as JSON, CSV and XLSX tables. It reads the cases it
// sums up and keeps only the units' own daily reports.
package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/cases"
	"warden/internal/db"
)

// Options tune the store.
type Options struct {
	// DefaultTimezone is the local time of cases in no administrative area
	// (default Asia/Shanghai).
	DefaultTimezone string
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
}

// Store builds reports from the cases in PostGIS and keeps the units'
// daily reports.
type Store struct {
	pool db.Pool
	opts Options
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool, opts Options) *Store {
	if opts.DefaultTimezone == "" {
		opts.DefaultTimezone = "Asia/Shanghai"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{pool: db.Scoped(pool), opts: opts}
}

// unitScope selects the units of a report: every administrative area, or
// those a reserve's current zones touch. $1 is the reserve code (” for all).
const unitScope = `SELECT a.id, a.code, a.name_zh, a.unit_name, a.timezone FROM admin_area a
	WHERE $1 = '' OR EXISTS (SELECT 1 FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current JOIN reserve r ON r.id = z.reserve_id
	                         WHERE r.code = $1 AND ST_Intersects(z.geom, a.geom))
	UNION ALL SELECT NULL, '-', '（未落入行政区）', '', $2`

// caseUnit is the unit a case counts under in reports: its responsible
// unit, or the area it lies in until it is handed over.
const caseUnit = `coalesce(c.unit_id, c.area_id)`

type reportUnit struct {
	id                   *int64
	code, name, unitName string
	loc                  *time.Location
	d0, d1               time.Time
}

// units lists the report's units with the bounds of [from, to) in each
// unit's local time.
func (s *Store) units(ctx context.Context, reserve string, from, to time.Time) ([]reportUnit, error) {
	rows, err := s.pool.Query(ctx, unitScope+` ORDER BY 2`, reserve, s.opts.DefaultTimezone)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reportUnit
	for rows.Next() {
		var u reportUnit
		var tz string
		if err := rows.Scan(&u.id, &u.code, &u.name, &u.unitName, &tz); err != nil {
			return nil, err
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("area %s: time zone %q: %w", u.code, tz, err)
		}
		u.loc = loc
		u.d0 = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
		u.d1 = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
		out = append(out, u)
	}
	return out, rows.Err()
}

// overdue lists the cases overdue at a time; with byUnit, those of one unit
// (nil: the unrouted ones), else those of every unit.
func (s *Store) overdue(ctx context.Context, reserve string, unit *int64, byUnit bool, at time.Time) ([]OverdueCase, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.number, r.code, coalesce(u.code, '-'), coalesce(nullif(u.unit_name, ''), u.name_zh, ''), c.status,
			to_char(c.deadline, 'YYYY-MM-DD'), ($1::timestamptz AT TIME ZONE c.timezone)::date - c.deadline
		FROM violation_case c JOIN reserve r ON r.id = c.reserve_id LEFT JOIN admin_area u ON u.id = `+caseUnit+`
		WHERE `+cases.OverdueAt("$1")+` AND ($2 = '' OR r.code = $2) AND (NOT $4 OR `+caseUnit+` IS NOT DISTINCT FROM $3)
		ORDER BY c.deadline, c.id`, at, reserve, unit, byUnit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []OverdueCase{}
	for rows.Next() {
		var o OverdueCase
		if err := rows.Scan(&o.ID, &o.Number, &o.Reserve, &o.Unit, &o.UnitName, &o.Status, &o.Deadline, &o.DaysOverdue); err != nil {
			return nil, err
		}
		o.NextStep = proposedStep(o.Status)
		out = append(out, o)
	}
	return out, rows.Err()
}

// Overdue lists the cases overdue now, longest overdue first.
func (s *Store) Overdue(ctx context.Context, reserve string) (_ []OverdueCase, err error) {
	defer db.Wrap(&err, "reports: overdue %q", reserve)
	return s.overdue(ctx, reserve, nil, false, s.opts.Now())
}
