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
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/web"
	"warden/internal/zoning"
)

// TestRulesPage runs web/test/rules.test.mjs in real headless Chromium: the
// rule table page (规则表) of the Qiangtang sample on both sides of
// 2026-03-15, in Chinese and in English.
func TestRulesPage(t *testing.T) {
	webDir := filepath.Join(repoRoot(t), "web")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH: install Node 20 and npm (`make setup` says how)")
	}
	if err := web.New(web.Config{}).Built(); err != nil {
		t.Fatalf("%v; `make web` builds them", err)
	}
	pool := testdb.New(t)
	if _, err := sample.LoadIfEmpty(t.Context(), zoning.NewStore(pool), markers.NewStore(pool)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Version: "test"}, pool, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "test/rules.test.mjs")
	cmd.Dir = webDir
	cmd.Env = append(os.Environ(), "WARDEN_URL="+srv.URL, "WARDEN_ARTIFACTS="+filepath.Join(webDir, "test-artifacts"), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	t.Logf("node --test test/rules.test.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the rule table page failed in Chromium: %v (screenshots in web/test-artifacts/)", err)
	}
}
