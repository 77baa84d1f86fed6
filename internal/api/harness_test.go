package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

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
	t      *testing.T
	srv    *httptest.Server
	server *api.Server
	zs     *zoning.Store
	ms     *markers.Store
	pool   *pgxpool.Pool // the service's runtime role
}

// newEnv starts the API on a fresh database; withSample loads geodata/.
func newEnv(t *testing.T, withSample bool) *env {
	t.Helper()
	pool := testdb.New(t)
	log := slog.New(slog.DiscardHandler)
	eng, err := zoning.StartEngine(t.Context(), pool, log)
	if err != nil {
		t.Fatal(err)
	}
	e := startAPI(t, pool, api.Config{Engine: eng}, log)
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

// startAPI serves the API configured by cfg, with the admin token and
// version filled in, on pool until the test ends; log nil logs nowhere.
func startAPI(t *testing.T, pool *pgxpool.Pool, cfg api.Config, log *slog.Logger) *env {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.AdminToken, cfg.Version = adminToken, "test"
	s := api.New(cfg, pool, log)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, server: s, zs: zoning.NewStore(pool), ms: markers.NewStore(pool), pool: pool}
}

// resp is an answer with its decoded JSON body.
type resp struct {
	t      *testing.T
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// do sends a request with a body as encodeBody makes it; auth adds the
// admin token.
func (e *env) do(method, path string, body any, auth bool) *resp {
	e.t.Helper()
	raw, contentType := encodeBody(e.t, body)
	token := ""
	if auth {
		token = adminToken
	}
	return roundTrip(e.t, nil, e.request(method, path, token, contentType, raw))
}

// form is a body of its own content type, such as a multipart form.
type form struct {
	body        []byte
	contentType string
}

// encodeBody is a request body and its Content-Type: nil is none, a form
// is itself, a string or []byte is JSON text, any other value is marshalled
// as JSON.
func encodeBody(t *testing.T, body any) ([]byte, string) {
	t.Helper()
	switch b := body.(type) {
	case nil:
		return nil, ""
	case form:
		return b.body, b.contentType
	case string:
		return []byte(b), "application/json"
	case []byte:
		return b, "application/json"
	}
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return raw, "application/json"
}

// doType sends a body with a given Content-Type and the admin token.
func (e *env) doType(method, path, contentType string, body []byte) *resp {
	e.t.Helper()
	return roundTrip(e.t, nil, e.request(method, path, adminToken, contentType, body))
}

// getAs sends a GET with a bearer token ("" for none).
func (e *env) getAs(token, path string) *resp {
	e.t.Helper()
	return roundTrip(e.t, nil, e.request(http.MethodGet, path, token, "", nil))
}

// request is a request to the test server: body nil sends none,
// contentType "" sets none, token "" is anonymous.
func (e *env) request(method, path, token, contentType string, body []byte) *http.Request {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// roundTrip sends req by client (nil: http.DefaultClient) and reads the
// answer; a body that starts as a JSON object must be one.
func roundTrip(t *testing.T, client *http.Client, req *http.Request) *resp {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &resp{t: t, Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out.JSON); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%.2000s", req.Method, req.URL.Path, err, raw)
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

// multipartBody is a multipart/form-data body of the fields in order and,
// unless fileField is empty, a file part (fileName, data); and its
// Content-Type.
func multipartBody(fields [][2]string, fileField, fileName string, data []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1]) // a bytes.Buffer takes every write
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}
