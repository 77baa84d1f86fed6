package reports

import (
	"io"

	"warden/internal/cases"
	"warden/internal/export"
	"warden/internal/zoning"
)

// problemListSheet is the problem list (问题清单): the columns the seed
// asks for — the problem, the responsible unit, the measures, the deadline —
// with what an office sorts and filters by, and their widths in characters.
var problemListSheet = export.Sheet[cases.Case]{Name: "问题清单", Wrap: true, Columns: []export.Column[cases.Case]{
	{Title: "序号", Width: 6},
	{Title: "案件编号", Width: 20, Value: func(c cases.Case) any { return c.Number }},
	{Title: "保护区", Width: 10, Value: func(c cases.Case) any { return c.Reserve }},
	{Title: "问题", Width: 28, Value: func(c cases.Case) any { return c.Title }},
	{Title: "问题描述", Width: 50, Value: func(c cases.Case) any { return c.Description }},
	{Title: "功能区", Width: 10, Value: func(c cases.Case) any {
		if c.ZoneKind == nil {
			return ""
		}
		return zoning.Kind(*c.ZoneKind).ZH()
	}},
	{Title: "来源", Width: 14, Value: func(c cases.Case) any { return c.SourceZH }},
	{Title: "违法主体", Width: 16, Value: func(c cases.Case) any {
		if c.Party.Name == "" {
			return "待查明"
		}
		return c.Party.Name
	}},
	{Title: "报告人", Width: 12, Value: func(c cases.Case) any { return c.Reporter }},
	{Title: "责任单位", Width: 20, Value: func(c cases.Case) any {
		if c.Unit == nil {
			return ""
		}
		if c.Unit.UnitName != "" {
			return c.Unit.UnitName
		}
		return c.Unit.NameZH
	}},
	{Title: "整改措施", Width: 36, Value: func(c cases.Case) any { return c.Measures }},
	{Title: "完成时限", Width: 12, Value: func(c cases.Case) any {
		if c.Deadline == nil {
			return ""
		}
		return *c.Deadline
	}},
	{Title: "状态", Width: 10, Value: func(c cases.Case) any { return c.StatusZH }},
	{Title: "是否逾期", Width: 8, Value: func(c cases.Case) any {
		if c.Overdue {
			return "逾期"
		}
		return ""
	}},
	{Title: "登记时间", Width: 22, Value: func(c cases.Case) any { return cases.LocalTime(c.ReportedAt, c.Timezone) }},
	{Title: "最后更新", Width: 22, Value: func(c cases.Case) any { return cases.LocalTime(c.UpdatedAt, c.Timezone) }},
}}

// WriteProblemList writes cases as the problem list (问题清单), one row per
// case under a frozen, filterable header, times in each case's time zone.
func WriteProblemList(w io.Writer, cs []cases.Case) error {
	f, err := problemListSheet.Workbook(cs)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Write(w)
}
