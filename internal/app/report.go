package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"warden/internal/reports"
)

// Report writes a case report from the database: daily (on date, default
// yesterday in the case time zone, env.CaseZone; with the Green Shield clues
// overdue for verification), weekly (an ISO week,
// default last week there), overdue or units, as csv, xlsx or json.
func Report(ctx context.Context, env *Env, kind, date, week, reserve, format string, w io.Writer) error {
	loc := env.CaseZone
	var v any
	var tables []reports.Table
	switch kind {
	case "daily":
		if date == "" {
			date = time.Now().In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
		}
		r, err := env.Reports.DailyReport(ctx, date, reserve)
		if err != nil {
			return err
		}
		d, err := env.Clues.WithOverdue(ctx, r, date, reserve)
		if err != nil {
			return err
		}
		v, tables = d, d.Tables()
	case "weekly":
		if week == "" {
			y, wk := time.Now().In(loc).AddDate(0, 0, -7).ISOWeek()
			week = fmt.Sprintf("%d-W%02d", y, wk)
		}
		r, err := env.Reports.WeeklyReport(ctx, week, reserve)
		if err != nil {
			return err
		}
		v, tables = r, r.Tables()
	case "overdue":
		os, err := env.Reports.Overdue(ctx, reserve)
		if err != nil {
			return err
		}
		v, tables = map[string]any{"cases": os}, reports.OverdueTables(os)
	case "units":
		st, err := env.Reports.UnitStatistics(ctx, reserve)
		if err != nil {
			return err
		}
		v, tables = map[string]any{"units": st}, reports.StatsTables(st)
	default:
		return fmt.Errorf("unknown report %q: daily, weekly, overdue or units", kind)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "xlsx":
		return reports.WriteXLSX(w, tables)
	}
	return reports.WriteCSV(w, tables)
}
