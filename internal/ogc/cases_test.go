package ogc

import (
	"slices"
	"strings"
	"testing"

	"warden/internal/db"
)

// TestCasesCollectionScope: the cases collection is for the roles that read
// cases (admin, officer, viewer), with no own-only readers, hidden from
// everyone else; a limited viewer's query is narrowed to their reserves, and
// the closed filters refuse values outside their lists.
func TestCasesCollectionScope(t *testing.T) {
	c := Cases()
	if !slices.Equal(c.Roles, []string{"admin", "officer", "viewer"}) || len(c.OwnRoles) != 0 || c.Subject != "" || c.GeometryType != "Point" || c.Time == nil {
		t.Errorf("cases: roles %v, own roles %v, subject %q, geometry %s", c.Roles, c.OwnRoles, c.Subject, c.GeometryType)
	}
	r := Default()
	for _, v := range []Viewer{{}, {Roles: []string{"ranger"}, Name: "r", AllReserves: true}, {Roles: []string{"gis", "reviewer"}, Name: "g", AllReserves: true}} {
		if _, err := r.Get("cases", v); err == nil {
			t.Errorf("%+v may read cases", v)
		}
	}
	sc, err := r.Get("cases", Viewer{Roles: []string{"viewer"}, Name: "v", Reserves: []string{"qiangtang"}})
	if err != nil {
		t.Fatal(err)
	}
	var args db.Args
	if w := where(sc, Query{}, &args); !strings.Contains(w, "(r.code) = ANY($1::text[])") || !slices.Equal(args[0].([]string), []string{"qiangtang"}) {
		t.Errorf("a limited viewer's condition %q %v", w, args)
	}
	filters := map[string]bool{}
	for _, p := range c.Properties {
		if p.Filter {
			filters[p.Name] = true
		}
		if p.Parse != nil {
			if _, err := p.Parse("nope"); err == nil {
				t.Errorf("filter %s accepts nope", p.Name)
			}
			if v, err := p.Parse(p.Enum[0]); err != nil || v != p.Enum[0] {
				t.Errorf("filter %s refuses %s: %v", p.Name, p.Enum[0], err)
			}
		}
	}
	for _, f := range []string{"reserve", "status", "severity", "source", "unit"} {
		if !filters[f] {
			t.Errorf("cases has no %s filter", f)
		}
	}
}
