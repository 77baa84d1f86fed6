package cases

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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
func (s *Store) SubmitUnitReport(ctx context.Context, unit string, in UnitReportInput, actor string) (UnitReport, error) {
	var ps []problem.Detail
	d := checkDate(&ps, "date", in.Date, true)
	required(&ps, "progress", in.Progress)
	if err := invalid(ps); err != nil {
		return UnitReport{}, err
	}
	var r UnitReport
	var aid int64
	var tz string
	err := s.pool.QueryRow(ctx, `SELECT id, timezone FROM admin_area WHERE code = $1`, unit).Scan(&aid, &tz)
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
		return r, problem.Invalid("invalid-report", fmt.Sprintf("date %s is in the future: a daily report covers a day that has passed (or today)", in.Date),
			problem.At(-1, "date", "in the future"))
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO unit_report (area_id, report_date, progress, submitted_by, submitted_at) VALUES ($1, $2::date, $3, $4, $5)
		ON CONFLICT (area_id, report_date) DO NOTHING RETURNING submitted_at`, aid, in.Date, in.Progress, actor, now).Scan(&r.SubmittedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, problem.Conflict("report-exists", fmt.Sprintf("unit %s has already reported on %s", unit, in.Date))
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

// TouchedCase is a case that moved on the report's day.
type TouchedCase struct {
	ID     int64    `json:"id"`
	Number string   `json:"number"`
	Status Status   `json:"status"`
	Events []string `json:"events"`
}

// OverdueCase is a case past its deadline.
type OverdueCase struct {
	ID          int64  `json:"id"`
	Number      string `json:"number"`
	Reserve     string `json:"reserve"`
	Unit        string `json:"unit"`
	UnitName    string `json:"unit_name"`
	Status      Status `json:"status"`
	Deadline    string `json:"deadline"`
	DaysOverdue int    `json:"days_overdue"`
	// NextStep is the escalation the method proposes: a public interview
	// (step 3) for a case still being rectified, a special inspection (step
	// 4) after an interview, accountability after that.
	NextStep string `json:"proposed_next_step"`
}

// proposedStep is the escalation after a missed deadline in status st.
func proposedStep(st Status) string {
	switch st {
	case Transferred, Rectifying:
		return string(Interviewed)
	case Interviewed:
		return string(SpecialInspection)
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

// unitScope selects the units of a report: every administrative area, or
// those a reserve's current zones touch. $1 is the reserve code (” for all).
const unitScope = `SELECT a.id, a.code, a.name_zh, a.unit_name, a.timezone FROM admin_area a
	WHERE $1 = '' OR EXISTS (SELECT 1 FROM zone_piece zp JOIN reserve r ON r.id = zp.reserve_id WHERE r.code = $1 AND ST_Intersects(zp.geom, a.geom))
	UNION ALL SELECT NULL, '-', '（未落入行政区）', '', $2`

// caseUnit is the unit a case counts under in reports: its responsible
// unit, or the area it lies in until it is handed over.
const caseUnit = `coalesce(c.unit_id, c.area_id)`

// DailyReport builds the daily report on date (YYYY-MM-DD, each unit's local
// day); reserve limits it to one reserve's units and cases.
func (s *Store) DailyReport(ctx context.Context, date, reserve string) (Daily, error) {
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
	byID := map[string]*DailyUnit{}
	for _, u := range units {
		du := DailyUnit{Unit: u.code, NameZH: u.name, UnitName: u.unitName, Touched: []TouchedCase{}, Overdue: []OverdueCase{}}
		if u.id != nil {
			due := dueAt(d, u.loc)
			du.DueAt = &due
			var rAt *time.Time
			var progress *string
			if err := s.pool.QueryRow(ctx, `SELECT max(submitted_at), max(progress) FROM unit_report WHERE area_id = $1 AND report_date = $2::date`, *u.id, date).Scan(&rAt, &progress); err != nil {
				return rep, err
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
		} else {
			du.Report = "n/a"
		}
		byID[u.code] = &du
		// counts of the day
		if err := s.pool.QueryRow(ctx, `SELECT
				count(*) FILTER (WHERE c.status NOT IN ('dismissed', 'closed') AND c.reported_at < $3),
				count(*) FILTER (WHERE c.reported_at >= $2 AND c.reported_at < $3),
				count(*) FILTER (WHERE c.closed_at >= $2 AND c.closed_at < $3)
			FROM violation_case c JOIN reserve r ON r.id = c.reserve_id
			WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4)`, u.id, u.d0, u.d1, reserve).Scan(&du.Open, &du.New, &du.Closed); err != nil {
			return rep, err
		}
		// touched: every event of the day, per case
		rows, err := s.pool.Query(ctx, `SELECT c.id, c.number, c.status, e.kind, e.from_status, e.to_status
			FROM case_event e JOIN violation_case c ON c.id = e.case_id JOIN reserve r ON r.id = c.reserve_id
			WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND e.at >= $2 AND e.at < $3 AND ($4 = '' OR r.code = $4)
			ORDER BY c.id, e.version`, u.id, u.d0, u.d1, reserve)
		if err != nil {
			return rep, err
		}
		for rows.Next() {
			var id int64
			var num, kind string
			var st Status
			var from, to *string
			if err := rows.Scan(&id, &num, &st, &kind, &from, &to); err != nil {
				rows.Close()
				return rep, err
			}
			if n := len(du.Touched); n == 0 || du.Touched[n-1].ID != id {
				du.Touched = append(du.Touched, TouchedCase{ID: id, Number: num, Status: st, Events: []string{}})
			}
			ev := kind
			if to != nil && kind == "transition" {
				ev = fmt.Sprintf("%s→%s", deref(from), *to)
			}
			t := &du.Touched[len(du.Touched)-1]
			t.Events = append(t.Events, ev)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return rep, err
		}
		if du.Overdue, err = s.overdue(ctx, reserve, u.id, true, u.d1); err != nil {
			return rep, err
		}
	}
	for _, u := range units {
		du := byID[u.code]
		if u.id == nil && len(du.Touched) == 0 && len(du.Overdue) == 0 && du.Open == 0 {
			continue // no unrouted cases: leave the pseudo-unit out
		}
		rep.Units = append(rep.Units, *du)
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

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
		WHERE `+overdueAt("$1")+` AND ($2 = '' OR r.code = $2) AND (NOT $4 OR `+caseUnit+` IS NOT DISTINCT FROM $3)
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
func (s *Store) Overdue(ctx context.Context, reserve string) ([]OverdueCase, error) {
	return s.overdue(ctx, reserve, nil, false, s.opts.Now())
}

// WeeklyUnit is one unit's line of the weekly summary.
type WeeklyUnit struct {
	Unit     string `json:"unit"`
	NameZH   string `json:"name_zh"`
	UnitName string `json:"unit_name"`
	New      int    `json:"new"`
	// Moves counts the transitions of the week by target status.
	Moves          map[string]int `json:"transitions"`
	Inspections    int            `json:"joint_inspections"`
	Measures       int            `json:"measures"`
	FinesYuan      float64        `json:"fines_yuan"`
	Closed         int            `json:"closed"`
	OpenAtEnd      int            `json:"open_at_end"`
	OverdueAtEnd   int            `json:"overdue_at_end"`
	ReportsIn      int            `json:"reports_in"`
	ReportsLate    int            `json:"reports_late"`
	ReportsMissing int            `json:"reports_missing"`
}

// Weekly is the weekly summary of an ISO week.
type Weekly struct {
	Week    string       `json:"week"`
	From    string       `json:"from"`
	To      string       `json:"to"`
	Reserve string       `json:"reserve,omitempty"`
	AsOf    time.Time    `json:"as_of"`
	Units   []WeeklyUnit `json:"units"`
	Totals  WeeklyUnit   `json:"totals"`
}

// ParseISOWeek reads "2025-W07" and returns the Monday of that ISO week.
func ParseISOWeek(w string) (time.Time, error) {
	y, wk, ok := strings.Cut(w, "-W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(wk)
	if !ok || err1 != nil || err2 != nil || year < 1900 || year > 9999 || week < 1 || week > 53 {
		return time.Time{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("week=%q must be an ISO week such as 2025-W07", w))
	}
	// 4 January is always in week 1
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(week-1)*7)
	if yy, ww := monday.ISOWeek(); yy != year || ww != week {
		return time.Time{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("week=%q: %d has no week %d", w, year, week))
	}
	return monday, nil
}

// WeeklyReport sums up an ISO week per unit.
func (s *Store) WeeklyReport(ctx context.Context, week, reserve string) (Weekly, error) {
	monday, err := ParseISOWeek(week)
	if err != nil {
		return Weekly{}, err
	}
	end := monday.AddDate(0, 0, 7)
	now := s.opts.Now()
	rep := Weekly{Week: week, From: monday.Format(time.DateOnly), To: end.AddDate(0, 0, -1).Format(time.DateOnly), Reserve: reserve, AsOf: now, Units: []WeeklyUnit{}}
	rep.Totals = WeeklyUnit{Unit: "total", Moves: map[string]int{}}
	units, err := s.units(ctx, reserve, monday, end)
	if err != nil {
		return rep, err
	}
	for _, u := range units {
		wu := WeeklyUnit{Unit: u.code, NameZH: u.name, UnitName: u.unitName, Moves: map[string]int{}}
		var fines *float64
		if err := s.pool.QueryRow(ctx, `SELECT
				(SELECT count(*) FROM violation_case c JOIN reserve r ON r.id = c.reserve_id WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4)
				   AND c.reported_at >= $2 AND c.reported_at < $3),
				(SELECT count(*) FROM violation_case c JOIN reserve r ON r.id = c.reserve_id WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4)
				   AND c.closed_at >= $2 AND c.closed_at < $3),
				(SELECT count(*) FROM violation_case c JOIN reserve r ON r.id = c.reserve_id WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4)
				   AND c.reported_at < $3 AND c.status NOT IN ('dismissed', 'closed')),
				(SELECT count(*) FROM violation_case c JOIN reserve r ON r.id = c.reserve_id WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4)
				   AND `+overdueAt("$3")+`),
				(SELECT count(*) FROM case_event e JOIN violation_case c ON c.id = e.case_id JOIN reserve r ON r.id = c.reserve_id
				   WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND e.kind = 'inspection' AND e.at >= $2 AND e.at < $3),
				(SELECT count(*) FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
				   WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND m.created_at >= $2 AND m.created_at < $3),
				(SELECT sum(m.amount)::float8 FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
				   WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND m.created_at >= $2 AND m.created_at < $3)`,
			u.id, u.d0, u.d1, reserve).Scan(&wu.New, &wu.Closed, &wu.OpenAtEnd, &wu.OverdueAtEnd, &wu.Inspections, &wu.Measures, &fines); err != nil {
			return rep, err
		}
		if fines != nil {
			wu.FinesYuan = math.Round(*fines*100) / 100
		}
		rows, err := s.pool.Query(ctx, `SELECT e.to_status, count(*) FROM case_event e JOIN violation_case c ON c.id = e.case_id JOIN reserve r ON r.id = c.reserve_id
			WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND e.kind = 'transition' AND e.at >= $2 AND e.at < $3
			GROUP BY 1`, u.id, u.d0, u.d1, reserve)
		if err != nil {
			return rep, err
		}
		for rows.Next() {
			var to string
			var n int
			if err := rows.Scan(&to, &n); err != nil {
				rows.Close()
				return rep, err
			}
			wu.Moves[to] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return rep, err
		}
		if u.id != nil {
			for day := monday; day.Before(end); day = day.AddDate(0, 0, 1) {
				due := dueAt(day, u.loc)
				var at *time.Time
				if err := s.pool.QueryRow(ctx, `SELECT max(submitted_at) FROM unit_report WHERE area_id = $1 AND report_date = $2`, *u.id, day).Scan(&at); err != nil {
					return rep, err
				}
				switch {
				case at != nil && !at.After(due):
					wu.ReportsIn++
				case at != nil:
					wu.ReportsLate++
				case now.After(due):
					wu.ReportsMissing++
				}
			}
		} else if wu.New+wu.Closed+wu.OpenAtEnd+wu.Inspections+wu.Measures+len(wu.Moves) == 0 {
			continue
		}
		t := &rep.Totals
		t.New += wu.New
		t.Closed += wu.Closed
		t.OpenAtEnd += wu.OpenAtEnd
		t.OverdueAtEnd += wu.OverdueAtEnd
		t.Inspections += wu.Inspections
		t.Measures += wu.Measures
		t.FinesYuan += wu.FinesYuan
		t.ReportsIn += wu.ReportsIn
		t.ReportsLate += wu.ReportsLate
		t.ReportsMissing += wu.ReportsMissing
		for k, v := range wu.Moves {
			t.Moves[k] += v
		}
		rep.Units = append(rep.Units, wu)
	}
	return rep, nil
}

// UnitStats are one unit's statistics over all its cases.
type UnitStats struct {
	Unit     string         `json:"unit"`
	NameZH   string         `json:"name_zh"`
	UnitName string         `json:"unit_name"`
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	Open     int            `json:"open"`
	Overdue  int            `json:"overdue"`
	Closed   int            `json:"closed"`
	// MeanDaysToClose is from registration to 销号, over closed cases.
	MeanDaysToClose *float64 `json:"mean_days_to_close"`
	FinesYuan       float64  `json:"fines_yuan"`
	DailyAccrued    float64  `json:"daily_penalties_accrued_yuan"`
}

// UnitStatistics lists per-unit statistics of all cases (of a reserve).
func (s *Store) UnitStatistics(ctx context.Context, reserve string) ([]UnitStats, error) {
	now := s.opts.Now()
	rows, err := s.pool.Query(ctx, `WITH units AS (`+unitScope+`)
		SELECT u.code, u.name_zh, u.unit_name, c.status, count(c.id), count(c.id) FILTER (WHERE `+overdueAt("$3")+`),
		       sum(extract(epoch FROM c.closed_at - c.reported_at) / 86400) FILTER (WHERE c.status = 'closed')
		FROM units u JOIN violation_case c ON `+caseUnit+` IS NOT DISTINCT FROM u.id JOIN reserve r ON r.id = c.reserve_id
		WHERE $1 = '' OR r.code = $1
		GROUP BY 1, 2, 3, 4 ORDER BY 1`, reserve, s.opts.DefaultTimezone, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitStats{}
	days := map[string]float64{}
	for rows.Next() {
		var code, name, unit string
		var st Status
		var n, od int
		var d *float64
		if err := rows.Scan(&code, &name, &unit, &st, &n, &od, &d); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Unit != code {
			out = append(out, UnitStats{Unit: code, NameZH: name, UnitName: unit, ByStatus: map[string]int{}})
		}
		us := &out[len(out)-1]
		us.Total += n
		us.ByStatus[string(st)] = n
		us.Overdue += od
		if st.open() {
			us.Open += n
		}
		if st == Closed {
			us.Closed += n
		}
		if d != nil {
			days[code] += *d
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		us := &out[i]
		if us.Closed > 0 {
			m := math.Round(days[us.Unit]/float64(us.Closed)*10) / 10
			us.MeanDaysToClose = &m
		}
		if err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(m.amount), 0)::float8,
				coalesce(sum(m.daily_amount * greatest(0, least(coalesce(m.end_on, ($2::timestamptz AT TIME ZONE c.timezone)::date),
				                                                ($2::timestamptz AT TIME ZONE c.timezone)::date) - m.start_on + 1)), 0)::float8
			FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
			LEFT JOIN admin_area u ON u.id = `+caseUnit+`
			WHERE coalesce(u.code, '-') = $1 AND ($3 = '' OR r.code = $3)`, us.Unit, now, reserve).Scan(&us.FinesYuan, &us.DailyAccrued); err != nil {
			return nil, err
		}
	}
	return out, nil
}
