package reports

import (
	"context"
	"fmt"
	"time"

	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/problem"
)

// TouchedCase is a case that moved on the report's day.
type TouchedCase struct {
	ID     int64        `json:"id"`
	Number string       `json:"number"`
	Status cases.Status `json:"status"`
	Events []string     `json:"events"`
}

// OverdueCase is a case past its deadline.
type OverdueCase struct {
	ID          int64        `json:"id"`
	Number      string       `json:"number"`
	Reserve     string       `json:"reserve"`
	Unit        string       `json:"unit"`
	UnitName    string       `json:"unit_name"`
	Status      cases.Status `json:"status"`
	Deadline    string       `json:"deadline"`
	DaysOverdue int          `json:"days_overdue"`
	// NextStep is the escalation the method proposes: a public interview
	// (step 3) for a case still being rectified, a special inspection (step
	// 4) after an interview, accountability after that.
	NextStep string `json:"proposed_next_step"`
}

// proposedStep is the escalation after a missed deadline in status st.
func proposedStep(st cases.Status) string {
	switch st {
	case cases.Transferred, cases.Rectifying:
		return string(cases.Interviewed)
	case cases.Interviewed:
		return string(cases.SpecialInspection)
	}
	return "accountability"
}

// DailyUnit is one unit's line of the daily report.
type DailyUnit struct {
	Unit     string        `json:"unit"`
	NameZH   string        `json:"name_zh"`
	UnitName string        `json:"unit_name"`
	DueAt    *time.Time    `json:"due_at,omitempty"`
	Report   string        `json:"report"`
	Reported *time.Time    `json:"reported_at,omitempty"`
	Progress string        `json:"progress,omitempty"`
	Open     int           `json:"open"`
	New      int           `json:"new"`
	Closed   int           `json:"closed"`
	Touched  []TouchedCase `json:"touched"`
	Overdue  []OverdueCase `json:"overdue"`
}

// Daily is the daily report on a day: per unit, the cases touched that day,
// the cases overdue at its end and whether the unit's own report is in.
type Daily struct {
	Date    string      `json:"date"`
	Reserve string      `json:"reserve,omitempty"`
	AsOf    time.Time   `json:"as_of"`
	Units   []DailyUnit `json:"units"`
	Totals  struct {
		Touched, Overdue, New, Closed, ReportsIn, ReportsLate, ReportsMissing, ReportsPending int
	} `json:"totals"`
}

// DailyReport builds the daily report on date (YYYY-MM-DD, each unit's local
// day); reserve limits it to one reserve's units and cases.
func (s *Store) DailyReport(ctx context.Context, date, reserve string) (_ Daily, err error) {
	defer db.Wrap(&err, "reports: daily report %q", reserve)
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return Daily{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("date=%q must be a date YYYY-MM-DD", date))
	}
	now := s.opts.Now()
	rep := Daily{Date: date, Reserve: reserve, AsOf: now, Units: []DailyUnit{}}
	units, err := s.units(ctx, reserve, d, d.AddDate(0, 0, 1))
	if err != nil {
		return rep, err
	}
	for _, u := range units {
		du, err := s.dailyUnit(ctx, u, d, date, reserve, now)
		if err != nil {
			return rep, err
		}
		if u.id == nil && len(du.Touched) == 0 && len(du.Overdue) == 0 && du.Open == 0 {
			continue // no unrouted cases: leave the pseudo-unit out
		}
		rep.Units = append(rep.Units, du)
		t := &rep.Totals
		t.Touched += len(du.Touched)
		t.Overdue += len(du.Overdue)
		t.New += du.New
		t.Closed += du.Closed
		switch du.Report {
		case "in":
			t.ReportsIn++
		case "late":
			t.ReportsLate++
		case "missing":
			t.ReportsMissing++
		case "pending":
			t.ReportsPending++
		}
	}
	return rep, nil
}

// dailyUnit is one unit's line of the daily report on day d (date): its own
// report, the day's counts, the cases touched that day and those overdue at
// its end.
func (s *Store) dailyUnit(ctx context.Context, u reportUnit, d time.Time, date, reserve string, now time.Time) (DailyUnit, error) {
	du := DailyUnit{Unit: u.code, NameZH: u.name, UnitName: u.unitName, Touched: []TouchedCase{}, Overdue: []OverdueCase{}, Report: "n/a"}
	if u.id != nil {
		if err := s.ownReport(ctx, &du, u, d, date, now); err != nil {
			return du, err
		}
	}
	// counts of the day
	if err := s.pool.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE c.status NOT IN ('dismissed', 'closed') AND c.reported_at < $3),
			count(*) FILTER (WHERE c.reported_at >= $2 AND c.reported_at < $3),
			count(*) FILTER (WHERE c.closed_at >= $2 AND c.closed_at < $3)
		FROM violation_case c JOIN reserve r ON r.id = c.reserve_id
		WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4)`, u.id, u.d0, u.d1, reserve).Scan(&du.Open, &du.New, &du.Closed); err != nil {
		return du, err
	}
	var err error
	if du.Touched, err = s.touched(ctx, u, reserve); err != nil {
		return du, err
	}
	du.Overdue, err = s.overdue(ctx, reserve, u.id, true, u.d1)
	return du, err
}

// ownReport fills in whether the unit's own report on day d (date) is in,
// late, missing or still pending, and what it says.
func (s *Store) ownReport(ctx context.Context, du *DailyUnit, u reportUnit, d time.Time, date string, now time.Time) error {
	due := dueAt(d, u.loc)
	du.DueAt = &due
	var rAt *time.Time
	var progress *string
	if err := s.pool.QueryRow(ctx, `SELECT max(submitted_at), max(progress) FROM unit_report WHERE area_id = $1 AND report_date = $2::date`, *u.id, date).Scan(&rAt, &progress); err != nil {
		return err
	}
	switch {
	case rAt != nil && !rAt.After(due):
		du.Report = "in"
	case rAt != nil:
		du.Report = "late"
	case now.After(due):
		du.Report = "missing"
	default:
		du.Report = "pending"
	}
	if rAt != nil {
		local := rAt.In(u.loc)
		du.Reported = &local
	}
	if progress != nil {
		du.Progress = *progress
	}
	return nil
}

// touched lists the unit's cases with events in its day, each with its
// events in order.
func (s *Store) touched(ctx context.Context, u reportUnit, reserve string) ([]TouchedCase, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.number, c.status, e.kind, e.from_status, e.to_status
		FROM case_event e JOIN violation_case c ON c.id = e.case_id JOIN reserve r ON r.id = c.reserve_id
		WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND e.at >= $2 AND e.at < $3 AND ($4 = '' OR r.code = $4)
		ORDER BY c.id, e.version`, u.id, u.d0, u.d1, reserve)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TouchedCase{}
	for rows.Next() {
		var id int64
		var num, kind string
		var st cases.Status
		var from, to *string
		if err := rows.Scan(&id, &num, &st, &kind, &from, &to); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != id {
			out = append(out, TouchedCase{ID: id, Number: num, Status: st, Events: []string{}})
		}
		ev := kind
		if to != nil && kind == "transition" {
			ev = fmt.Sprintf("%s→%s", deref(from), *to)
		}
		t := &out[len(out)-1]
		t.Events = append(t.Events, ev)
	}
	return out, rows.Err()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
