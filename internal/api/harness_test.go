package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/jackc/pgx/v5/pgxpool"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const adminToken = "test-admin-token"

// env is one test's service: a fresh database behind a real HTTP server.
type env struct {
	t    *testing.T
	srv  *httptest.Server
	zs   *zoning.Store
	ms   *markers.Store
	pool *pgxpool.Pool // the service's runtime role
}

// newEnv starts the API on a fresh database; withSample loads geodata/.
func newEnv(t *testing.T, withSample bool) *env {
	t.Helper()
	pool := testdb.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := zoning.StartEngine(t.Context(), pool, log)
	if err != nil {
		t.Fatal(err)
	}
	s := api.New(api.Config{AdminToken: adminToken, Version: "test", Engine: eng}, pool, log)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, zs: zoning.NewStore(pool), ms: markers.NewStore(pool), pool: pool}
	// Zones stored by the test itself are in the API's index as soon as
	// they are stored, as in the serving process.
	e.zs.UseEngine(eng)
	if withSample {
		if _, err := sample.LoadIfEmpty(t.Context(), e.zs, e.ms); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// resp is an answer with its decoded JSON body.
type resp struct {
	t      *testing.T
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// do sends a request; body may be nil, a string, []byte or a value to marshal.
// auth adds the admin token.
func (e *env) do(method, path string, body any, auth bool) *resp {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+adminToken)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	out := &resp{t: e.t, Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out.JSON); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return out
}

// expect fails the test unless the status is want.
func (r *resp) expect(want int) *resp {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("status %d, want %d; body: %.2000s", r.Status, want, r.Raw)
	}
	return r
}

// problem checks an error answer is problem+json with the given status and
// that its detail mentions each of the given fragments.
func (r *resp) problem(status int, fragments ...string) *resp {
	r.t.Helper()
	r.expect(status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	text, _ := r.JSON["detail"].(string)
	if text == "" {
		r.t.Fatalf("problem without a detail: %s", r.Raw)
	}
	ps, _ := r.JSON["problems"].([]any)
	for _, p := range ps {
		if m, ok := p.(map[string]any); ok {
			text += "\n" + fmt.Sprint(m["reason"])
		}
	}
	for _, f := range fragments {
		if !strings.Contains(text, f) {
			r.t.Fatalf("problem does not mention %q: %s", f, text)
		}
	}
	return r
}

// get walks a path of keys and indexes into the JSON body.
func (r *resp) get(path ...any) any {
	r.t.Helper()
	var v any = r.JSON
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				r.t.Fatalf("no %q in %v", k, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				r.t.Fatalf("no [%d] in %v", k, v)
			}
			v = a[k]
		}
	}
	return v
}
