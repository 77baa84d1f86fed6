package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/api"
	"warden/internal/grid"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/web"
	"warden/internal/zoning"
)

// chromiumRun is what running web/test's scripts in headless Chromium
// needs: the web folder, node and Chromium.
type chromiumRun struct {
	webDir, node, chromium string
}

// needChromium fails the test (never skips) when node, Chromium, the npm
// packages or the built pages are missing, saying what to run.
func needChromium(t *testing.T) chromiumRun {
	t.Helper()
	r := chromiumRun{webDir: filepath.Join(repoRoot(t), "web"), chromium: os.Getenv("WARDEN_CHROMIUM")}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH: install Node 20 and npm (`make setup` says how), then `make test`")
	}
	r.node = node
	if r.chromium == "" {
		r.chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(r.chromium); err != nil {
		t.Fatalf("Chromium is not at %s: run `make setup` (as root it installs Debian's chromium), or set WARDEN_CHROMIUM", r.chromium)
	}
	if _, err := os.Stat(filepath.Join(r.webDir, "node_modules", "playwright-core")); err != nil {
		t.Fatal("web/node_modules is not installed: run `make web` (npm ci and the build), then `make test`")
	}
	if err := web.New(web.Config{}).Built(); err != nil {
		t.Fatalf("%v; `make web` builds them", err)
	}
	return r
}

// sampleDB is a fresh test database with the sample reserves, and with
// their illustrative counties and grid cells when counties is true (the
// case pages find a case's unit by its location).
func sampleDB(t *testing.T, counties bool) *pgxpool.Pool {
	t.Helper()
	pool := testdb.New(t)
	var extras []sample.Extra
	if counties {
		extras = append(extras, grid.NewStore(pool).LoadSample)
	}
	if _, err := sample.LoadIfEmpty(t.Context(), zoning.NewStore(pool), markers.NewStore(pool), extras...); err != nil {
		t.Fatal(err)
	}
	return pool
}

// pageServer is Warden's API and pages on a test database, with the
// server's warnings and errors kept to be shown when a browser test fails.
type pageServer struct {
	*httptest.Server
	log *bytes.Buffer
}

// servePages starts Warden with cfg on pool; it stops when the test ends.
func servePages(t *testing.T, pool *pgxpool.Pool, cfg api.Config) pageServer {
	t.Helper()
	s := pageServer{log: new(bytes.Buffer)}
	logger := slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if cfg.Version == "" {
		cfg.Version = "test"
	}
	s.Server = httptest.NewServer(api.New(cfg, pool, logger).Handler())
	t.Cleanup(s.Close)
	return s
}

// run runs scripts (paths below web/) under node's test runner against srv,
// with env added to WARDEN_URL, WARDEN_ARTIFACTS (screenshots, in
// web/test-artifacts) and WARDEN_CHROMIUM, for at most timeout. On failure
// it fails the test with node's output and the server's log.
func (r chromiumRun) run(t *testing.T, srv pageServer, timeout time.Duration, env []string, scripts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.node, append([]string{"--test", "--test-reporter=spec"}, scripts...)...)
	cmd.Dir = r.webDir
	cmd.Env = append(os.Environ(),
		"WARDEN_URL="+srv.URL,
		"WARDEN_ARTIFACTS="+filepath.Join(r.webDir, "test-artifacts"),
		"WARDEN_CHROMIUM="+r.chromium,
		"NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	names := strings.Join(scripts, " ")
	t.Logf("node --test %s:\n%s", names, out)
	if err != nil {
		srv.Close() // every request has finished writing to the log
		t.Fatalf("%s failed in Chromium: %v (output above; screenshots in web/test-artifacts/); the server's warnings and errors:\n%s", names, err, srv.log.String())
	}
}

// repoRoot is the directory holding go.mod, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
