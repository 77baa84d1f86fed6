package web_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/auth"
	"warden/internal/testcorpus"
)

// The tracks page signs in as an admin: the browser tests upload a visitor's
// track, which only tracks:write allows (a ranger uploads only their own).
const (
	tracksUser     = "patrol-admin"
	tracksPassword = "browser test tracks password"
)

// tracksEnv makes the tracks page's user and returns the environment
// web/test reads it from: WARDEN_TRACKS_USER, WARDEN_TRACKS_PASSWORD and
// WARDEN_TEST_CORPUS (the repository's test corpus, for a real GPX file).
func tracksEnv(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	if _, err := auth.NewStore(pool).CreateUser(t.Context(), auth.UserInput{Name: tracksUser, Roles: []auth.Role{auth.Admin}, Password: tracksPassword}); err != nil {
		t.Fatal(err)
	}
	return []string{"WARDEN_TRACKS_USER=" + tracksUser, "WARDEN_TRACKS_PASSWORD=" + tracksPassword, "WARDEN_TEST_CORPUS=" + testcorpus.Dir(t)}
}
