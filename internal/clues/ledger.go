package clues

import (
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"warden/internal/export"
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

// ledgerSheet is the clue ledger (问题线索台账): its columns and their widths
// in characters.
var ledgerSheet = export.Sheet[Clue]{Name: "问题线索台账", Columns: []export.Column[Clue]{
	{Title: "序号", Width: 6},
	{Title: "线索编号", Width: 14, Value: func(c Clue) any { return c.Number }},
	{Title: "保护区", Width: 26, Value: func(c Clue) any { return orDash(c.ReserveName) }},
	{Title: "级别", Width: 8, Value: func(c Clue) any { return levelZH[c.ReserveLevel] }},
	{Title: "变化类型", Width: 12, Value: func(c Clue) any { return c.ChangeType.ZH() }},
	{Title: "功能区", Width: 22, Value: func(c Clue) any { return zoneZH(c) }},
	{Title: "面积（公顷）", Width: 12, Value: func(c Clue) any { return math.Round(c.AreaHa*1e4) / 1e4 }},
	{Title: "中心经度", Width: 12, Value: func(c Clue) any { return math.Round(c.Center[0]*1e6) / 1e6 }},
	{Title: "中心纬度", Width: 12, Value: func(c Clue) any { return math.Round(c.Center[1]*1e6) / 1e6 }},
	{Title: "前时相", Width: 12, Value: func(c Clue) any {
		if c.ImagedBefore == nil {
			return ""
		}
		return c.ImagedBefore.String()
	}},
	{Title: "后时相", Width: 12, Value: func(c Clue) any { return c.ImagedAfter.String() }},
	{Title: "核查结果", Width: 18, Value: func(c Clue) any {
		if c.Result != nil {
			return c.Result.ZH()
		}
		return c.Status.ZH()
	}},
	{Title: "核查人", Width: 10, Value: func(c Clue) any { return deref(c.VerifiedBy) }},
	{Title: "核查日期", Width: 12, Value: func(c Clue) any { return localDay(c.VerifiedAt, c.TimeZone) }},
	{Title: "案件编号", Width: 20, Value: func(c Clue) any {
		if c.Case != nil {
			return c.Case.Number
		}
		return ""
	}},
	{Title: "整改状态", Width: 10, Value: func(c Clue) any {
		if c.Case != nil {
			return caseStatusZH[c.Case.Status]
		}
		return ""
	}},
}}

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
	f, err := ledgerSheet.Workbook(cs)
	if err != nil {
		return err
	}
	defer f.Close()
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
