package web_test

import (
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/auth"
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
// waypoint reports hunting in Qiangtang's core protection zone on the tracks
// page; an officer signs in with a password and works the case opened by it through
// every step on the case page — verification with the party, hand-over,
// joint inspection, public interview, measures, special inspection,
// rectification, a photo with EXIF GPS as verification evidence, closure —
// and checks the printable dossier. It fails (never skips) when node,
// Chromium or the built pages are missing.
func TestBrowserCaseWork(t *testing.T) {
	chrome := needChromium(t)
	pool := sampleDB(t, true) // the hand-over finds its unit by location
	users := auth.NewStore(pool)
	for name, role := range map[string]auth.Role{walkRanger: auth.Ranger, walkOfficer: auth.Officer} {
		if _, err := users.CreateUser(t.Context(), auth.UserInput{Name: name, Roles: []auth.Role{role}, Reserves: []string{"qiangtang"}, Password: walkPassword}); err != nil {
			t.Fatal(err)
		}
	}
	srv := servePages(t, pool, api.Config{})
	chrome.run(t, srv, 10*time.Minute, []string{"WARDEN_RANGER=" + walkRanger, "WARDEN_OFFICER=" + walkOfficer, "WARDEN_PASSWORD=" + walkPassword},
		"test/casework.test.mjs")
}
