package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/testdb"
)

// The authorization walk: every route registered in Echo, with every role
// (unlimited, limited to the resource's own reserve and limited to another
// reserve), the bootstrap token, a session
// cookie, no credentials, a revoked token and an expired token. Each answer
// must be exactly what the route's access rule says: 401, 403, or success.
// A route without an access rule or without a probe here fails the test.

// caller is one way of asking.
type caller struct {
	name string // the user name (the principal's name)
	// roles and reserves of the user; limited callers act in their home
	// reserve only: otherReserve (foreign to the probes' resources), or
	// targetReserve (their own).
	roles   []auth.Role
	limited bool
	home    string
	// token is the bearer token; cookie and csrf a session instead.
	token, cookie, csrf string
	// anonymous sends nothing; bad sends a refused token (revoked, expired).
	anonymous, bad bool
}

func (c caller) has(p auth.Permission) bool {
	for _, r := range c.roles {
		if auth.Grants(r, p) {
			return true
		}
	}
	return false
}

func (c caller) inReserve(code string) bool { return !c.limited || code == c.homeReserve() }

// homeReserve is where a limited caller may act.
func (c caller) homeReserve() string {
	if c.home != "" {
		return c.home
	}
	return otherReserve
}

const (
	// targetReserve is where the probes act; otherReserve is where the
	// limited callers may act.
	targetReserve = "walker"
	otherReserve  = "elsewhere"
	walkPassword  = "correct horse battery"
)

// walkEnv is a server with users of every role and the resources the probes
// act on.
type walkEnv struct {
	*env
	store   *auth.Store
	callers []caller
	// ids of resources made at set-up
	marker, screening, track, permit, cas, evidence, batch, clue int64
	n                                                            int // makes probe bodies unique
	// a live device of the target reserve, its token and an alert of it
	// (made at first use, by liveProbes)
	deviceToken string
	alert       int64
}

// newBareEnv is a server on a fresh database with the bootstrap token and
// nothing else.
func newBareEnv(t *testing.T, cfg api.Config) *walkEnv {
	t.Helper()
	pool := testdb.New(t)
	return &walkEnv{env: startAPI(t, pool, cfg, nil), store: auth.NewStore(pool)}
}

// as is the walk's caller with this name.
func (w *walkEnv) as(name string) caller {
	w.t.Helper()
	for _, c := range w.callers {
		if c.name == name {
			return c
		}
	}
	w.t.Fatalf("no caller %q", name)
	return caller{}
}

func newWalkEnv(t *testing.T, cfg api.Config) *walkEnv {
	t.Helper()
	w := newBareEnv(t, cfg)
	pool := w.pool
	for _, code := range []string{targetReserve, otherReserve} {
		w.do("POST", "/api/v1/reserves", map[string]any{"code": code, "name_zh": code, "level": "county", "zoning_scheme": "three_zone"}, true).expect(201)
	}
	lon := 100.0
	w.do("PUT", "/api/v1/reserves/"+targetReserve+"/zones", threeZones(lon), true).expect(201)
	w.do("PUT", "/api/v1/reserves/"+otherReserve+"/zones", threeZones(lon+1), true).expect(201)
	w.marker = w.id(w.do("POST", "/api/v1/reserves/"+targetReserve+"/markers", markerFeature("W-1"), true).expect(201), "features", 0, "id")
	w.screening = w.id(w.do("POST", "/api/v1/screenings", screeningBody(squareAt(lon+0.15, 30.05), "tourism", "proposed"), true).expect(201), "id")
	w.track = w.id(w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), caller{token: adminToken}).expect(201), "id")
	w.permit = w.id(w.do("POST", "/api/v1/permits", permitBody("ranger"), true).expect(201), "id")
	w.cas = w.id(w.do("POST", "/api/v1/cases", caseBody(), true).expect(201), "id")
	w.evidence = w.id(w.send("POST", fmt.Sprintf("/api/v1/cases/%d/evidence", w.cas), photoForm(t), caller{token: adminToken}).expect(201), "id")
	w.do("PUT", "/api/v1/admin-areas", adminAreas(), true).expect(200)
	w.do("PUT", "/api/v1/reserves/"+targetReserve+"/grid-cells", gridCells(), true).expect(200)
	w.batch = w.id(w.send("POST", "/api/v1/clue-batches", w.clueForm(), caller{token: adminToken}).expect(201), "id")
	var clue int64
	if err := pool.QueryRow(t.Context(), `SELECT id FROM clue WHERE batch_id = $1`, w.batch).Scan(&clue); err != nil {
		t.Fatal(err)
	}
	w.clue = clue

	ctx := t.Context()
	for _, r := range auth.Roles {
		w.addUser(caller{name: string(r), roles: []auth.Role{r}})
		if r != auth.Admin {
			w.addUser(caller{name: string(r) + "-elsewhere", roles: []auth.Role{r}, limited: true})
			w.addUser(caller{name: string(r) + "-here", roles: []auth.Role{r}, limited: true, home: targetReserve})
		}
	}
	// An admin by session cookie (its password is changed and its session
	// ended by the probes, so it is nobody else).
	w.addUser(caller{name: "sesh", roles: []auth.Role{auth.Admin}})
	sesh := w.callers[len(w.callers)-1]
	w.callers = w.callers[:len(w.callers)-1]
	sesh.cookie, sesh.csrf = w.login("sesh")
	sesh.token = ""
	w.callers = append(w.callers, sesh, caller{name: auth.BootstrapName, roles: []auth.Role{auth.Admin}, token: adminToken}, caller{anonymous: true})
	revoked := w.addUser(caller{name: "revoked", roles: []auth.Role{auth.Admin}, bad: true})
	if _, err := w.store.RevokeToken(ctx, revoked); err != nil {
		t.Fatal(err)
	}
	expired := w.addUser(caller{name: "expired", roles: []auth.Role{auth.Admin}, bad: true})
	if _, err := pool.Exec(ctx, `UPDATE api_token SET expires_at = now() - interval '1 minute' WHERE id = $1`, expired); err != nil {
		t.Fatal(err)
	}
	return w
}

// addUser makes the caller's user with a password and a token, adds the
// caller and returns the token's id.
func (w *walkEnv) addUser(c caller) int64 {
	w.t.Helper()
	in := auth.UserInput{Name: c.name, Roles: c.roles, Password: walkPassword}
	if c.limited {
		in.Reserves = []string{c.homeReserve()}
	}
	if _, err := w.store.CreateUser(w.t.Context(), in); err != nil {
		w.t.Fatal(err)
	}
	tok, err := w.store.CreateToken(w.t.Context(), c.name, "walk", nil)
	if err != nil {
		w.t.Fatal(err)
	}
	c.token = tok.Secret
	w.callers = append(w.callers, c)
	return tok.ID
}

// login starts a session for user and returns its cookie and CSRF token.
func (w *walkEnv) login(user string) (string, string) {
	w.t.Helper()
	r := w.send("POST", "/api/v1/auth/login", map[string]string{"name": user, "password": walkPassword}, caller{anonymous: true}).expect(200)
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "warden_session" {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				w.t.Errorf("session cookie %v: want HttpOnly, SameSite=Lax", ck)
			}
			return ck.Value, r.get("csrf_token").(string)
		}
	}
	w.t.Fatalf("login set no session cookie: %v", r.Header)
	return "", ""
}

func (w *walkEnv) id(r *resp, path ...any) int64 {
	w.t.Helper()
	v, ok := r.get(path...).(float64)
	if !ok {
		w.t.Fatalf("no id at %v in %s", path, r.Raw)
	}
	return int64(v)
}

// walkClient ends a request the walks send that does not finish (a stream
// left open) with an error naming it, not the whole package by its timeout.
var walkClient = &http.Client{Timeout: 2 * time.Minute}

// send sends a request as c; body is nil, a form, raw bytes or a value sent as JSON.
func (w *walkEnv) send(method, path string, body any, c caller) *resp {
	w.t.Helper()
	return w.sendWith(method, path, body, c, nil)
}

// sendWith is send with more headers (an empty value removes one).
func (w *walkEnv) sendWith(method, path string, body any, c caller, header map[string]string) *resp {
	w.t.Helper()
	raw, ct := encodeBody(w.t, body)
	req := w.request(method, path, "", ct, raw)
	switch {
	case c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case c.cookie != "":
		req.AddCookie(&http.Cookie{Name: "warden_session", Value: c.cookie})
		req.Header.Set("X-CSRF-Token", c.csrf)
		req.Header.Set("Origin", w.srv.URL)
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return roundTrip(w.t, walkClient, req)
}

// threeZones is a three-zone FeatureCollection of three 0.1° squares from lon.
func threeZones(lon float64) map[string]any {
	var fs []any
	for i, kind := range []string{"core", "buffer", "experimental"} {
		x := lon + 0.1*float64(i)
		fs = append(fs, map[string]any{"type": "Feature", "properties": map[string]any{"kind": kind},
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{x, 30}, {x + 0.1, 30}, {x + 0.1, 30.1}, {x, 30.1}, {x, 30}}}}})
	}
	return map[string]any{"type": "FeatureCollection", "features": fs}
}

func squareAt(lon, lat float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{lon - 0.01, lat - 0.01}, {lon + 0.01, lat - 0.01}, {lon + 0.01, lat + 0.01}, {lon - 0.01, lat + 0.01}, {lon - 0.01, lat - 0.01}}}}
}

func markerFeature(code string) map[string]any {
	return map[string]any{"type": "Feature", "properties": map[string]any{"code": code, "kind": "post", "status": "intact"},
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{100.1, 30.05}}}
}

func caseBody() map[string]any {
	return map[string]any{"source": "public_report", "reserve": targetReserve, "activity": "other", "title": "walk",
		"location": map[string]any{"type": "Point", "coordinates": []float64{100.05, 30.05}}}
}

// photoForm is an evidence upload of a 1×1 PNG.
func photoForm(t *testing.T) form {
	t.Helper()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("role", "evidence")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="photo.png"`)
	h.Set("Content-Type", "image/png")
	fw, _ := mw.CreatePart(h)
	fw.Write(img.Bytes())
	mw.Close()
	return form{b.Bytes(), mw.FormDataContentType()}
}

// adminAreas is one county covering both reserves.
func adminAreas() map[string]any {
	return map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{"type": "Feature",
		"properties": map[string]any{"code": "540000", "name_zh": "测试县", "level": "county", "unit_name": "测试县人民政府"},
		"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{99, 29}, {102, 29}, {102, 31}, {99, 31}, {99, 29}}}}}}}
}

// gridCells is one grid cell over the target reserve.
func gridCells() map[string]any {
	return map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{"type": "Feature",
		"properties": map[string]any{"code": "G1", "name": "一号网格"},
		"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{100, 30}, {100.3, 30}, {100.3, 30.1}, {100, 30.1}, {100, 30}}}}}}}
}

func permitBody(subject string) map[string]any {
	return map[string]any{"subject": subject, "reserve": targetReserve, "zone_kinds": []string{"core"}, "valid_from": "2024-07-01", "valid_to": "2024-07-10"}
}

// trackForm is a track upload for subject in the target reserve, a
// different file each time.
func (w *walkEnv) trackForm(subject string) form {
	w.n++
	start := time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC).Add(time.Duration(w.n) * time.Hour)
	var gpx bytes.Buffer
	gpx.WriteString(`<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>`)
	for i := 0; i <= 30; i++ {
		fmt.Fprintf(&gpx, `<trkpt lat="30.05" lon="%.4f"><time>%s</time></trkpt>`, 100.02+0.008*float64(i), start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
	}
	gpx.WriteString(`</trkseg></trk></gpx>`)
	body, ct := multipartBody([][2]string{{"reserve", targetReserve}, {"subject", subject}, {"subject_kind", "patrol"}}, "file", "walk.gpx", gpx.Bytes())
	return form{body, ct}
}

// probe is one request a caller makes on a route, and what it acts on.
type probe struct {
	method, path string
	body         any
	// reserve and subject of the resource acted on ("" : none), for the
	// scope rules.
	reserve, subject string
	// want is the status of an allowed request when it is not 2xx;
	// anyAllowed accepts any answer but 401, 403 and 5xx (for workflow steps
	// whose success depends on the case's state).
	want int
}

const anyAllowed = -1

// probes give, for every route, a request that succeeds when allowed.
func (w *walkEnv) probes() map[string]func(c caller) probe {
	get := func(path string) func(caller) probe {
		return func(caller) probe { return probe{method: "GET", path: path} }
	}
	getIn := func(path string) func(caller) probe {
		return func(caller) probe { return probe{method: "GET", path: path, reserve: targetReserve} }
	}
	res := "/api/v1/reserves/" + targetReserve
	casePath := fmt.Sprintf("/api/v1/cases/%d", w.cas)
	track := fmt.Sprintf("/api/v1/tracks/%d", w.track)
	self := func(c caller) string {
		if c.name == auth.BootstrapName || c.name == "" {
			return "viewer"
		}
		return c.name
	}
	ps := map[string]func(caller) probe{
		"GET /":                              get("/"),
		"GET /markers":                       get("/markers"),
		"GET /rules":                         get("/rules"),
		"GET /screening":                     get("/screening"),
		"GET /tracks":                        get("/tracks"),
		"GET /cases":                         get("/cases"),
		"GET /cases/:id":                     get("/cases/1"),
		"GET /clues":                         get("/clues"),
		"GET /live":                          get("/live"),
		"GET /devices":                       get("/devices"),
		"GET /assets/*":                      get("/assets/style.css"),
		"GET /config.json":                   get("/config.json"),
		"GET /tiles":                         get("/tiles"),
		"GET /tiles/:layer.json":             get("/tiles/zones.json"),
		"GET /tiles/:layer/:z/:x/:y.mvt":     get("/tiles/zones/6/49/26.mvt"),
		"GET /healthz":                       get("/healthz"),
		"GET /readyz":                        get("/readyz"),
		"GET /metrics":                       get("/metrics"),
		"GET /ogc":                           get("/ogc"),
		"GET /ogc/":                          get("/ogc/"),
		"GET /ogc/api":                       get("/ogc/api"),
		"GET /ogc/conformance":               get("/ogc/conformance"),
		"GET /ogc/collections":               get("/ogc/collections"),
		"GET /ogc/collections/:collectionId": get("/ogc/collections/zones"),
		"GET /ogc/collections/:collectionId/items":            get("/ogc/collections/zones/items?reserve=" + targetReserve),
		"GET /ogc/collections/:collectionId/items/:featureId": get("/ogc/collections/reserves/items/" + targetReserve),
		"GET /api/v1/openapi.json":                            get("/api/v1/openapi.json"),
		"GET /api/v1/problem-types":                           get("/api/v1/problem-types"),
		"GET /api/v1/reserves":                                get("/api/v1/reserves"),
		"POST /api/v1/reserves": func(caller) probe {
			w.n++
			code := fmt.Sprintf("probe-%d", w.n)
			return probe{method: "POST", path: "/api/v1/reserves", reserve: code,
				body: map[string]any{"code": code, "name_zh": code, "level": "county", "zoning_scheme": "three_zone"}}
		},
		"GET /api/v1/reserves/:code":          getIn(res),
		"GET /api/v1/reserves/:code/versions": getIn(res + "/versions"),
		"GET /api/v1/reserves/:code/zones":    getIn(res + "/zones"),
		"PUT /api/v1/reserves/:code/zones": func(caller) probe {
			return probe{method: "PUT", path: res + "/zones", body: threeZones(100), reserve: targetReserve}
		},
		"GET /api/v1/reserves/:code/markers":                  getIn(res + "/markers"),
		"GET /api/v1/reserves/:code/zones.:format":            getIn(res + "/zones.geojson"),
		"GET /api/v1/reserves/:code/markers.:format":          getIn(res + "/markers.kml"),
		"GET /api/v1/reserves/:code/markers/announcement.csv": getIn(res + "/markers/announcement.csv"),
		"POST /api/v1/reserves/:code/markers": func(caller) probe {
			w.n++
			return probe{method: "POST", path: res + "/markers", body: markerFeature(fmt.Sprintf("P-%d", w.n)), reserve: targetReserve}
		},
		"GET /api/v1/markers/:id": getIn(fmt.Sprintf("/api/v1/markers/%d", w.marker)),
		"PATCH /api/v1/markers/:id": func(caller) probe {
			w.n++
			return probe{method: "PATCH", path: fmt.Sprintf("/api/v1/markers/%d", w.marker), body: map[string]any{"note": fmt.Sprint("probe ", w.n)}, reserve: targetReserve}
		},
		"GET /api/v1/locate": get("/api/v1/locate?lon=100.05&lat=30.05"),
		"POST /api/v1/locate": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/locate", body: [][2]float64{{100.05, 30.05}}}
		},
		"GET /api/v1/rules":                 get("/api/v1/rules?reserve=" + targetReserve + "&on=2026-03-15"),
		"GET /api/v1/law/instruments":       get("/api/v1/law/instruments"),
		"GET /api/v1/law/instruments/:code": get("/api/v1/law/instruments/nrr-2026"),
		"POST /api/v1/rulesets": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/rulesets?reserve=" + targetReserve, body: agencyRuleSet(), reserve: targetReserve}
		},
		"POST /api/v1/screenings": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/screenings", body: screeningBody(squareAt(100.15, 30.05), "tourism", "proposed"), reserve: targetReserve}
		},
		"GET /api/v1/screenings":            getIn("/api/v1/screenings?reserve=" + targetReserve),
		"GET /api/v1/screenings/:id":        getIn(fmt.Sprintf("/api/v1/screenings/%d", w.screening)),
		"GET /api/v1/screenings/:id/report": getIn(fmt.Sprintf("/api/v1/screenings/%d/report", w.screening)),
		"POST /api/v1/tracks": func(c caller) probe {
			return probe{method: "POST", path: "/api/v1/tracks", body: w.trackForm(c.name), reserve: targetReserve, subject: c.name}
		},
		"GET /api/v1/tracks": get("/api/v1/tracks"),
		"GET /api/v1/tracks/:id": func(caller) probe {
			return probe{method: "GET", path: track, reserve: targetReserve, subject: "ranger"}
		},
		"GET /api/v1/tracks/:id/gpx": func(caller) probe {
			return probe{method: "GET", path: track + "/gpx", reserve: targetReserve, subject: "ranger"}
		},
		"GET /api/v1/tracks/:id/visits": func(caller) probe {
			return probe{method: "GET", path: track + "/visits", reserve: targetReserve, subject: "ranger"}
		},
		"POST /api/v1/permits": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/permits", body: permitBody("someone"), reserve: targetReserve}
		},
		"GET /api/v1/permits/:id": getIn(fmt.Sprintf("/api/v1/permits/%d", w.permit)),
		"POST /api/v1/auth/login": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"name": "viewer", "password": walkPassword}}
		},
		"GET /api/v1/auth/me": get("/api/v1/auth/me"),
		"POST /api/v1/auth/logout": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/auth/logout", want: http.StatusNoContent}
		},
		"POST /api/v1/auth/password": func(c caller) probe {
			p := probe{method: "POST", path: "/api/v1/auth/password", body: map[string]string{"current_password": walkPassword, "new_password": walkPassword}}
			if c.name == auth.BootstrapName {
				p.want = http.StatusUnprocessableEntity // the bootstrap token has no password
			}
			return p
		},
		"GET /api/v1/users": get("/api/v1/users"),
		"POST /api/v1/users": func(caller) probe {
			w.n++
			return probe{method: "POST", path: "/api/v1/users", body: map[string]any{"name": fmt.Sprintf("new-%d", w.n), "roles": []string{"viewer"}}}
		},
		"GET /api/v1/users/:name": get("/api/v1/users/viewer"),
		"PATCH /api/v1/users/:name": func(caller) probe {
			return probe{method: "PATCH", path: "/api/v1/users/viewer", body: map[string]any{"display_name": "Viewer"}}
		},
		"GET /api/v1/tokens": func(c caller) probe { return probe{method: "GET", path: "/api/v1/tokens", subject: c.name} },
		"POST /api/v1/tokens": func(c caller) probe {
			body := map[string]any{"name": "probe", "expires_in": "1h"}
			if c.name == auth.BootstrapName {
				body["user"] = "viewer"
			}
			return probe{method: "POST", path: "/api/v1/tokens", body: body, subject: self(c)}
		},
		"DELETE /api/v1/tokens/:id": func(c caller) probe {
			tok, err := w.store.CreateToken(w.t.Context(), self(c), "to revoke", nil)
			if err != nil {
				w.t.Fatal(err)
			}
			return probe{method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%d", tok.ID), subject: self(c)}
		},
		"GET /api/v1/audit": get("/api/v1/audit?resource=marker"),

		"POST /api/v1/cases": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/cases", body: caseBody(), reserve: targetReserve}
		},
		"GET /api/v1/cases":     get("/api/v1/cases"),
		"GET /api/v1/cases/:id": getIn(casePath),
		"PATCH /api/v1/cases/:id": func(caller) probe {
			w.n++
			return probe{method: "PATCH", path: casePath, body: map[string]any{"version": w.caseVersion(), "title": fmt.Sprint("walk ", w.n)}, reserve: targetReserve}
		},
		"POST /api/v1/cases/:id/transitions": func(caller) probe {
			return probe{method: "POST", path: casePath + "/transitions", body: map[string]any{"to": "verified", "version": w.caseVersion()}, reserve: targetReserve, want: anyAllowed}
		},
		"POST /api/v1/cases/:id/inspections": func(caller) probe {
			return probe{method: "POST", path: casePath + "/inspections", reserve: targetReserve, want: anyAllowed,
				body: map[string]any{"version": w.caseVersion(), "date": "2024-07-05", "inspectors": []string{"x"}, "progress": "p", "assessment": "on_track"}}
		},
		"POST /api/v1/cases/:id/measures": func(caller) probe {
			return probe{method: "POST", path: casePath + "/measures", reserve: targetReserve, want: anyAllowed,
				body: map[string]any{"version": w.caseVersion(), "kind": "administrative_penalty", "decided_on": "2024-07-05", "amount": 1000}}
		},
		"POST /api/v1/cases/:id/evidence": func(caller) probe {
			return probe{method: "POST", path: casePath + "/evidence", reserve: targetReserve, want: anyAllowed,
				body: map[string]any{"version": w.caseVersion(), "kind": "screening", "id": w.screening}}
		},
		"GET /api/v1/cases/:id/evidence/:evidence": getIn(fmt.Sprintf("%s/evidence/%d", casePath, w.evidence)),
		"GET /api/v1/cases/:id/dossier":            getIn(casePath + "/dossier"),
		"GET /api/v1/credit-cards":                 getIn("/api/v1/credit-cards?reserve=" + targetReserve),
		"GET /api/v1/admin-areas":                  get("/api/v1/admin-areas"),
		"POST /api/v1/admin-areas":                 func(caller) probe { return probe{method: "POST", path: "/api/v1/admin-areas", body: adminAreas()} },
		"PUT /api/v1/admin-areas":                  func(caller) probe { return probe{method: "PUT", path: "/api/v1/admin-areas", body: adminAreas()} },
		"POST /api/v1/units/:code/daily-reports": func(caller) probe {
			w.n++
			return probe{method: "POST", path: "/api/v1/units/540000/daily-reports",
				body: map[string]any{"date": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w.n).Format(time.DateOnly), "progress": "巡查"}}
		},
		"GET /api/v1/reserves/:code/grid-cells": getIn(res + "/grid-cells"),
		"PUT /api/v1/reserves/:code/grid-cells": func(caller) probe {
			return probe{method: "PUT", path: res + "/grid-cells", body: gridCells(), reserve: targetReserve}
		},
		"POST /api/v1/reserves/:code/grid-cells/generate": func(caller) probe {
			return probe{method: "POST", path: res + "/grid-cells/generate?size_m=5000", reserve: targetReserve}
		},
		"GET /api/v1/grid-cells/coverage": getIn("/api/v1/grid-cells/coverage?from=2024-07-01&to=2024-07-31&reserve=" + targetReserve),
		"GET /api/v1/grid-cells/:id": func(caller) probe {
			return probe{method: "GET", path: fmt.Sprintf("/api/v1/grid-cells/%d", w.cell()), reserve: targetReserve}
		},
		"PATCH /api/v1/grid-cells/:id": func(caller) probe {
			return probe{method: "PATCH", path: fmt.Sprintf("/api/v1/grid-cells/%d", w.cell()), body: map[string]any{"duties": "巡护"}, reserve: targetReserve}
		},
		"GET /api/v1/reports/daily":   get("/api/v1/reports/daily?date=2024-07-01"),
		"GET /api/v1/reports/weekly":  get("/api/v1/reports/weekly?week=2024-W27"),
		"GET /api/v1/reports/overdue": get("/api/v1/reports/overdue"),
		"GET /api/v1/reports/units":   get("/api/v1/reports/units"),
		"GET /api/v1/notifications":   get("/api/v1/notifications"),

		"POST /api/v1/clue-batches": func(caller) probe {
			return probe{method: "POST", path: "/api/v1/clue-batches", body: w.clueForm()}
		},
		"GET /api/v1/clue-batches":     get("/api/v1/clue-batches"),
		"GET /api/v1/clue-batches/:id": get(fmt.Sprintf("/api/v1/clue-batches/%d", w.batch)),
		"GET /api/v1/clues":            get("/api/v1/clues"),
		"GET /api/v1/clues.xlsx":       get("/api/v1/clues.xlsx"),
		"GET /api/v1/clues/statistics": get("/api/v1/clues/statistics"),
		"GET /api/v1/clues/:id":        getIn(fmt.Sprintf("/api/v1/clues/%d", w.clue)),
		"POST /api/v1/clues/:id/assignment": func(caller) probe {
			return probe{method: "POST", path: fmt.Sprintf("/api/v1/clues/%d/assignment", w.clue), body: map[string]any{"assignee": "walker"},
				reserve: targetReserve, want: anyAllowed}
		},
		"POST /api/v1/clues/:id/verification": func(caller) probe {
			return probe{method: "POST", path: fmt.Sprintf("/api/v1/clues/%d/verification", w.clue), body: map[string]any{"result": "false_detection"},
				reserve: targetReserve, want: anyAllowed}
		},
	}
	maps.Copy(ps, w.liveProbes())
	return ps
}

// clueForm is a clue batch upload of one change polygon in the target
// reserve's core zone, a different file each time.
func (w *walkEnv) clueForm() form {
	w.n++
	doc := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"change_type":"road","id":"walk-%d"},
		"geometry":{"type":"Polygon","coordinates":[[[100.04,30.04],[100.05,30.04],[100.05,30.05],[100.04,30.04]]]}}]}`, w.n)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range [][2]string{{"source", "walk"}, {"imaged_after", "2024-07-01"}} {
		_ = mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", "walk.geojson")
	fw.Write([]byte(doc))
	mw.Close()
	return form{b.Bytes(), mw.FormDataContentType()}
}

// caseVersion is the set-up case's current version.
func (w *walkEnv) caseVersion() int {
	w.t.Helper()
	var v int
	if err := w.pool.QueryRow(w.t.Context(), `SELECT version FROM violation_case WHERE id = $1`, w.cas).Scan(&v); err != nil {
		w.t.Fatal(err)
	}
	return v
}

// cell is a current grid cell of the target reserve (the probes replace them).
func (w *walkEnv) cell() int64 {
	w.t.Helper()
	var id int64
	err := w.pool.QueryRow(w.t.Context(), `SELECT g.id FROM grid_cell g JOIN reserve r ON r.id = g.reserve_id WHERE r.code = $1 ORDER BY g.id LIMIT 1`, targetReserve).Scan(&id)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// outcome is what an answer should be: 401, 403, or allowed.
type outcome int

const (
	allowed outcome = iota
	unauthorized
	forbiddenOutcome
)

func (o outcome) String() string {
	return [...]string{"allowed", "401", "403"}[o]
}

// expected is the rule applied to the caller and probe, independently of
// the server's code: credentials first, then public classes, permission,
// reserve and own subject.
func expected(r api.AccessRule, c caller, p probe) outcome {
	switch {
	case r.Open:
		return allowed
	case c.bad:
		return unauthorized
	case c.anonymous && r.Public:
		return allowed
	case c.anonymous:
		return unauthorized
	case r.Public:
		return allowed
	}
	full := r.Perm == "" || c.has(r.Perm)
	own := !full && r.Own != "" && c.has(r.Own)
	if !full && !own {
		return forbiddenOutcome
	}
	switch r.Scope {
	case "global":
		if c.limited {
			return forbiddenOutcome
		}
	case "path", "body", "lookup", "handler":
		if (p.reserve != "" || (c.limited && r.Scope == "handler")) && !c.inReserve(p.reserve) {
			return forbiddenOutcome
		}
		if own && p.subject != c.name {
			return forbiddenOutcome
		}
	case "query": // a list is narrowed to what the caller may see, unless it names more
		if p.reserve != "" && !c.inReserve(p.reserve) {
			return forbiddenOutcome
		}
	}
	return allowed
}

// echoPath turns an OpenAPI path into Echo's ("{code}" → ":code").
var openapiParam = regexp.MustCompile(`\{([^}]+)\}`)

// needsCredentials reports whether the route of an OpenAPI operation needs
// credentials under the server's configuration (for TestOpenAPISecurityAndRefs).
func needsCredentials(t *testing.T, s *api.Server, method, path string) bool {
	t.Helper()
	r, ok := s.AccessRule(strings.ToUpper(method), openapiParam.ReplaceAllString(path, ":$1"))
	if !ok {
		t.Errorf("%s %s has no access rule in internal/api/auth.go", strings.ToUpper(method), path)
	}
	return !r.Open && !r.Public
}

// routeKeys are the server's routes as "METHOD path", but Echo's own.
func routeKeys(s *api.Server) []string {
	var keys []string
	for _, r := range s.Echo().Routes() {
		if !strings.HasPrefix(r.Method, "echo_") {
			keys = append(keys, r.Method+" "+r.Path)
		}
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// policy is who may call each route, written out by hand so that a wrong
// access rule fails too, not only a wrong enforcement of it: "open" (anyone,
// no credentials needed), "public" (anonymous visitors under the default
// configuration) and the roles whose users may (of an unlimited user; "*" is
// every role). Reserve limits and own-only rights are checked by the walk.
var policy = map[string]string{
	"DELETE /api/v1/tokens/:id":                           "*",
	"GET /":                                               "open",
	"GET /api/v1/admin-areas":                             "public *",
	"GET /api/v1/audit":                                   "admin",
	"GET /api/v1/auth/me":                                 "open",
	"GET /api/v1/cases":                                   "admin officer viewer",
	"GET /api/v1/clue-batches":                            "admin officer viewer",
	"GET /api/v1/clue-batches/:id":                        "admin officer viewer",
	"GET /api/v1/clues":                                   "admin officer viewer",
	"GET /api/v1/clues.xlsx":                              "admin officer viewer",
	"GET /api/v1/clues/statistics":                        "admin officer viewer",
	"GET /api/v1/clues/:id":                               "admin officer viewer",
	"POST /api/v1/clue-batches":                           "admin officer",
	"POST /api/v1/clues/:id/assignment":                   "admin officer",
	"POST /api/v1/clues/:id/verification":                 "admin officer",
	"GET /api/v1/cases/:id":                               "admin officer viewer",
	"GET /api/v1/cases/:id/evidence/:evidence":            "admin officer viewer",
	"GET /api/v1/cases/:id/dossier":                       "admin officer viewer",
	"GET /api/v1/credit-cards":                            "admin officer viewer",
	"GET /api/v1/grid-cells/:id":                          "admin gis officer viewer",
	"GET /api/v1/grid-cells/coverage":                     "admin gis officer viewer",
	"GET /api/v1/locate":                                  "public *",
	"GET /api/v1/markers/:id":                             "public *",
	"GET /api/v1/notifications":                           "admin",
	"GET /api/v1/openapi.json":                            "open",
	"GET /api/v1/problem-types":                           "open",
	"GET /api/v1/permits/:id":                             "admin gis ranger officer",
	"GET /api/v1/reports/daily":                           "admin officer viewer",
	"GET /api/v1/reports/overdue":                         "admin officer viewer",
	"GET /api/v1/reports/units":                           "admin officer viewer",
	"GET /api/v1/reports/weekly":                          "admin officer viewer",
	"GET /api/v1/reserves":                                "public *",
	"GET /api/v1/reserves/:code":                          "public *",
	"GET /api/v1/reserves/:code/grid-cells":               "admin gis officer viewer",
	"GET /api/v1/reserves/:code/markers":                  "public *",
	"GET /api/v1/reserves/:code/markers.:format":          "public *",
	"GET /api/v1/reserves/:code/markers/announcement.csv": "public *",
	"GET /api/v1/reserves/:code/versions":                 "public *",
	"GET /api/v1/reserves/:code/zones":                    "public *",
	"GET /api/v1/reserves/:code/zones.:format":            "public *",
	"GET /api/v1/rules":                                   "public *",
	"GET /api/v1/law/instruments":                         "public *",
	"GET /api/v1/law/instruments/:code":                   "public *",
	"POST /api/v1/rulesets":                               "admin gis",
	"GET /api/v1/screenings":                              "admin reviewer officer viewer",
	"GET /api/v1/screenings/:id":                          "admin reviewer officer viewer",
	"GET /api/v1/screenings/:id/report":                   "admin reviewer officer viewer",
	"GET /api/v1/tokens":                                  "*",
	"GET /api/v1/tracks":                                  "admin ranger officer",
	"GET /api/v1/tracks/:id":                              "admin ranger officer",
	"GET /api/v1/tracks/:id/gpx":                          "admin ranger officer",
	"GET /api/v1/tracks/:id/visits":                       "admin ranger officer",
	"GET /api/v1/users":                                   "admin",
	"GET /api/v1/users/:name":                             "admin",
	"GET /assets/*":                                       "open",
	"GET /config.json":                                    "open",
	"GET /healthz":                                        "open",
	"GET /markers":                                        "open",
	"GET /rules":                                          "open",
	"GET /metrics":                                        "public admin",
	"GET /ogc":                                            "public *",
	"GET /ogc/":                                           "public *",
	"GET /ogc/api":                                        "public *",
	"GET /ogc/collections":                                "public *",
	"GET /ogc/collections/:collectionId":                  "public *",
	"GET /ogc/collections/:collectionId/items":            "public *",
	"GET /ogc/collections/:collectionId/items/:featureId": "public *",
	"GET /ogc/conformance":                                "public *",
	"GET /readyz":                                         "open",
	"GET /screening":                                      "open",
	"GET /tiles":                                          "public *",
	"GET /tiles/:layer.json":                              "public *",
	"GET /tiles/:layer/:z/:x/:y.mvt":                      "public *",
	"GET /tracks":                                         "open",
	"GET /cases":                                          "open",
	"GET /cases/:id":                                      "open",
	"GET /clues":                                          "open",
	"GET /live":                                           "open",
	"GET /devices":                                        "open",
	"PATCH /api/v1/cases/:id":                             "admin officer",
	"PATCH /api/v1/grid-cells/:id":                        "admin gis",
	"PATCH /api/v1/markers/:id":                           "admin gis",
	"PATCH /api/v1/users/:name":                           "admin",
	"POST /api/v1/admin-areas":                            "admin gis",
	"POST /api/v1/auth/login":                             "open",
	"POST /api/v1/auth/logout":                            "*",
	"POST /api/v1/auth/password":                          "*",
	"POST /api/v1/cases":                                  "admin officer",
	"POST /api/v1/cases/:id/evidence":                     "admin officer",
	"POST /api/v1/cases/:id/inspections":                  "admin officer",
	"POST /api/v1/cases/:id/measures":                     "admin officer",
	"POST /api/v1/cases/:id/transitions":                  "admin officer",
	"POST /api/v1/locate":                                 "public *",
	"POST /api/v1/permits":                                "admin gis",
	"POST /api/v1/reserves":                               "admin gis",
	"POST /api/v1/reserves/:code/grid-cells/generate":     "admin gis",
	"POST /api/v1/reserves/:code/markers":                 "admin gis",
	"POST /api/v1/screenings":                             "admin reviewer",
	"POST /api/v1/tokens":                                 "*",
	"POST /api/v1/tracks":                                 "admin ranger",
	"POST /api/v1/units/:code/daily-reports":              "admin officer",
	"POST /api/v1/users":                                  "admin",
	"PUT /api/v1/admin-areas":                             "admin gis",
	"PUT /api/v1/reserves/:code/grid-cells":               "admin gis",
	"PUT /api/v1/reserves/:code/zones":                    "admin gis",

	"GET /ingest/osmand":                  "open",
	"POST /ingest/osmand":                 "open",
	"POST /api/v1/devices":                "admin gis",
	"GET /api/v1/devices":                 "admin gis officer viewer",
	"GET /api/v1/devices/:id":             "admin gis officer viewer",
	"PATCH /api/v1/devices/:id":           "admin gis",
	"DELETE /api/v1/devices/:id":          "admin gis",
	"POST /api/v1/devices/:id/tracks":     "admin gis",
	"GET /api/v1/devices/:id/trail":       "admin gis officer viewer",
	"POST /api/v1/positions":              "admin gis",
	"GET /api/v1/events":                  "admin gis officer viewer",
	"GET /api/v1/events/stream":           "admin gis officer viewer",
	"POST /api/v1/events/:id/acknowledge": "admin officer",
	"GET /api/v1/webhook-deliveries":      "admin",
}

// policyOf is the policy string the access rule gives a route.
func policyOf(r api.AccessRule) string {
	if r.Open {
		return "open"
	}
	var rs []string
	for _, role := range auth.Roles {
		c := caller{name: string(role), roles: []auth.Role{role}}
		if r.Perm == "" || c.has(r.Perm) || (r.Own != "" && c.has(r.Own)) {
			rs = append(rs, string(role))
		}
	}
	who := strings.Join(rs, " ")
	if len(rs) == len(auth.Roles) {
		who = "*"
	}
	if r.Public {
		who = "public " + who
	}
	return who
}

// TestAccessRulesCoverRoutes: every route has an access rule and a probe in
// the walk, and every rule is a route.
func TestAccessRulesCoverRoutes(t *testing.T) {
	s := api.New(api.Config{}, nil, slog.New(slog.DiscardHandler))
	w := &walkEnv{env: &env{t: t}}
	probes := w.probes()
	routes := routeKeys(s)
	for _, k := range routes {
		m, p, _ := strings.Cut(k, " ")
		r, ok := s.AccessRule(m, p)
		if !ok {
			t.Errorf("route %s has no access rule: add a line for it to accessRules in internal/api/auth.go", k)
		}
		switch want, listed := policy[k]; {
		case !listed:
			t.Errorf("route %s has no line in policy (internal/api/authz_test.go): its rule says %q", k, policyOf(r))
		case ok && policyOf(r) != want:
			t.Errorf("route %s: the access rule lets %q, the policy says %q", k, policyOf(r), want)
		}
		if probes[k] == nil {
			t.Errorf("route %s has no probe in the authorization walk: add one to probes() in internal/api/authz_test.go", k)
		}
	}
	for _, k := range s.AccessRuleKeys() {
		if !slices.Contains(routes, k) {
			t.Errorf("access rule %q is for no route: remove or fix it in internal/api/auth.go", k)
		}
	}
	for k := range probes {
		if !slices.Contains(routes, k) {
			t.Errorf("probe %q is for no route", k)
		}
	}
	for k := range policy {
		if !slices.Contains(routes, k) {
			t.Errorf("policy line %q is for no route", k)
		}
	}
}

// TestAuthorizationWalk sends every route's probe as every caller and checks
// each answer against the access rule; every write that passes (and every
// write refused with 403) is in the audit log. It logs the role × route
// matrix.
func TestAuthorizationWalk(t *testing.T) {
	w := newWalkEnv(t, api.Config{})
	probes := w.probes()
	routes := routeKeys(w.server)
	// logout last: it ends the session caller's session
	slices.SortStableFunc(routes, func(a, b string) int {
		return boolInt(a == "POST /api/v1/auth/logout") - boolInt(b == "POST /api/v1/auth/logout")
	})
	matrix := map[string][]string{}
	checked := 0
	for _, key := range routes {
		method, path, _ := strings.Cut(key, " ")
		rule, ok := w.server.AccessRule(method, path)
		mk := probes[key]
		if !ok || mk == nil {
			t.Errorf("%s: no access rule or no probe (TestAccessRulesCoverRoutes says which)", key)
			continue
		}
		for _, c := range w.callers {
			p := mk(c)
			want := expected(rule, c, p)
			before := w.auditCount(key, c.name)
			r := w.send(p.method, p.path, p.body, c)
			label := c.name
			if c.anonymous {
				label = "anonymous"
			}
			checked++
			switch got := r.Status; {
			case want == unauthorized && got != http.StatusUnauthorized,
				want == forbiddenOutcome && got != http.StatusForbidden:
				t.Errorf("%s as %s: status %d, want %s; %.300s", key, label, got, want, r.Raw)
			case want == allowed && !success(r, p):
				t.Errorf("%s as %s: status %d, want success (%s); %.300s", key, label, got, successText(p), r.Raw)
			}
			if rule.Write && !c.anonymous && !c.bad && (want == allowed || want == forbiddenOutcome) {
				if after := w.auditCount(key, c.name); after != before+1 {
					t.Errorf("%s as %s (status %d): %d new audit entries, want 1", key, label, r.Status, after-before)
				}
			}
			matrix[key] = append(matrix[key], cell(want, c))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-56s", "route \\ caller")
	for _, c := range w.callers {
		fmt.Fprintf(&b, " %s", shortName(c))
	}
	for _, key := range routes {
		fmt.Fprintf(&b, "\n%-56s %s", key, strings.Join(matrix[key], " "))
	}
	t.Logf("%d requests; ✓ allowed, 4 = 401, 3 = 403\n%s", checked, b.String())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// success: a 2xx (or the probe's own status); a page may also be 503 when
// the web pages are not built into the test binary.
func success(r *resp, p probe) bool {
	if p.want == anyAllowed {
		return r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden && r.Status < 500
	}
	if p.want != 0 {
		return r.Status == p.want
	}
	if r.Status == http.StatusServiceUnavailable && strings.Contains(string(r.Raw), "web-not-built") {
		return true
	}
	return r.Status >= 200 && r.Status < 300
}

func successText(p probe) string {
	if p.want != 0 {
		return fmt.Sprint(p.want)
	}
	return "2xx"
}

func cell(o outcome, c caller) string {
	s := [...]string{"✓", "4", "3"}[o]
	return s + strings.Repeat(" ", len(shortName(c))-1)
}

func shortName(c caller) string {
	switch {
	case c.anonymous:
		return "anon"
	case c.name == auth.BootstrapName:
		return "boot"
	}
	n := strings.NewReplacer("-elsewhere", "@2", "-here", "@1").Replace(c.name)
	return n
}

// auditCount counts the audit entries of a route by an actor.
func (w *walkEnv) auditCount(route, actor string) int {
	w.t.Helper()
	var n int
	if err := w.pool.QueryRow(w.t.Context(), `SELECT count(*) FROM audit_log WHERE route = $1 AND actor = $2`, route, actor).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestOpenAPIAuth: the document describes both ways in (bearer token and
// session cookie), and every operation that needs credentials lists both
// and documents its 401 and 403.
func TestOpenAPIAuth(t *testing.T) {
	s, doc := servedOpenAPI(t)
	schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if ck, _ := schemes["cookieAuth"].(map[string]any); ck["type"] != "apiKey" || ck["in"] != "cookie" || ck["name"] != "warden_session" {
		t.Errorf("cookieAuth is %v, want an apiKey in the cookie warden_session", ck)
	}
	for path, v := range doc["paths"].(map[string]any) {
		for method, o := range v.(map[string]any) {
			op, ok := o.(map[string]any)
			if !ok || !openapiMethods[method] || !needsCredentials(t, s, method, path) {
				continue
			}
			names := map[string]bool{}
			for _, req := range op["security"].([]any) {
				for k := range req.(map[string]any) {
					names[k] = true
				}
			}
			rs := op["responses"].(map[string]any)
			if !names["bearerAuth"] || !names["cookieAuth"] || rs["401"] == nil || rs["403"] == nil {
				t.Errorf("%s %s: security %v, responses 401 %v 403 %v: want bearerAuth and cookieAuth, 401 and 403", strings.ToUpper(method), path, op["security"], rs["401"] != nil, rs["403"] != nil)
			}
		}
	}
}

// reserveFree lists, by hand and with the reason, every route that needs
// credentials yet takes no reserve limit. Every other such route must scope
// its resource by reserve in its access rule (path, query, body, lookup,
// handler, or global: beyond reserves), so that a user limited to some
// reserves cannot reach the others'; TestReserveScopes fails for a route that
// is in neither, which is how a forgotten scope is caught.
var reserveFree = map[string]string{
	"GET /tiles":                               "zoning layers are public data; private layers are narrowed by layerScope",
	"GET /tiles/:layer.json":                   "as GET /tiles",
	"GET /tiles/:layer/:z/:x/:y.mvt":           "as GET /tiles",
	"GET /metrics":                             "process metrics, no reserve data",
	"GET /ogc":                                 "OGC API landing: no data",
	"GET /ogc/":                                "OGC API landing: no data",
	"GET /ogc/api":                             "OGC API description: no data",
	"GET /ogc/conformance":                     "OGC API conformance: no data",
	"GET /ogc/collections":                     "collections are narrowed by the viewer's reserves in the ogc package",
	"GET /ogc/collections/:collectionId":       "as GET /ogc/collections",
	"GET /ogc/collections/:collectionId/items": "as GET /ogc/collections",
	"GET /ogc/collections/:collectionId/items/:featureId": "as GET /ogc/collections",
	"GET /api/v1/reserves":                                "zoning: public data every role reads",
	"GET /api/v1/reserves/:code":                          "zoning: public data every role reads",
	"GET /api/v1/reserves/:code/versions":                 "zoning: public data every role reads",
	"GET /api/v1/reserves/:code/zones":                    "zoning: public data every role reads",
	"GET /api/v1/reserves/:code/markers":                  "zoning: public data every role reads",
	"GET /api/v1/reserves/:code/zones.:format":            "zoning: public data every role reads",
	"GET /api/v1/reserves/:code/markers.:format":          "zoning: public data every role reads",
	"GET /api/v1/reserves/:code/markers/announcement.csv": "zoning: public data every role reads",
	"GET /api/v1/markers/:id":                             "zoning: public data every role reads",
	"GET /api/v1/locate":                                  "zoning: public data every role reads",
	"POST /api/v1/locate":                                 "zoning: public data every role reads",
	"GET /api/v1/rules":                                   "the law: public",
	"GET /api/v1/law/instruments":                         "the law: public",
	"GET /api/v1/law/instruments/:code":                   "the law: public",
	"GET /api/v1/admin-areas":                             "administrative areas: public data",
	"POST /api/v1/auth/logout":                            "one's own session",
	"POST /api/v1/auth/password":                          "one's own password",
	"GET /api/v1/users":                                   "accounts: admins only",
	"POST /api/v1/users":                                  "accounts: admins only",
	"GET /api/v1/users/:name":                             "accounts: admins only",
	"PATCH /api/v1/users/:name":                           "accounts: admins only",
	"GET /api/v1/audit":                                   "the audit log: admins only",
	"GET /api/v1/notifications":                           "webhook deliveries: admins only",
	"POST /api/v1/units/:code/daily-reports":              "a unit (county) reports on its own cases, across reserves",
	"GET /api/v1/webhook-deliveries":                      "live webhook deliveries: admins only",
}

// TestReserveScopes holds every route that needs credentials to a reserve
// scope in its access rule, unless reserveFree says why not.
func TestReserveScopes(t *testing.T) {
	w := newBareEnv(t, api.Config{})
	for _, key := range routeKeys(w.server) {
		method, path, _ := strings.Cut(key, " ")
		r, ok := w.server.AccessRule(method, path)
		if !ok || r.Open {
			continue
		}
		why, free := reserveFree[key]
		switch {
		case free && r.Scope != "" && r.Scope != "global":
			t.Errorf("%s is listed as free of reserve limits (%s), but its rule scopes it by %s: take it off reserveFree", key, why, r.Scope)
		case !free && r.Scope == "":
			t.Errorf("%s has no reserve scope in its access rule, so a user limited to some reserves reaches every reserve's data through it: give it one, or list it in reserveFree saying why", key)
		}
	}
}
