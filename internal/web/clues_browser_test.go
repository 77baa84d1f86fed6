package web_test

import (
	"path/filepath"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/cases"
	"warden/internal/clues"
)

// TestCluesPage runs web/test/clues.test.mjs in real headless Chromium: the
// clue ledger page (问题线索台账) of a small batch over the Qiangtang sample,
// signed in as an officer, in Chinese and in English, one clue assigned to
// them as their task list; then the other assigned through the page's form,
// and the first verified with a photo with GPS EXIF, opening its case.
func TestCluesPage(t *testing.T) {
	chrome := needChromium(t)
	pool := sampleDB(t, true)
	ctx := t.Context()
	cs := cases.NewStore(pool, cases.Options{})
	const officer, password = "dawa", "a long walk passphrase"
	if _, err := auth.NewStore(pool).CreateUser(ctx, auth.UserInput{Name: officer, Roles: []auth.Role{auth.Officer}, Password: password}); err != nil {
		t.Fatal(err)
	}
	st := clues.NewStore(pool, cs, clues.Options{})
	doc := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"变化类型":"采石"},"geometry":{"type":"Polygon","coordinates":[[[85.997,34.797],[86.003,34.797],[86.003,34.803],[85.997,34.803],[85.997,34.797]]]}},
	 {"type":"Feature","properties":{"变化类型":"道路"},"geometry":{"type":"Point","coordinates":[86.05,34.8]}}]}`
	b, _, err := st.Upload(ctx, clues.UploadInput{FileName: "b.geojson", Data: []byte(doc), Source: "省级遥感解译", ImagedAfter: "2026-05-01"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.List(ctx, clues.Filter{Batch: b.ID})
	if err != nil || len(list) != 2 {
		t.Fatalf("clues: %d %v", len(list), err)
	}
	if _, err := st.Assign(ctx, list[0].ID, clues.AssignInput{Assignee: officer}, "test"); err != nil {
		t.Fatal(err)
	}
	chrome.run(t, servePages(t, pool, api.Config{}), 5*time.Minute, []string{"WARDEN_USER=" + officer, "WARDEN_PASSWORD=" + password,
		"WARDEN_PHOTO=" + filepath.Join(repoRoot(t), "internal", "photoexif", "testdata", "clue-photo.jpg")}, "test/clues.test.mjs")
}
