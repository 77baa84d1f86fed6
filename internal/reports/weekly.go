package reports

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/problem"
)

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
func (s *Store) WeeklyReport(ctx context.Context, week, reserve string) (_ Weekly, err error) {
	defer db.Wrap(&err, "reports: weekly report %q", reserve)
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
		wu, err := s.weeklyUnit(ctx, u, reserve)
		if err != nil {
			return rep, err
		}
		if u.id != nil {
			if err := s.ownReports(ctx, &wu, u, monday, end, now); err != nil {
				return rep, err
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

// weeklyUnit counts one unit's cases of the week: new, closed, open and
// overdue at its end, joint inspections, measures, fines and transitions.
func (s *Store) weeklyUnit(ctx context.Context, u reportUnit, reserve string) (WeeklyUnit, error) {
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
			   AND `+cases.OverdueAt("$3")+`),
			(SELECT count(*) FROM case_event e JOIN violation_case c ON c.id = e.case_id JOIN reserve r ON r.id = c.reserve_id
			   WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND e.kind = 'inspection' AND e.at >= $2 AND e.at < $3),
			(SELECT count(*) FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
			   WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND m.created_at >= $2 AND m.created_at < $3),
			(SELECT sum(m.amount)::float8 FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
			   WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND m.created_at >= $2 AND m.created_at < $3)`,
		u.id, u.d0, u.d1, reserve).Scan(&wu.New, &wu.Closed, &wu.OpenAtEnd, &wu.OverdueAtEnd, &wu.Inspections, &wu.Measures, &fines); err != nil {
		return wu, err
	}
	if fines != nil {
		wu.FinesYuan = math.Round(*fines*100) / 100
	}
	rows, err := s.pool.Query(ctx, `SELECT e.to_status, count(*) FROM case_event e JOIN violation_case c ON c.id = e.case_id JOIN reserve r ON r.id = c.reserve_id
		WHERE `+caseUnit+` IS NOT DISTINCT FROM $1 AND ($4 = '' OR r.code = $4) AND e.kind = 'transition' AND e.at >= $2 AND e.at < $3
		GROUP BY 1`, u.id, u.d0, u.d1, reserve)
	if err != nil {
		return wu, err
	}
	defer rows.Close()
	for rows.Next() {
		var to string
		var n int
		if err := rows.Scan(&to, &n); err != nil {
			return wu, err
		}
		wu.Moves[to] = n
	}
	return wu, rows.Err()
}

// ownReports counts the unit's own daily reports on the days of [monday,
// end): in time, late or missing (a day whose report is not yet due counts
// as none of them).
func (s *Store) ownReports(ctx context.Context, wu *WeeklyUnit, u reportUnit, monday, end, now time.Time) error {
	for day := monday; day.Before(end); day = day.AddDate(0, 0, 1) {
		due := dueAt(day, u.loc)
		var at *time.Time
		if err := s.pool.QueryRow(ctx, `SELECT max(submitted_at) FROM unit_report WHERE area_id = $1 AND report_date = $2`, *u.id, day).Scan(&at); err != nil {
			return err
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
	return nil
}
