package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/problem"
)

// The checks below gather every fault of a request in one list (see
// problem.List), so that a form is refused once with all that is wrong.

func bad(ps *[]problem.Detail, ptr, format string, args ...any) {
	(*problem.List)(ps).Addf(ptr, format, args...)
}

// invalid is the 422 "invalid-case" listing ps; nil when ps is empty.
func invalid(ps []problem.Detail) error { return problem.List(ps).Err("invalid-case") }

func checkParty(ps *[]problem.Detail, p *Party) {
	if p == nil {
		return
	}
	if p.Kind == "" {
		p.Kind = "unknown"
	}
	if p.Kind != "person" && p.Kind != "enterprise" && p.Kind != "unknown" {
		bad(ps, "party.kind", "party.kind %q must be person, enterprise or unknown", p.Kind)
	}
	checkText(ps, "party.name", p.Name)
	checkText(ps, "party.id", p.ID)
}

// checkText refuses text PostgreSQL cannot store.
func checkText(ps *[]problem.Detail, ptr, v string) { (*problem.List)(ps).Text(ptr, v) }

// location reads a GeoJSON geometry or Feature into WKB.
func location(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, problem.Invalid("invalid-case", "the case needs a location: a GeoJSON geometry or Feature", problem.At(-1, "location", "missing"))
	}
	feats, err := geoio.DecodeGeoJSON(raw, geoio.GeoJSONOptions{})
	if err != nil {
		if p, ok := problem.As(err); ok {
			for i := range p.Problems {
				p.Problems[i].Pointer = strings.TrimSuffix("location."+p.Problems[i].Pointer, ".")
			}
		}
		return nil, err
	}
	var gs []orb.Geometry
	for _, f := range feats {
		if f.Geometry != nil {
			gs = append(gs, f.Geometry)
		}
	}
	if len(gs) == 0 {
		return nil, problem.Invalid("invalid-case", "the location has no geometry", problem.At(-1, "location", "no geometry"))
	}
	var g orb.Geometry = gs[0]
	if len(gs) > 1 {
		g = orb.Collection(gs)
	}
	return wkb.Marshal(g)
}

// checkGeometry refuses a location PostGIS finds invalid, with the reason
// and where.
func checkGeometry(ctx context.Context, q db.Querier, g []byte) error {
	var valid bool
	var reason string
	var loc []float64
	if err := q.QueryRow(ctx, `SELECT d.valid, coalesce(d.reason, ''), CASE WHEN d.location IS NULL THEN NULL ELSE ARRAY[ST_X(d.location), ST_Y(d.location)] END
		FROM ST_IsValidDetail(ST_GeomFromWKB($1, 4326)) d`, g).Scan(&valid, &reason, &loc); err != nil {
		return err
	}
	if !valid {
		d := problem.At(-1, "location", reason)
		d.Location = loc
		return problem.Invalid("invalid-geometry", "the location is not a valid geometry: "+reason, d)
	}
	return nil
}

// checkDate reads a YYYY-MM-DD date; nil when missing or not a date.
func checkDate(ps *[]problem.Detail, ptr, v string, required bool) *time.Time {
	return (*problem.List)(ps).Date(ptr, v, required)
}

// required refuses a blank text.
func required(ps *[]problem.Detail, ptr, v string) { (*problem.List)(ps).Required(ptr, v) }

func names(ps *[]problem.Detail, ptr string, v []string) {
	n := 0
	for i, s := range v {
		if strings.TrimSpace(s) != "" {
			n++
		}
		checkText(ps, fmt.Sprintf("%s[%d]", ptr, i), s)
	}
	if n == 0 {
		bad(ps, ptr, "%s must name at least one person", ptr)
	}
}
