package geoio

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// tableRow is one row of a coordinate table, with its line in the file.
type tableRow struct {
	fields []string
	line   int
}

// tableRows splits a coordinate table into rows: as CSV with the delimiter
// of its first line (comma, full-width comma, tab, semicolon, bar), or by
// white space when that line has none. Blank lines are dropped.
func tableRows(text string) ([]tableRow, error) {
	first := strings.TrimSpace(text)
	first, _, _ = strings.Cut(first, "\n")
	delim := sniffDelimiter(first)
	var rows []tableRow
	if delim == 0 {
		for i, l := range strings.Split(text, "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				rows = append(rows, tableRow{f, i + 1})
			}
		}
		return rows, nil
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		empty := true
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
			empty = empty && rec[i] == ""
		}
		if !empty {
			rows = append(rows, tableRow{rec, line})
		}
	}
}

// axes says how a table's two coordinate columns are read.
type axes struct {
	a, b  int    // the columns
	mode  string // "lonlat", "ne" (a northing, b easting), or "xy" (ambiguous)
	names [2]string
}

// readFootprintCSV reads a coordinate table: a row per point, in order.
//
// Columns, found by header name (see columnAliases; units in brackets are
// ignored): longitude and latitude (lon, lng, longitude, 经度, L / lat,
// latitude, 纬度, B; decimal degrees or degrees-minutes-seconds such as
// 116°23'27.6"), or, for a projected CRS, X and Y. Chinese surveys, whose
// Gauss-Krüger tables Warden reads first, follow the geodetic convention: X is
// the northing (纵坐标) and Y the easting (横坐标, with the zone number in front
// for EPSG:4513-4533), the reverse of the mathematical one. So X/Y are read as
// northing/easting; when every row is implausible that way (CRS.CheckXY) and
// plausible the other way, the columns are taken as easting/northing instead,
// and the feature's "axis_order" property says which reading was used.
// Columns named northing/easting (北坐标/东坐标, 纵坐标/横坐标) are taken as named.
// For lon/lat CRSs, X/Y are longitude/latitude unless plainly swapped (every X
// within ±90 and some Y beyond). An optional point-number column (点号, 序号,
// 界址点号, no, id, point, name...) is kept for points; an optional part column
// (part, parcel, 地块, 图斑...) makes several polygons or lines. A table without
// a header is read as X,Y (or lon,lat), or as number,X,Y with three columns.
//
// shape says what the points draw: a polygon (the ring in row order, closed if
// open), a line, or points (one feature each).
func readFootprintCSV(text string, crs CRS, shape string) ([]Feature, error) {
	rows, err := tableRows(text)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, problem.Invalid("empty-footprint", "the coordinate table is empty",
			problem.Detail{Reason: "the coordinate table is empty"})
	}
	ax, point, group, data, err := tableAxes(rows, crs)
	if err != nil {
		return nil, err
	}
	t := &tableReader{crs: crs}
	parts := readParts(t, data, ax, point, group)
	if len(t.problems) > 0 {
		return nil, invalidFootprint("invalid-coordinate-table", t.problems)
	}
	if len(parts.order) == 0 {
		return nil, problem.Invalid("empty-footprint", "the coordinate table has no coordinate rows",
			problem.Detail{Reason: "the coordinate table has no coordinate rows"})
	}
	// Put every point in x=easting/longitude, y=northing/latitude order.
	ord := ax.resolve(crs, func(yield func(orb.Point, int) bool) {
		for _, g := range parts.order {
			for _, v := range parts.groups[g] {
				if !yield(v.p, v.line) {
					return
				}
			}
		}
	})
	if ord.problem != nil {
		return nil, invalidFootprint("invalid-coordinate-table", []problem.Detail{*ord.problem})
	}
	rowsRead := 0
	for _, g := range parts.order {
		for i := range parts.groups[g] {
			parts.groups[g][i].p = ord.apply(parts.groups[g][i].p)
		}
		rowsRead += len(parts.groups[g])
	}
	props := map[string]any{"points": rowsRead, "axis_order": ord.note}
	var g orb.Geometry
	switch shape {
	case "points":
		return parts.points(ord.note), nil
	case "line":
		g = parts.lines(t)
	default:
		g = parts.polygons(t)
	}
	if len(t.problems) > 0 {
		return nil, invalidFootprint("invalid-coordinate-table", t.problems)
	}
	return []Feature{{Geometry: g, Properties: props}}, nil
}

// tableVertex is a coordinate row of a footprint table: its point (axes
// not yet resolved), point name and line.
type tableVertex struct {
	p     orb.Point
	point string
	line  int
}

// tableParts are a footprint table's rows by part, in the order the parts
// first appear.
type tableParts struct {
	order  []string
	groups map[string][]tableVertex
}

// readParts reads the coordinate rows, skipping blank ones, into parts by
// the group column (-1: one part); faults go to t.
func readParts(t *tableReader, data []tableRow, ax axes, point, group int) tableParts {
	parts := tableParts{groups: map[string][]tableVertex{}}
	for _, r := range data {
		get := func(i int) string {
			if i < 0 || i >= len(r.fields) {
				return ""
			}
			return r.fields[i]
		}
		a, b := get(ax.a), get(ax.b)
		if a == "" && b == "" {
			continue
		}
		va, okA := t.value(a, ax.names[0], r.line)
		vb, okB := t.value(b, ax.names[1], r.line)
		if !okA || !okB {
			continue
		}
		g := get(group)
		if _, ok := parts.groups[g]; !ok {
			parts.order = append(parts.order, g)
		}
		parts.groups[g] = append(parts.groups[g], tableVertex{orb.Point{va, vb}, get(point), r.line})
	}
	return parts
}

// points is every row as a Point feature with its name and part.
func (parts tableParts) points(note string) []Feature {
	var feats []Feature
	for _, g := range parts.order {
		for _, v := range parts.groups[g] {
			p := map[string]any{"axis_order": note}
			if v.point != "" {
				p["point"] = v.point
			}
			if g != "" {
				p["part"] = g
			}
			feats = append(feats, Feature{Index: len(feats), Geometry: v.p, Properties: p})
		}
	}
	return feats
}

// lines is each part as a line: a LineString for one part, else a
// MultiLineString; a part of one point is a fault in t.
func (parts tableParts) lines(t *tableReader) orb.Geometry {
	var ml orb.MultiLineString
	for _, g := range parts.order {
		vs := parts.groups[g]
		if len(vs) < 2 {
			t.fail(vs[0].line, fmt.Sprintf("%sa line needs at least 2 points, got %d", partLabel(g), len(vs)))
			continue
		}
		l := make(orb.LineString, len(vs))
		for i, v := range vs {
			l[i] = v.p
		}
		ml = append(ml, l)
	}
	if len(ml) == 1 {
		return ml[0]
	}
	return ml
}

// polygons is each part as a polygon's ring, closed if it is not: a
// Polygon for one part, else a MultiPolygon; a part of fewer than 3
// different points is a fault in t.
func (parts tableParts) polygons(t *tableReader) orb.Geometry {
	var mp orb.MultiPolygon
	for _, g := range parts.order {
		vs := parts.groups[g]
		pts := make([]orb.Point, len(vs))
		for i, v := range vs {
			pts[i] = v.p
		}
		if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
			pts = pts[:len(pts)-1]
		}
		if n := distinct(pts); n < 3 {
			t.fail(vs[0].line, fmt.Sprintf("%sa polygon needs at least 3 different points, got %d", partLabel(g), n))
			continue
		}
		mp = append(mp, orb.Polygon{append(pts, pts[0])})
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

func partLabel(g string) string {
	if g == "" {
		return ""
	}
	return fmt.Sprintf("part %q: ", g)
}

// tableAxes finds the coordinate, point-number and part columns and the data
// rows (after the header, if any).
func tableAxes(rows []tableRow, crs CRS) (ax axes, point, group int, data []tableRow, err error) {
	header := rows[0].fields
	if !knownHeader(header) {
		numbers := 0
		for _, f := range header {
			if _, ok := parseDegrees(f); ok {
				numbers++
			}
		}
		if numbers < 2 {
			if crs.Projected() {
				return ax, 0, 0, nil, noCoordinateColumns(header, "X (northing, 纵坐标) or northing", "Y (easting, 横坐标) or easting")
			}
			return ax, 0, 0, nil, noCoordinateColumns(header, "lon, lng, longitude, 经度, L or x", "lat, latitude, 纬度, B or y")
		}
		ax = axes{a: 0, b: 1, mode: "xy", names: [2]string{"1", "2"}}
		point = -1
		if _, isNum := parseNumber(header[0]); len(header) >= 3 && (!isNum || !strings.Contains(header[0], ".")) {
			// A first column that is not a decimal number is the point number.
			ax = axes{a: 1, b: 2, mode: "xy", names: [2]string{"2", "3"}}
			point = 0
		}
		return ax, point, -1, rows, nil
	}
	cols := columnRoles(header)
	name := func(i int) string { return strings.TrimSpace(header[i]) }
	has := func(a, b column) bool { return cols[a] >= 0 && cols[b] >= 0 }
	switch {
	case crs.Projected() && has(colNorthing, colEasting):
		ax = axes{a: cols[colNorthing], b: cols[colEasting], mode: "ne"}
	case !crs.Projected() && has(colLon, colLat):
		ax = axes{a: cols[colLon], b: cols[colLat], mode: "lonlat"}
	case has(colX, colY):
		ax = axes{a: cols[colX], b: cols[colY], mode: "xy"}
	case crs.Projected():
		reason := fmt.Sprintf("the table has longitude/latitude columns but crs %s is projected: send the table's own CRS (EPSG:4326 or 4490), or X/Y columns", crs)
		return ax, 0, 0, nil, problem.BadRequest("crs-mismatch", reason, problem.Detail{Line: 1, Reason: reason})
	default:
		reason := fmt.Sprintf("the table has northing/easting columns but crs %s is longitude/latitude: send the Gauss-Krüger CRS of the table (EPSG:4491-4554)", crs)
		return ax, 0, 0, nil, problem.BadRequest("crs-mismatch", reason, problem.Detail{Line: 1, Reason: reason})
	}
	ax.names = [2]string{name(ax.a), name(ax.b)}
	return ax, cols[colPoint], cols[colGroup], rows[1:], nil
}

// tableReader reads a table's values and collects its problems.
type tableReader struct {
	crs      CRS
	problems []problem.Detail
}

func (t *tableReader) fail(line int, reason string) {
	if len(t.problems) < maxFootprintProblems {
		t.problems = append(t.problems, problem.Detail{Line: line, Reason: fmt.Sprintf("line %d: %s", line, reason)})
	}
}

// value reads one coordinate: degrees for a lon/lat CRS, metres otherwise.
func (t *tableReader) value(s, column string, line int) (float64, bool) {
	if s == "" {
		t.fail(line, fmt.Sprintf("column %q is empty", column))
		return 0, false
	}
	var v float64
	var ok bool
	if t.crs.Projected() {
		v, ok = parseNumber(s)
	} else {
		v, ok = parseDegrees(s)
		ok = ok && !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	if !ok {
		t.fail(line, fmt.Sprintf("%q in column %q is not a coordinate", s, column))
	}
	return v, ok
}

// axisOrder is how a table's (a, b) pairs become (x, y) points.
type axisOrder struct {
	swap    bool // (a, b) is (y, x)
	note    string
	problem *problem.Detail
}

func (o axisOrder) apply(p orb.Point) orb.Point {
	if o.swap {
		return orb.Point{p[1], p[0]}
	}
	return p
}

// resolve decides the axis order of the (a, b) pairs from the column mode
// and, for ambiguous X/Y columns, from the values (see readFootprintCSV).
func (ax axes) resolve(crs CRS, pairs iter.Seq2[orb.Point, int]) axisOrder {
	fail := func(line int, reason string) axisOrder {
		d := problem.Detail{Line: line, Reason: fmt.Sprintf("line %d: %s", line, reason)}
		return axisOrder{problem: &d}
	}
	// check finds the first pair that reason rejects.
	check := func(reason func(orb.Point) string) (int, string) {
		for p, line := range pairs {
			if r := reason(p); r != "" {
				return line, r
			}
		}
		return 0, ""
	}
	lonLat := func(p orb.Point) string { return lonLatReason(p[0], p[1]) }
	gk := func(p orb.Point) string { return crs.CheckXY(p[0], p[1]) }
	swapped := func(f func(orb.Point) string) func(orb.Point) string {
		return func(p orb.Point) string { return f(orb.Point{p[1], p[0]}) }
	}
	a, b := ax.names[0], ax.names[1]
	switch ax.mode {
	case "lonlat":
		if line, r := check(lonLat); r != "" {
			return fail(line, r)
		}
		return axisOrder{note: fmt.Sprintf("%s longitude, %s latitude", a, b)}
	case "ne":
		if line, r := check(swapped(gk)); r != "" {
			return fail(line, r)
		}
		return axisOrder{swap: true, note: fmt.Sprintf("%s northing, %s easting", a, b)}
	}
	if !crs.Projected() {
		if _, r := check(lonLat); r == "" {
			return axisOrder{note: fmt.Sprintf("%s longitude, %s latitude", a, b)}
		}
		if _, r := check(swapped(lonLat)); r == "" {
			return axisOrder{swap: true, note: fmt.Sprintf("%s latitude, %s longitude (detected: the values do not fit the other way)", a, b)}
		}
		line, r := check(lonLat)
		return fail(line, r)
	}
	if _, r := check(swapped(gk)); r == "" {
		return axisOrder{swap: true, note: fmt.Sprintf("%s northing, %s easting (Chinese survey convention)", a, b)}
	}
	if _, r := check(gk); r == "" {
		return axisOrder{note: fmt.Sprintf("%s easting, %s northing (detected: the values do not fit the survey convention X northing, Y easting)", a, b)}
	}
	line, r := check(swapped(gk))
	return fail(line, r+fmt.Sprintf(" (%s is read as the northing and %s as the easting, the Chinese survey convention)", a, b))
}
