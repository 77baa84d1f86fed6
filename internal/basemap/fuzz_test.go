package basemap_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"warden/internal/basemap"
)

// FuzzDecodeTopoJSON: any document decodes or fails with an error, never a
// panic, and what decodes has finite coordinates and closed rings.
func FuzzDecodeTopoJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[-1,0],[0,-1]],[[0,0],[2,2]]],"transform":{"scale":[0.5,0.5],"translate":[10,20]},
		  "objects":{"a":{"type":"GeometryCollection","geometries":[{"type":"Polygon","id":"X","arcs":[[0]]},{"type":"LineString","arcs":[1,-2]},{"type":"MultiPolygon","arcs":[[[-1]]]}]}}}`,
		`{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"r":{"type":"MultiLineString","arcs":[[0],[-1]]}}}`,
		`{"type":"Topology","arcs":[[[0,0]]],"objects":{"p":{"type":"Polygon","arcs":[[5]]}}}`,
		`{"type":"Topology","arcs":[],"objects":{"n":{"type":null}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		topo, err := basemap.DecodeTopoJSON(b)
		if err != nil {
			return
		}
		for name, fs := range topo.Objects {
			for _, ft := range fs {
				checkGeometry(t, name, ft.Geometry)
			}
		}
	})
}

func checkGeometry(t *testing.T, name string, g orb.Geometry) {
	t.Helper()
	var rings []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		rings = g
	case orb.MultiPolygon:
		for _, p := range g {
			rings = append(rings, p...)
		}
	}
	for _, r := range rings {
		if len(r) < 4 || r[0] != r[len(r)-1] {
			t.Fatalf("%s: ring %v is not closed", name, r)
		}
	}
	b := g.Bound()
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%s: coordinate %v", name, v)
		}
	}
}
