package geoio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"warden/internal/problem"
)

// column is the role of a CSV column.
type column int

const (
	colLon      column = iota
	colLat             // latitude
	colX               // "X": easting or northing, by convention
	colY               // "Y"
	colNorthing        // explicitly the northing (纵坐标, X in Chinese surveys)
	colEasting         // explicitly the easting (横坐标, Y in Chinese surveys)
	colTime
	colDate // a date column to join with a time-of-day column
	colEle
	colGroup   // a track, individual or tag (tracks), a part or parcel (footprints)
	colPoint   // a point number
	colVisible // Movebank: false marks an outlier
	colOutlier // Movebank: manually-marked-outlier true
	numColumns
)

// columnAliases lists, per role and in order of preference, the header names
// understood, normalised by normalizeHeader (lower case, units in brackets
// dropped, only letters and digits kept: "location-long" is "locationlong").
var columnAliases = [numColumns][]string{
	colLon:      {"lon", "lng", "long", "longitude", "locationlong", "gpslongitude", "经度", "gps经度", "东经", "大地经度", "l"},
	colLat:      {"lat", "latitude", "locationlat", "gpslatitude", "纬度", "gps纬度", "北纬", "大地纬度", "b"},
	colX:        {"x", "x坐标", "坐标x", "xcoord", "pointx"},
	colY:        {"y", "y坐标", "坐标y", "ycoord", "pointy"},
	colNorthing: {"northing", "north", "纵坐标", "纵坐标x", "x纵坐标", "北坐标", "x北", "北"},
	colEasting:  {"easting", "east", "横坐标", "横坐标y", "y横坐标", "东坐标", "y东", "东"},
	colTime:     {"timestamp", "time", "datetime", "gpstime", "utctime", "timeutc", "utc", "localtime", "devicetime", "时间", "定位时间", "采集时间", "日期时间", "记录时间", "gps时间", "时间戳"},
	colDate:     {"date", "gpsdate", "utcdate", "日期"},
	colEle:      {"ele", "elevation", "alt", "altitude", "height", "heightabovemsl", "heightaboveellipsoid", "elevationm", "altitudem", "高程", "海拔", "高度", "海拔高度"},
	colGroup:    {"individuallocalidentifier", "taglocalidentifier", "trackid", "track", "segment", "segmentid", "trip", "tripid", "轨迹", "轨迹编号", "轨迹id", "part", "ring", "polygon", "parcel", "地块", "地块号", "地块编号", "图斑", "图斑编号", "块号", "圈号"},
	colPoint:    {"点号", "点名", "序号", "编号", "界址点号", "界桩号", "拐点", "拐点编号", "拐点号", "no", "id", "pt", "point", "pointid", "pointno", "name", "fid", "桩号"},
	colVisible:  {"visible"},
	colOutlier:  {"manuallymarkedoutlier"},
}

// normalizeHeader reduces a header name for matching: "Longitude [deg]" and
// "longitude" match, as do "经度(°)" and "经度", "location-long" and
// "locationlong".
func normalizeHeader(h string) string {
	h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "\ufeff"))
	if i := strings.IndexAny(h, "([（【"); i > 0 {
		h = h[:i]
	}
	var b strings.Builder
	for _, r := range h {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// columnRoles finds, for every role, the header column that has it (-1 when
// none): the column whose name comes earliest in the role's aliases, and of
// equals the leftmost.
func columnRoles(header []string) [numColumns]int {
	var cols [numColumns]int
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = normalizeHeader(h)
	}
	for role, aliases := range columnAliases {
		cols[role] = -1
	find:
		for _, a := range aliases {
			for i, n := range norm {
				if n == a {
					cols[role] = i
					break find
				}
			}
		}
	}
	return cols
}

// knownHeader reports whether a header row names a coordinate pair.
func knownHeader(fields []string) bool {
	c := columnRoles(fields)
	return c[colLon] >= 0 && c[colLat] >= 0 || c[colX] >= 0 && c[colY] >= 0 || c[colNorthing] >= 0 && c[colEasting] >= 0
}

// sniffDelimiter picks the delimiter of a CSV header line: the commonest of
// comma, full-width comma (as Chinese input methods type it), tab, semicolon
// and bar outside quotes, or 0 (white space) if none.
func sniffDelimiter(line string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch r {
		case '"':
			quoted = !quoted
		case ',', '，', '\t', ';', '|':
			if !quoted {
				counts[r]++
			}
		}
	}
	best, n := rune(0), 0
	for _, r := range []rune{',', '，', '\t', ';', '|'} {
		if counts[r] > n {
			best, n = r, counts[r]
		}
	}
	return best
}

// splitLine splits a line by delim, or by white space when delim is 0; for
// sniffing, so quotes are not interpreted.
func splitLine(line string, delim rune) []string {
	if delim == 0 {
		return strings.Fields(line)
	}
	return strings.Split(line, string(delim))
}

// parseNumber reads a finite decimal number.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// parseDegrees reads an angle as coordinate tables write it: decimal degrees
// ("116.391", NaN and such numbers included), or degrees, minutes and seconds
// ("116°23'27.6\"", "116°23′27.6″", "116度23分27.6秒", "116:23:27.6"), with an
// optional hemisphere letter before or after (N, S, E, W; S and W negative).
func parseDegrees(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if f, ok := coord(s); ok && s != "" {
		return f, true
	}
	sign := 1.0
	if s != "" {
		switch unicode.ToUpper(rune(s[0])) {
		case 'N', 'E':
			s = strings.TrimSpace(s[1:])
		case 'S', 'W':
			s, sign = strings.TrimSpace(s[1:]), -1
		}
	}
	if s != "" {
		switch unicode.ToUpper(rune(s[len(s)-1])) {
		case 'N', 'E':
			s = strings.TrimSpace(s[:len(s)-1])
		case 'S', 'W':
			s, sign = strings.TrimSpace(s[:len(s)-1]), -sign
		}
	}
	if strings.HasPrefix(s, "-") {
		s, sign = s[1:], -sign
	}
	if f, ok := parseNumber(s); ok && f >= 0 {
		return sign * f, true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("°'\"′″’”:度分秒 ", r)
	})
	if len(parts) == 0 || len(parts) > 3 || len(parts) == 1 && parts[0] == s {
		return 0, false
	}
	var v [3]float64
	for i, p := range parts {
		f, ok := parseNumber(p)
		if !ok || f < 0 || (i > 0 && f >= 60) {
			return 0, false
		}
		v[i] = f
	}
	return sign * (v[0] + v[1]/60 + v[2]/3600), true
}

// readTrackCSV reads a CSV track: one fix per row, with longitude and latitude
// columns (lon, lng, longitude, location-long, 经度, or x; lat, latitude,
// location-lat, 纬度, or y; decimal degrees or degrees-minutes-seconds), and
// optionally a time (timestamp, time, datetime, 时间...: text, or Unix seconds
// or milliseconds; a separate date column is joined to a time of day), an
// elevation (ele, altitude, height-above-msl, 高程...) and a track, individual
// or tag column (individual-local-identifier, track, segment...) whose changes
// start new segments. The delimiter is found from the header (comma, tab,
// semicolon, bar). Movebank files (location-long, location-lat) have UTC
// timestamps, and rows they mark as outliers are skipped.
func readTrackCSV(b *trackBuilder, br *bufio.Reader) error {
	cr, err := openTrackCSV(b, br)
	if err != nil {
		return err
	}
	header, err := cr.Read()
	if err == io.EOF {
		return problem.Invalid("no-track-points", "no track points: the CSV file is empty")
	}
	if err != nil {
		return csvError(err)
	}
	header = append([]string(nil), header...)
	c, err := trackColumnsOf(header, b.opts.Location)
	if err != nil {
		return err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := c.row(b, rec, line); err != nil {
			return err
		}
	}
	if c.empty > 0 {
		b.note("%s without coordinates skipped (first at line %d)", plural(c.empty, "row"), c.emptyLine)
	}
	if c.outliers > 0 {
		b.note("%s marked as outliers (visible=false or manually-marked-outlier) skipped (first at line %d)", plural(c.outliers, "row"), c.outLine)
	}
	if c.groups > 1 {
		b.note("the file holds %d runs of column %q (tracks, individuals or tags): each is a segment", c.groups, strings.TrimSpace(header[c.groupI]))
	}
	if c.movebank && c.timeI >= 0 && b.opts.Location != time.UTC {
		b.note("Movebank timestamps are UTC by definition and were read as such")
	}
	return nil
}

// openTrackCSV decodes the file's text and reads it as CSV with the
// delimiter its first line uses (comma by default).
func openTrackCSV(b *trackBuilder, br *bufio.Reader) (*csv.Reader, error) {
	r, enc := textReader(br)
	b.t.Encoding = enc
	tr := bufio.NewReaderSize(r, 64<<10)
	head, err := peek(tr)
	if err != nil {
		return nil, err
	}
	first, _, _ := strings.Cut(string(head), "\n")
	delim := sniffDelimiter(first)
	if delim == 0 {
		delim = ','
	}
	cr := csv.NewReader(tr)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	return cr, nil
}

// trackColumns are where a CSV track's values are, how its times are read,
// and what its rows skipped so far.
type trackColumns struct {
	cols                                   [numColumns]int
	lonI, latI, timeI, dateI, eleI, groupI int
	movebank                               bool
	loc                                    *time.Location
	group                                  string
	groups                                 int
	empty, outliers                        int
	emptyLine, outLine                     int
}

// trackColumnsOf finds the columns in the header; times without a zone are
// in loc, but Movebank's are UTC.
func trackColumnsOf(header []string, loc *time.Location) (*trackColumns, error) {
	c := &trackColumns{cols: columnRoles(header), loc: loc}
	c.lonI, c.latI = c.cols[colLon], c.cols[colLat]
	if c.lonI < 0 || c.latI < 0 {
		c.lonI, c.latI = c.cols[colX], c.cols[colY]
	}
	if c.lonI < 0 || c.latI < 0 {
		return nil, noCoordinateColumns(header, "lon, lng, longitude, location-long, 经度 or x", "lat, latitude, location-lat, 纬度 or y")
	}
	c.movebank = normalizeHeader(header[c.lonI]) == "locationlong"
	if c.movebank {
		c.loc = time.UTC
	}
	c.timeI, c.dateI, c.eleI, c.groupI = c.cols[colTime], c.cols[colDate], c.cols[colEle], c.cols[colGroup]
	if c.timeI < 0 && c.dateI >= 0 {
		c.timeI, c.dateI = c.dateI, -1 // a lone "date" column may hold date and time
	}
	return c, nil
}

// row adds the fix of one row at line, or counts why it is skipped.
func (c *trackColumns) row(b *trackBuilder, rec []string, line int) error {
	get := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	if strings.EqualFold(get(c.cols[colVisible]), "false") || strings.EqualFold(get(c.cols[colOutlier]), "true") {
		if c.outliers == 0 {
			c.outLine = line
		}
		c.outliers++
		return nil
	}
	if c.groupI >= 0 {
		if g := get(c.groupI); c.groups == 0 || g != c.group {
			b.endSegment()
			c.group = g
			c.groups++
		}
	}
	lonS, latS := get(c.lonI), get(c.latI)
	if lonS == "" && latS == "" {
		if c.empty == 0 {
			c.emptyLine = line
		}
		c.empty++
		return nil
	}
	lon, okLon := parseDegrees(lonS)
	lat, okLat := parseDegrees(latS)
	if !okLon || !okLat {
		b.badCoord.add(line, lonS+","+latS)
		return nil
	}
	f := Fix{Lon: lon, Lat: lat, Ele: math.NaN()}
	if c.eleI >= 0 {
		f.Ele = b.ele(get(c.eleI), line)
	}
	if ts := get(c.timeI); ts != "" {
		if c.dateI >= 0 && !strings.ContainsAny(ts, "-/") {
			ts = get(c.dateI) + " " + ts
		}
		t, ok := csvTime(ts, c.loc)
		if !ok {
			b.badTime.add(line, ts)
		}
		f.Time = t
	}
	return b.add(f)
}

// csvTime reads a CSV time: a Unix time when the text is a plain number,
// otherwise ParseTime.
func csvTime(s string, loc *time.Location) (time.Time, bool) {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return parseEpoch(s)
	}
	t, err := ParseTime(s, loc)
	return t, err == nil
}

func csvError(err error) error {
	if _, ok := problem.As(err); ok {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := pe.Err.Error()
		return problem.BadRequest("malformed-csv", fmt.Sprintf("the file is not valid CSV: line %d, column %d: %s", pe.Line, pe.Column, reason),
			problem.Detail{Line: pe.Line, Column: pe.Column, Reason: reason})
	}
	return fmt.Errorf("reading the file: %w", err)
}

func noCoordinateColumns(header []string, lon, lat string) error {
	got := make([]string, 0, len(header))
	for _, h := range header {
		got = append(got, strconv.Quote(strings.TrimSpace(h)))
		if len(got) == 20 {
			got = append(got, "...")
			break
		}
	}
	reason := fmt.Sprintf("the CSV header has no coordinate columns: looked for a longitude (%s) and a latitude (%s); the header is %s",
		lon, lat, strings.Join(got, ", "))
	return problem.Invalid("no-coordinate-columns", reason, problem.Detail{Line: 1, Reason: reason})
}
