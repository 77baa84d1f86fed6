package screening

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/geoio"
	"warden/internal/problem"
)

func tooComplex(limit int) error {
	return problem.TooLarge(fmt.Sprintf("the footprint's edges are too long for its vertices: cut into edges of at most %g° (about 2 km) it would have more than %d vertices, the limit; "+
		"screen the parts of the project separately, or send the area it occupies instead of lines sweeping back and forth across it", EdgeDegrees, limit))
}

func invalid(typ, detail, pointer string) *problem.Error {
	return problem.Invalid(typ, detail, problem.At(-1, pointer, detail))
}

func (r *Request) normalise() error {
	if r.CRS == 0 {
		r.CRS = geoio.WGS84
	}
	if r.Format == "" {
		r.Format = "geojson"
	}
	if r.Project.Status == "" {
		r.Project.Status = Proposed
	}
	switch r.Project.Status {
	case Proposed, UnderConstruction, Existing:
	default:
		return invalid("invalid-screening", fmt.Sprintf("project status %q must be proposed, under_construction or existing", r.Project.Status), "project.status")
	}
	r.Project.Name, r.Project.Developer = strings.TrimSpace(r.Project.Name), strings.TrimSpace(r.Project.Developer)
	if len(r.Project.Name) > 500 || len(r.Project.Developer) > 500 {
		return invalid("invalid-screening", "project name and developer are limited to 500 bytes each", "project")
	}
	if r.DistanceM == 0 {
		r.DistanceM = DefaultDistanceM
	}
	if math.IsNaN(r.DistanceM) || r.DistanceM <= 0 || r.DistanceM > MaxDistanceM {
		return invalid("invalid-screening", fmt.Sprintf("distance_m %v must be more than 0 and at most %.0f (metres)", r.DistanceM, MaxDistanceM), "distance_m")
	}
	return nil
}

// element is one simple or multi geometry of the footprint (collections are
// flattened), with where it came from.
type element struct {
	feature int
	pointer string
	dim     int // 0 points, 1 lines, 2 polygons
	wkb     []byte
}

// pointerFor is the JSON pointer of feature i's geometry.
func (r Request) pointerFor(i int) string {
	var p string
	switch r.Doc {
	case "":
		return ""
	case "FeatureCollection":
		p = fmt.Sprintf("features[%d].geometry", i)
	case "Feature":
		p = "geometry"
	}
	switch {
	case r.Pointer == "":
		return p
	case p == "":
		return r.Pointer
	}
	return r.Pointer + "." + p
}

func joinPtr(p, member string) string {
	if p == "" {
		return ""
	}
	return p + member
}

// elements flattens the footprint and checks what can be checked without
// PostGIS: presence, emptiness, vertex count, coordinate plausibility.
// Features without geometry (a KML placemark that is only a label, a GeoJSON
// feature with "geometry": null) are skipped and counted.
func (s *Store) elements(req Request) ([]element, int, error) {
	skipped := 0
	var els []element
	var ps []problem.Detail
	vertices, complexity := 0, 0
	metresPerUnit := 0.0
	if req.CRS.Projected() {
		metresPerUnit = 1
	}
	add := func(i int, ptr, format string, args ...any) {
		if len(ps) < maxProblems {
			ps = append(ps, problem.At(i, ptr, fmt.Sprintf("feature %d: ", i)+fmt.Sprintf(format, args...)))
		}
	}
	var walk func(i int, ptr string, g orb.Geometry) error
	walk = func(i int, ptr string, g orb.Geometry) error {
		if c, ok := g.(orb.Collection); ok {
			if len(c) == 0 {
				add(i, ptr, "the GeometryCollection is empty")
			}
			for j, m := range c {
				if err := walk(i, joinPtr(ptr, fmt.Sprintf(".geometries[%d]", j)), m); err != nil {
					return err
				}
			}
			return nil
		}
		n := geoio.CountVertices(g)
		if n == 0 {
			add(i, ptr, "the %s is empty", g.GeoJSONType())
			return nil
		}
		vertices += n
		if vertices > s.maxVertices {
			return problem.TooLarge(fmt.Sprintf("the footprint has more than %d vertices, the limit; simplify it or screen it in parts", s.maxVertices))
		}
		if complexity += Complexity(g, metresPerUnit); complexity > s.maxComplexity() {
			return tooComplex(s.maxComplexity())
		}
		if reason := checkCoords(g, req.CRS); reason != "" {
			add(i, ptr, "%s", reason)
			return nil
		}
		b, err := wkb.Marshal(g)
		if err != nil {
			return err
		}
		els = append(els, element{feature: i, pointer: ptr, dim: g.Dimensions(), wkb: b})
		return nil
	}
	for _, f := range req.Features {
		if f.Geometry == nil {
			skipped++
			continue
		}
		if err := walk(f.Index, req.pointerFor(f.Index), f.Geometry); err != nil {
			return nil, 0, err
		}
	}
	if len(ps) > 0 {
		return nil, 0, problem.Invalid("invalid-footprint", problem.Summary(ps), ps...)
	}
	if len(els) == 0 {
		return nil, 0, invalid("empty-footprint", "the footprint has no geometry: send a point, line or polygon as a GeoJSON geometry, Feature or FeatureCollection, or a file", req.Pointer)
	}
	return els, skipped, nil
}

// checkCoords catches projected coordinates that cannot be right for the CRS
// (lon/lat sent as metres, X and Y swapped) and lon/lat edges that cross the
// antimeridian.
func checkCoords(g orb.Geometry, crs geoio.CRS) string {
	var reason string
	visit := func(ls []orb.Point) {
		for j, p := range ls {
			if reason != "" {
				return
			}
			if crs.Projected() {
				reason = crs.CheckXY(p[0], p[1])
			} else if j > 0 && math.Abs(p[0]-ls[j-1][0]) > 180 {
				reason = fmt.Sprintf("an edge from %v to %v crosses the antimeridian: split the footprint at ±180° (RFC 7946 §3.1.9)", ls[j-1], p)
			}
		}
	}
	switch t := g.(type) {
	case orb.Point:
		visit([]orb.Point{t})
	case orb.MultiPoint:
		visit(t)
	case orb.LineString:
		visit(t)
	case orb.MultiLineString:
		for _, l := range t {
			visit(l)
		}
	case orb.Polygon:
		for _, r := range t {
			visit(r)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			for _, r := range p {
				visit(r)
			}
		}
	}
	return reason
}

func columns(els []element) (w [][]byte, dims []int32) {
	for _, e := range els {
		w = append(w, e.wkb)
		dims = append(dims, int32(e.dim))
	}
	return
}

// validate asks PostGIS whether each element is valid (ST_IsValidDetail) and
// within lon/lat range once transformed; for an invalid one it says what
// ST_MakeValid would make of it, without using that.
func validate(ctx context.Context, tx pgx.Tx, els []element, req Request) error {
	w, _ := columns(els)
	rows, err := tx.Query(ctx, `
		SELECT t.i - 1, d.valid, coalesce(d.reason, ''), ST_X(d.location), ST_Y(d.location),
		       ST_XMin(x.g) >= -180 AND ST_XMax(x.g) <= 180 AND ST_YMin(x.g) >= -90 AND ST_YMax(x.g) <= 90,
		       coalesce(ST_GeometryType(m.mv), ''), coalesce(ST_NumGeometries(m.mv), 0),
		       coalesce(ST_Area(ST_CollectionExtract(m.mv, 3)::geography), 0),
		       coalesce(ST_Length(ST_CollectionExtract(m.mv, 2)::geography), 0)
		FROM unnest($1::bytea[]) WITH ORDINALITY AS t(w, i)
		CROSS JOIN LATERAL (SELECT ST_Transform(ST_SetSRID(ST_GeomFromWKB(t.w), $2::int), 4326) AS g) x
		CROSS JOIN LATERAL ST_IsValidDetail(x.g) d
		CROSS JOIN LATERAL (SELECT CASE WHEN NOT d.valid THEN ST_MakeValid(x.g) END AS mv) m
		ORDER BY t.i`, w, req.CRS.SRID())
	if err != nil {
		return err
	}
	defer rows.Close()
	var ps []problem.Detail
	for rows.Next() {
		var i, parts int
		var valid, inRange bool
		var reason, mvType string
		var x, y *float64
		var mvArea, mvLength float64
		if err := rows.Scan(&i, &valid, &reason, &x, &y, &inRange, &mvType, &parts, &mvArea, &mvLength); err != nil {
			return err
		}
		e := els[i]
		switch {
		case !valid:
			at := ""
			if x != nil && y != nil {
				at = fmt.Sprintf(" at (%.7g, %.7g)", *x, *y)
			}
			d := problem.At(e.feature, e.pointer, fmt.Sprintf("feature %d: invalid geometry: %s%s. It is not repaired silently: %s; fix the footprint and send it again",
				e.feature, reason, at, makeValidHint(mvType, parts, mvArea, mvLength)))
			if x != nil && y != nil {
				d.Location = []float64{*x, *y}
			}
			if len(ps) < maxProblems {
				ps = append(ps, d)
			}
		case !inRange:
			if len(ps) < maxProblems {
				ps = append(ps, problem.At(e.feature, e.pointer, fmt.Sprintf("feature %d: coordinates fall outside lon -180..180, lat -90..90 after transformation from %s", e.feature, req.CRS)))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ps) > 0 {
		return problem.Invalid("invalid-geometry", problem.Summary(ps), ps...)
	}
	return nil
}

func makeValidHint(typ string, parts int, area, length float64) string {
	typ = strings.TrimPrefix(typ, "ST_")
	h := fmt.Sprintf("ST_MakeValid would give a %s", typ)
	if parts > 1 {
		h += fmt.Sprintf(" of %d parts", parts)
	}
	switch {
	case area > 0:
		h += fmt.Sprintf(" of %s", fmtArea(area, false))
	case length > 0:
		h += fmt.Sprintf(" of %s", fmtLength(length, false))
	}
	return h
}
