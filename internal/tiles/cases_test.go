package tiles_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"warden/internal/cases"
	"warden/internal/tiles"
)

// TestCaseTiles: a case is one point of the cases layer at its location,
// with its id, number, status, severity (high in the core zone), reserve and
// opening time; a reader sees it only with its reserve in their Scope, in
// tiles and bounds.
func TestCaseTiles(t *testing.T) {
	s, pool := withSample(t)
	cs, err := cases.NewStore(pool, cases.Options{}).Create(t.Context(), cases.CreateInput{
		Source: "public_report", Activity: "logging", Title: "群众举报盗伐",
		Location: json.RawMessage(`{"type":"Point","coordinates":[86,34.5]}`),
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	l := layer(t, "cases")
	tile := maptile.At(orb.Point{86, 34.5}, 8)
	f := onlyFeature(t, s, l, tile)
	p := f.Properties
	if fid, _ := f.ID.(float64); int64(fid) != cs.ID || p["case"] != float64(cs.ID) || p["number"] != cs.Number || p["status"] != "reported" ||
		p["severity"] != "high" || p["reserve"] != "qiangtang" || p["opened_at"] != cs.ReportedAt.UTC().Format("2006-01-02T15:04:05Z") {
		t.Errorf("case feature id %v properties %v, want case %d %s reported high qiangtang", f.ID, p, cs.ID, cs.Number)
	}
	if q, ok := f.Geometry.(orb.Point); !ok || math.Abs(q[0]-86) > 0.001 || math.Abs(q[1]-34.5) > 0.001 {
		t.Errorf("case at %v, want 86, 34.5", f.Geometry)
	}
	for _, c := range []struct {
		name string
		sc   tiles.Scope
		in   bool
	}{
		{"every reserve", tiles.Scope{AllReserves: true}, true},
		{"limited to qiangtang", tiles.Scope{Reserves: []string{"qiangtang"}}, true},
		{"limited to alt-pirineu", tiles.Scope{Reserves: []string{"alt-pirineu"}}, false},
		{"limited to no reserve", tiles.Scope{}, false},
	} {
		if b := getFor(t, s, l, tile, c.sc); (b != nil) != c.in {
			t.Errorf("%s: tile has %d bytes, want features %v", c.name, len(b), c.in)
		}
		bb, err := s.Bounds(t.Context(), l, c.sc)
		if err != nil {
			t.Fatal(err)
		}
		if (bb != nil) != c.in || (bb != nil && (math.Abs(bb[0]-86) > 1e-9 || math.Abs(bb[1]-34.5) > 1e-9)) {
			t.Errorf("%s: bounds %v, want the case's point: %v", c.name, bb, c.in)
		}
	}
}
