package geoio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"warden/internal/problem"
)

// The GeoJSON track reader streams with encoding/json's tokenizer, one
// feature at a time, instead of using DecodeGeoJSON: that one holds the whole
// document as a tree (several times the file's size) and drops elevations,
// and a track needs both bounded memory and elevations, plus the times that
// togeojson-style files keep beside the coordinates in properties.coordTimes.

// gjObject is a GeoJSON object as streamed: what the track reader needs.
type gjObject struct {
	typ        string
	geometry   *gjObject
	geometries []*gjObject
	coords     *gjCoords // coordinates that are a list
	point      *Fix      // coordinates that are one position
	props      map[string]any
	line       int
}

// gjCoords is a coordinates array: a list of positions (fixes, with the
// indexes of those that were not numbers in bad), or a list of such lists.
// The fixes are kept as the segment they become, so that a long line is
// neither held as structs nor copied.
type gjCoords struct {
	fixes Segment
	bad   []int // indexes (among all positions of this list) of unreadable ones
	kids  []*gjCoords
	line  int
}

type jsonStream struct {
	dec      *json.Decoder
	lines    *lineTracker
	maxDepth int
	b        *trackBuilder
	polygons int
}

func readGeoJSONTrack(b *trackBuilder, br *bufio.Reader) error {
	r, enc := textReader(br)
	b.t.Encoding = enc
	lt := &lineTracker{r: r}
	s := &jsonStream{dec: json.NewDecoder(lt), lines: lt, maxDepth: b.opts.MaxXMLDepth, b: b}
	s.dec.UseNumber()
	tok, err := s.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return s.invalid("a GeoJSON document must be an object")
	}
	top, err := s.object(1, true)
	if err != nil {
		return err
	}
	if _, err := s.dec.Token(); err != io.EOF {
		return s.syntax(errors.New("unexpected data after the top-level value"))
	}
	switch top.typ {
	case "FeatureCollection":
	case "Feature":
		if err := s.feature(top); err != nil {
			return err
		}
	default:
		if err := s.geometry(top, nil, nil); err != nil {
			return err
		}
	}
	if b.t.Name == "" {
		b.t.Name = propString(top.props, "name")
	}
	if s.polygons > 0 {
		b.note("%s ignored: areas are not tracks", plural(s.polygons, "polygon"))
	}
	return nil
}

// object reads the members of an object whose '{' was read. Features of a
// "features" array are handed to feature as they are read (when stream is
// set, at the top level), so a collection is never held whole.
func (s *jsonStream) object(depth int, stream bool) (*gjObject, error) {
	o := &gjObject{line: s.line()}
	for {
		tok, err := s.token()
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return o, nil
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			tok, err := s.token()
			if err != nil {
				return nil, err
			}
			o.typ, _ = tok.(string)
			if _, ok := tok.(json.Delim); ok {
				return nil, s.invalid(`"type" must be a string`)
			}
		case "features":
			if err := s.array(depth, func() error {
				f, err := s.objectValue(depth + 1)
				if err != nil || f == nil {
					return err
				}
				if stream {
					return s.feature(f)
				}
				return nil
			}); err != nil {
				return nil, err
			}
		case "geometry":
			g, err := s.objectValue(depth + 1)
			if err != nil {
				return nil, err
			}
			o.geometry = g
		case "geometries":
			if err := s.array(depth, func() error {
				g, err := s.objectValue(depth + 1)
				if g != nil {
					o.geometries = append(o.geometries, g)
				}
				return err
			}); err != nil {
				return nil, err
			}
		case "coordinates":
			tok, err := s.token()
			if err != nil {
				return nil, err
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return nil, s.invalid(`"coordinates" must be an array`)
			}
			c, f, pos, ok, err := s.coords(depth + 1)
			switch {
			case err != nil:
				return nil, err
			case !pos:
				o.coords = c
			case ok:
				o.point = &f
			default:
				s.b.badCoord.add(s.line(), "")
			}
		case "properties":
			v, err := s.value(depth + 1)
			if err != nil {
				return nil, err
			}
			o.props, _ = v.(map[string]any)
		default:
			if _, err := s.value(depth + 1); err != nil {
				return nil, err
			}
		}
	}
}

// objectValue reads a value that should be an object (or null, returned as nil).
func (s *jsonStream) objectValue(depth int) (*gjObject, error) {
	if depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	tok, err := s.token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return nil, nil
	case json.Delim:
		if t == '{' {
			return s.object(depth, false)
		}
	}
	return nil, s.invalid("expected a GeoJSON object")
}

// array reads an array, calling elem for each element.
func (s *jsonStream) array(depth int, elem func() error) error {
	tok, err := s.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return s.invalid("expected an array")
	}
	for s.dec.More() {
		if err := elem(); err != nil {
			return err
		}
	}
	_, err = s.token()
	return err
}

// coords reads a coordinates array whose '[' was read. It returns the list
// it is or, for a position, the fix and whether the position was 2 or 3
// numbers (ok). Unreadable positions in a list are counted and left out.
func (s *jsonStream) coords(depth int) (list *gjCoords, fix Fix, isPos, ok bool, err error) {
	if depth > s.maxDepth {
		return nil, fix, false, false, s.tooDeep()
	}
	var nums []float64
	posOK := true
	n := 0 // positions read into list
	for {
		tok, err := s.token()
		if err != nil {
			return nil, fix, false, false, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case ']':
				if isPos {
					if !posOK || list != nil || len(nums) < 2 || len(nums) > 3 {
						return nil, fix, true, false, nil
					}
					fix = Fix{Lon: nums[0], Lat: nums[1], Ele: math.NaN()}
					if len(nums) == 3 {
						fix.Ele = nums[2]
					}
					return nil, fix, true, true, nil
				}
				if list == nil {
					list = &gjCoords{line: s.line()}
				}
				return list, fix, false, false, nil
			case '[':
				if list == nil {
					list = &gjCoords{line: s.line()}
				}
				kid, f, pos, good, err := s.coords(depth + 1)
				if err != nil {
					return nil, fix, false, false, err
				}
				switch {
				case !pos:
					list.kids = append(list.kids, kid)
				case good:
					list.fixes.Append(f)
					n++
				default:
					list.bad = append(list.bad, n)
					s.b.badCoord.add(s.line(), "")
					n++
				}
			case '{':
				if err := s.skipRest(depth + 1); err != nil {
					return nil, fix, false, false, err
				}
				isPos, posOK = true, false
			}
		case json.Number:
			isPos = true
			v, good := coord(t.String())
			posOK = posOK && good
			nums = append(nums, v)
		default:
			isPos, posOK = true, false
		}
	}
}

// feature interprets a Feature.
func (s *jsonStream) feature(f *gjObject) error {
	if s.b.t.Name == "" {
		s.b.t.Name = propString(f.props, "name")
	}
	if f.geometry == nil {
		return nil
	}
	return s.geometry(f.geometry, f.props, nil)
}

// geometry interprets a geometry with its feature's properties: lines are
// segments (timed by coordTimes or times), points waypoints. times, when not
// nil, are the times for this geometry taken from a parent's array.
func (s *jsonStream) geometry(g *gjObject, props map[string]any, times []any) error {
	b := s.b
	switch g.typ {
	case "LineString":
		if times == nil {
			times = timesProp(props)
		}
		return s.segment(g.coords, times, g.line)
	case "MultiLineString":
		all := timesProp(props)
		if g.coords == nil {
			return nil
		}
		if all != nil && len(all) != len(g.coords.kids) {
			b.note("a MultiLineString at line %d has %d lines and %d time arrays: its times are ignored", g.line, len(g.coords.kids), len(all))
			all = nil
		}
		for i, line := range g.coords.kids {
			var ts []any
			if all != nil {
				ts, _ = all[i].([]any)
				if ts == nil {
					ts = []any{}
				}
			}
			if err := s.segment(line, ts, line.line); err != nil {
				return err
			}
		}
	case "Point":
		if g.point != nil {
			return s.waypoint(*g.point, props)
		}
	case "MultiPoint":
		if g.coords != nil {
			for i := range g.coords.fixes.Len() {
				if err := s.waypoint(g.coords.fixes.At(i), props); err != nil {
					return err
				}
			}
		}
	case "GeometryCollection":
		for _, c := range g.geometries {
			if err := s.geometry(c, props, nil); err != nil {
				return err
			}
		}
	case "Polygon", "MultiPolygon":
		s.polygons++
	case "":
		return s.invalidAt(g.line, `an object without a "type" member is not GeoJSON`)
	default:
		return s.invalidAt(g.line, fmt.Sprintf("unknown GeoJSON type %q", g.typ))
	}
	return nil
}

// segment adds a line's positions as a segment, timed by times (a parallel
// array) when its length matches.
func (s *jsonStream) segment(c *gjCoords, times []any, line int) error {
	b := s.b
	if c == nil {
		return nil
	}
	if len(c.kids) > 0 {
		return s.invalidAt(c.line, "a LineString's coordinates must be an array of positions")
	}
	seg := c.fixes
	c.fixes = Segment{}
	total := seg.Len() + len(c.bad)
	if times != nil && len(times) != total {
		b.note("a line at line %d has %d positions and %d times: its times are ignored", line, total, len(times))
		times = nil
	}
	fi, bi := 0, 0
	for i := 0; i < total; i++ {
		if bi < len(c.bad) && c.bad[bi] == i {
			bi++ // an unreadable position (counted already) and its time
			continue
		}
		if times != nil {
			if t := s.jsonTime(times[i], line); !t.IsZero() {
				seg.T[fi] = t.UnixMicro()
			}
		}
		fi++
	}
	return b.addSegment(seg)
}

// jsonTime reads a time from a times array: a string, or a Unix time in
// seconds or milliseconds.
func (s *jsonStream) jsonTime(v any, line int) time.Time {
	switch t := v.(type) {
	case string:
		return s.b.time(t, line)
	case float64:
		if tm, ok := epochTime(t); ok {
			return tm
		}
		s.b.badTime.add(line, fmt.Sprint(t))
	case nil:
	default:
		s.b.badTime.add(line, fmt.Sprint(t))
	}
	return time.Time{}
}

// waypoint adds a Point feature as a waypoint, with what its properties say
// (the simplestyle names togeojson and geojson.io use).
func (s *jsonStream) waypoint(f Fix, props map[string]any) error {
	w := Waypoint{Lon: f.Lon, Lat: f.Lat, Ele: f.Ele,
		Name: firstProp(props, "name", "title"),
		Desc: firstProp(props, "description", "desc"),
		Type: firstProp(props, "type", "category"),
		Sym:  firstProp(props, "marker-symbol", "sym"),
	}
	if t := firstProp(props, "time", "timestamp", "when"); t != "" {
		w.Time = s.b.time(t, 0)
	}
	return s.b.waypoint(w)
}

// timesProp returns the coordTimes or times array of a feature's properties.
func timesProp(props map[string]any) []any {
	for _, k := range []string{"coordTimes", "times"} {
		if a, ok := props[k].([]any); ok {
			return a
		}
	}
	return nil
}

func propString(props map[string]any, key string) string {
	s, _ := props[key].(string)
	return strings.TrimSpace(s)
}

func firstProp(props map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := propString(props, k); s != "" {
			return s
		}
	}
	return ""
}

// value reads any JSON value into plain Go values (objects as
// map[string]any, numbers as float64), within the depth limit.
func (s *jsonStream) value(depth int) (any, error) {
	if depth > s.maxDepth {
		return nil, s.tooDeep()
	}
	tok, err := s.token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := map[string]any{}
			for s.dec.More() {
				kt, err := s.token()
				if err != nil {
					return nil, err
				}
				v, err := s.value(depth + 1)
				if err != nil {
					return nil, err
				}
				m[kt.(string)] = v
			}
			_, err := s.token()
			return m, err
		case '[':
			a := []any{}
			for s.dec.More() {
				v, err := s.value(depth + 1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := s.token()
			return a, err
		}
		return nil, s.syntax(fmt.Errorf("unexpected %q", t))
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String(), nil
		}
		return f, nil
	}
	return tok, nil
}

// skipRest reads past the end of the object or array just opened.
func (s *jsonStream) skipRest(depth int) error {
	for s.dec.More() {
		if _, err := s.value(depth); err != nil {
			return err
		}
	}
	_, err := s.token()
	return err
}

// token reads the next token; errors become problems with a line and column.
func (s *jsonStream) token() (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		if _, ok := problem.As(err); ok {
			return nil, err
		}
		return nil, s.syntax(err)
	}
	return tok, nil
}

func (s *jsonStream) line() int {
	l, _ := s.lines.pos(s.dec.InputOffset())
	return l
}

func (s *jsonStream) syntax(err error) error {
	off := s.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	msg := err.Error()
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of input"
		off = s.lines.end()
	}
	line, col := s.lines.pos(off)
	return problem.BadRequest("malformed-json", fmt.Sprintf("the file is not valid JSON: line %d, column %d: %s", line, col, msg),
		problem.Detail{Line: line, Column: col, Reason: msg})
}

func (s *jsonStream) invalid(reason string) error { return s.invalidAt(s.line(), reason) }

func (s *jsonStream) invalidAt(line int, reason string) error {
	return problem.Invalid("invalid-geojson", fmt.Sprintf("the file is not a GeoJSON track: line %d: %s", line, reason),
		problem.Detail{Line: line, Reason: reason})
}

func (s *jsonStream) tooDeep() error {
	line := s.line()
	reason := fmt.Sprintf("arrays and objects are nested more than %d deep", s.maxDepth)
	return problem.Invalid("json-too-deep", reason, problem.Detail{Line: line, Reason: reason})
}

// lineTracker passes a stream through and keeps enough of it to turn a byte
// offset near the read position (where a streaming decoder reports errors)
// into a line and column, without holding the whole stream.
type lineTracker struct {
	r        io.Reader
	buf      []byte // the last bytes read
	base     int64  // offset of buf[0]
	baseLine int    // newlines before base
	lastNL   int64  // offset just after the last newline before base
	err      error  // the reader's last error other than io.EOF
}

const lineWindow = 64 << 10

func (l *lineTracker) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if err != nil && err != io.EOF {
		l.err = err
	}
	l.buf = append(l.buf, p[:n]...)
	if len(l.buf) > 2*lineWindow {
		drop := l.buf[:len(l.buf)-lineWindow]
		l.baseLine += bytes.Count(drop, []byte{'\n'})
		if i := bytes.LastIndexByte(drop, '\n'); i >= 0 {
			l.lastNL = l.base + int64(i) + 1
		}
		l.base += int64(len(drop))
		l.buf = append(l.buf[:0], l.buf[len(drop):]...)
	}
	return n, err
}

// pos returns the 1-based line and column of offset off; 0, 0 if it is no
// longer known.
func (l *lineTracker) pos(off int64) (int, int) {
	if off < l.base {
		return 0, 0
	}
	i := min(off-l.base, int64(len(l.buf)))
	before := l.buf[:i]
	line := l.baseLine + bytes.Count(before, []byte{'\n'}) + 1
	start := l.lastNL
	if j := bytes.LastIndexByte(before, '\n'); j >= 0 {
		start = l.base + int64(j) + 1
	}
	return line, int(l.base+i-start) + 1
}

// runeCol returns the 1-based column, in characters, of the byte at offset
// off; 0 if its line began before the bytes kept.
func (l *lineTracker) runeCol(off int64) int {
	if off < l.base {
		return 0
	}
	before := l.buf[:min(off-l.base, int64(len(l.buf)))]
	j := bytes.LastIndexByte(before, '\n')
	if j < 0 && l.lastNL != l.base {
		return 0
	}
	return utf8.RuneCount(before[j+1:]) + 1
}

// end is the offset of the end of what was read.
func (l *lineTracker) end() int64 { return l.base + int64(len(l.buf)) }
