package geoio_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"warden/internal/geoio"
	"warden/internal/problem/problemtest"
)

func readTrack(t *testing.T, name, content string, opts geoio.TrackOptions) (*geoio.Track, error) {
	t.Helper()
	return geoio.ReadTrack(name, strings.NewReader(content), opts)
}

func mustTrack(t *testing.T, name, content string, opts geoio.TrackOptions) *geoio.Track {
	t.Helper()
	tr, err := readTrack(t, name, content, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func hasNote(tr *geoio.Track, fragment string) bool {
	for _, n := range tr.Notes {
		if strings.Contains(n, fragment) {
			return true
		}
	}
	return false
}

const gpx11 = `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
  <metadata><name>Patrol 7</name><time>2024-05-01T00:00:00Z</time></metadata>
  <wpt lat="31.5" lon="88.25"><ele>4800</ele><time>2024-05-01T08:30:00+08:00</time>
    <name>Snare</name><desc>wire snare at the fence</desc><type>poaching</type><sym>Flag</sym></wpt>
  <trk><name>morning</name>
    <trkseg>
      <trkpt lat="31.1" lon="88.1"><ele>4700.5</ele><time>2024-05-01T01:00:00Z</time>
        <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>120</gpxtpx:hr><ele>1</ele><time>bogus</time></gpxtpx:TrackPointExtension></extensions>
      </trkpt>
      <trkpt lat="31.2" lon="88.2"><ele>4701</ele><time>2024-05-01 01:00:10</time></trkpt>
    </trkseg>
    <trkseg></trkseg>
    <trkseg>
      <trkpt lat="31.3" lon="88.3"/>
    </trkseg>
  </trk>
  <trk><trkseg><trkpt lat="31.4" lon="88.4"><time>2024-05-01T02:00:00.250Z</time></trkpt></trkseg></trk>
  <extensions><anything><deep>x</deep></anything></extensions>
</gpx>`

func TestReadTrackGPX(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	tr := mustTrack(t, "a.gpx", gpx11, geoio.TrackOptions{Location: cst})
	if tr.Name != "Patrol 7" || tr.Format != geoio.FormatGPX || len(tr.Segments) != 3 || tr.Points() != 4 || !tr.HasTime {
		t.Fatalf("got %+v", tr)
	}
	f := tr.Segments[0].At(0)
	if f.Lon != 88.1 || f.Lat != 31.1 || f.Ele != 4700.5 || !f.Time.Equal(time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("first fix %+v (extension elements must not override ele/time)", f)
	}
	// No zone: read in the Location option.
	if got := tr.Segments[0].At(1).Time; !got.Equal(time.Date(2024, 5, 1, 1, 0, 10, 0, cst)) {
		t.Fatalf("zone-less time %v", got)
	}
	if p := tr.Segments[1].At(0); !math.IsNaN(p.Ele) || !p.Time.IsZero() {
		t.Fatalf("a point without ele/time: %+v", p)
	}
	if ms := tr.Segments[2].At(0).Time.Nanosecond(); ms != 250_000_000 {
		t.Fatalf("fraction %d", ms)
	}
	w := tr.Waypoints[0]
	if w.Name != "Snare" || w.Desc != "wire snare at the fence" || w.Type != "poaching" || w.Sym != "Flag" || w.Ele != 4800 ||
		!w.Time.Equal(time.Date(2024, 5, 1, 0, 30, 0, 0, time.UTC)) {
		t.Fatalf("waypoint %+v", w)
	}
	if len(tr.Notes) != 0 {
		t.Fatalf("notes %q", tr.Notes)
	}
}

func TestReadTrackGPXBadPoints(t *testing.T) {
	doc := `<gpx version="1.0"><name>v1.0 name</name><trk><trkseg>
<trkpt lat="undefined" lon="undefined"/>
<trkpt lat="NaN" lon="999"><ele>bad data</ele><time>yesterday</time></trkpt>
<trkpt lat="0" lon="0"><ele></ele></trkpt>
<trkpt lon="1"/>
</trkseg></trk></gpx>`
	tr := mustTrack(t, "x.gpx", doc, geoio.TrackOptions{})
	if tr.Name != "v1.0 name" || tr.Points() != 2 {
		t.Fatalf("got %d points: %+v", tr.Points(), tr.Segments)
	}
	// Numbers are kept as they are, for the cleaning step to judge and report.
	if p := tr.Segments[0].At(0); !math.IsNaN(p.Lat) || p.Lon != 999 || !math.IsNaN(p.Ele) || !p.Time.IsZero() {
		t.Fatalf("NaN/999 point %+v", p)
	}
	for _, want := range []string{
		`2 points with unreadable coordinates skipped (first at line 2: "lat=\"undefined\" lon=\"undefined\"")`,
		`1 unreadable time ignored, the points kept without a time (first at line 3: "yesterday")`,
		`1 unreadable elevation ignored (first at line 3: "bad data")`,
		"no times",
	} {
		if !hasNote(tr, want) {
			t.Errorf("no note %q in %q", want, tr.Notes)
		}
	}
}

func TestReadTrackRoutes(t *testing.T) {
	doc := `<gpx><rte><name>planned</name><rtept lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></rtept><rtept lat="1.1" lon="2.1"/></rte></gpx>`
	tr := mustTrack(t, "r.gpx", doc, geoio.TrackOptions{})
	if tr.Name != "planned" || tr.Points() != 2 || tr.HasTime || !hasNote(tr, "routes (planned paths: 1 route, 2 points) are used") || !hasNote(tr, "times in route points ignored") {
		t.Fatalf("got %+v", tr)
	}
}

func TestReadTrackEncodings(t *testing.T) {
	latin1, _ := charmap.ISO8859_1.NewEncoder().String("Zürich Ødegård café")
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("羌塘巡护 第3段")
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(
		`<?xml version="1.0" encoding="UTF-16"?><gpx><wpt lat="1" lon="2"><name>界桩 7</name></wpt></gpx>`)
	doc := func(decl, name string) string {
		return decl + `<gpx><wpt lat="1" lon="2"><name>` + name + `</name></wpt></gpx>`
	}
	tests := []struct {
		name, content, encoding, want string
	}{
		{"iso-8859-1", doc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, latin1), "ISO-8859-1", "Zürich Ødegård café"},
		{"lower-case label", doc(`<?xml version="1.0" encoding="iso-8859-1"?>`, latin1), "ISO-8859-1", "Zürich Ødegård café"},
		{"gbk", doc(`<?xml version="1.0" encoding="GBK"?>`, gbk), "GBK", "羌塘巡护 第3段"},
		{"gb2312 label, GBK bytes", doc(`<?xml version="1.0" encoding="gb2312"?>`, gbk), "GB2312", "羌塘巡护 第3段"},
		{"utf-16 with BOM", utf16, "UTF-16", "界桩 7"},
		{"utf-8 BOM wins over a declaration", "\ufeff" + doc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, "Zürich"), "UTF-8", "Zürich"},
		{"no declaration", doc("", "Zürich"), "UTF-8", "Zürich"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := mustTrack(t, "e.gpx", tc.content, geoio.TrackOptions{})
			if tr.Encoding != tc.encoding || tr.Waypoints[0].Name != tc.want {
				t.Fatalf("encoding %q name %q, want %q %q", tr.Encoding, tr.Waypoints[0].Name, tc.encoding, tc.want)
			}
		})
	}
	t.Run("unknown encoding", func(t *testing.T) {
		_, err := readTrack(t, "e.gpx", doc(`<?xml version="1.0" encoding="klingon-8"?>`, "x"), geoio.TrackOptions{})
		problemtest.Want(t, err, 400, "klingon-8", "UTF-8")
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		_, err := readTrack(t, "e.gpx", doc("", "Z\xfcrich"), geoio.TrackOptions{})
		problemtest.Want(t, err, 400, "UTF-8")
	})
}

func TestReadTrackMalformedXML(t *testing.T) {
	tests := []struct {
		name, doc string
		line, col int
		fragment  string
	}{
		{"mismatched tags", "<gpx>\n<trk>\n  <trkseg></trk>\n</gpx>", 3, 16, "element <trkseg> closed by </trk>"},
		{"truncated", "<gpx>\n<trk><trkseg>\n<trkpt lat=\"1\" lon=\"2\">", 3, 23, "not closed"},
		{"bad attribute", "<gpx>\n <wpt lat=1 lon=\"2\"/></gpx>", 2, 11, "unquoted or missing attribute value"},
		{"stray end tag after root", "<gpx></gpx>\n</gpx>", 2, 6, "unexpected end element"},
		{"text after root", "<gpx></gpx>\nhello", 2, 5, "content after the end of the root element"},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` +
			"\n<gpx><name>&lol2;</name></gpx>", 2, 17, "invalid character entity &lol2;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readTrack(t, "m.gpx", tc.doc, geoio.TrackOptions{})
			pe := problemtest.Want(t, err, 400, tc.fragment)
			if p := pe.Problems[0]; p.Line != tc.line || p.Column != tc.col {
				t.Fatalf("at %d:%d, want %d:%d: %v", p.Line, p.Column, tc.line, tc.col, pe)
			}
		})
	}
}

func TestReadTrackUnsupported(t *testing.T) {
	tests := []struct{ name, content, fragment string }{
		{"notes.txt", "hello, world\nthis is not a track\n", "no coordinate columns"},
		{"page.html", "<!DOCTYPE html><html><body>hi</body></html>", "root element <html>"},
		{"image.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not recognised"},
		{"shape.wkt", "POLYGON((0 0,1 0,1 1,0 0))", "WKT"},
		{"archive.zip", zipOf(t, map[string]string{"roads.shp": "x"}), "no .kml document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readTrack(t, tc.name, tc.content, geoio.TrackOptions{})
			pe := clearProblem(t, err)
			if !strings.Contains(pe.Detail+fmt.Sprint(pe.Problems), tc.fragment) {
				t.Fatalf("%v does not mention %q", pe, tc.fragment)
			}
			if tc.name != "notes.txt" && (pe.Status != 415 || pe.Type != "unsupported-format" || !strings.Contains(pe.Detail, "GPX 1.0/1.1, KML, KMZ, TCX, GeoJSON, CSV")) {
				t.Fatalf("want a 415 listing the formats: %v", pe)
			}
		})
	}
	t.Run("content beats the name", func(t *testing.T) {
		if tr := mustTrack(t, "track.kml", `<gpx><wpt lat="1" lon="2"/></gpx>`, geoio.TrackOptions{}); tr.Format != geoio.FormatGPX {
			t.Fatalf("format %s", tr.Format)
		}
	})
}

func zipOf(t testing.TB, files map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"files/readme.txt", "doc.kml", "files/other.kml", "roads.shp"} {
		content, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const kmlTrack = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>巡护 2024-05-01</name>
 <Folder>
  <Placemark><name>start</name><description>gate</description><TimeStamp><when>2024-05-01T01:00:00Z</when></TimeStamp>
   <Point><coordinates>88.1,31.1,4700</coordinates></Point></Placemark>
  <Placemark><name>walk</name><LineString><coordinates>
    88.1,31.1,4700 88.2, 31.2 ,4701
    88.3,31.3
  </coordinates></LineString></Placemark>
  <Placemark><gx:Track>
   <when>2024-05-01T02:00:00Z</when><when>2024-05-01T02:00:05Z</when><when>2024-05-01T02:00:09Z</when>
   <gx:coord>88.4 31.4 4702</gx:coord><gx:coord>bad coord</gx:coord><gx:coord>88.5 31.5 4703</gx:coord>
  </gx:Track></Placemark>
  <Placemark><gx:Track><when>2024-05-01T03:00:00Z</when><gx:coord>88.6 31.6</gx:coord><gx:coord>88.7 31.7</gx:coord></gx:Track></Placemark>
  <Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
 </Folder>
</Document></kml>`

func TestReadTrackKML(t *testing.T) {
	check := func(t *testing.T, tr *geoio.Track, format geoio.Format) {
		t.Helper()
		if tr.Format != format || tr.Name != "巡护 2024-05-01" || len(tr.Segments) != 3 || tr.Points() != 7 || len(tr.Waypoints) != 1 {
			t.Fatalf("got %s %q %d segments %d points %d waypoints", tr.Format, tr.Name, len(tr.Segments), tr.Points(), len(tr.Waypoints))
		}
		if l := tr.Segments[0].Fixes(); l[1].Lon != 88.2 || l[1].Lat != 31.2 || l[1].Ele != 4701 || !math.IsNaN(l[2].Ele) {
			t.Fatalf("line %+v", l)
		}
		// The unreadable coord and its when are skipped together.
		if g := tr.Segments[1].Fixes(); len(g) != 2 || !g[1].Time.Equal(time.Date(2024, 5, 1, 2, 0, 9, 0, time.UTC)) || g[1].Ele != 4703 {
			t.Fatalf("gx:Track %+v", g)
		}
		if g := tr.Segments[2].Fixes(); !g[0].Time.IsZero() {
			t.Fatalf("a gx:Track with 1 when for 2 coords keeps no times: %+v", g)
		}
		w := tr.Waypoints[0]
		if w.Name != "start" || w.Desc != "gate" || w.Ele != 4700 || !w.Time.Equal(time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)) {
			t.Fatalf("waypoint %+v", w)
		}
		for _, n := range []string{`1 point with unreadable coordinates skipped (first at line 13: "bad coord")`, "1 when and 2 gx:coord", "1 area (polygons or rings) ignored"} {
			if !hasNote(tr, n) {
				t.Errorf("no note %q in %q", n, tr.Notes)
			}
		}
	}
	t.Run("kml", func(t *testing.T) { check(t, mustTrack(t, "t.kml", kmlTrack, geoio.TrackOptions{}), geoio.FormatKML) })
	t.Run("kmz doc.kml", func(t *testing.T) {
		kmz := zipOf(t, map[string]string{"files/readme.txt": "x", "doc.kml": kmlTrack, "files/other.kml": "<kml/>"})
		check(t, mustTrack(t, "t.kmz", kmz, geoio.TrackOptions{}), geoio.FormatKMZ)
	})
	t.Run("kmz first kml", func(t *testing.T) {
		kmz := zipOf(t, map[string]string{"files/readme.txt": "x", "files/other.kml": kmlTrack})
		check(t, mustTrack(t, "upload.bin", kmz, geoio.TrackOptions{}), geoio.FormatKMZ)
	})
	t.Run("corrupt kmz", func(t *testing.T) {
		kmz := zipOf(t, map[string]string{"doc.kml": kmlTrack})
		_, err := readTrack(t, "t.kmz", kmz[:len(kmz)/2], geoio.TrackOptions{})
		problemtest.Want(t, err, 400, "zip")
	})
}

func TestReadTrackTCX(t *testing.T) {
	doc := `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Courses><Course><Name>Ridge</Name>
<Track><Trackpoint><Time>2021-08-02T18:28:31+00:00</Time><Position><LatitudeDegrees>37.5</LatitudeDegrees><LongitudeDegrees>-122.5</LongitudeDegrees></Position><AltitudeMeters>22.5</AltitudeMeters></Trackpoint>
<Trackpoint><Time>2021-08-02T18:28:38+00:00</Time></Trackpoint></Track>
<CoursePoint><Name>Water</Name><Time>2021-08-02T18:30:00Z</Time><Position><LatitudeDegrees>37.6</LatitudeDegrees><LongitudeDegrees>-122.6</LongitudeDegrees></Position><PointType>Water</PointType><Notes>spring</Notes></CoursePoint>
</Course></Courses></TrainingCenterDatabase>`
	tr := mustTrack(t, "c.tcx", doc, geoio.TrackOptions{})
	if tr.Name != "Ridge" || tr.Points() != 1 || tr.Segments[0].At(0).Ele != 22.5 || len(tr.Waypoints) != 1 || !hasNote(tr, "1 trackpoint without a position") {
		t.Fatalf("got %+v", tr)
	}
	if w := tr.Waypoints[0]; w.Name != "Water" || w.Type != "Water" || w.Desc != "spring" || w.Lon != -122.6 {
		t.Fatalf("course point %+v", w)
	}
}

func TestReadTrackGeoJSON(t *testing.T) {
	doc := `{"type":"FeatureCollection","name":"patrol","features":[
{"type":"Feature","properties":{"name":"line","coordTimes":["2024-05-01T01:00:00Z","2024-05-01T01:00:10Z"]},
 "geometry":{"type":"LineString","coordinates":[[88.1,31.1,4700],[88.2,31.2]]}},
{"type":"Feature","geometry":{"coordinates":[[[88.3,31.3],["x",31.4],[88.5,31.5]],[[88.6,31.6]]],"type":"MultiLineString"},
 "properties":{"times":[[1714525200000,1714525205000,1714525210],[1714525300]]}},
{"type":"Feature","properties":{"name":"camp","description":"tents","time":"2024-05-01 09:00:00","marker-symbol":"campsite"},"geometry":{"type":"Point","coordinates":[88.7,31.7,4800]}},
{"type":"Feature","properties":{"coordTimes":["2024-05-01T01:00:00Z"]},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},
{"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
{"type":"Feature","properties":{},"geometry":null}
]}`
	tr := mustTrack(t, "p.geojson", doc, geoio.TrackOptions{})
	if tr.Format != geoio.FormatGeoJSON || tr.Name != "line" || len(tr.Segments) != 4 || tr.Points() != 7 || len(tr.Waypoints) != 1 {
		t.Fatalf("got %q %d segments %d points %d waypoints: %+v", tr.Name, len(tr.Segments), tr.Points(), len(tr.Waypoints), tr.Segments)
	}
	if f := tr.Segments[0].At(0); f.Ele != 4700 || !f.Time.Equal(time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)) || !math.IsNaN(tr.Segments[0].At(1).Ele) {
		t.Fatalf("first line %+v", tr.Segments[0])
	}
	// The unreadable position ["x",31.4] and its time are skipped together;
	// numbers are milliseconds or seconds.
	if s := tr.Segments[1].Fixes(); len(s) != 2 || !s[1].Time.Equal(time.Unix(1714525210, 0)) || !s[0].Time.Equal(time.Unix(1714525200, 0)) {
		t.Fatalf("multi line %+v", s)
	}
	if w := tr.Waypoints[0]; w.Name != "camp" || w.Desc != "tents" || w.Sym != "campsite" || w.Ele != 4800 || !w.Time.Equal(time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("waypoint %+v", w)
	}
	if tr.Segments[3].At(0).Time.IsZero() == false {
		t.Fatal("a times array of the wrong length must be ignored")
	}
	for _, n := range []string{"1 point with unreadable coordinates skipped (first at line 4", "has 2 positions and 1 times", "1 polygon ignored"} {
		if !hasNote(tr, n) {
			t.Errorf("no note %q in %q", n, tr.Notes)
		}
	}
	t.Run("bare geometry", func(t *testing.T) {
		tr := mustTrack(t, "g.json", `{"coordinates":[[1,2],[3,4]],"type":"LineString"}`, geoio.TrackOptions{})
		if tr.Points() != 2 {
			t.Fatalf("got %+v", tr)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		_, err := readTrack(t, "g.json", "{\"type\":\"LineString\",\n \"coordinates\":[[1,2],[3,4]]]}", geoio.TrackOptions{})
		pe := problemtest.Want(t, err, 400, "line 2")
		if p := pe.Problems[0]; p.Line != 2 || p.Column != 29 {
			t.Fatalf("at %d:%d", p.Line, p.Column)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		_, err := readTrack(t, "g.json", "{\"type\":\"LineString\",\n \"coordinates\":[[1,2],[3,", geoio.TrackOptions{})
		problemtest.Want(t, err, 400, "unexpected end of input")
	})
	t.Run("no points", func(t *testing.T) {
		_, err := readTrack(t, "g.json", `{"type":"FeatureCollection","features":[]}`, geoio.TrackOptions{})
		problemtest.Want(t, err, 422, "no track points")
	})
}

func TestReadTrackCSVHeaders(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	t0 := time.Date(2024, 5, 1, 9, 30, 0, 0, cst)
	gbkCSV, _ := simplifiedchinese.GBK.NewEncoder().String("经度,纬度,时间,高程\n88.1,31.1,2024-05-01 09:30:00,4700\n")
	tests := []struct {
		name, csv string
		lon, lat  float64
		ele       float64
		time      time.Time
		encoding  string
	}{
		{"lon,lat,time", "lon,lat,time\n88.1,31.1,2024-05-01T09:30:00+08:00\n", 88.1, 31.1, math.NaN(), t0, "UTF-8"},
		{"longitude,latitude,datetime", "Longitude,Latitude,DateTime,Altitude (m)\n88.1,31.1,2024-05-01 09:30:00,4700\n", 88.1, 31.1, 4700, t0, "UTF-8"},
		{"chinese", "经度,纬度,时间,高程\n88.1,31.1,2024/5/1 9:30,4700\n", 88.1, 31.1, 4700, t0, "UTF-8"},
		{"chinese in GBK", gbkCSV, 88.1, 31.1, 4700, t0, "GB18030"},
		{"BOM and lat first", "\ufefflat,lng,timestamp\n31.1,88.1,1714527000\n", 88.1, 31.1, math.NaN(), t0, "UTF-8"},
		{"semicolons, millis", "LAT;LON;TIME\n31.1;88.1;1714527000000\n", 88.1, 31.1, math.NaN(), t0, "UTF-8"},
		{"tabs, quoted", "\"x\"\t\"y\"\t\"time\"\n\"88.1\"\t\"31.1\"\t\"2024-05-01T01:30:00Z\"\n", 88.1, 31.1, math.NaN(), t0, "UTF-8"},
		{"date and time columns", "date,time,latitude,longitude,height\n2024-05-01,09:30:00,31.1N,88.1E,4700\n", 88.1, 31.1, 4700, t0, "UTF-8"},
		{"degrees minutes seconds", "纬度,经度,定位时间\n\"31°06'00\"\"N\",88°06′00″E,2024-05-01 09:30\n", 88.1, 31.1, math.NaN(), t0, "UTF-8"},
		{"southern and western", "lat,lon,time\n31.1S,88.1W,2024-05-01T01:30:00Z\n", -88.1, -31.1, math.NaN(), t0, "UTF-8"},
		{"movebank", "event-id,timestamp,location-long,location-lat,height-above-msl\n1,2024-05-01 01:30:00.000,88.1,31.1,4700\n", 88.1, 31.1, 4700, t0, "UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := mustTrack(t, "t.csv", tc.csv, geoio.TrackOptions{Location: cst})
			f := tr.Segments[0].At(0)
			if tr.Format != geoio.FormatCSV || tr.Encoding != tc.encoding || math.Abs(f.Lon-tc.lon) > 1e-9 || math.Abs(f.Lat-tc.lat) > 1e-9 ||
				!f.Time.Equal(tc.time) || (f.Ele != tc.ele && !(math.IsNaN(f.Ele) && math.IsNaN(tc.ele))) {
				t.Fatalf("got %s %s %+v, want %v,%v ele %v at %v", tr.Format, tr.Encoding, f, tc.lon, tc.lat, tc.ele, tc.time)
			}
		})
	}
	t.Run("segments and skipped rows", func(t *testing.T) {
		doc := "track,lon,lat,time\nA,88.1,31.1,2024-05-01T01:30:00Z\nA,,,\nA,undefined,31.2,\nB,88.3,31.3,not a time\nB,88.4,31.4,\n"
		tr := mustTrack(t, "t.csv", doc, geoio.TrackOptions{})
		if len(tr.Segments) != 2 || tr.Points() != 3 {
			t.Fatalf("got %+v", tr.Segments)
		}
		for _, n := range []string{"1 row without coordinates skipped (first at line 3)", `1 point with unreadable coordinates skipped (first at line 4: "undefined,31.2")`,
			`1 unreadable time ignored, the points kept without a time (first at line 5: "not a time")`, `2 runs of column "track"`} {
			if !hasNote(tr, n) {
				t.Errorf("no note %q in %q", n, tr.Notes)
			}
		}
	})
	t.Run("no coordinate columns", func(t *testing.T) {
		_, err := readTrack(t, "t.csv", "when,where\n2024-05-01,camp\n", geoio.TrackOptions{})
		problemtest.Want(t, err, 422, "no coordinate columns", `"when", "where"`, "location-long")
	})
	t.Run("unterminated quote", func(t *testing.T) {
		// Quotes are read leniently (DMS values hold bare quotes): the rest of
		// the file becomes one unreadable field.
		tr := mustTrack(t, "t.csv", "lon,lat\n1,2\n3,\"4\n5,6\n", geoio.TrackOptions{})
		if tr.Points() != 1 || !hasNote(tr, "1 point with unreadable coordinates skipped (first at line 3") {
			t.Fatalf("got %d points, notes %q", tr.Points(), tr.Notes)
		}
	})
	t.Run("gzip, named by content", func(t *testing.T) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		fmt.Fprint(zw, "lon,lat\n88.1,31.1\n88.2,31.2\n")
		zw.Close()
		tr := mustTrack(t, "upload", b.String(), geoio.TrackOptions{})
		if tr.Format != geoio.FormatCSV || tr.Points() != 2 {
			t.Fatalf("got %+v", tr)
		}
	})
}
