package clues

import (
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"warden/internal/zoning"
)

// Count is one line of the statistics: how many clues and hectares.
type Count struct {
	Key    string  `json:"key"`
	Clues  int     `json:"clues"`
	AreaHa float64 `json:"area_ha"`
}

// Statistics count clues (repeats linked to others not counted again) by
// batch, reserve, legal zone, change type and outcome.
type Statistics struct {
	Clues      int     `json:"clues"`
	Linked     int     `json:"linked"`
	AreaHa     float64 `json:"area_ha"`
	ByBatch    []Count `json:"by_batch"`
	ByReserve  []Count `json:"by_reserve"`
	ByZone     []Count `json:"by_zone"`
	ByChange   []Count `json:"by_change_type"`
	ByOutcome  []Count `json:"by_outcome"`
	ByPriority []Count `json:"by_priority"`
}

// Stats sums up clues read with List.
func Stats(cs []Clue) Statistics {
	st := Statistics{}
	maps := map[string]map[string]*Count{}
	add := func(dim, key string, area float64) {
		if maps[dim] == nil {
			maps[dim] = map[string]*Count{}
		}
		c := maps[dim][key]
		if c == nil {
			c = &Count{Key: key}
			maps[dim][key] = c
		}
		c.Clues++
		c.AreaHa += area
	}
	for _, c := range cs {
		if c.Status == Linked {
			st.Linked++
			continue
		}
		st.Clues++
		st.AreaHa += c.AreaHa
		add("batch", fmt.Sprint(c.Batch), c.AreaHa)
		add("reserve", deref(c.Reserve), c.AreaHa)
		add("zone", legalZone(c), c.AreaHa)
		add("change", string(c.ChangeType), c.AreaHa)
		add("outcome", outcome(c), c.AreaHa)
		add("priority", c.Priority, c.AreaHa)
	}
	list := func(dim string) []Count {
		out := []Count{}
		for _, c := range maps[dim] {
			c.AreaHa = math.Round(c.AreaHa*1e4) / 1e4
			out = append(out, *c)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
		return out
	}
	st.AreaHa = math.Round(st.AreaHa*1e4) / 1e4
	st.ByBatch, st.ByReserve, st.ByZone = list("batch"), list("reserve"), list("zone")
	st.ByChange, st.ByOutcome, st.ByPriority = list("change"), list("outcome"), list("priority")
	return st
}

// legalZone is the strictest zone kind the law judges the clue in ("" outside).
func legalZone(c Clue) string {
	if c.LegalZoneKind != nil {
		return *c.LegalZoneKind
	}
	return ""
}

// outcome is a clue's verification result, or its status while unverified.
func outcome(c Clue) string {
	if c.Result != nil {
		return string(*c.Result)
	}
	return string(c.Status)
}

// ledgerColumn is one column of the clue ledger workbook.
type ledgerColumn struct {
	title string
	width float64
	value func(i int, c Clue) any
}

var ledgerColumns = []ledgerColumn{
	{"序号", 6, func(i int, _ Clue) any { return i + 1 }},
	{"线索编号", 14, func(_ int, c Clue) any { return c.Number }},
	{"保护区", 26, func(_ int, c Clue) any { return orDash(c.ReserveName) }},
	{"级别", 8, func(_ int, c Clue) any { return levelZH[c.ReserveLevel] }},
	{"变化类型", 12, func(_ int, c Clue) any { return c.ChangeType.ZH() }},
	{"功能区", 22, func(_ int, c Clue) any { return zoneZH(c) }},
	{"面积（公顷）", 12, func(_ int, c Clue) any { return math.Round(c.AreaHa*1e4) / 1e4 }},
	{"中心经度", 12, func(_ int, c Clue) any { return math.Round(c.Center[0]*1e6) / 1e6 }},
	{"中心纬度", 12, func(_ int, c Clue) any { return math.Round(c.Center[1]*1e6) / 1e6 }},
	{"前时相", 12, func(_ int, c Clue) any {
		if c.ImagedBefore == nil {
			return ""
		}
		return c.ImagedBefore.String()
	}},
	{"后时相", 12, func(_ int, c Clue) any { return c.ImagedAfter.String() }},
	{"核查结果", 18, func(_ int, c Clue) any {
		if c.Result != nil {
			return c.Result.ZH()
		}
		return c.Status.ZH()
	}},
	{"核查人", 10, func(_ int, c Clue) any { return deref(c.VerifiedBy) }},
	{"核查日期", 12, func(_ int, c Clue) any { return localDay(c.VerifiedAt, c.TimeZone) }},
	{"案件编号", 20, func(_ int, c Clue) any {
		if c.Case != nil {
			return c.Case.Number
		}
		return ""
	}},
	{"整改状态", 10, func(_ int, c Clue) any {
		if c.Case != nil {
			return caseStatusZH[c.Case.Status]
		}
		return ""
	}},
}

var levelZH = map[string]string{"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}

var caseStatusZH = map[string]string{"reported": "已登记", "verified": "已核实", "dismissed": "不予立案", "transferred": "已移交", "rectifying": "整改中",
	"interviewed": "已约谈", "special_inspection": "专项督察", "rectified": "已整改", "closed": "已销号"}

func orDash(s string) string {
	if s == "" {
		return "（保护区外）"
	}
	return s
}

// zoneZH names the clue's zones as judged: 核心区（按核心保护区管理）.
func zoneZH(c Clue) string {
	if len(c.Zones) == 0 {
		if c.BoundaryDistanceM != nil {
			return fmt.Sprintf("保护区外（距边界 %.0f 米）", *c.BoundaryDistanceM)
		}
		return "保护区外"
	}
	out := ""
	for i, z := range c.Zones {
		if i > 0 {
			out += "、"
		}
		k := zoning.Kind(z.ZoneKind)
		out += k.ZH()
		if z.LegalZoneKind != "" && z.LegalZoneKind != z.ZoneKind {
			out += "（按" + zoning.Kind(z.LegalZoneKind).ZH() + "管理）"
		}
	}
	return out
}

func localDay(t *time.Time, tz string) string {
	if t == nil {
		return ""
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.DateOnly)
}

// WriteLedger writes the clue ledger (问题线索台账) workbook: one row per clue
// under a frozen, filterable header, and a sheet of statistics.
func WriteLedger(w io.Writer, cs []Clue) error {
	const sheet = "问题线索台账"
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := make([]any, len(ledgerColumns))
	for i, col := range ledgerColumns {
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
		row := make([]any, len(ledgerColumns))
		for i, col := range ledgerColumns {
			row[i] = col.value(r, c)
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(ledgerColumns), len(cs)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	if err := writeStats(f, Stats(cs)); err != nil {
		return err
	}
	return f.Write(w)
}

// writeStats adds the statistics sheet: counts and hectares per dimension.
func writeStats(f *excelize.File, st Statistics) error {
	const sheet = "统计"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	rows := [][]any{{"线索总数（不含重复）", st.Clues, st.AreaHa}, {"重复线索", st.Linked, nil}}
	for _, d := range []struct {
		title string
		cs    []Count
		name  func(string) string
	}{
		{"按批次", st.ByBatch, func(k string) string { return "批次 " + k }},
		{"按保护区", st.ByReserve, func(k string) string { return k }},
		{"按功能区", st.ByZone, func(k string) string { return zoning.Kind(k).ZH() }},
		{"按变化类型", st.ByChange, func(k string) string { return ChangeType(k).ZH() }},
		{"按核查结果", st.ByOutcome, func(k string) string {
			if v := Result(k).ZH(); v != "" {
				return v
			}
			return Status(k).ZH()
		}},
	} {
		rows = append(rows, []any{}, []any{d.title, "线索数", "面积（公顷）"})
		for _, c := range d.cs {
			name := d.name(c.Key)
			if name == "" {
				name = "（无）"
			}
			rows = append(rows, []any{name, c.Clues, c.AreaHa})
		}
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	return f.SetColWidth(sheet, "A", "A", 24)
}
