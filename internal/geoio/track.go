package geoio

import (
	"bufio"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// Track is a GPS track as recorded: segments of fixes and waypoints. Fixes
// keep their coordinates as the file gave them when they are numbers, even
// NaN, 0,0 or out of range: cleaning them, and saying so, is the caller's job.
type Track struct {
	Name      string
	Format    Format
	Encoding  string // character encoding declared or detected, e.g. "UTF-8", "ISO-8859-1"
	Segments  []Segment
	Waypoints []Waypoint
	HasTime   bool // at least one fix has a time
	// Zoned says some fix's time carried its own UTC offset ("+08:00") or
	// none, and was then read in TrackOptions.Location: such times are not
	// local times marked as UTC ('Z'), whatever the hour they give.
	Zoned bool
	Notes []string // things a user should know (points skipped, times ignored...)
}

// Fix is one recorded position.
type Fix struct {
	Lon, Lat float64
	Ele      float64   // NaN when absent
	Time     time.Time // zero when absent
}

// NoTime is Segment.T of a fix without a time.
const NoTime = math.MinInt64

// Segment is a run of fixes kept column by column: 32 bytes a fix and no
// pointers, so that the 2,000,000 fixes a track may have take 64 MB that the
// garbage collector need not scan (a slice of Fix, with its time.Time, took
// half as much again and a pointer a fix). The columns have the same length.
type Segment struct {
	XY  []orb.Point // longitude, latitude as the file gave them
	Ele []float64   // NaN when absent
	T   []int64     // Unix microseconds; NoTime when absent
}

// Len is the number of fixes.
func (s *Segment) Len() int { return len(s.XY) }

// Append adds a fix at the end; its time is kept to the microsecond.
func (s *Segment) Append(f Fix) {
	t := int64(NoTime)
	if !f.Time.IsZero() {
		t = f.Time.UnixMicro()
	}
	s.XY = append(s.XY, orb.Point{f.Lon, f.Lat})
	s.Ele = append(s.Ele, f.Ele)
	s.T = append(s.T, t)
}

// At is fix i.
func (s *Segment) At(i int) Fix {
	return Fix{Lon: s.XY[i][0], Lat: s.XY[i][1], Ele: s.Ele[i], Time: s.Time(i)}
}

// Time is the time of fix i, zero when it has none.
func (s *Segment) Time(i int) time.Time { return MicroTime(s.T[i]) }

// MicroTime is the time of Unix microseconds us in UTC, zero for NoTime.
func MicroTime(us int64) time.Time {
	if us == NoTime {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// Move copies fix i over fix j, for filtering in place.
func (s *Segment) Move(j, i int) {
	s.XY[j], s.Ele[j], s.T[j] = s.XY[i], s.Ele[i], s.T[i]
}

// Truncate keeps the first n fixes.
func (s *Segment) Truncate(n int) {
	s.XY, s.Ele, s.T = s.XY[:n], s.Ele[:n], s.T[:n]
}

// SegmentOf is a segment of the fixes fs.
func SegmentOf(fs ...Fix) Segment {
	s := Segment{XY: make([]orb.Point, 0, len(fs)), Ele: make([]float64, 0, len(fs)), T: make([]int64, 0, len(fs))}
	for _, f := range fs {
		s.Append(f)
	}
	return s
}

// Fixes lists the segment's fixes, for tests and small tracks.
func (s *Segment) Fixes() []Fix {
	out := make([]Fix, s.Len())
	for i := range out {
		out[i] = s.At(i)
	}
	return out
}

// Waypoint is a marked point: an observation, a place of interest.
type Waypoint struct {
	Lon, Lat float64
	Ele      float64 // NaN when absent
	Time     time.Time
	// As given: GPX name/desc/type/sym, KML name/description, TCX
	// CoursePoint Name/Notes/PointType, GeoJSON properties name/description/type/marker-symbol.
	Name, Desc, Type, Sym string
}

// Points counts the fixes of all segments.
func (t *Track) Points() int {
	n := 0
	for i := range t.Segments {
		n += t.Segments[i].Len()
	}
	return n
}

// TrackOptions bounds and tunes ReadTrack. Zero values take the defaults.
type TrackOptions struct {
	// MaxBytes is the most (uncompressed) bytes read; more is a 413.
	MaxBytes int64 // default 50 MiB
	// MaxPoints is the most fixes and waypoints read; more is a 413.
	MaxPoints int // default 2,000,000
	// MaxXMLDepth bounds element nesting in GPX, KML and TCX (and arrays in
	// GeoJSON); deeper is a 422.
	MaxXMLDepth int // default 64
	// MaxCompressionRatio refuses gzip and KMZ content that expands more than
	// this many times (a compression bomb), 413.
	MaxCompressionRatio float64 // default 100
	// Location is the zone of times written without one (CSV, GPX without
	// 'Z', KML); default UTC. Movebank CSV timestamps are UTC by definition
	// and are read as such.
	Location *time.Location
}

func (o TrackOptions) withDefaults() TrackOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultTrackMaxBytes
	}
	if o.MaxPoints <= 0 {
		o.MaxPoints = DefaultMaxPoints
	}
	if o.MaxXMLDepth <= 0 {
		o.MaxXMLDepth = DefaultMaxXMLDepth
	}
	if o.MaxCompressionRatio <= 0 {
		o.MaxCompressionRatio = DefaultMaxCompressionRatio
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return o
}

const trackFormats = "GPX 1.0/1.1, KML, KMZ, TCX, GeoJSON, CSV with longitude/latitude columns (each also gzip-compressed)"

// ReadTrack streams a track file and returns its segments and waypoints.
// name is the file name, used with the first bytes to detect the format (see
// DetectFormat); gzip-compressed files, known by their magic bytes, are
// decompressed transparently. The file is read once, front to back, and never
// held whole in memory, except a KMZ (a zip needs random access), which is
// held up to MaxBytes.
//
// Formats and what is taken from them:
//   - GPX 1.0 and 1.1: each trkseg is a segment; wpt are waypoints. Routes
//     (rte) are planned paths: they are used as segments only when the file
//     has no track, and their times (creation times, not passage times) are
//     dropped. Extensions and unknown elements are skipped.
//   - KML and KMZ: LineString (also inside MultiGeometry) and gx:Track with
//     when/gx:coord (also inside gx:MultiTrack) are segments; Point
//     placemarks are waypoints with the placemark's name, description and
//     TimeStamp.
//   - TCX: each Track of an Activity or Course is a segment; trackpoints
//     without a Position are skipped; CoursePoints are waypoints.
//   - GeoJSON: LineString and MultiLineString features are segments, with
//     times from properties.coordTimes or properties.times (arrays parallel
//     to the coordinates, as togeojson writes them); Point features are
//     waypoints.
//   - CSV: a fix per row, with longitude and latitude columns under their
//     common names (lon/lng/longitude/location-long/经度/x,
//     lat/latitude/location-lat/纬度/y), optional time (timestamp, time,
//     datetime, 时间...; text or Unix seconds/milliseconds) and elevation
//     columns; a track, individual or tag column starts a segment at each
//     change. See readTrackCSV.
//
// Bad points do not fail the file: a point whose coordinates are not numbers
// (lat="undefined") is skipped, an unreadable time or elevation is dropped
// from its point, and each is counted in a Note with the line of the first.
// Refused, as *problem.Error: an unknown format (415), malformed XML, JSON or
// CSV (400, with line and column), a file with no usable points (422),
// nesting deeper than MaxXMLDepth (422), and more than MaxBytes, MaxPoints or
// MaxCompressionRatio allow (413).
func ReadTrack(name string, r io.Reader, opts TrackOptions) (*Track, error) {
	return readTrack(name, r, opts, false)
}

// ReadTrackFile is ReadTrack on a file that can be read twice: GPX is read
// by the fast tokenizer (see fastXML) and, if that declines or the file has
// any fault, read again from the start by encoding/xml, so the answer, and
// every error, is ReadTrack's.
func ReadTrackFile(name string, f io.ReadSeeker, opts TrackOptions) (*Track, error) {
	t, err := readTrack(name, f, opts, true)
	if err == nil {
		return t, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rereading the file: %w", err)
	}
	return readTrack(name, f, opts, false)
}

// readTrack is ReadTrack, with GPX read by the fast tokenizer when fast.
func readTrack(name string, r io.Reader, opts TrackOptions, fast bool) (*Track, error) {
	opts = opts.withDefaults()
	raw := &countReader{r: r}
	br := bufio.NewReaderSize(&limitReader{r: raw, max: opts.MaxBytes, what: "the file"}, 64<<10)
	head, err := peek(br)
	if err != nil {
		return nil, err
	}
	format := DetectFormat(name, head)
	if format == FormatGzip {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, corruptGzip(err)
		}
		unzipped := &ratioReader{r: corruptErrors{zr, "corrupt-gzip", "the gzip-compressed file"}, in: raw, ratio: opts.MaxCompressionRatio, what: "the gzip-compressed file"}
		br = bufio.NewReaderSize(&limitReader{r: unzipped, max: opts.MaxBytes, what: "the uncompressed file"}, 64<<10)
		if head, err = peek(br); err != nil {
			return nil, err
		}
		name = strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(name), ".gz"), ".gzip")
		format = DetectFormat(name, head)
		if format == FormatGzip {
			return nil, unsupported("the file is gzip-compressed twice", trackFormats)
		}
	}
	b := &trackBuilder{t: &Track{Format: format}, opts: opts}
	switch format {
	case FormatGPX:
		x := newXMLScanner
		if fast {
			x = newFastXMLScanner
		}
		if sc := x(br, opts.MaxXMLDepth); sc != nil {
			err = readGPX(b, sc)
		} else {
			err = errFastDecline
		}
	case FormatKML:
		err = readKMLTrack(b, newXMLScanner(br, opts.MaxXMLDepth))
	case FormatTCX:
		err = readTCX(b, newXMLScanner(br, opts.MaxXMLDepth))
	case FormatKMZ, FormatZip:
		var kml *bufio.Reader
		if kml, err = openKMZ(br, opts.MaxBytes, opts.MaxCompressionRatio, trackFormats); err == nil {
			b.t.Format = FormatKMZ
			err = readKMLTrack(b, newXMLScanner(kml, opts.MaxXMLDepth))
		}
	case FormatGeoJSON:
		err = readGeoJSONTrack(b, br)
	case FormatCSV:
		err = readTrackCSV(b, br)
	case FormatXML:
		err = unknownXML(br, opts.MaxXMLDepth, trackFormats)
	case FormatWKT:
		err = unsupported("the file is WKT, which has no times or track structure", trackFormats)
	default:
		err = unsupported("the file's format is not recognised", trackFormats)
	}
	if err != nil {
		return nil, err
	}
	return b.finish()
}

// peek returns the first bytes of br for DetectFormat.
func peek(br *bufio.Reader) ([]byte, error) {
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		if _, ok := problem.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	return head, nil
}

// corruptErrors reports the errors of a decompressing reader (corrupt data)
// as a 400 problem of type typ.
type corruptErrors struct {
	r         io.Reader
	typ, what string
}

func (c corruptErrors) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		if _, ok := problem.As(err); !ok {
			err = problem.BadRequest(c.typ, fmt.Sprintf("%s is corrupt: %v", c.what, err))
		}
	}
	return n, err
}

func corruptGzip(err error) error {
	return problem.BadRequest("corrupt-gzip", "the gzip-compressed file is corrupt: "+err.Error())
}

// unknownXML explains an XML file of a vocabulary Warden does not read: a
// syntax error if it is malformed (found by reading until the root element),
// otherwise its root element.
func unknownXML(br *bufio.Reader, maxDepth int, accepted string) error {
	x := newXMLScanner(br, maxDepth)
	for {
		tok, err := x.next()
		if err == io.EOF {
			return unsupported("the file is XML without a root element", accepted)
		}
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.StartElement); ok {
			return unsupported(fmt.Sprintf("the file is XML with root element <%s>, not GPX, KML or TCX", qname(t.Name)), accepted)
		}
	}
}

// trackBuilder collects a track's points within the limits and tallies what
// had to be skipped.
type trackBuilder struct {
	t        *Track
	opts     TrackOptions
	n        int     // fixes and waypoints so far
	seg      Segment // the open segment
	badCoord tally   // points skipped: coordinates not numbers
	badTime  tally   // times dropped: unreadable
	badEle   tally   // elevations dropped: unreadable
	noPos    int     // TCX trackpoints without a position
}

// tally counts one kind of fault and remembers where it first happened.
type tally struct {
	n      int
	line   int
	sample string
}

func (t *tally) add(line int, sample string) {
	if t.n == 0 {
		t.line, t.sample = line, sample
	}
	t.n++
}

// plural writes n and a noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (t *tally) note(noun, rest string) string {
	if t.n == 0 {
		return ""
	}
	s := plural(t.n, noun) + " " + rest + " (first"
	if t.line > 0 {
		s += fmt.Sprintf(" at line %d", t.line)
	}
	if t.sample != "" {
		s += fmt.Sprintf(": %q", t.sample)
	}
	return s + ")"
}

func (b *trackBuilder) count() error {
	b.n++
	if b.n > b.opts.MaxPoints {
		return problem.TooLarge(fmt.Sprintf("the file has more than %d points, the limit", b.opts.MaxPoints))
	}
	return nil
}

// add appends a fix to the open segment.
func (b *trackBuilder) add(f Fix) error {
	if err := b.count(); err != nil {
		return err
	}
	if !f.Time.IsZero() && f.Time.Location() != time.UTC {
		b.t.Zoned = true
	}
	b.seg.Append(f)
	return nil
}

// addSegment adds a whole segment, read apart from the open one (which it
// closes), within the point limit.
func (b *trackBuilder) addSegment(s Segment) error {
	b.endSegment()
	b.n += s.Len()
	if b.n > b.opts.MaxPoints {
		return problem.TooLarge(fmt.Sprintf("the file has more than %d points, the limit", b.opts.MaxPoints))
	}
	if s.Len() > 0 {
		b.t.Segments = append(b.t.Segments, s)
	}
	return nil
}

// endSegment closes the open segment; an empty one is dropped.
func (b *trackBuilder) endSegment() {
	if b.seg.Len() > 0 {
		b.t.Segments = append(b.t.Segments, b.seg)
	}
	b.seg = Segment{}
}

func (b *trackBuilder) waypoint(w Waypoint) error {
	if err := b.count(); err != nil {
		return err
	}
	b.t.Waypoints = append(b.t.Waypoints, w)
	return nil
}

func (b *trackBuilder) note(format string, args ...any) {
	b.t.Notes = append(b.t.Notes, fmt.Sprintf(format, args...))
}

// coord reads a coordinate given as text; ok is false for text that is not a
// number (numbers such as NaN or 999 are returned as they are).
func coord(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true // ±Inf: a number, out of any range
		}
		return 0, false
	}
	return f, true
}

// ele reads an elevation; empty text is an absent elevation, unreadable text
// is counted.
func (b *trackBuilder) ele(s string, line int) float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		b.badEle.add(line, s)
		return math.NaN()
	}
	return f
}

// time reads a timestamp; empty text is an absent time, unreadable text is
// counted.
func (b *trackBuilder) time(s string, line int) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := ParseTime(s, b.opts.Location)
	if err != nil {
		b.badTime.add(line, s)
		return time.Time{}
	}
	return t
}

// finish checks the track has points and writes the notes.
func (b *trackBuilder) finish() (*Track, error) {
	b.endSegment()
	t := b.t
	for _, s := range []string{
		b.badCoord.note("point", "with unreadable coordinates skipped"),
		b.badTime.note("unreadable time", "ignored, the points kept without a time"),
		b.badEle.note("unreadable elevation", "ignored"),
	} {
		if s != "" {
			t.Notes = append(t.Notes, s)
		}
	}
	if b.noPos > 0 {
		b.note("%s without a position (pauses, sensor-only samples) skipped", plural(b.noPos, "trackpoint"))
	}
	if t.Encoding == "" {
		t.Encoding = "UTF-8"
	}
	for _, s := range t.Segments {
		if slices.ContainsFunc(s.T, func(us int64) bool { return us != NoTime }) {
			t.HasTime = true
			break
		}
	}
	if len(t.Segments) == 0 && len(t.Waypoints) == 0 {
		reason := "the file has no track points"
		if b.badCoord.n > 0 {
			reason = "the file has no usable track points"
		}
		if len(t.Notes) > 0 {
			reason += ": " + strings.Join(t.Notes, "; ")
		}
		return nil, problem.Invalid("no-track-points", reason, problem.Detail{Line: b.badCoord.line, Reason: reason})
	}
	if len(t.Segments) == 0 {
		b.note("the file has waypoints but no track")
	} else if !t.HasTime {
		b.note("the track has no times: durations and speeds are unknown")
	}
	return t, nil
}
