package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/grid"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/web"
	"warden/internal/zoning"
)

// The accounts of the case walk: a ranger who reports, an officer who works
// the case, both for Qiangtang only.
const (
	walkRanger   = "ranger-li"
	walkOfficer  = "officer-wang"
	walkPassword = "case walk password"
)

// TestBrowserCaseWork walks a case from a patrol finding to 销号 in headless
// Chromium (web/test/casework.test.mjs): a ranger uploads a track whose
// waypoint reports hunting in Qiangtang's core zone on the tracks page; an
// officer signs in with a password and works the case opened by it through
// every step on the case page — verification with the party, hand-over,
// joint inspection, public interview, measures, special inspection,
// rectification, a photo with EXIF GPS as verification evidence, closure —
// and checks the printable dossier. It fails (never skips) when node,
// Chromium or the built pages are missing.
func TestBrowserCaseWork(t *testing.T) {
	webDir := filepath.Join(repoRoot(t), "web")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH: install Node 20 and npm (`make setup` says how), then `make test`")
	}
	chromium := os.Getenv("WARDEN_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is not at %s: run `make setup`, or set WARDEN_CHROMIUM", chromium)
	}
	if err := web.New(web.Config{}).Built(); err != nil {
		t.Fatalf("%v; `make test` builds them first", err)
	}
	pool := testdb.New(t)
	// with the illustrative counties, so the hand-over finds its unit by location
	if _, err := sample.LoadIfEmpty(t.Context(), zoning.NewStore(pool), markers.NewStore(pool), grid.NewStore(pool).LoadSample); err != nil {
		t.Fatal(err)
	}
	users := auth.NewStore(pool)
	for name, role := range map[string]auth.Role{walkRanger: auth.Ranger, walkOfficer: auth.Officer} {
		if _, err := users.CreateUser(t.Context(), auth.UserInput{Name: name, Roles: []auth.Role{role}, Reserves: []string{"qiangtang"}, Password: walkPassword}); err != nil {
			t.Fatal(err)
		}
	}
	var serverLog bytes.Buffer
	log := slog.New(slog.NewTextHandler(&serverLog, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(api.New(api.Config{Version: "test"}, pool, log).Handler())
	defer srv.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "test/casework.test.mjs")
	cmd.Dir = webDir
	cmd.Env = append(os.Environ(),
		"WARDEN_URL="+srv.URL,
		"WARDEN_RANGER="+walkRanger,
		"WARDEN_OFFICER="+walkOfficer,
		"WARDEN_PASSWORD="+walkPassword,
		"WARDEN_ARTIFACTS="+filepath.Join(webDir, "test-artifacts"),
		"WARDEN_CHROMIUM="+chromium,
		"NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	t.Logf("node --test (web/test/casework.test.mjs):\n%s", out)
	if err != nil {
		srv.Close()
		t.Fatalf("the case walk failed: %v (output above; screenshots in web/test-artifacts/); the server's warnings and errors:\n%s", err, serverLog.String())
	}
}
