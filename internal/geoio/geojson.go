// Package geoio reads and writes the geometry formats Warden's users bring
// (GeoJSON first; GPX, KML, CSV and shapefiles as their issues land) and knows
// the coordinate reference systems they come in.
//
// The GeoJSON reader is written here rather than taken from orb/geojson because
// orb decodes leniently (lower-case types, unclosed rings, duplicate members all
// pass) and its errors do not say where in a document a fault is. Warden must
// refuse such input and tell the user which feature and which coordinate is at
// fault. The result is expressed in orb types, the project's 2-D geometry model.
package geoio

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// Feature is one GeoJSON feature (a bare geometry is read as a feature with no
// properties).
type Feature struct {
	// Index is the feature's position in its collection, 0-based.
	Index int
	// ID is the feature's id member (string or float64), or nil.
	ID any
	// Geometry is nil for a feature whose geometry is null.
	Geometry   orb.Geometry
	Properties map[string]any
}

// GeoJSONOptions tunes DecodeGeoJSON.
type GeoJSONOptions struct {
	// Projected says coordinates are projected metres, so the lon/lat range
	// check is skipped (it is done after transformation instead).
	Projected bool
	// MaxProblems caps the problems reported (default 50).
	MaxProblems int
}

// DecodeGeoJSON reads a GeoJSON document — a FeatureCollection, a Feature or a
// geometry — under the rules of RFC 7946 and returns its features. All faults
// found are returned together as a *problem.Error (400 for malformed JSON, 422
// for a document that is JSON but not valid GeoJSON), each with a JSON path and,
// where it applies, the feature index.
//
// Leniencies, on purpose: rings in either winding order are accepted (RFC 7946
// §3.1.6: parsers SHOULD NOT reject them); a Feature without "properties" is read
// as having none; positions may carry an elevation, which is dropped.
func DecodeGeoJSON(data []byte, opts GeoJSONOptions) ([]Feature, error) {
	tree, err := readTree(data)
	if err != nil {
		se := err.(*SyntaxError)
		return nil, problem.BadRequest("malformed-json", "the body is not valid JSON: "+se.Error(),
			problem.Detail{Line: se.Line, Column: se.Column, Reason: se.Msg})
	}
	r := &gjReader{opts: opts}
	if r.opts.MaxProblems == 0 {
		r.opts.MaxProblems = 50
	}
	feats := r.document(tree)
	if len(r.problems) > 0 {
		return nil, problem.Invalid("invalid-geojson", "the document is not valid GeoJSON: "+problem.Summary(r.problems), r.problems...)
	}
	return feats, nil
}

type gjReader struct {
	opts     GeoJSONOptions
	problems []problem.Detail
	feature  int // index of the feature being read, -1 outside features
}

func (r *gjReader) fail(path, format string, args ...any) {
	if len(r.problems) >= r.opts.MaxProblems {
		return
	}
	reason := fmt.Sprintf(format, args...)
	if path != "" {
		reason = path + ": " + reason
	}
	r.problems = append(r.problems, problem.At(r.feature, path, reason))
}

var geometryTypes = []string{"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}

// forbidden lists, per object kind, members that would change GeoJSON semantics
// (RFC 7946 §7.1).
var forbidden = map[string][]string{
	"FeatureCollection": {"coordinates", "geometries", "geometry", "properties"},
	"Feature":           {"coordinates", "geometries", "features"},
	"geometry":          {"features", "geometry", "properties"},
}

func (r *gjReader) document(tree any) []Feature {
	r.feature = -1
	o, ok := tree.(*object)
	if !ok {
		r.fail("", "a GeoJSON document must be a JSON object, got %s", typeName(tree))
		return nil
	}
	typ, ok := r.typeOf(o, "")
	if !ok {
		return nil
	}
	switch typ {
	case "FeatureCollection":
		r.checkForbidden(o, "", "FeatureCollection")
		r.bbox(o, "")
		fv, ok := o.get("features")
		if !ok {
			r.fail("", `a FeatureCollection needs a "features" member`)
			return nil
		}
		arr, ok := fv.([]any)
		if !ok {
			r.fail("features", "must be an array of features, got %s", typeName(fv))
			return nil
		}
		feats := make([]Feature, 0, len(arr))
		for i, f := range arr {
			r.feature = i
			if ft, ok := r.feat(f, fmt.Sprintf("features[%d]", i)); ok {
				ft.Index = i
				feats = append(feats, ft)
			}
		}
		r.feature = -1
		return feats
	case "Feature":
		r.feature = 0
		ft, ok := r.feat(o, "")
		if !ok {
			return nil
		}
		return []Feature{ft}
	default:
		g := r.geometry(o, "")
		if g == nil {
			return nil
		}
		return []Feature{{Geometry: g}}
	}
}

// typeOf reads and checks an object's "type" member.
func (r *gjReader) typeOf(o *object, path string) (string, bool) {
	tv, ok := o.get("type")
	if !ok {
		r.fail(path, `missing the "type" member`)
		return "", false
	}
	typ, ok := tv.(string)
	if !ok {
		r.fail(join(path, "type"), "must be a string, got %s", typeName(tv))
		return "", false
	}
	known := append([]string{"FeatureCollection", "Feature"}, geometryTypes...)
	for _, k := range known {
		if typ == k {
			return typ, true
		}
	}
	for _, k := range known {
		if strings.EqualFold(typ, k) {
			r.fail(join(path, "type"), "unknown type %q (types are case-sensitive: did you mean %q?)", typ, k)
			return "", false
		}
	}
	r.fail(join(path, "type"), "unknown type %q (expected one of %s)", typ, strings.Join(known, ", "))
	return "", false
}

func (r *gjReader) checkForbidden(o *object, path, kind string) {
	for _, m := range forbidden[kind] {
		if _, ok := o.get(m); ok {
			r.fail(path, "a %s must not have a %q member (RFC 7946 §7.1)", kindLabel(kind), m)
		}
	}
}

func kindLabel(kind string) string {
	if kind == "geometry" {
		return "geometry object"
	}
	return kind
}

func (r *gjReader) feat(v any, path string) (Feature, bool) {
	o, ok := v.(*object)
	if !ok {
		r.fail(path, "a feature must be an object, got %s", typeName(v))
		return Feature{}, false
	}
	typ, ok := r.typeOf(o, path)
	if !ok {
		return Feature{}, false
	}
	if typ != "Feature" {
		r.fail(join(path, "type"), `must be "Feature", got %q`, typ)
		return Feature{}, false
	}
	r.checkForbidden(o, path, "Feature")
	r.bbox(o, path)
	var f Feature
	if id, ok := o.get("id"); ok {
		switch t := id.(type) {
		case string:
			f.ID = t
		case json.Number:
			f.ID = plain(t)
		default:
			r.fail(join(path, "id"), "must be a string or a number, got %s", typeName(id))
		}
	}
	if pv, ok := o.get("properties"); ok && pv != nil {
		po, ok := pv.(*object)
		if !ok {
			r.fail(join(path, "properties"), "must be an object or null, got %s", typeName(pv))
		} else {
			f.Properties = plain(po).(map[string]any)
		}
	}
	gv, ok := o.get("geometry")
	if !ok {
		r.fail(path, `a Feature needs a "geometry" member (null if it has none)`)
		return f, false
	}
	if gv != nil {
		f.Geometry = r.geometry(gv, join(path, "geometry"))
		if f.Geometry == nil {
			return f, false
		}
	}
	return f, true
}

func (r *gjReader) geometry(v any, path string) orb.Geometry {
	o, ok := v.(*object)
	if !ok {
		r.fail(path, "a geometry must be an object, got %s", typeName(v))
		return nil
	}
	typ, ok := r.typeOf(o, path)
	if !ok {
		return nil
	}
	if typ == "Feature" || typ == "FeatureCollection" {
		r.fail(join(path, "type"), "expected a geometry type, got %q", typ)
		return nil
	}
	r.checkForbidden(o, path, "geometry")
	r.bbox(o, path)
	if typ == "GeometryCollection" {
		gv, ok := o.get("geometries")
		if !ok {
			r.fail(path, `a GeometryCollection needs a "geometries" member`)
			return nil
		}
		arr, ok := gv.([]any)
		if !ok {
			r.fail(join(path, "geometries"), "must be an array, got %s", typeName(gv))
			return nil
		}
		c := orb.Collection{}
		for i, e := range arr {
			g := r.geometry(e, fmt.Sprintf("%s[%d]", join(path, "geometries"), i))
			if g == nil {
				return nil
			}
			c = append(c, g)
		}
		return c
	}
	cv, ok := o.get("coordinates")
	if !ok {
		r.fail(path, "a %s needs a \"coordinates\" member", typ)
		return nil
	}
	cpath := join(path, "coordinates")
	n0 := len(r.problems)
	var g orb.Geometry
	switch typ {
	case "Point":
		p, _ := r.position(cv, cpath)
		g = p
	case "MultiPoint":
		g = orb.MultiPoint(r.positions(cv, cpath, 0))
	case "LineString":
		g = r.line(cv, cpath)
	case "MultiLineString":
		ml := orb.MultiLineString{}
		for i, e := range r.array(cv, cpath, "lines") {
			ml = append(ml, r.line(e, fmt.Sprintf("%s[%d]", cpath, i)))
		}
		g = ml
	case "Polygon":
		g = r.polygon(cv, cpath)
	case "MultiPolygon":
		mp := orb.MultiPolygon{}
		for i, e := range r.array(cv, cpath, "polygons") {
			mp = append(mp, r.polygon(e, fmt.Sprintf("%s[%d]", cpath, i)))
		}
		g = mp
	}
	if len(r.problems) > n0 {
		return nil
	}
	return g
}

func (r *gjReader) array(v any, path, what string) []any {
	a, ok := v.([]any)
	if !ok {
		r.fail(path, "expected an array of %s, got %s", what, typeName(v))
		return nil
	}
	return a
}

func (r *gjReader) position(v any, path string) (orb.Point, bool) {
	a, ok := v.([]any)
	if !ok {
		r.fail(path, "a position must be an array of numbers [lon, lat], got %s", typeName(v))
		return orb.Point{}, false
	}
	if len(a) < 2 {
		r.fail(path, "a position needs at least two numbers [lon, lat], got %d", len(a))
		return orb.Point{}, false
	}
	if len(a) > 3 {
		r.fail(path, "a position has at most three numbers [lon, lat, elevation], got %d", len(a))
		return orb.Point{}, false
	}
	var xyz [3]float64
	for i, e := range a {
		n, ok := e.(json.Number)
		if !ok {
			r.fail(fmt.Sprintf("%s[%d]", path, i), "a coordinate must be a number, got %s", typeName(e))
			return orb.Point{}, false
		}
		f, err := n.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			r.fail(fmt.Sprintf("%s[%d]", path, i), "coordinate %s is not a finite number", n)
			return orb.Point{}, false
		}
		xyz[i] = f
	}
	p := orb.Point{xyz[0], xyz[1]}
	if !r.opts.Projected {
		if p[0] < -180 || p[0] > 180 {
			r.fail(path, "longitude %v is outside -180..180", p[0])
			return p, false
		}
		if p[1] < -90 || p[1] > 90 {
			r.fail(path, "latitude %v is outside -90..90", p[1])
			return p, false
		}
	}
	return p, true
}

func (r *gjReader) positions(v any, path string, min int) []orb.Point {
	a, ok := v.([]any)
	if !ok {
		r.fail(path, "expected an array of positions, got %s", typeName(v))
		return nil
	}
	pts := make([]orb.Point, 0, len(a))
	for i, e := range a {
		p, ok := r.position(e, fmt.Sprintf("%s[%d]", path, i))
		if !ok {
			return nil
		}
		pts = append(pts, p)
	}
	return pts
}

func (r *gjReader) line(v any, path string) orb.LineString {
	pts := r.positions(v, path, 2)
	if pts == nil {
		return nil
	}
	if len(pts) < 2 {
		r.fail(path, "a line needs at least 2 positions, got %d", len(pts))
	}
	return orb.LineString(pts)
}

func (r *gjReader) polygon(v any, path string) orb.Polygon {
	rings := r.array(v, path, "linear rings")
	if rings == nil {
		return nil
	}
	poly := orb.Polygon{}
	for i, e := range rings {
		rp := fmt.Sprintf("%s[%d]", path, i)
		pts := r.positions(e, rp, 4)
		if pts == nil {
			return nil
		}
		if len(pts) < 4 {
			r.fail(rp, "a linear ring needs at least 4 positions (the first repeated at the end), got %d", len(pts))
			return nil
		}
		raw := e.([]any)
		if first, last := raw[0], raw[len(raw)-1]; pts[0] != pts[len(pts)-1] || !sameElevation(first, last) {
			r.fail(rp, "linear ring is not closed: the first position %s differs from the last %s", posText(first), posText(last))
			return nil
		}
		poly = append(poly, orb.Ring(pts))
	}
	if len(poly) == 0 {
		r.fail(path, "a polygon needs at least one linear ring")
	}
	return poly
}

func (r *gjReader) bbox(o *object, path string) {
	bv, ok := o.get("bbox")
	if !ok {
		return
	}
	bp := join(path, "bbox")
	a, ok := bv.([]any)
	if !ok {
		r.fail(bp, "must be an array of numbers, got %s", typeName(bv))
		return
	}
	if len(a) != 4 && len(a) != 6 {
		r.fail(bp, "must have 4 or 6 numbers (2 or 3 dimensions), got %d", len(a))
		return
	}
	for i, e := range a {
		if _, ok := e.(json.Number); !ok {
			r.fail(fmt.Sprintf("%s[%d]", bp, i), "must be a number, got %s", typeName(e))
			return
		}
	}
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// sameElevation reports whether two positions also agree in elevation: both
// without one, or both with the same (RFC 7946 §3.1.6: the first and last
// positions of a ring MUST contain identical values). position has checked
// both are arrays of numbers.
func sameElevation(a, b any) bool {
	pa, pb := a.([]any), b.([]any)
	if len(pa) != len(pb) {
		return false
	}
	if len(pa) < 3 {
		return true
	}
	za, _ := pa[2].(json.Number).Float64()
	zb, _ := pb[2].(json.Number).Float64()
	return za == zb
}

// posText writes a position as it was given, e.g. [100.0, 0.0, 4.9].
func posText(v any) string {
	var parts []string
	for _, e := range v.([]any) {
		parts = append(parts, e.(json.Number).String())
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
