package export_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"warden/internal/export"
)

type marker struct {
	code, note string
}

var markerSheet = export.Sheet[marker]{Name: "界桩", Wrap: true, Columns: []export.Column[marker]{
	{Title: "序号", Width: 6},
	{Title: "编号", Width: 12, Value: func(m marker) any { return m.code }},
	{Title: "备注", Width: 40, Value: func(m marker) any { return m.note }},
}}

// reopen writes the sheet's workbook of items and reads it back, as an
// office's spreadsheet program would.
func reopen(t *testing.T, s export.Sheet[marker], items []marker) *excelize.File {
	t.Helper()
	f, err := s.Workbook(items)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

// TestSheetWorkbook: one row per item numbered from 1 under the header, the
// header bold, frozen and filtering every column, the widths as given, and
// long text wrapping.
func TestSheetWorkbook(t *testing.T) {
	x := reopen(t, markerSheet, []marker{{"QT-001", "完好"}, {"QT-002", "被移动，需复位"}})
	if got := x.GetSheetList(); !slices.Equal(got, []string{"界桩"}) {
		t.Fatalf("sheets %v, want the one named 界桩", got)
	}
	rows, err := x.GetRows("界桩")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"序号", "编号", "备注"}, {"1", "QT-001", "完好"}, {"2", "QT-002", "被移动，需复位"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d: %v, want %v", i+1, rows[i], want[i])
		}
	}
	panes, err := x.GetPanes("界桩")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v (%v), want the header row frozen", panes, err)
	}
	for col, w := range map[string]float64{"A": 6, "B": 12, "C": 40} {
		if got, err := x.GetColWidth("界桩", col); err != nil || got != w {
			t.Errorf("column %s: width %v (%v), want %v", col, got, err, w)
		}
	}
	if style := cellStyle(t, x, "B1"); style.Font == nil || !style.Font.Bold {
		t.Errorf("header style %+v, want bold", style)
	}
	if style := cellStyle(t, x, "C3"); style.Alignment == nil || !style.Alignment.WrapText {
		t.Errorf("row style %+v, want wrapping text", style)
	}
	// the auto filter is the workbook's name _xlnm._FilterDatabase
	filter := ""
	for _, n := range x.GetDefinedName() {
		if n.Name == "_xlnm._FilterDatabase" {
			filter = n.RefersTo
		}
	}
	if filter != "'界桩'!$A$1:$C$3" {
		t.Errorf("auto filter over %q, want the header and both rows", filter)
	}
}

// TestSheetWorkbookEmpty: with no items there is still the header, and
// rows do not wrap unless asked to.
func TestSheetWorkbookEmpty(t *testing.T) {
	plain := markerSheet
	plain.Wrap = false
	x := reopen(t, plain, nil)
	rows, err := x.GetRows("界桩")
	if err != nil || len(rows) != 1 || !slices.Equal(rows[0], []string{"序号", "编号", "备注"}) {
		t.Fatalf("rows %v (%v), want the header alone", rows, err)
	}
	x = reopen(t, plain, []marker{{"QT-001", "完好"}})
	if style := cellStyle(t, x, "C2"); style.Alignment != nil && style.Alignment.WrapText {
		t.Errorf("row style %+v, want no wrapping", style)
	}
}

func cellStyle(t *testing.T, x *excelize.File, cell string) *excelize.Style {
	t.Helper()
	id, err := x.GetCellStyle("界桩", cell)
	if err != nil {
		t.Fatal(err)
	}
	style, err := x.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return style
}
