package cases_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"warden/internal/cases"
	"warden/internal/cases/casetest"
	"warden/internal/sample/sampletest"
)

// TestNumberYearInReserveTimeZone: a case in no administrative area is
// numbered with the year of its registration in its reserve's time zone. At
// 22:00 UTC on 31 December it is still that year in Europe/Madrid (23:00)
// but already the next in Beijing (06:00).
func TestNumberYearInReserveTimeZone(t *testing.T) {
	pool := sampletest.New(t) // the sample reserves without the illustrative administrative areas
	clk := &casetest.Clock{}
	cs := cases.NewStore(pool, cases.Options{Now: clk.Now})
	if _, err := pool.Exec(t.Context(), `UPDATE reserve SET time_zone = 'Europe/Madrid' WHERE code = 'alt-pirineu'`); err != nil {
		t.Fatal(err)
	}
	year := casetest.ThisYear()
	clk.Set(time.Date(year, 12, 31, 22, 0, 0, 0, time.UTC))
	loc, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{1.2, 42.5}})
	c, err := cs.Create(t.Context(), cases.CreateInput{Source: "public_report", Reserve: "alt-pirineu", Location: loc, Activity: "hunting", Title: "来信"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("alt-pirineu-%d-0001", year); c.Number != want || c.Timezone != "Europe/Madrid" {
		t.Errorf("number %s in %s, want %s in Europe/Madrid", c.Number, c.Timezone, want)
	}
}
