package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"warden/internal/api"
)

// TestRequestLimits: each per-request limit answers 413 and says which.
func TestRequestLimits(t *testing.T) {
	w := newBareEnv(t, api.Config{})
	admin := caller{token: adminToken}
	w.send("POST", "/api/v1/reserves", map[string]any{"code": "big", "name_zh": "big", "level": "county", "zoning_scheme": "three_zone"}, admin).expect(201)

	// zones per upload
	var zones []any
	for i := range 1001 {
		x := float64(i%40) * 0.01
		y := float64(i/40) * 0.01
		zones = append(zones, map[string]any{"type": "Feature", "properties": map[string]any{"kind": "core"},
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{x, y}, {x + 0.005, y}, {x + 0.005, y + 0.005}, {x, y + 0.005}, {x, y}}}}})
	}
	w.send("PUT", "/api/v1/reserves/big/zones", map[string]any{"type": "FeatureCollection", "features": zones}, admin).problem(413, "1001 features", "limit of 1000")

	// markers per upload
	var ms strings.Builder
	ms.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 10_001 {
		if i > 0 {
			ms.WriteByte(',')
		}
		fmt.Fprintf(&ms, `{"type":"Feature","properties":{"code":"M%d","kind":"post","status":"intact"},"geometry":{"type":"Point","coordinates":[1,1]}}`, i)
	}
	ms.WriteString(`]}`)
	w.send("POST", "/api/v1/reserves/big/markers", []byte(ms.String()), admin).problem(413, "10001 features")

	// points per batch locate
	var pts bytes.Buffer
	pts.WriteByte('[')
	for i := range 1_000_001 {
		if i > 0 {
			pts.WriteByte(',')
		}
		pts.WriteString("[1,1]")
	}
	pts.WriteByte(']')
	w.send("POST", "/api/v1/locate", pts.Bytes(), admin).problem(413, "1000001 points")

	// anonymous batch locate: 10,000 points, more with credentials
	small := []byte("[" + strings.TrimSuffix(strings.Repeat("[1,1],", 10_001), ",") + "]")
	w.send("POST", "/api/v1/locate", small, caller{anonymous: true}).problem(413, "without credentials the limit is 10000")
	w.send("POST", "/api/v1/locate", small, admin).expect(200)
	fewer := []byte("[" + strings.TrimSuffix(strings.Repeat("[1,1],", 10_000), ",") + "]")
	w.send("POST", "/api/v1/locate", fewer, caller{anonymous: true}).expect(200)

	// a zipped shapefile that is a compression bomb
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	for name, size := range map[string]int{"b.shp": 8 << 20, "b.shx": 100, "b.dbf": 100} {
		f, _ := zw.Create(name)
		f.Write(make([]byte, size))
	}
	zw.Close()
	w.sendWith("PUT", "/api/v1/reserves/big/zones", z.Bytes(), admin, map[string]string{"Content-Type": "application/zip"}).problem(413, "compression bomb")

	// an ordinary JSON body over the limit
	w.send("POST", "/api/v1/users", []byte(`{"name":"`+strings.Repeat("x", 1<<20)+`"}`), admin).problem(413, "1 MiB")
	var n int
	if err := w.pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM zone) + (SELECT count(*) FROM marker)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d zones and markers stored by refused requests (%v)", n, err)
	}
}
