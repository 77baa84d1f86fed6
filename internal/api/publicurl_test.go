package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/testdb"
)

// TestLinksFromPublicURLNotHost: OGC API and TileJSON links start with the
// configured public URL whatever Host header the request carries, so a forged
// Host cannot poison an answer a proxy caches.
func TestLinksFromPublicURLNotHost(t *testing.T) {
	s := api.New(api.Config{AdminToken: adminToken, Version: "test", PublicURL: "https://gis.example.org/warden"}, testdb.New(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, path := range []string{"/ogc?f=json", "/ogc/collections?f=json", "/tiles", "/tiles/zones.json"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = "evil.example.com"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		if strings.Contains(string(body), "evil.example.com") || !strings.Contains(string(body), "https://gis.example.org/warden/") {
			t.Errorf("%s: links not from the public URL: %.400s", path, body)
		}
	}
}
