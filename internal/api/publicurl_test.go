package api_test

import (
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/testdb"
)

// TestLinksFromPublicURLNotHost: OGC API and TileJSON links start with the
// configured public URL whatever Host header the request carries, so a forged
// Host cannot poison an answer a proxy caches.
func TestLinksFromPublicURLNotHost(t *testing.T) {
	e := startAPI(t, testdb.New(t), api.Config{PublicURL: "https://gis.example.org/warden"}, nil)
	for _, path := range []string{"/ogc?f=json", "/ogc/collections?f=json", "/tiles", "/tiles/zones.json"} {
		req := e.request("GET", path, "", "", nil)
		req.Host = "evil.example.com"
		body := roundTrip(t, nil, req).expect(200).Raw
		if strings.Contains(string(body), "evil.example.com") || !strings.Contains(string(body), "https://gis.example.org/warden/") {
			t.Errorf("%s: links not from the public URL: %.400s", path, body)
		}
	}
}
