package api_test

import "testing"

// TestLocateOnDay: a reserve's three zones (approved 2018-05-01) are replaced
// by its two-zone zoning approved 2026-06-01. Locate with on= answers from
// the zoning in force that day, without on= from the current one; a bad
// date is a 400.
func TestLocateOnDay(t *testing.T) {
	e := newEnv(t, false)
	createReserve(e, "rezoned", "three_zone")
	v1 := zoneFC(zone("core", square(100, 30, 0.1)), zone("buffer", ringWithHole(100, 30, 0.2, 0.1)), zone("experimental", ringWithHole(100, 30, 0.3, 0.2)))
	e.do("PUT", "/api/v1/reserves/rezoned/zones?approved_on=2018-05-01", v1, true).expect(201)
	v2 := zoneFC(zone("core_protection", square(100, 30, 0.2)), zone("general_control", ringWithHole(100, 30, 0.3, 0.2)))
	if r := e.do("PUT", "/api/v1/reserves/rezoned/zones?approved_on=2026-06-01", v2, true).expect(201); r.get("version") != 2.0 {
		t.Fatalf("v2: %s", r.Raw)
	}
	for _, c := range []struct {
		on, kind string
	}{
		{"2026-05-31", "buffer"},
		{"2026-06-01", "core_protection"},
		{"", "core_protection"},
		{"2017-01-01", "core_protection"}, // before any approval: the current zoning
	} {
		url := "/api/v1/locate?lon=100.15&lat=30"
		if c.on != "" {
			url += "&on=" + c.on
		}
		r := e.do("GET", url, nil, false).expect(200)
		if r.get("zone_kind") != c.kind || r.get("boundary_distance_m") == nil {
			t.Errorf("on %q: %s, want %s", c.on, r.Raw, c.kind)
		}
	}
	b := e.do("POST", "/api/v1/locate?on=2026-05-31&distance=true", [][2]float64{{100.15, 30}, {100, 30}, {100.25, 30}}, false).expect(200)
	for i, want := range []string{"buffer", "core", "experimental"} {
		if b.get("results", i, "zone_kind") != want {
			t.Errorf("batch on 2026-05-31, point %d: %v, want %s", i, b.get("results", i), want)
		}
	}
	e.do("GET", "/api/v1/locate?lon=100&lat=30&on=31.5.2026", nil, false).problem(400, "YYYY-MM-DD")
}
