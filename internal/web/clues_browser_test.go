package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/cases"
	"warden/internal/clues"
	"warden/internal/grid"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/web"
	"warden/internal/zoning"
)

// TestCluesPage runs web/test/clues.test.mjs in real headless Chromium: the
// clue ledger page (问题线索台账) of a small batch over the Qiangtang sample,
// signed in as an officer, in Chinese and in English, one clue assigned to
// them as their task list; then the other assigned through the page's form,
// and the first verified with a photo with GPS EXIF, opening its case.
func TestCluesPage(t *testing.T) {
	webDir := filepath.Join(repoRoot(t), "web")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH: install Node 20 and npm (`make setup` says how)")
	}
	if err := web.New(web.Config{}).Built(); err != nil {
		t.Fatalf("%v; `make web` builds them", err)
	}
	pool := testdb.New(t)
	ctx := t.Context()
	cs := cases.NewStore(pool, cases.Options{})
	if _, err := sample.LoadIfEmpty(ctx, zoning.NewStore(pool), markers.NewStore(pool), grid.NewStore(pool).LoadSample); err != nil {
		t.Fatal(err)
	}
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
	srv := httptest.NewServer(api.New(api.Config{Version: "test"}, pool, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer srv.Close()
	ctx2, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx2, node, "--test", "--test-reporter=spec", "test/clues.test.mjs")
	cmd.Dir = webDir
	cmd.Env = append(os.Environ(), "WARDEN_URL="+srv.URL, "WARDEN_ARTIFACTS="+filepath.Join(webDir, "test-artifacts"), "NO_COLOR=1",
		"WARDEN_USER="+officer, "WARDEN_PASSWORD="+password,
		"WARDEN_PHOTO="+filepath.Join(repoRoot(t), "internal", "photoexif", "testdata", "clue-photo.jpg"))
	out, err := cmd.CombinedOutput()
	t.Logf("node --test test/clues.test.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the clue ledger page failed in Chromium: %v (screenshots in web/test-artifacts/)", err)
	}
}
