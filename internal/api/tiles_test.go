package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
)

// TestTileRoutes: tiles over HTTP with their headers, 204 for empty tiles,
// 304 on a matching If-None-Match, 400 for a z/x/y outside the grid and 404
// for unknown layers or suffixes.
func TestTileRoutes(t *testing.T) {
	e := newEnv(t, true)

	r := e.do("GET", "/tiles/zones/4/11/6.mvt", nil, false).expect(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=60" {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := r.Header.Get("ETag")
	if len(etag) < 10 || etag[0] != '"' {
		t.Fatalf("ETag %q", etag)
	}
	ls, err := mvt.Unmarshal(r.Raw)
	// Qiangtang's current zoning: the two zones approved 2026-06-01
	if err != nil || len(ls) != 1 || ls[0].Name != "zones" || len(ls[0].Features) != 2 {
		t.Fatalf("tile 4/11/6: %v, %d layers", err, len(ls))
	}

	req := e.request("GET", "/tiles/zones/4/11/6.mvt", "", "", nil)
	req.Header.Set("If-None-Match", `"other", `+etag)
	if res := roundTrip(t, nil, req); res.Status != http.StatusNotModified || res.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match with the ETag: %d, ETag %q", res.Status, res.Header.Get("ETag"))
	}

	for _, l := range []string{"zones", "reserves", "markers"} {
		r := e.do("GET", "/tiles/"+l+"/5/1/15.mvt", nil, false).expect(http.StatusNoContent) // the Pacific
		if len(r.Raw) != 0 || r.Header.Get("Cache-Control") == "" || r.Header.Get("ETag") != "" {
			t.Errorf("%s: empty tile with %d bytes, headers %v", l, len(r.Raw), r.Header)
		}
		e.do("GET", "/tiles/"+l+"/4/11/6.mvt", nil, false).expect(http.StatusOK)
	}

	for path, fault := range map[string]string{
		"/tiles/zones/23/0/0.mvt":  "z must be between 0 and 22",
		"/tiles/zones/-1/0/0.mvt":  "z must be between 0 and 22",
		"/tiles/zones/4/16/0.mvt":  "x must be between 0 and 15",
		"/tiles/zones/4/0/99.mvt":  "y must be between 0 and 15",
		"/tiles/zones/x/0/0.mvt":   "z must be a whole number",
		"/tiles/zones/4/1.5/0.mvt": "x must be a whole number",
	} {
		e.do("GET", path, nil, false).problem(http.StatusBadRequest, fault)
	}
	e.do("GET", "/tiles/nope/4/11/6.mvt", nil, false).problem(http.StatusNotFound, `no tile layer "nope"`)
	e.do("GET", "/tiles/tracks/6/46/25.mvt", nil, false).problem(http.StatusUnauthorized, "tile layer tracks is not public")
	e.do("GET", "/tiles/zones/4/11/6.png", nil, false).problem(http.StatusNotFound)
	e.do("GET", "/tiles/zones/4/11/6", nil, false).problem(http.StatusNotFound)
}

// TestTileJSON: /tiles lists the layers, and each layer's TileJSON points at
// its tiles on this server, with bounds and fields.
func TestTileJSON(t *testing.T) {
	e := newEnv(t, true)
	r := e.do("GET", "/tiles", nil, false).expect(http.StatusOK)
	layers, _ := r.get("layers").([]any)
	if len(layers) != 4 || r.get("layers", 3, "name") != "basemap" {
		t.Fatalf("layers %v", r.get("layers"))
	}
	for i, name := range []string{"zones", "reserves", "markers"} {
		if r.get("layers", i, "name") != name || r.get("layers", i, "tilejson") != e.srv.URL+"/tiles/"+name+".json" {
			t.Errorf("layer %d: %v", i, r.get("layers", i))
		}
		tj := e.do("GET", "/tiles/"+name+".json", nil, false).expect(http.StatusOK)
		if tj.get("tilejson") != "3.0.0" || tj.get("tiles", 0) != e.srv.URL+"/tiles/"+name+"/{z}/{x}/{y}.mvt" ||
			tj.get("vector_layers", 0, "id") != name || tj.get("minzoom") != 0.0 || tj.get("maxzoom") != 16.0 {
			t.Errorf("%s TileJSON: %s", name, tj.Raw)
		}
		bounds, _ := tj.get("bounds").([]any)
		if len(bounds) != 4 || bounds[0].(float64) > 1.3 || bounds[2].(float64) < 90.7 {
			t.Errorf("%s bounds %v, want both sample reserves", name, bounds)
		}
		fields, _ := tj.get("vector_layers", 0, "fields").(map[string]any)
		if len(fields) == 0 {
			t.Errorf("%s: no fields", name)
		}
	}
	if f, _ := e.do("GET", "/tiles/zones.json", nil, false).get("vector_layers", 0, "fields").(map[string]any); f["kind"] == nil || f["reserve"] == nil || f["version"] == nil {
		t.Errorf("zones fields %v", f)
	}
	e.do("GET", "/tiles/nope.json", nil, false).problem(http.StatusNotFound, "zones, reserves, markers, tracks, observations")
	e.do("GET", "/tiles/tracks.json", nil, false).problem(http.StatusUnauthorized, "tile layer tracks is not public")

	empty := newEnv(t, false)
	if tj := empty.do("GET", "/tiles/zones.json", nil, false).expect(http.StatusOK); strings.Contains(string(tj.Raw), "bounds") {
		t.Errorf("an empty layer has bounds: %s", tj.Raw)
	}
}
