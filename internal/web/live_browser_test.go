package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// liveSite is a running Warden with the zone engine, a two-zone reserve
// (a core protection zone [100.04, 100.06] × [30.04, 30.06] inside a
// general control zone out to [100.00, 100.10]²) and a user of role.
type liveSite struct {
	pageServer
	chrome         chromiumRun
	user, password string
}

const liveAdminToken = "wdn_live_pages_admin_token_0123456789"

func newLiveSite(t *testing.T, role auth.Role) liveSite {
	t.Helper()
	chrome := needChromium(t)
	pool := testdb.New(t)
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := zoning.StartEngine(ctx, pool, log)
	if err != nil {
		t.Fatal(err)
	}
	site := liveSite{chrome: chrome, user: "dawa", password: "a long walk passphrase"}
	if _, err := auth.NewStore(pool).CreateUser(ctx, auth.UserInput{Name: site.user, Roles: []auth.Role{role}, Password: site.password}); err != nil {
		t.Fatal(err)
	}
	site.pageServer = servePages(t, pool, api.Config{AdminToken: liveAdminToken, Engine: eng})
	ring := func(x0, y0, x1, y1 float64) [][2]float64 {
		return [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	zone := func(kind string, rings ...[][2]float64) map[string]any {
		return map[string]any{"type": "Feature", "properties": map[string]any{"kind": kind}, "geometry": map[string]any{"type": "Polygon", "coordinates": rings}}
	}
	site.admin(t, "POST", "/api/v1/reserves", map[string]any{"code": "plateau", "name_zh": "高原", "name_en": "Plateau", "level": "national",
		"zoning_scheme": "two_zone", "time_zone": "Asia/Shanghai"}, 201)
	site.admin(t, "PUT", "/api/v1/reserves/plateau/zones", map[string]any{"type": "FeatureCollection", "features": []any{
		zone("general_control", ring(100, 30, 100.1, 30.1), ring(100.04, 30.04, 100.06, 30.06)),
		zone("core_protection", ring(100.04, 30.04, 100.06, 30.06)),
	}}, 201)
	return site
}

// admin sends a request as the admin and wants status back; it returns the
// answer's JSON.
func (s liveSite) admin(t *testing.T, method, path string, body any, status int) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(t.Context(), method, s.URL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+liveAdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, status, raw)
	}
	var doc map[string]any
	_ = json.Unmarshal(raw, &doc)
	return doc
}

// runNode runs one web/test script against the site, signed in as its user,
// with env added.
func runNode(t *testing.T, site liveSite, script string, env ...string) {
	t.Helper()
	site.chrome.run(t, site.pageServer, 5*time.Minute, append([]string{"WARDEN_USER=" + site.user, "WARDEN_PASSWORD=" + site.password}, env...), script)
}

// TestLivePage runs web/test/live.test.mjs in real headless Chromium: an
// officer signs in on the live map, a visitor's phone walks into the core
// protection zone over the Traccar Client protocol, and exactly one entry
// alert appears on the page without a reload, with a notification; the
// officer acknowledges it. In English the page is wholly English.
func TestLivePage(t *testing.T) {
	site := newLiveSite(t, auth.Officer)
	dev := site.admin(t, "POST", "/api/v1/devices", map[string]any{"id": "357299070000001", "kind": "phone", "subject": "V-1024",
		"subject_kind": "visitor", "reserves": []string{"plateau"}}, 201)
	runNode(t, site, "test/live.test.mjs", "WARDEN_DEVICE=357299070000001", "WARDEN_DEVICE_TOKEN="+dev["token"].(string))
}

// TestDevicesPage runs web/test/devices.test.mjs in real headless Chromium:
// a GIS user registers a device and sees its token once (which then
// works for ingest), edits it and deletes it, in Chinese and in English.
func TestDevicesPage(t *testing.T) {
	runNode(t, newLiveSite(t, auth.GIS), "test/devices.test.mjs")
}
