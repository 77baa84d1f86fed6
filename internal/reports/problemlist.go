package reports

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"warden/internal/cases"
	"warden/internal/zoning"
)

// problemListColumns are the columns of the problem list (问题清单) the seed
// asks for — the problem, the responsible unit, the measures, the deadline —
// with what an office sorts and filters by, and their widths in characters.
var problemListColumns = []struct {
	title string
	width float64
	value func(c cases.Case) any
}{
	{"序号", 6, nil},
	{"案件编号", 20, func(c cases.Case) any { return c.Number }},
	{"保护区", 10, func(c cases.Case) any { return c.Reserve }},
	{"问题", 28, func(c cases.Case) any { return c.Title }},
	{"问题描述", 50, func(c cases.Case) any { return c.Description }},
	{"功能区", 10, func(c cases.Case) any {
		if c.ZoneKind == nil {
			return ""
		}
		return zoning.Kind(*c.ZoneKind).ZH()
	}},
	{"来源", 14, func(c cases.Case) any { return c.SourceZH }},
	{"违法主体", 16, func(c cases.Case) any {
		if c.Party.Name == "" {
			return "待查明"
		}
		return c.Party.Name
	}},
	{"报告人", 12, func(c cases.Case) any { return c.Reporter }},
	{"责任单位", 20, func(c cases.Case) any {
		if c.Unit == nil {
			return ""
		}
		if c.Unit.UnitName != "" {
			return c.Unit.UnitName
		}
		return c.Unit.NameZH
	}},
	{"整改措施", 36, func(c cases.Case) any { return c.Measures }},
	{"完成时限", 12, func(c cases.Case) any {
		if c.Deadline == nil {
			return ""
		}
		return *c.Deadline
	}},
	{"状态", 10, func(c cases.Case) any { return c.StatusZH }},
	{"是否逾期", 8, func(c cases.Case) any {
		if c.Overdue {
			return "逾期"
		}
		return ""
	}},
	{"登记时间", 22, func(c cases.Case) any { return cases.LocalTime(c.ReportedAt, c.Timezone) }},
	{"最后更新", 22, func(c cases.Case) any { return cases.LocalTime(c.UpdatedAt, c.Timezone) }},
}

// WriteProblemList writes cases as the problem list (问题清单), one row per
// case under a frozen, filterable header, times in each case's time zone.
func WriteProblemList(w io.Writer, cs []cases.Case) error {
	const sheet = "问题清单"
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := make([]any, len(problemListColumns))
	for i, col := range problemListColumns {
		header[i] = excelize.Cell{Value: col.title, StyleID: bold}
		if err := sw.SetColWidth(i+1, i+1, col.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, c := range cs {
		row := make([]any, len(problemListColumns))
		for i, col := range problemListColumns {
			v := any(r + 1)
			if col.value != nil {
				v = col.value(c)
			}
			row[i] = excelize.Cell{Value: v, StyleID: wrap}
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(problemListColumns), len(cs)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return f.Write(w)
}
