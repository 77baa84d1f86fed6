package app_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/app"
	"warden/internal/cases"
	"warden/internal/clues"
	"warden/internal/grid"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
)

// TestDailyReportOverdueClues: `warden report daily` lists the clues still
// unverified after their deadline (overdue_clues, in JSON and as the CSV's
// table), and not those verified or not yet due.
func TestDailyReportOverdueClues(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	cs := cases.NewStore(pool, cases.Options{})
	sampletest.Load(t, pool, grid.NewStore(pool).LoadSample)
	st := clues.NewStore(pool, cs, clues.Options{Now: func() time.Time { return time.Date(2026, 5, 2, 4, 0, 0, 0, time.UTC) }})
	doc := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"变化类型":"采石"},"geometry":{"type":"Point","coordinates":[86.0,34.8]}},
	 {"type":"Feature","properties":{"变化类型":"道路"},"geometry":{"type":"Point","coordinates":[86.05,34.8]}},
	 {"type":"Feature","properties":{"变化类型":"耕地"},"geometry":{"type":"Point","coordinates":[86.1,34.8]}}]}`
	b, _, err := st.Upload(ctx, clues.UploadInput{FileName: "b.geojson", Data: []byte(doc), Source: "省级遥感解译", ImagedAfter: "2026-05-01"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.List(ctx, clues.Filter{Batch: b.ID})
	if err != nil || len(list) != 3 {
		t.Fatalf("clues: %d %v", len(list), err)
	}
	for i, deadline := range []string{"2026-05-10", "2026-05-10", "2026-05-20"} {
		if _, err := st.Assign(ctx, list[i].ID, clues.AssignInput{Assignee: "扎西", Deadline: deadline}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Verify(ctx, list[1].ID, clues.VerifyInput{Result: "natural_change"}, "扎西"); err != nil {
		t.Fatal(err)
	}
	env := &app.Env{Pool: pool, Stores: api.NewStores(pool, api.StoreOptions{}), CaseZone: time.UTC}
	var out bytes.Buffer
	if err := app.Report(ctx, env, "daily", "2026-05-12", "", "", "json", &out); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		OverdueClues []clues.OverdueClue `json:"overdue_clues"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.OverdueClues) != 1 || rep.OverdueClues[0].Number != list[0].Number || rep.OverdueClues[0].DaysOverdue != 2 ||
		rep.OverdueClues[0].Assignee == nil || *rep.OverdueClues[0].Assignee != "扎西" {
		t.Fatalf("overdue clues on 2026-05-12: %+v", rep.OverdueClues)
	}
	out.Reset()
	if err := app.Report(ctx, env, "daily", "2026-05-12", "", "", "csv", &out); err != nil {
		t.Fatal(err)
	}
	csv := out.String()
	if !strings.Contains(csv, "overdue_clues") || !strings.Contains(csv, list[0].Number+",qiangtang,") || strings.Contains(csv, list[2].Number) {
		t.Errorf("the daily report's CSV lacks the overdue clue or lists one not due:\n%s", csv)
	}
}
