package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"warden/internal/api"
	"warden/internal/web"
)

// tiandituURL is the README's Tianditu (天地图) example: the vector base map
// in Web Mercator tiles (WMTS, tile matrix set w), with the key as tk.
const tiandituURL = "https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"

// TestTiandituBasemapCSP: with the README's Tianditu URL as the base map,
// the pages' Content-Security-Policy lets MapLibre fetch its tiles (images
// and fetches from the tile host) and the pages are told to draw it as XYZ
// raster tiles; its annotation layer's host, given in WARDEN_CSP_ORIGINS, is
// allowed too.
func TestTiandituBasemapCSP(t *testing.T) {
	w := newBareEnv(t, api.Config{Web: web.Config{BasemapURL: tiandituURL, BasemapAttribution: "天地图"},
		Auth: api.AuthConfig{CSPOrigins: []string{"https://t1.tianditu.gov.cn"}}})
	anon := caller{anonymous: true}
	csp := w.send("GET", "/", nil, anon).Header.Get("Content-Security-Policy")
	for _, want := range []string{"img-src 'self' data: blob: https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn;",
		"connect-src 'self' https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn;"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page CSP %q lacks %q", csp, want)
		}
	}
	var pc web.PageConfig
	if err := json.Unmarshal(w.send("GET", "/config.json", nil, anon).expect(200).Raw, &pc); err != nil {
		t.Fatal(err)
	}
	if pc.Basemap == nil || pc.Basemap.Type != "raster" || pc.Basemap.URL != tiandituURL {
		t.Errorf("the pages are told %+v, want the Tianditu URL as raster tiles", pc.Basemap)
	}
}
