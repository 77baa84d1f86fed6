package geoio

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// The WKT reader is hand-written rather than orb/encoding/wkt because that
// one is built on regular expressions: it does not read Z or M coordinates,
// EWKT SRIDs or several geometries in one file, and says only "invalid data"
// without where. A footprint fault must be shown at its line and column.

// wktParser reads WKT (OGC Simple Features 1.2.1) with PostGIS's EWKT
// "SRID=n;" prefix.
type wktParser struct {
	s        string
	i        int
	maxDepth int
	geo      bool // lon/lat: range-check
	feature  int  // index of the geometry being read
	problems []problem.Detail
}

// wktError stops parsing at a malformed spot.
type wktError struct {
	off int
	msg string
}

// readWKT reads one geometry or several (separated by white space, new lines
// or ';'), each a feature. crs is the request's CRS (0 when not given); the
// CRS the coordinates are in is returned: an EWKT SRID that agrees with crs,
// or names it when crs is 0.
func readWKT(s string, crs CRS, maxDepth int) ([]Feature, CRS, error) {
	p := &wktParser{s: s, maxDepth: maxDepth}
	var feats []Feature
	var srid CRS
	sridAt := 0
	for {
		p.space()
		for p.i < len(p.s) && p.s[p.i] == ';' {
			p.i++
			p.space()
		}
		if p.i == len(p.s) {
			break
		}
		start := p.i
		got, err := p.srid()
		if err != nil {
			return nil, 0, p.syntaxError(err)
		}
		if got != 0 {
			if srid != 0 && got != srid {
				return nil, 0, p.invalidAt(start, fmt.Sprintf("SRID=%d differs from SRID=%d of an earlier geometry", got.SRID(), srid.SRID()))
			}
			srid, sridAt = got, start
		}
		eff := crs
		if eff == 0 {
			eff = srid
		}
		if eff == 0 {
			eff = WGS84
		}
		p.geo = !eff.Projected()
		p.feature = len(feats)
		g, err := p.geometry(0)
		if err != nil {
			return nil, 0, p.syntaxError(err)
		}
		if g != nil {
			feats = append(feats, Feature{Index: len(feats), Geometry: g})
		}
		if len(p.problems) >= maxFootprintProblems {
			break
		}
	}
	if srid != 0 {
		if _, err := ParseCRS(srid.String()); err != nil {
			return nil, 0, p.invalidAt(sridAt, fmt.Sprintf("SRID=%d is not a CRS Warden accepts (EPSG:4326, 4490, 4491-4554)", srid.SRID()))
		}
		if crs != 0 && srid != crs {
			return nil, 0, sridMismatch(srid, crs)
		}
		crs = srid
	}
	if crs == 0 {
		crs = WGS84
	}
	if len(p.problems) > 0 {
		return nil, 0, invalidFootprint("invalid-wkt", p.problems)
	}
	if len(feats) == 0 {
		reason := "the file has no WKT geometry"
		return nil, 0, problem.Invalid("empty-footprint", reason, problem.Detail{Reason: reason})
	}
	return feats, crs, nil
}

func (p *wktParser) space() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

// srid reads an optional "SRID=n;" prefix.
func (p *wktParser) srid() (CRS, *wktError) {
	if len(p.s)-p.i < 5 || !strings.EqualFold(p.s[p.i:p.i+5], "SRID=") {
		return 0, nil
	}
	p.i += 5
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	n, err := strconv.Atoi(p.s[start:p.i])
	if err != nil || n <= 0 || n > 1_000_000 {
		return 0, &wktError{start, "SRID= must be followed by a number"}
	}
	p.space()
	if p.i == len(p.s) || p.s[p.i] != ';' {
		return 0, &wktError{p.i, `expected ";" after the SRID`}
	}
	p.i++
	p.space()
	return CRS(n), nil
}

// word reads a keyword (letters).
func (p *wktParser) word() string {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= 'A' && p.s[p.i] <= 'Z' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z') {
		p.i++
	}
	return strings.ToUpper(p.s[start:p.i])
}

// geometry reads a tagged geometry. An EMPTY one is a problem and returns nil.
func (p *wktParser) geometry(depth int) (orb.Geometry, *wktError) {
	if depth > p.maxDepth {
		return nil, &wktError{p.i, fmt.Sprintf("geometry collections are nested more than %d deep", p.maxDepth)}
	}
	p.space()
	start := p.i
	typ, dims, err := p.tag(start)
	if err != nil {
		return nil, err
	}
	save := p.i
	if p.word() == "EMPTY" {
		p.problem(start, fmt.Sprintf("%s EMPTY: a footprint needs coordinates", typ))
		return nil, nil
	}
	p.i = save
	if err := p.expect('('); err != nil {
		return nil, err
	}
	g, err := p.body(typ, start, dims, depth)
	if err != nil {
		return nil, err
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	return g, nil
}

// tag reads a geometry's type and its dimensions (coordinates per position:
// 0 when not said, and then 2, 3 or 4 are accepted), as a suffix (POINTZ)
// or a word of its own (POINT Z).
func (p *wktParser) tag(start int) (typ string, dims int, err *wktError) {
	typ = p.word()
	for _, suffix := range []string{"ZM", "Z", "M"} {
		if t, ok := strings.CutSuffix(typ, suffix); ok && isWKTType(t) {
			typ, dims = t, 2+len(suffix)
			break
		}
	}
	if !isWKTType(typ) {
		if typ == "" {
			return "", 0, &wktError{start, "expected a WKT geometry type (POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION)"}
		}
		return "", 0, &wktError{start, fmt.Sprintf("%s is not a geometry type Warden reads (POINT, LINESTRING, POLYGON, their MULTI forms, GEOMETRYCOLLECTION)", typ)}
	}
	p.space()
	if dims == 0 {
		save := p.i
		switch p.word() {
		case "ZM":
			dims = 4
		case "Z", "M":
			dims = 3
		default:
			p.i = save
		}
		p.space()
	}
	return typ, dims, nil
}

// body reads what is between a geometry's parentheses.
func (p *wktParser) body(typ string, start, dims, depth int) (orb.Geometry, *wktError) {
	switch typ {
	case "POINT":
		return p.position(dims)
	case "LINESTRING":
		return p.lineBody(start, dims)
	case "POLYGON":
		return p.polygonBody(dims)
	case "MULTIPOINT":
		return p.multiPointBody(dims)
	case "MULTILINESTRING":
		ml := orb.MultiLineString{}
		err := p.list(func() *wktError {
			at := p.i
			if err := p.expect('('); err != nil {
				return err
			}
			l, err := p.lineBody(at, dims)
			if err != nil {
				return err
			}
			ml = append(ml, l)
			return p.expect(')')
		})
		return ml, err
	case "MULTIPOLYGON":
		mp := orb.MultiPolygon{}
		err := p.list(func() *wktError {
			if err := p.expect('('); err != nil {
				return err
			}
			poly, err := p.polygonBody(dims)
			if err != nil {
				return err
			}
			mp = append(mp, poly)
			return p.expect(')')
		})
		return mp, err
	}
	c := orb.Collection{}
	err := p.list(func() *wktError {
		m, err := p.geometry(depth + 1)
		if m != nil {
			c = append(c, m)
		}
		return err
	})
	return c, err
}

func isWKTType(t string) bool {
	for _, k := range wktTypes {
		if t == k {
			return true
		}
	}
	return false
}

// list reads comma-separated items until (not including) the closing ')'.
func (p *wktParser) list(item func() *wktError) *wktError {
	for {
		if err := item(); err != nil {
			return err
		}
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return nil
	}
}

func (p *wktParser) expect(c byte) *wktError {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return nil
	}
	found := "the end of the file"
	if p.i < len(p.s) {
		r, _ := utf8.DecodeRuneInString(p.s[p.i:])
		found = strconv.Quote(string(r))
	}
	return &wktError{p.i, fmt.Sprintf("expected %q, found %s", string(c), found)}
}

// position reads "x y [z [m]]".
func (p *wktParser) position(dims int) (orb.Point, *wktError) {
	p.space()
	start := p.i
	var v [4]float64
	n := 0
	for n < 4 {
		p.space()
		s := p.i
		for p.i < len(p.s) && strings.IndexByte("0123456789+-.eE", p.s[p.i]) >= 0 {
			p.i++
		}
		if s == p.i {
			break
		}
		f, err := strconv.ParseFloat(p.s[s:p.i], 64)
		if err != nil {
			return orb.Point{}, &wktError{s, fmt.Sprintf("%q is not a number", p.s[s:p.i])}
		}
		v[n] = f
		n++
	}
	switch {
	case n < 2:
		return orb.Point{}, &wktError{p.i, "expected a coordinate: two to four numbers separated by spaces"}
	case dims != 0 && n != dims:
		return orb.Point{}, &wktError{start, fmt.Sprintf("a position has %d numbers; the geometry's dimensions say %d", n, dims)}
	}
	pt := orb.Point{v[0], v[1]}
	if p.geo {
		if r := lonLatReason(pt[0], pt[1]); r != "" {
			p.problem(start, r)
		}
	}
	return pt, nil
}

// positions reads comma-separated positions up to the closing ')' (not
// consumed).
func (p *wktParser) positions(dims int) ([]orb.Point, *wktError) {
	var pts []orb.Point
	err := p.list(func() *wktError {
		pt, err := p.position(dims)
		pts = append(pts, pt)
		return err
	})
	return pts, err
}

func (p *wktParser) lineBody(start, dims int) (orb.LineString, *wktError) {
	pts, err := p.positions(dims)
	if err != nil {
		return nil, err
	}
	if len(pts) < 2 {
		p.problem(start, fmt.Sprintf("a line needs at least 2 points, got %d", len(pts)))
	}
	return orb.LineString(pts), nil
}

// polygonBody reads the rings of a polygon after its '(' and up to its ')'
// (not consumed).
func (p *wktParser) polygonBody(dims int) (orb.Polygon, *wktError) {
	poly := orb.Polygon{}
	err := p.list(func() *wktError {
		at := p.i
		if err := p.expect('('); err != nil {
			return err
		}
		pts, err := p.positions(dims)
		if err == nil {
			err = p.expect(')')
		}
		if err != nil {
			return err
		}
		switch {
		case len(pts) < 4:
			p.problem(at, fmt.Sprintf("a ring needs at least 4 points (the first repeated at the end), got %d", len(pts)))
		case pts[0] != pts[len(pts)-1]:
			p.problem(at, fmt.Sprintf("the ring is not closed: its first point %v differs from its last %v", pts[0], pts[len(pts)-1]))
		}
		poly = append(poly, orb.Ring(pts))
		return nil
	})
	return poly, err
}

// multiPointBody reads "(x y), (x y)" or "x y, x y" after the '('.
func (p *wktParser) multiPointBody(dims int) (orb.MultiPoint, *wktError) {
	mp := orb.MultiPoint{}
	err := p.list(func() *wktError {
		p.space()
		paren := p.i < len(p.s) && p.s[p.i] == '('
		if paren {
			p.i++
		}
		pt, err := p.position(dims)
		if err != nil {
			return err
		}
		mp = append(mp, pt)
		if paren {
			return p.expect(')')
		}
		return nil
	})
	return mp, err
}

// lineCol turns a byte offset into a 1-based line and column (in characters).
func (p *wktParser) lineCol(off int) (int, int) {
	before := p.s[:min(off, len(p.s))]
	line := strings.Count(before, "\n") + 1
	col := len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
	return line, col
}

func (p *wktParser) problem(off int, reason string) {
	if len(p.problems) >= maxFootprintProblems {
		return
	}
	line, col := p.lineCol(off)
	d := problem.At(p.feature, "", fmt.Sprintf("line %d, column %d: %s", line, col, reason))
	d.Line, d.Column = line, col
	p.problems = append(p.problems, d)
}

func (p *wktParser) invalidAt(off int, reason string) error {
	p.problems = nil
	p.problem(off, reason)
	return invalidFootprint("invalid-wkt", p.problems)
}

func (p *wktParser) syntaxError(e *wktError) error {
	line, col := p.lineCol(e.off)
	return problem.BadRequest("malformed-wkt", fmt.Sprintf("the file is not valid WKT: line %d, column %d: %s", line, col, e.msg),
		problem.Detail{Line: line, Column: col, Reason: e.msg})
}
