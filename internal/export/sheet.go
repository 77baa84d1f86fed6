package export

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Column is one column of a Sheet: its header, its width in characters and
// its cell of an item. A nil Value gives the row's number (1, 2, ...), the
// 序号 column an office's lists start with.
type Column[T any] struct {
	Title string
	Width float64
	Value func(item T) any
}

// Sheet is a list as an Excel worksheet, the way offices read ledgers and
// problem lists: one row per item under a bold, tinted header that stays in
// view (a frozen pane) and filters every column.
type Sheet[T any] struct {
	Name    string
	Columns []Column[T]
	Wrap    bool // the rows' cells wrap long text, aligned to the top
}

// Workbook makes a workbook whose first sheet holds items, streamed row by
// row. The caller may add sheets, then writes it (f.Write) and closes it.
func (s Sheet[T]) Workbook(items []T) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := s.write(f, items); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("export: sheet %s: %w", s.Name, err)
	}
	return f, nil
}

func (s Sheet[T]) write(f *excelize.File, items []T) error {
	if err := f.SetSheetName("Sheet1", s.Name); err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	body := 0
	if s.Wrap {
		if body, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	row := make([]any, len(s.Columns))
	for i, col := range s.Columns {
		row[i] = excelize.Cell{Value: col.Title, StyleID: header}
		if err := sw.SetColWidth(i+1, i+1, col.Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for r, item := range items {
		for i, col := range s.Columns {
			v := any(r + 1)
			if col.Value != nil {
				v = col.Value(item)
			}
			row[i] = excelize.Cell{Value: v, StyleID: body}
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(s.Columns), len(items)+1)
	if err != nil {
		return err
	}
	return f.AutoFilter(s.Name, "A1:"+last, nil)
}
