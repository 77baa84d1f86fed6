package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/auth"
)

// The tracks page signs in as an admin: the browser tests upload a visitor's
// track, which only tracks:write allows (a ranger uploads only their own).
const (
	tracksUser     = "patrol-admin"
	tracksPassword = "browser test tracks password"
)

// tracksEnv makes the tracks page's user, finds the shared corpus and
// returns the environment web/test reads them from: WARDEN_TRACKS_USER,
// WARDEN_TRACKS_PASSWORD and WARDEN_CORPUS.
func tracksEnv(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	if _, err := auth.NewStore(pool).CreateUser(t.Context(), auth.UserInput{Name: tracksUser, Roles: []auth.Role{auth.Admin}, Password: tracksPassword}); err != nil {
		t.Fatal(err)
	}
	return []string{"WARDEN_TRACKS_USER=" + tracksUser, "WARDEN_TRACKS_PASSWORD=" + tracksPassword, "WARDEN_CORPUS=" + corpusDir(t)}
}

// corpusDir is ../shared/corpus beside the checkout: the first directory
// above this package holding shared/corpus.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		c := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no shared/corpus above the test's directory: the shared corpus belongs beside the checkout (../shared/corpus)")
		}
		dir = parent
	}
}
