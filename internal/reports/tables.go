package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"warden/internal/cases"

	"github.com/xuri/excelize/v2"
)

// Table is a report as rows, for CSV and XLSX.
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// tstr writes a time in the zone it carries (the unit's or the case's local
// time, as the JSON gives it), with its offset.
func tstr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

func numbers[T any](xs []T, f func(T) string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return strings.Join(out, " ")
}

// Tables of the daily report: one line per unit, then the touched and the
// overdue cases.
func (d Daily) Tables() []Table {
	units := Table{Name: "units", Header: []string{"unit", "name_zh", "unit_name", "report", "reported_at", "due_at", "open", "new", "closed", "touched", "overdue", "progress"}}
	touched := Table{Name: "touched", Header: []string{"unit", "case", "number", "status", "events"}}
	overdue := overdueTable(nil)
	for _, u := range d.Units {
		units.Rows = append(units.Rows, []string{u.Unit, u.NameZH, u.UnitName, u.Report, tstr(u.Reported), tstr(u.DueAt), itoa(u.Open), itoa(u.New), itoa(u.Closed),
			numbers(u.Touched, func(t TouchedCase) string { return t.Number }), numbers(u.Overdue, func(o OverdueCase) string { return o.Number }), u.Progress})
		for _, t := range u.Touched {
			touched.Rows = append(touched.Rows, []string{u.Unit, fmt.Sprint(t.ID), t.Number, string(t.Status), strings.Join(t.Events, " ")})
		}
		overdue.Rows = append(overdue.Rows, overdueTable(u.Overdue).Rows...)
	}
	return []Table{units, touched, overdue}
}

func overdueTable(os []OverdueCase) Table {
	t := Table{Name: "overdue", Header: []string{"case", "number", "reserve", "unit", "unit_name", "status", "deadline", "days_overdue", "proposed_next_step"}}
	for _, o := range os {
		t.Rows = append(t.Rows, []string{fmt.Sprint(o.ID), o.Number, o.Reserve, o.Unit, o.UnitName, string(o.Status), o.Deadline, itoa(o.DaysOverdue), o.NextStep})
	}
	return t
}

// OverdueTables is the overdue list as a table.
func OverdueTables(os []OverdueCase) []Table { return []Table{overdueTable(os)} }

// Tables of the weekly summary: one line per unit and the totals.
func (w Weekly) Tables() []Table {
	moves := map[string]bool{}
	for _, u := range append(w.Units, w.Totals) {
		for k := range u.Moves {
			moves[k] = true
		}
	}
	var ms []string
	for k := range moves {
		ms = append(ms, k)
	}
	sort.Strings(ms)
	t := Table{Name: "weekly", Header: []string{"unit", "name_zh", "unit_name", "new", "closed", "open_at_end", "overdue_at_end", "joint_inspections",
		"measures", "fines_yuan", "reports_in", "reports_late", "reports_missing"}}
	for _, m := range ms {
		t.Header = append(t.Header, "to_"+m)
	}
	for _, u := range append(w.Units, w.Totals) {
		row := []string{u.Unit, u.NameZH, u.UnitName, itoa(u.New), itoa(u.Closed), itoa(u.OpenAtEnd), itoa(u.OverdueAtEnd), itoa(u.Inspections),
			itoa(u.Measures), ftoa(u.FinesYuan), itoa(u.ReportsIn), itoa(u.ReportsLate), itoa(u.ReportsMissing)}
		for _, m := range ms {
			row = append(row, itoa(u.Moves[m]))
		}
		t.Rows = append(t.Rows, row)
	}
	return []Table{t}
}

// StatsTables are the per-unit statistics as a table.
func StatsTables(ss []UnitStats) []Table {
	st := []string{string(cases.Reported), string(cases.Verified), string(cases.Dismissed), string(cases.Transferred), string(cases.Rectifying), string(cases.Interviewed),
		string(cases.SpecialInspection), string(cases.Rectified), string(cases.Closed)}
	t := Table{Name: "units", Header: append([]string{"unit", "name_zh", "unit_name", "total", "open", "overdue", "closed", "mean_days_to_close",
		"fines_yuan", "daily_penalties_accrued_yuan"}, st...)}
	for _, s := range ss {
		mean := ""
		if s.MeanDaysToClose != nil {
			mean = ftoa(*s.MeanDaysToClose)
		}
		row := []string{s.Unit, s.NameZH, s.UnitName, itoa(s.Total), itoa(s.Open), itoa(s.Overdue), itoa(s.Closed), mean, ftoa(s.FinesYuan), ftoa(s.DailyAccrued)}
		for _, k := range st {
			row = append(row, itoa(s.ByStatus[k]))
		}
		t.Rows = append(t.Rows, row)
	}
	return []Table{t}
}

// WriteCSV writes the first table as UTF-8 CSV with a BOM (so that Excel
// reads the Chinese right); the other tables follow, each after a blank
// line and its name.
func WriteCSV(w io.Writer, ts []Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for i, t := range ts {
		if i > 0 {
			if err := cw.Write([]string{}); err != nil {
				return err
			}
			if err := cw.Write([]string{"# " + t.Name}); err != nil {
				return err
			}
		}
		if err := cw.Write(t.Header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// textCols are the columns kept as text in a workbook even when they look
// like numbers (area codes such as 540624, case ids).
var textCols = map[string]bool{"unit": true, "case": true, "number": true, "reserve": true, "name_zh": true, "unit_name": true,
	"deadline": true, "reported_at": true, "due_at": true, "touched": true, "overdue": true, "progress": true, "events": true}

// WriteXLSX writes the tables as the sheets of an Excel workbook.
func WriteXLSX(w io.Writer, ts []Table) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, t := range ts {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.Name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(t.Name)
		if err != nil {
			return err
		}
		for r, row := range append([][]string{t.Header}, t.Rows...) {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
				if r > 0 && !textCols[t.Header[c]] {
					if n, err := strconv.ParseFloat(v, 64); err == nil {
						cells[c] = n
					}
				}
			}
			cell, err := excelize.CoordinatesToCellName(1, r+1)
			if err != nil {
				return err
			}
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.Write(w)
}
