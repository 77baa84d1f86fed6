package geoio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// FootprintOptions tunes ReadFootprint. Zero values take the defaults.
type FootprintOptions struct {
	// CRS is the coordinates' CRS for WKT, CSV and GeoJSON (default WGS 84).
	// KML is longitude/latitude by definition: a projected CRS is refused
	// for it.
	CRS CRS
	// Shape says what a CSV coordinate table draws: "polygon" (default: the
	// order of the points is the ring, closed if open), "line" or "points".
	Shape string
	// MaxBytes bounds the file, and its uncompressed content (KMZ, gzip).
	MaxBytes int64 // default 64 MiB
	// MaxVertices bounds the vertices of all features together; more is a 413.
	MaxVertices int // default 200,000
	// MaxXMLDepth bounds element nesting in KML (and WKT collections).
	MaxXMLDepth int // default 64
	// MaxCompressionRatio refuses KMZ and gzip content that expands more.
	MaxCompressionRatio float64 // default 100
}

func (o FootprintOptions) withDefaults() FootprintOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultFootprintMaxBytes
	}
	if o.MaxVertices <= 0 {
		o.MaxVertices = DefaultMaxVertices
	}
	if o.MaxXMLDepth <= 0 {
		o.MaxXMLDepth = DefaultMaxXMLDepth
	}
	if o.MaxCompressionRatio <= 0 {
		o.MaxCompressionRatio = DefaultMaxCompressionRatio
	}
	if o.Shape == "" {
		o.Shape = "polygon"
	}
	return o
}

const footprintFormats = "GeoJSON, KML, KMZ, WKT or EWKT (one geometry, or one per line), CSV coordinate table (each also gzip-compressed)"

// maxFootprintProblems caps the problems reported for one file.
const maxFootprintProblems = 50

// ReadFootprint reads a project footprint file into features, in orb
// geometry: Points, LineStrings, Polygons (with holes) and their Multi forms
// and collections are all footprints. Formats:
//   - GeoJSON, read by DecodeGeoJSON (strict RFC 7946).
//   - KML or KMZ: every Placemark is a feature, its Point, LineString,
//     LinearRing (a closed LineString), Polygon (outer and inner boundaries;
//     open rings are closed), MultiGeometry (a Multi* when its parts are all
//     of one type, else a Collection), gx:Track and gx:MultiTrack (lines);
//     its name, description and ExtendedData (Data/value,
//     SchemaData/SimpleData) are its properties and its id attribute its ID.
//     A Placemark without geometry is a feature with a nil Geometry.
//   - WKT: one geometry, or several one after another (one per line), each a
//     feature; EWKT "SRID=4490;..." is accepted when the SRID is opts.CRS
//     (see ReadFootprintCRS to take the CRS from the file). Z and M values
//     are dropped. EMPTY is refused.
//   - CSV (or white-space separated) coordinate table, a row per point in
//     ring order: longitude/latitude columns (lon, lng, longitude, 经度, L /
//     lat, latitude, 纬度, B; decimal degrees or degrees-minutes-seconds), or
//     for a projected opts.CRS X/Y columns read by the Chinese survey
//     convention, X the northing (纵坐标) and Y the easting (横坐标, with the
//     zone prefix for EPSG:4513-4533) — unless the values only fit the other
//     way round, which is then taken and said in the feature's "axis_order"
//     property; northing/easting (北坐标/东坐标) columns are taken as named.
//     Optional point-number (点号, 序号, no, id...) and part (地块, part,
//     parcel...) columns. opts.Shape says whether the rows draw a polygon
//     (closed if open), a line or points. See readFootprintCSV.
//
// Coordinates are returned in opts.CRS as given: projected ones are not
// transformed (the caller does that with PostGIS), but are checked for
// plausibility (CRS.CheckXY: swapped axes, a missing zone prefix); lon/lat
// ones are range-checked. Refused, as *problem.Error with the line and column
// or feature of each fault: malformed files (400), invalid or empty
// geometry, too few points, coordinates out of range (422), an unknown format
// (415), more than MaxBytes or MaxVertices (413).
func ReadFootprint(name string, data []byte, opts FootprintOptions) ([]Feature, error) {
	want := opts.CRS
	if want == 0 {
		want = WGS84
	}
	opts.CRS = want
	feats, crs, err := ReadFootprintCRS(name, data, opts)
	if err != nil {
		return nil, err
	}
	if crs != want {
		return nil, sridMismatch(crs, want)
	}
	return feats, nil
}

// ReadFootprintCRS is ReadFootprint for a caller that lets the file name its
// CRS: with opts.CRS zero, an EWKT SRID is taken as the CRS (WGS 84 when the
// file says nothing), and returned; with opts.CRS set, a file that says
// otherwise is refused.
func ReadFootprintCRS(name string, data []byte, opts FootprintOptions) ([]Feature, CRS, error) {
	opts = opts.withDefaults()
	switch opts.Shape {
	case "polygon", "line", "points":
	default:
		return nil, 0, problem.BadRequest("bad-shape", fmt.Sprintf("unknown shape %q for a coordinate table: use polygon, line or points", opts.Shape))
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, 0, problem.TooLarge(fmt.Sprintf("the file is larger than the limit of %s", byteSize(opts.MaxBytes)))
	}
	format := DetectFormat(name, data[:min(len(data), sniffLen)])
	if format == FormatGzip {
		var err error
		if data, err = gunzipAll(data, opts); err != nil {
			return nil, 0, err
		}
		name = strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(name), ".gz"), ".gzip")
		if format = DetectFormat(name, data[:min(len(data), sniffLen)]); format == FormatGzip {
			return nil, 0, unsupported("the file is gzip-compressed twice", footprintFormats)
		}
	}
	crs := opts.CRS
	var feats []Feature
	var err error
	switch format {
	case FormatGeoJSON:
		if crs == 0 {
			crs = WGS84
		}
		feats, err = DecodeGeoJSON([]byte(decodeText(data)), GeoJSONOptions{Projected: crs.Projected()})
	case FormatKML, FormatKMZ, FormatZip:
		if crs == 0 {
			crs = WGS84
		}
		if crs.Projected() {
			return nil, 0, problem.BadRequest("crs-not-applicable",
				fmt.Sprintf("KML coordinates are longitude/latitude (WGS 84) by definition; crs=%s does not apply to a KML or KMZ file", crs))
		}
		var r io.Reader = bytes.NewReader(data)
		if format != FormatKML {
			if r, err = kmzEntry(data, opts.MaxBytes, opts.MaxCompressionRatio, footprintFormats); err != nil {
				return nil, 0, err
			}
		}
		feats, err = readKMLFootprint(newXMLScanner(bufio.NewReader(r), opts.MaxXMLDepth))
	case FormatWKT:
		feats, crs, err = readWKT(decodeText(data), crs, opts.MaxXMLDepth)
	case FormatCSV:
		if crs == 0 {
			crs = WGS84
		}
		feats, err = readFootprintCSV(decodeText(data), crs, opts.Shape)
	case FormatGPX, FormatTCX:
		err = unsupported(fmt.Sprintf("the file is %s, a GPS track format", strings.ToUpper(string(format))), footprintFormats)
	case FormatXML:
		err = unknownXML(bufio.NewReader(bytes.NewReader(data)), opts.MaxXMLDepth, footprintFormats)
	default:
		err = unsupported("the file's format is not recognised", footprintFormats)
	}
	if err != nil {
		return nil, 0, err
	}
	if err := checkFootprint(feats, crs, opts.MaxVertices); err != nil {
		return nil, 0, err
	}
	return feats, crs, nil
}

func sridMismatch(got, want CRS) error {
	reason := fmt.Sprintf("the file says its coordinates are in %s (SRID %d) but the request says %s: send crs=%s, or remove the SRID", got, got.SRID(), want, got)
	return problem.Invalid("crs-mismatch", reason, problem.Detail{Reason: reason})
}

// gunzipAll decompresses a gzip file within the size and ratio limits.
func gunzipAll(data []byte, opts FootprintOptions) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, corruptGzip(err)
	}
	in := &countReader{n: int64(len(data))}
	out, err := io.ReadAll(&limitReader{
		r:    &ratioReader{r: corruptErrors{zr, "corrupt-gzip", "the gzip-compressed file"}, in: in, ratio: opts.MaxCompressionRatio, what: "the gzip-compressed file"},
		max:  opts.MaxBytes,
		what: "the uncompressed file",
	})
	return out, err
}

// decodeText returns a text file's content as UTF-8 (see textReader).
func decodeText(data []byte) string {
	r, _ := textReader(bufio.NewReaderSize(bytes.NewReader(data), 64<<10))
	b, _ := io.ReadAll(r)
	return string(b)
}

// checkFootprint refuses a footprint without geometry, with an empty
// geometry, with more than maxVertices vertices in all, or, for a projected
// CRS, with implausible coordinates.
func checkFootprint(feats []Feature, crs CRS, maxVertices int) error {
	vertices, withGeom := 0, 0
	var problems []problem.Detail
	for i, f := range feats {
		if f.Geometry == nil {
			continue
		}
		withGeom++
		n := CountVertices(f.Geometry)
		vertices += n
		if n == 0 || hasEmptyPart(f.Geometry) {
			problems = append(problems, problem.At(i, "", fmt.Sprintf("feature %d: its %s is empty", i, f.Geometry.GeoJSONType())))
			continue
		}
		if crs.Projected() {
			if r := firstBadXY(f.Geometry, crs); r != "" {
				problems = append(problems, problem.At(i, "", fmt.Sprintf("feature %d: %s", i, r)))
			}
		}
		if len(problems) >= maxFootprintProblems {
			break
		}
	}
	if withGeom == 0 {
		reason := "the file has no geometry: a footprint needs at least one point, line or polygon"
		return problem.Invalid("empty-footprint", reason, problem.Detail{Reason: reason})
	}
	if len(problems) > 0 {
		return invalidFootprint("invalid-footprint", problems)
	}
	if vertices > maxVertices {
		return problem.TooLarge(fmt.Sprintf("the footprint has %d vertices, more than the limit of %d", vertices, maxVertices))
	}
	return nil
}

func invalidFootprint(typ string, problems []problem.Detail) error {
	return problem.Invalid(typ, "the footprint cannot be used: "+problem.Summary(problems), problems...)
}

// CountVertices counts a geometry's positions, closing positions of rings included.
func CountVertices(g orb.Geometry) int {
	switch t := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(t)
	case orb.LineString:
		return len(t)
	case orb.Ring:
		return len(t)
	case orb.MultiLineString:
		n := 0
		for _, l := range t {
			n += len(l)
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range t {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range t {
			n += CountVertices(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, c := range t {
			n += CountVertices(c)
		}
		return n
	}
	return 0
}

// hasEmptyPart reports whether a multi-geometry or collection has an empty
// member (a polygon without rings, a collection without geometries).
func hasEmptyPart(g orb.Geometry) bool {
	switch t := g.(type) {
	case orb.MultiLineString:
		for _, l := range t {
			if len(l) == 0 {
				return true
			}
		}
	case orb.Polygon:
		return len(t) == 0
	case orb.MultiPolygon:
		for _, p := range t {
			if len(p) == 0 {
				return true
			}
		}
		return len(t) == 0
	case orb.Collection:
		for _, c := range t {
			if CountVertices(c) == 0 || hasEmptyPart(c) {
				return true
			}
		}
		return len(t) == 0
	}
	return false
}

// firstBadXY returns CheckXY's reason for the first implausible vertex.
func firstBadXY(g orb.Geometry, crs CRS) string {
	var reason string
	eachPoint(g, func(p orb.Point) bool {
		reason = crs.CheckXY(p[0], p[1])
		return reason == ""
	})
	return reason
}

// eachPoint calls f for each vertex until it returns false.
func eachPoint(g orb.Geometry, f func(orb.Point) bool) bool {
	switch t := g.(type) {
	case orb.Point:
		return f(t)
	case orb.MultiPoint:
		for _, p := range t {
			if !f(p) {
				return false
			}
		}
	case orb.LineString:
		return eachPoint(orb.MultiPoint(t), f)
	case orb.Ring:
		return eachPoint(orb.MultiPoint(t), f)
	case orb.MultiLineString:
		for _, l := range t {
			if !eachPoint(l, f) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range t {
			if !eachPoint(r, f) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range t {
			if !eachPoint(p, f) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range t {
			if !eachPoint(c, f) {
				return false
			}
		}
	}
	return true
}

// lonLatReason says what is wrong with a longitude/latitude pair, or "".
func lonLatReason(lon, lat float64) string {
	switch {
	case math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0):
		return "coordinates must be finite numbers"
	case lon < -180 || lon > 180:
		if lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 {
			return fmt.Sprintf("longitude %v is outside -180..180 (are longitude and latitude swapped?)", lon)
		}
		return fmt.Sprintf("longitude %v is outside -180..180", lon)
	case lat < -90 || lat > 90:
		if lat >= -180 && lat <= 180 && lon >= -90 && lon <= 90 {
			return fmt.Sprintf("latitude %v is outside -90..90 (are longitude and latitude swapped?)", lat)
		}
		return fmt.Sprintf("latitude %v is outside -90..90", lat)
	}
	return ""
}

// readKMLFootprint reads every Placemark of a KML document as a feature.
func readKMLFootprint(x *xmlScanner) ([]Feature, error) {
	var feats []Feature
	var problems []problem.Detail
	var docName string
	err := kmlWalk(x, &docName, func(pm *kmlPlacemark) error {
		i := len(feats)
		f := Feature{Index: i, Properties: map[string]any{}}
		if pm.id != "" {
			f.ID = pm.id
		}
		if pm.name != "" {
			f.Properties["name"] = pm.name
		}
		if pm.desc != "" {
			f.Properties["description"] = pm.desc
		}
		for k, v := range pm.props {
			f.Properties[k] = v
		}
		c := &kmlConverter{feature: i}
		switch len(pm.geoms) {
		case 0:
		case 1:
			f.Geometry = c.geometry(pm.geoms[0])
		default:
			f.Geometry = c.geometry(&kmlGeom{kind: "MultiGeometry", parts: pm.geoms, line: pm.line})
		}
		if len(problems) < maxFootprintProblems {
			problems = append(problems, c.problems...)
		}
		feats = append(feats, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, invalidFootprint("invalid-kml", problems[:min(len(problems), maxFootprintProblems)])
	}
	return feats, nil
}

// kmlConverter turns a placemark's KML geometry into orb geometry, strictly:
// every fault is a problem at its line and column.
type kmlConverter struct {
	feature  int
	problems []problem.Detail
}

func (c *kmlConverter) fail(line, col int, format string, args ...any) {
	reason := fmt.Sprintf(format, args...)
	d := problem.At(c.feature, "", fmt.Sprintf("placemark %d, line %d: %s", c.feature, line, reason))
	d.Line, d.Column = line, col
	c.problems = append(c.problems, d)
}

func (c *kmlConverter) points(g *kmlGeom, cs []kmlCoord) []orb.Point {
	for _, f := range g.faults {
		c.fail(f.line, f.col, "coordinate %q: %s", f.text, f.reason)
	}
	pts := make([]orb.Point, 0, len(cs))
	for _, p := range cs {
		if r := lonLatReason(p.lon, p.lat); r != "" {
			c.fail(p.line, p.col, "%s", r)
			continue
		}
		pts = append(pts, orb.Point{p.lon, p.lat})
	}
	return pts
}

func (c *kmlConverter) ring(g *kmlGeom, cs []kmlCoord) orb.Ring {
	pts := c.points(&kmlGeom{}, cs)
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if distinct(pts) < 3 {
		c.fail(g.line, g.col, "a ring needs at least 3 different points, got %d", distinct(pts))
		return nil
	}
	return orb.Ring(append(pts, pts[0]))
}

func (c *kmlConverter) geometry(g *kmlGeom) orb.Geometry {
	n0 := len(c.problems)
	var out orb.Geometry
	switch g.kind {
	case "Point":
		pts := c.points(g, g.coords)
		if len(g.coords) != 1 && len(g.faults) == 0 {
			c.fail(g.line, g.col, "a Point needs exactly one coordinate, got %d", len(g.coords))
		} else if len(pts) == 1 {
			out = pts[0]
		}
	case "LineString", "LinearRing", "Track":
		pts := c.points(g, g.coords)
		if len(pts) < 2 && len(c.problems) == n0 {
			c.fail(g.line, g.col, "a %s needs at least 2 coordinates, got %d", g.kind, len(pts))
		}
		if g.kind == "LinearRing" && len(pts) > 0 && pts[0] != pts[len(pts)-1] {
			pts = append(pts, pts[0])
		}
		out = orb.LineString(pts)
	case "Polygon":
		for _, f := range g.faults {
			c.fail(f.line, f.col, "coordinate %q: %s", f.text, f.reason)
		}
		if len(g.rings) == 0 || len(g.rings[0]) == 0 {
			c.fail(g.line, g.col, "a Polygon needs an outerBoundaryIs ring")
			break
		}
		poly := orb.Polygon{}
		for _, r := range g.rings {
			poly = append(poly, c.ring(g, r))
		}
		out = poly
	case "MultiGeometry", "MultiTrack":
		var parts []orb.Geometry
		for _, p := range g.parts {
			if pg := c.geometry(p); pg != nil {
				parts = append(parts, flatten(pg)...)
			}
		}
		if len(parts) == 0 && len(c.problems) == n0 {
			c.fail(g.line, g.col, "an empty %s", g.kind)
		}
		out = multi(parts)
	}
	if len(c.problems) > n0 {
		return nil
	}
	return out
}

// flatten lists the members of a multi-geometry or collection, or g itself.
func flatten(g orb.Geometry) []orb.Geometry {
	var out []orb.Geometry
	switch t := g.(type) {
	case orb.MultiPoint:
		for _, p := range t {
			out = append(out, p)
		}
	case orb.MultiLineString:
		for _, l := range t {
			out = append(out, l)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			out = append(out, p)
		}
	case orb.Collection:
		for _, c := range t {
			out = append(out, flatten(c)...)
		}
	default:
		out = append(out, g)
	}
	return out
}

// multi makes the Multi* of parts that are all of one type, else a Collection.
func multi(parts []orb.Geometry) orb.Geometry {
	var mp orb.MultiPoint
	var ml orb.MultiLineString
	var mpoly orb.MultiPolygon
	for _, p := range parts {
		switch t := p.(type) {
		case orb.Point:
			mp = append(mp, t)
		case orb.LineString:
			ml = append(ml, t)
		case orb.Polygon:
			mpoly = append(mpoly, t)
		}
	}
	switch len(parts) {
	case len(mp):
		return mp
	case len(ml):
		return ml
	case len(mpoly):
		return mpoly
	}
	return orb.Collection(parts)
}

// distinct counts the different points of pts.
func distinct(pts []orb.Point) int {
	seen := make(map[orb.Point]bool, len(pts))
	for _, p := range pts {
		seen[p] = true
	}
	return len(seen)
}
