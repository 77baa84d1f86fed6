package reports_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"warden/internal/cases"
	"warden/internal/cases/casetest"
	"warden/internal/problem"
	"warden/internal/problem/problemtest"
	"warden/internal/reports"
	"warden/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestReports: the daily report per unit (cases touched, overdue, the unit's
// report in / late / missing / pending), the weekly summary, statistics.
func TestReports(t *testing.T) {
	f := casetest.New(t)
	ctx := t.Context()
	rs := reports.NewStore(f.Pool, reports.Options{Now: f.Clock.Now})
	// today: a case in 改则县 (86°E) handed over with yesterday as its deadline, one in 噶尔县
	c := f.NewCase(casetest.CorePoint)
	c = f.Move(c, cases.TransitionInput{To: cases.Verified})
	c = f.Move(c, cases.TransitionInput{To: cases.Transferred, Deadline: casetest.Day(-1)})
	f.NewCase([2]float64{82.5, 34.5})
	// reports on yesterday: 改则 in time, 安多 a minute late, the others missing
	f.Clock.Set(casetest.At(0, 11, 59))
	if r, err := rs.SubmitUnitReport(ctx, "542526", reports.UnitReportInput{Date: casetest.Day(-1), Progress: "已督促停工"}, "改则县"); err != nil || r.Status != "in" {
		t.Fatalf("report: %+v %v", r, err)
	}
	f.Clock.Set(casetest.At(0, 12, 1))
	if r, err := rs.SubmitUnitReport(ctx, "540624", reports.UnitReportInput{Date: casetest.Day(-1), Progress: "无新增问题"}, "安多县"); err != nil || r.Status != "late" {
		t.Fatalf("late report: %+v %v", r, err)
	}
	_, err := rs.SubmitUnitReport(ctx, "540624", reports.UnitReportInput{Date: casetest.Day(-1), Progress: "again"}, "安多县")
	problemtest.WantType(t, err, 409, problem.ReportExists, "already reported")
	_, err = rs.SubmitUnitReport(ctx, "540624", reports.UnitReportInput{Date: casetest.Day(2), Progress: "x"}, "安多县")
	problemtest.Want(t, err, 422, "future")
	// a report's refusals are of its own type, not a case's
	_, err = rs.SubmitUnitReport(ctx, "540624", reports.UnitReportInput{Date: casetest.Day(-2)}, "安多县")
	problemtest.WantType(t, err, 422, problem.InvalidReport, "progress")
	_, err = rs.SubmitUnitReport(ctx, "nowhere", reports.UnitReportInput{Date: casetest.Day(-1), Progress: "x"}, "x")
	problemtest.Want(t, err, 404, "nowhere")

	d, err := rs.DailyReport(ctx, casetest.Day(0), "qiangtang")
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]reports.DailyUnit{}
	for _, u := range d.Units {
		units[u.Unit] = u
	}
	if len(units) != 7 {
		t.Fatalf("units of qiangtang: %d: %+v", len(units), d.Units)
	}
	gz := units["542526"]
	if len(gz.Touched) != 1 || gz.Touched[0].Number != c.Number || strings.Join(gz.Touched[0].Events, " ") != "created reported→verified verified→transferred" ||
		len(gz.Overdue) != 1 || gz.Overdue[0].DaysOverdue != 2 || gz.Overdue[0].NextStep != "interviewed" || gz.Report != "pending" || gz.New != 1 || gz.Open != 1 {
		t.Errorf("改则县 today: %+v", gz)
	}
	if u := units["542523"]; len(u.Touched) != 1 || len(u.Overdue) != 0 {
		t.Errorf("噶尔县 today: %+v", u)
	}
	if d.Totals.Touched != 2 || d.Totals.Overdue != 1 || d.Totals.New != 2 || d.Totals.ReportsPending != 7 {
		t.Errorf("totals today: %+v", d.Totals)
	}
	dy, err := rs.DailyReport(ctx, casetest.Day(-1), "qiangtang")
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, u := range dy.Units {
		status[u.Unit] = u.Report
	}
	if status["542526"] != "in" || status["540624"] != "late" || status["542524"] != "missing" || dy.Totals.ReportsMissing != 5 || dy.Totals.Touched != 0 {
		t.Errorf("reports on yesterday: %v %+v", status, dy.Totals)
	}
	// the weekly summaries of this week and yesterday's
	week := func(n int) string {
		y, w := time.Now().In(casetest.Beijing).AddDate(0, 0, n).ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	w, err := rs.WeeklyReport(ctx, week(0), "qiangtang")
	if err != nil {
		t.Fatal(err)
	}
	if w.Totals.New != 2 || w.Totals.Moves["transferred"] != 1 || w.Totals.Moves["verified"] != 1 || w.Totals.OverdueAtEnd != 1 || w.Totals.OpenAtEnd != 2 {
		t.Errorf("weekly: %+v", w.Totals)
	}
	wy, err := rs.WeeklyReport(ctx, week(-1), "qiangtang")
	if err != nil {
		t.Fatal(err)
	}
	if wy.Totals.ReportsIn != 1 || wy.Totals.ReportsLate != 1 {
		t.Errorf("weekly reports: %+v", wy.Totals)
	}
	for _, bad := range []string{"2025-W54", "2025-W53", "2025-07", "W07"} {
		if _, err := rs.WeeklyReport(ctx, bad, ""); err == nil {
			t.Errorf("week %s accepted", bad)
		}
	}
	if m, err := reports.ParseISOWeek("2026-W01"); err != nil || m.Format(time.DateOnly) != "2025-12-29" {
		t.Errorf("2026-W01 starts %v %v", m, err)
	}
	st, err := rs.UnitStatistics(ctx, "qiangtang")
	if err != nil {
		t.Fatal(err)
	}
	total, overdue := 0, 0
	for _, s := range st {
		total += s.Total
		overdue += s.Overdue
	}
	if total != 2 || overdue != 1 {
		t.Errorf("statistics: %+v", st)
	}
	od, err := rs.Overdue(ctx, "")
	if err != nil || len(od) != 1 || od[0].ID != c.ID {
		t.Errorf("overdue: %+v %v", od, err)
	}
	// tables for CSV and XLSX
	var b strings.Builder
	if err := reports.WriteCSV(&b, d.Tables()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\ufeffunit,name_zh") || !strings.Contains(b.String(), c.Number) || !strings.Contains(b.String(), "改则县") {
		t.Errorf("csv:\n%s", b.String())
	}
	if err := reports.WriteXLSX(io.Discard, w.Tables()); err != nil {
		t.Fatal(err)
	}
}
