package ogc

import (
	"slices"
	"strings"
	"testing"

	"warden/internal/db"
)

// TestTrackCollectionsScope: the tracks and observations collections are for
// the roles that read tracks (admin, officer: every track of their
// reserves) and for rangers (their own tracks), hidden from everyone else,
// and a limited or own-only viewer's queries carry the bound conditions.
func TestTrackCollectionsScope(t *testing.T) {
	r := Default()
	for _, c := range []*Collection{Tracks(), Observations()} {
		if !slices.Equal(c.Roles, []string{"admin", "officer"}) || !slices.Equal(c.OwnRoles, []string{"ranger"}) {
			t.Errorf("%s: roles %v, own roles %v", c.ID, c.Roles, c.OwnRoles)
		}
	}
	ids := func(v Viewer) string {
		var out []string
		for _, c := range r.Visible(v) {
			out = append(out, c.ID)
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		v    Viewer
		want string
	}{
		{Viewer{}, "reserves,zones,markers"},
		{Viewer{Roles: []string{"viewer"}, Name: "v", AllReserves: true}, "reserves,zones,markers,cases,grid_cells,clues"},
		{Viewer{Roles: []string{"gis", "reviewer"}, Name: "g", AllReserves: true}, "reserves,zones,markers,grid_cells"},
		{Viewer{Roles: []string{"officer"}, Name: "o", AllReserves: true}, "reserves,zones,markers,tracks,observations,cases,grid_cells,clues"},
		{Viewer{Roles: []string{"ranger"}, Name: "r", AllReserves: true}, "reserves,zones,markers,tracks,observations"},
	} {
		if got := ids(c.v); got != c.want {
			t.Errorf("%+v sees %s, want %s", c.v, got, c.want)
		}
	}
	if _, err := r.Get("tracks", Viewer{Roles: []string{"viewer"}}); err == nil {
		t.Error("a viewer may read tracks")
	}

	cond := func(v Viewer) (string, []any) {
		c, err := r.Get("tracks", v)
		if err != nil {
			t.Fatal(err)
		}
		var args db.Args
		return where(c, Query{}, &args), args
	}
	if w, args := cond(Viewer{Roles: []string{"officer"}, Name: "o", AllReserves: true}); strings.Contains(w, "ANY") || strings.Contains(w, "t.subject") || len(args) != 0 {
		t.Errorf("an unlimited officer's condition %q %v", w, args)
	}
	w, args := cond(Viewer{Roles: []string{"officer"}, Name: "o", Reserves: []string{"qiangtang"}})
	if !strings.Contains(w, "(r.code) = ANY($1::text[])") || strings.Contains(w, "t.subject") || !slices.Equal(args[0].([]string), []string{"qiangtang"}) {
		t.Errorf("a limited officer's condition %q %v", w, args)
	}
	w, args = cond(Viewer{Roles: []string{"ranger", "viewer"}, Name: "li", AllReserves: true})
	if strings.Contains(w, "ANY") || !strings.Contains(w, "(t.subject) = $1::text") || args[0] != "li" {
		t.Errorf("a ranger's condition %q %v", w, args)
	}
	// A limited viewer of no reserve sees no rows, not all of them.
	if w, args := cond(Viewer{Roles: []string{"officer"}, Name: "o"}); !strings.Contains(w, "ANY") || len(args[0].([]string)) != 0 {
		t.Errorf("a viewer limited to no reserve: %q %v", w, args)
	}
	// The registry's own collections are never changed by a viewer's scope.
	if Tracks().scope != nil || r.list[3].scope != nil {
		t.Error("scoping changed the registry")
	}
}
