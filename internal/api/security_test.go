package api_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/testdb"
)

// sessionOf logs user in and returns the session caller.
func (w *walkEnv) sessionOf(user string) caller {
	w.t.Helper()
	c := caller{name: user}
	c.cookie, c.csrf = w.login(user)
	return c
}

// TestSessionCookieAndCSRF: a login gives an HttpOnly, SameSite=Lax cookie
// and a CSRF token; a write with the cookie needs the token and the same
// origin; logout ends the session; bad logins say nothing about the name.
func TestSessionCookieAndCSRF(t *testing.T) {
	w := newWalkEnv(t, api.Config{})
	gis := w.sessionOf("gis")
	me := w.send("GET", "/api/v1/auth/me", nil, gis).expect(200)
	if me.get("authenticated") != true || me.get("user", "name") != "gis" || me.get("csrf_token") != gis.csrf || me.get("user", "via") != "session" {
		t.Errorf("/auth/me: %s", me.Raw)
	}
	patch := fmt.Sprintf("/api/v1/markers/%d", w.marker)
	body := map[string]any{"note": "checked"}
	w.sendWith("PATCH", patch, body, gis, map[string]string{"X-CSRF-Token": ""}).problem(403, "CSRF token")
	w.sendWith("PATCH", patch, body, gis, map[string]string{"X-CSRF-Token": "wrong"}).problem(403, "CSRF token")
	w.sendWith("PATCH", patch, body, gis, map[string]string{"Origin": "https://evil.example"}).problem(403, "origin https://evil.example")
	w.sendWith("PATCH", patch, body, gis, map[string]string{"Sec-Fetch-Site": "cross-site"}).problem(403, "another site")
	w.sendWith("PATCH", patch, body, gis, map[string]string{"Origin": "", "Sec-Fetch-Site": "same-origin"}).expect(200)
	// Reads need no CSRF token.
	w.sendWith("GET", "/api/v1/tracks", nil, w.sessionOf("officer"), map[string]string{"X-CSRF-Token": ""}).expect(200)

	// Logins: JSON only; the same answer for a wrong password and an unknown name.
	anon := caller{anonymous: true}
	w.sendWith("POST", "/api/v1/auth/login", []byte(`{"name":"gis","password":"`+walkPassword+`"}`), anon,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}).problem(415, "application/json")
	wrong := w.send("POST", "/api/v1/auth/login", map[string]string{"name": "gis", "password": "not the password"}, anon).problem(401, "wrong")
	unknown := w.send("POST", "/api/v1/auth/login", map[string]string{"name": "nobody", "password": "not the password"}, anon).problem(401, "wrong")
	if wrong.JSON["detail"] != unknown.JSON["detail"] {
		t.Errorf("a wrong password says %q, an unknown user %q", wrong.JSON["detail"], unknown.JSON["detail"])
	}
	w.sendWith("POST", "/api/v1/auth/login", map[string]string{"name": "gis", "password": walkPassword}, anon,
		map[string]string{"Sec-Fetch-Site": "cross-site"}).problem(403, "another site")

	// Logout: the session is over, its cookie cleared; a stale cookie is anonymous.
	out := w.send("POST", "/api/v1/auth/logout", nil, gis).expect(204)
	if ck := out.Header.Get("Set-Cookie"); !strings.Contains(ck, "warden_session=;") || !strings.Contains(ck, "Max-Age=0") {
		t.Errorf("logout Set-Cookie %q", ck)
	}
	if w.send("GET", "/api/v1/auth/me", nil, gis).expect(200).get("authenticated") != false {
		t.Error("the session outlived its logout")
	}
	w.send("GET", "/api/v1/screenings", nil, gis).problem(401, "sign in")
	w.send("GET", "/api/v1/reserves", nil, gis).expect(200) // public: a stale cookie is no error
	var n int
	if err := w.pool.QueryRow(t.Context(), `SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.name = 'gis'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("gis has %d sessions after logout (%v)", n, err)
	}
	// A disabled user's session and tokens stop working.
	viewer := w.sessionOf("viewer")
	w.send("PATCH", "/api/v1/users/viewer", map[string]any{"disabled": true}, caller{token: adminToken}).expect(200)
	w.send("GET", "/api/v1/screenings", nil, viewer).problem(401)
	w.send("GET", "/api/v1/screenings", nil, w.as("viewer")).problem(401, "disabled")
}

// TestTokens: a token is shown once and kept as a hash; lists never show
// it; revoked and expired tokens are refused with a reason; users manage
// only their own tokens.
func TestTokens(t *testing.T) {
	w := newWalkEnv(t, api.Config{})
	ranger := w.as("ranger")
	r := w.send("POST", "/api/v1/tokens", map[string]any{"name": "gps app", "expires_in": "720h"}, ranger).expect(201)
	secret, _ := r.get("token").(string)
	if !strings.HasPrefix(secret, auth.TokenPrefix) || len(secret) != len(auth.TokenPrefix)+43 || r.get("user") != "ranger" || r.get("expires_at") == nil {
		t.Fatalf("new token: %s", r.Raw)
	}
	id := int64(r.get("id").(float64))
	app := caller{name: "ranger", roles: ranger.roles, token: secret}
	w.send("GET", "/api/v1/tracks", nil, app).expect(200)
	list := w.send("GET", "/api/v1/tokens", nil, app).expect(200)
	if strings.Contains(string(list.Raw), secret) || strings.Contains(string(list.Raw), `"token"`) {
		t.Errorf("the token list shows a secret: %s", list.Raw)
	}
	for _, tk := range list.get("tokens").([]any) {
		if tk.(map[string]any)["user"] != "ranger" {
			t.Errorf("ranger's list has another's token: %v", tk)
		}
	}
	var stored []byte
	if err := w.pool.QueryRow(t.Context(), `SELECT hash FROM api_token WHERE id = $1`, id).Scan(&stored); err != nil || strings.Contains(string(stored), secret) || len(stored) != 32 {
		t.Errorf("stored %x (%v): want the 32-byte SHA-256 only", stored, err)
	}
	var inAudit int
	if err := w.pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE after::text LIKE '%' || $1 || '%'`, secret).Scan(&inAudit); err != nil || inAudit != 0 {
		t.Errorf("the secret is in %d audit entries (%v)", inAudit, err)
	}
	// Others' tokens: not for the ranger.
	w.send("POST", "/api/v1/tokens", map[string]any{"user": "viewer"}, ranger).problem(403, "own")
	w.send("GET", "/api/v1/tokens?user=viewer", nil, ranger).problem(403, "own")
	vt, err := w.store.CreateToken(t.Context(), "viewer", "v", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.send("DELETE", fmt.Sprintf("/api/v1/tokens/%d", vt.ID), nil, ranger).problem(403, "own")
	w.send("DELETE", "/api/v1/tokens/999999", nil, ranger).problem(404, "token")
	// Revoked and expired.
	w.send("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil, ranger).expect(200)
	w.send("GET", "/api/v1/tracks", nil, app).problem(401, "revoked")
	w.send("GET", "/api/v1/reserves", nil, app).problem(401, "revoked") // even where no token is needed
	w.send("GET", "/api/v1/reserves", nil, w.as("expired")).problem(401, "expired")
	w.send("GET", "/api/v1/reserves", nil, caller{token: "wdn_" + strings.Repeat("A", 43)}).problem(401, "not valid")
	w.sendWith("GET", "/api/v1/tracks", nil, caller{anonymous: true}, map[string]string{"Authorization": "Basic dXNlcjpwdw=="}).problem(401, "Bearer")
	// The bootstrap token names the user; its own has none.
	w.send("POST", "/api/v1/tokens", map[string]any{}, caller{token: adminToken}).problem(422, "user")
	w.send("POST", "/api/v1/tokens", map[string]any{"user": "viewer", "expires_at": "2001-01-01T00:00:00Z"}, caller{token: adminToken}).problem(422, "future")
}

// TestRangerAndLimitedReaders: a ranger lists and reads only their own
// tracks; a reader limited to a reserve sees that reserve's only.
func TestRangerAndLimitedReaders(t *testing.T) {
	w := newWalkEnv(t, api.Config{})
	if _, err := w.store.CreateUser(t.Context(), auth.UserInput{Name: "ranger2", Roles: []auth.Role{auth.Ranger}}); err != nil {
		t.Fatal(err)
	}
	tok, err := w.store.CreateToken(t.Context(), "ranger2", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ranger, ranger2 := w.as("ranger"), caller{name: "ranger2", roles: []auth.Role{auth.Ranger}, token: tok.Secret}
	own := w.send("POST", "/api/v1/tracks", w.trackForm(""), ranger2).expect(201) // the subject defaults to oneself
	if own.get("subject") != "ranger2" {
		t.Errorf("ranger2's upload has subject %v", own.get("subject"))
	}
	w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), ranger2).problem(403, "own")
	subjects := func(c caller, q string) []string {
		var out []string
		for _, tr := range w.send("GET", "/api/v1/tracks"+q, nil, c).expect(200).get("tracks").([]any) {
			out = append(out, tr.(map[string]any)["subject"].(string))
		}
		return out
	}
	if got := subjects(ranger2, ""); len(got) != 1 || got[0] != "ranger2" {
		t.Errorf("ranger2 lists %v, want their own track only", got)
	}
	if got := subjects(ranger, ""); len(got) != 1 || got[0] != "ranger" {
		t.Errorf("ranger lists %v", got)
	}
	if got := subjects(w.as("officer"), ""); len(got) != 2 {
		t.Errorf("the officer lists %v, want both tracks", got)
	}
	if got := subjects(w.as("officer-elsewhere"), ""); len(got) != 0 {
		t.Errorf("an officer of another reserve lists %v", got)
	}
	w.send("GET", "/api/v1/tracks?subject=ranger", nil, ranger2).problem(403, "own")
	w.send("GET", "/api/v1/tracks?reserve="+targetReserve, nil, w.as("officer-elsewhere")).problem(403, "elsewhere")
	w.send("GET", fmt.Sprintf("/api/v1/tracks/%d", w.track), nil, ranger2).problem(403, "ranger")
	w.send("GET", fmt.Sprintf("/api/v1/tracks/%d/gpx", w.track), nil, ranger).expect(200)
	// The tile layer of tracks follows the same rule.
	w.send("GET", "/tiles/tracks/0/0/0.mvt", nil, caller{anonymous: true}).problem(401)
	w.send("GET", "/tiles/tracks/0/0/0.mvt", nil, w.as("viewer")).problem(403)
	// The OGC API shows a signed-in reader their roles' collections only.
	for _, c := range []caller{{anonymous: true}, w.as("viewer"), w.as("admin")} {
		var ids []string
		for _, col := range w.send("GET", "/ogc/collections", nil, c).expect(200).get("collections").([]any) {
			ids = append(ids, col.(map[string]any)["id"].(string))
		}
		t.Logf("OGC collections for %s: %v", shortName(c), ids)
	}
}

// TestPublicReadIsConfigurable: with nothing public, anonymous visitors get
// 401 everywhere but the pages; with screenings public, they read them.
func TestPublicReadIsConfigurable(t *testing.T) {
	none := newBareEnv(t, api.Config{Auth: api.AuthConfig{PublicRead: []string{}}})
	anon := caller{anonymous: true}
	for _, p := range []string{"/api/v1/reserves", "/tiles", "/ogc/collections", "/api/v1/locate?lon=1&lat=1", "/metrics"} {
		none.send("GET", p, nil, anon).problem(401, "not public")
	}
	none.send("GET", "/healthz", nil, anon).expect(200)
	none.send("GET", "/api/v1/reserves", nil, caller{token: adminToken}).expect(200)

	open := newBareEnv(t, api.Config{Auth: api.AuthConfig{PublicRead: []string{"screenings"}}})
	open.send("GET", "/api/v1/screenings", nil, anon).expect(200)
	open.send("GET", "/api/v1/reserves", nil, anon).problem(401)
	if _, err := api.ParsePublicRead("zones,secrets"); err == nil || !strings.Contains(err.Error(), "secrets") {
		t.Errorf("ParsePublicRead(zones,secrets): %v", err)
	}
	if got, _ := api.ParsePublicRead(""); strings.Join(got, ",") != strings.Join(api.DefaultPublicRead, ",") {
		t.Errorf("ParsePublicRead(\"\") = %v", got)
	}
}

// TestRateLimits: writes per token and per address, logins per address and
// failed logins per name each answer 429 with Retry-After once spent.
func TestRateLimits(t *testing.T) {
	w := newBareEnv(t, api.Config{Auth: api.AuthConfig{WritesPerMinute: 3, LoginsPerMinute: 6, LoginFailures: 2}})
	for _, n := range []string{"a", "b"} {
		if _, err := w.store.CreateUser(t.Context(), auth.UserInput{Name: n, Roles: []auth.Role{auth.Admin}, Password: walkPassword}); err != nil {
			t.Fatal(err)
		}
	}
	ta, err := w.store.CreateToken(t.Context(), "a", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	a := caller{name: "a", token: ta.Secret}
	for i := range 3 {
		w.send("POST", "/api/v1/reserves", map[string]any{"code": fmt.Sprint("r", i), "name_zh": "r", "level": "county", "zoning_scheme": "three_zone"}, a).expect(201)
	}
	r := w.send("POST", "/api/v1/reserves", map[string]any{"code": "r9", "name_zh": "r", "level": "county", "zoning_scheme": "three_zone"}, a).problem(429, "too many writes")
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	w.send("GET", "/api/v1/reserves", nil, a).expect(200) // reads are not limited
	w.send("POST", "/api/v1/locate", [][2]float64{{1, 1}}, a).expect(200)
	// The address has spent its writes too: another token from it waits.
	tb, err := w.store.CreateToken(t.Context(), "b", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.send("POST", "/api/v1/reserves", map[string]any{"code": "rb", "name_zh": "r", "level": "county", "zoning_scheme": "three_zone"}, caller{token: tb.Secret}).problem(429, "this address")

	// Failed logins: two per name, then even the right password waits.
	anon := caller{anonymous: true}
	login := func(name, pw string) *resp {
		return w.send("POST", "/api/v1/auth/login", map[string]string{"name": name, "password": pw}, anon)
	}
	login("a", "wrong password").expect(401)
	login("a", "wrong password").expect(401)
	login("a", walkPassword).problem(429, "failed logins")
	login("b", walkPassword).expect(200) // another name is not throttled
	login("b", walkPassword).expect(200)
	login("b", walkPassword).expect(200)
	login("b", walkPassword).problem(429, "login attempts from this address") // the seventh attempt from the address
	var failed int
	if err := w.pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'login' AND status = 401 AND actor = 'a'`).Scan(&failed); err != nil || failed != 2 {
		t.Errorf("%d failed logins in the audit log (%v), want 2", failed, err)
	}
}

// TestAuditLog: a write records who, from where, what, the reserve and the
// resource before and after; the log filters; the database refuses to change it.
func TestAuditLog(t *testing.T) {
	w := newWalkEnv(t, api.Config{})
	gis := w.as("gis")
	w.send("PATCH", fmt.Sprintf("/api/v1/markers/%d", w.marker), map[string]any{"status": "damaged", "note": "post broken"}, gis).expect(200)
	w.send("PATCH", fmt.Sprintf("/api/v1/markers/%d", w.marker), map[string]any{"note": "x"}, w.as("viewer")).problem(403)
	admin := caller{token: adminToken}
	page := w.send("GET", fmt.Sprintf("/api/v1/audit?resource=marker&resource_id=%d&actor=gis", w.marker), nil, admin).expect(200)
	if page.get("total") != 1.0 {
		t.Fatalf("audit for the marker by gis: %s", page.Raw)
	}
	e := page.get("entries", 0).(map[string]any)
	if e["route"] != "PATCH /api/v1/markers/:id" || e["action"] != "PATCH" || e["status"] != 200.0 || e["reserve"] != targetReserve ||
		e["via"] != "token" || e["token_id"] == nil || e["actor_id"] == nil || net.ParseIP(e["address"].(string)) == nil {
		t.Errorf("audit entry %v", e)
	}
	before, _ := json.Marshal(e["before"])
	after, _ := json.Marshal(e["after"])
	if !strings.Contains(string(before), `"status":"intact"`) || !strings.Contains(string(after), `"status":"damaged"`) || !strings.Contains(string(after), "post broken") {
		t.Errorf("before %s, after %s", before, after)
	}
	if d := w.send("GET", "/api/v1/audit?actor=viewer&status=403", nil, admin).expect(200); d.get("total") != 1.0 {
		t.Errorf("the refused write of the viewer: %s", d.Raw)
	}
	if r := w.send("GET", "/api/v1/audit?reserve="+targetReserve+"&from=2000-01-01&to=2999-01-01&limit=1", nil, admin).expect(200); r.get("total").(float64) < 3 || len(r.get("entries").([]any)) != 1 {
		t.Errorf("audit by reserve: %.500s", r.Raw)
	}
	w.send("GET", "/api/v1/audit?limit=5000", nil, admin).problem(400, "limit")
	w.send("GET", "/api/v1/audit?from=yesterday", nil, admin).problem(400, "from")
	w.send("GET", "/api/v1/audit", nil, gis).problem(403, "audit:read")
	// Even the schema's owner, who may do what the service may not (see
	// TestRuntimeRole), is refused by the triggers.
	owner := testdb.Owner(t, w.pool)
	for _, sql := range []string{`UPDATE audit_log SET actor = 'nobody'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := owner.Exec(t.Context(), sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}
}

// TestHeadersAndCORS: pages get the map CSP, everything else a strict one;
// no CORS unless configured, then only for the origins named.
func TestHeadersAndCORS(t *testing.T) {
	w := newBareEnv(t, api.Config{})
	anon := caller{anonymous: true}
	page := w.send("GET", "/screening", nil, anon)
	csp := page.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "worker-src 'self' blob:", "img-src 'self' data: blob:", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("page CSP %q allows unsafe sources", csp)
	}
	api1 := w.sendWith("GET", "/api/v1/reserves", nil, anon, map[string]string{"Origin": "https://gis.example"})
	if !strings.HasPrefix(api1.Header.Get("Content-Security-Policy"), "default-src 'none'") || api1.Header.Get("X-Content-Type-Options") != "nosniff" ||
		api1.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("API headers %v", api1.Header)
	}
	if v := api1.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("CORS is off by default, yet Access-Control-Allow-Origin is %q", v)
	}
	pre := w.sendWith("OPTIONS", "/api/v1/reserves", nil, anon, map[string]string{"Origin": "https://gis.example", "Access-Control-Request-Method": "POST"})
	if pre.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight without CORS: %v", pre.Header)
	}

	c := newBareEnv(t, api.Config{Auth: api.AuthConfig{CORSOrigins: []string{"https://gis.example"}}})
	ok := c.sendWith("GET", "/api/v1/reserves", nil, anon, map[string]string{"Origin": "https://gis.example"})
	if ok.Header.Get("Access-Control-Allow-Origin") != "https://gis.example" || ok.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("CORS for a named origin: %v", ok.Header)
	}
	if v := c.sendWith("GET", "/api/v1/reserves", nil, anon, map[string]string{"Origin": "https://evil.example"}).Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("CORS for another origin: %q", v)
	}
	pf := c.sendWith("OPTIONS", "/api/v1/reserves", nil, anon, map[string]string{"Origin": "https://gis.example", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "authorization,content-type"})
	if pf.Status != http.StatusNoContent || !strings.Contains(strings.ToLower(pf.Header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight: %d %v", pf.Status, pf.Header)
	}
}

// TestClientAddress: X-Forwarded-For is ignored unless it comes from a
// trusted proxy.
func TestClientAddress(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	for _, tc := range []struct {
		proxies []*net.IPNet
		want    string
	}{{nil, "127.0.0.1"}, {[]*net.IPNet{loopback}, "203.0.113.7"}} {
		w := newBareEnv(t, api.Config{Auth: api.AuthConfig{TrustedProxies: tc.proxies}})
		w.sendWith("POST", "/api/v1/reserves", map[string]any{"code": "x", "name_zh": "x", "level": "county", "zoning_scheme": "three_zone"},
			caller{token: adminToken}, map[string]string{"X-Forwarded-For": "203.0.113.7"}).expect(201)
		var addr string
		if err := w.pool.QueryRow(t.Context(), `SELECT address FROM audit_log WHERE resource = 'reserve'`).Scan(&addr); err != nil || addr != tc.want {
			t.Errorf("trusted %v: address %q (%v), want %q", tc.proxies, addr, err, tc.want)
		}
	}
}
