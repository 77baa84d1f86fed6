package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/testdb"
	"warden/internal/web"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// server serves the API (without a database: the pages need none) with cfg.
func server(t *testing.T, cfg web.Config) *httptest.Server {
	t.Helper()
	s := api.New(api.Config{Version: "test", Web: cfg}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDevDir: with Dir set, pages and assets come from disk, re-read on every
// request, with their media types and ETags; the query string of an asset is
// ignored; missing files are 404 problems.
func TestDevDir(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "index.html"), "<!doctype html><title>map</title>")
	write(t, filepath.Join(dir, "markers.html"), "<!doctype html><title>markers</title>")
	write(t, filepath.Join(dir, "assets", "maplibre-gl-worker.mjs"), "export {};")
	write(t, filepath.Join(dir, "assets", "style.css"), "body{}")
	srv := server(t, web.Config{Dir: dir})

	for path, want := range map[string]string{
		"/":        "text/html; charset=utf-8",
		"/markers": "text/html; charset=utf-8",
		"/assets/maplibre-gl-worker.mjs?v=6.17.0": "text/javascript; charset=utf-8",
		"/assets/style.css":                       "text/css; charset=utf-8",
	} {
		res, _ := get(t, srv.URL+path)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != want || res.Header.Get("ETag") == "" || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %s, headers %v", path, res.Status, res.Header)
		}
	}
	res, body := get(t, srv.URL+"/")
	if body != "<!doctype html><title>map</title>" {
		t.Errorf("GET /: %q", body)
	}
	etag := res.Header.Get("ETag")
	if res, _ := get(t, srv.URL+"/", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %s", res.Status)
	}
	write(t, filepath.Join(dir, "index.html"), "<!doctype html><title>map 2</title>")
	res, body = get(t, srv.URL+"/", "If-None-Match", etag)
	if res.StatusCode != 200 || body != "<!doctype html><title>map 2</title>" || res.Header.Get("ETag") == etag {
		t.Errorf("after an edit on disk: %s %q, ETag %s", res.Status, body, res.Header.Get("ETag"))
	}
	for _, path := range []string{"/assets/nope.js", "/assets/", "/assets/../index.html", "/assets/%2e%2e/index.html"} {
		res, body := get(t, srv.URL+path)
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %s %s", path, res.Status, body)
		}
	}
}

// TestNotBuilt: without built pages every page is a 503 problem saying what
// to run; the API goes on working.
func TestNotBuilt(t *testing.T) {
	for name, c := range map[string]struct {
		cfg  web.Config
		says string
	}{
		"empty dir":         {web.Config{Dir: t.TempDir()}, "make web"},
		"no such dir":       {web.Config{Dir: filepath.Join(t.TempDir(), "nope")}, "WARDEN_WEB_DIR"},
		"a file, not a dir": {web.Config{Dir: "site_test.go"}, "is not a directory"},
	} {
		srv := server(t, c.cfg)
		for _, path := range []string{"/", "/markers", "/assets/map.js"} {
			res, body := get(t, srv.URL+path)
			if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, c.says) || !strings.Contains(body, "web-not-built") {
				t.Errorf("%s: GET %s: %s %s", name, path, res.Status, body)
			}
		}
		if res, _ := get(t, srv.URL+"/api/v1/openapi.json"); res.StatusCode != 200 {
			t.Errorf("%s: the API answers %s", name, res.Status)
		}
	}
}

// TestPageConfig: /config.json names the base map, if any, and its kind.
func TestPageConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  web.Config
		want string
	}{
		{web.Config{}, `{"basemap":null,"version":"test"}`},
		{web.Config{BasemapURL: "https://tiles.example/{z}/{x}/{y}.png", BasemapAttribution: "© Example"},
			`{"basemap":{"type":"raster","url":"https://tiles.example/{z}/{x}/{y}.png","attribution":"© Example"},"version":"test"}`},
		{web.Config{BasemapURL: "https://maps.example/style.json"},
			`{"basemap":{"type":"style","url":"https://maps.example/style.json","attribution":""},"version":"test"}`},
	} {
		res, body := get(t, server(t, c.cfg).URL+"/config.json")
		if res.StatusCode != 200 || compact(t, body) != compact(t, c.want) {
			t.Errorf("config %+v: %s %s, want %s", c.cfg, res.Status, body, c.want)
		}
	}
}

// compact re-encodes a JSON document, so that documents compare by content.
func compact(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
