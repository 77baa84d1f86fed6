package geoio_test

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/problem/problemtest"
	"warden/internal/testcorpus"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// corpusTree lists every data file under the corpus directories given (not
// licences or read-mes), sorted, relative to the corpus.
func corpusTree(tb testing.TB, dirs ...string) []string {
	tb.Helper()
	root := testcorpus.Dir(tb)
	var out []string
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			base := strings.ToUpper(e.Name())
			if e.IsDir() || strings.HasPrefix(base, "LICENSE") || strings.HasPrefix(base, "NOTICE") || strings.HasPrefix(base, "README") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no corpus files under %v", dirs)
	}
	slices.Sort(out)
	return out
}

// clearProblem checks a refusal is fit to show a user: a 4xx problem with a
// detail, and for malformed files a line.
func clearProblem(t testing.TB, err error) *problem.Error {
	t.Helper()
	pe, ok := problem.As(err)
	if !ok {
		t.Fatalf("error %T %v is not a *problem.Error", err, err)
	}
	if pe.Status < 400 || pe.Status > 499 || pe.Detail == "" || pe.Type == "" {
		t.Fatalf("unclear problem: %#v", pe)
	}
	if strings.HasPrefix(pe.Type, "malformed-") && (len(pe.Problems) == 0 || pe.Problems[0].Line == 0) {
		t.Fatalf("malformed file without a line: %#v", pe)
	}
	return pe
}

func readTrackFile(t testing.TB, rel string, opts geoio.TrackOptions) (*geoio.Track, error) {
	t.Helper()
	f, err := os.Open(filepath.Join(testcorpus.Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return geoio.ReadTrack(filepath.Base(rel), f, opts)
}

// trackSummary is one golden line: what a track file gave.
func trackSummary(tr *geoio.Track, err error) string {
	if err != nil {
		pe, _ := problem.As(err)
		s := fmt.Sprintf("refused %d %s", pe.Status, pe.Type)
		if len(pe.Problems) > 0 && pe.Problems[0].Line > 0 {
			s += fmt.Sprintf(" line %d", pe.Problems[0].Line)
			if c := pe.Problems[0].Column; c > 0 {
				s += fmt.Sprintf(" column %d", c)
			}
		}
		return s
	}
	segs := make([]string, len(tr.Segments))
	for i, s := range tr.Segments {
		segs[i] = fmt.Sprint(s.Len())
	}
	if len(segs) > 6 {
		segs = append(segs[:6], "...")
	}
	s := fmt.Sprintf("%s %s points=%d segments=%d [%s] waypoints=%d time=%v name=%q", tr.Format, tr.Encoding, tr.Points(),
		len(tr.Segments), strings.Join(segs, " "), len(tr.Waypoints), tr.HasTime, tr.Name)
	if len(tr.Segments) > 0 {
		first, last := tr.Segments[0].At(0), tr.Segments[len(tr.Segments)-1].At(tr.Segments[len(tr.Segments)-1].Len()-1)
		s += fmt.Sprintf(" first=%s last=%s", fixText(first), fixText(last))
	}
	if len(tr.Waypoints) > 0 {
		w := tr.Waypoints[0]
		s += fmt.Sprintf(" wpt0=%.6f,%.6f,%q", w.Lon, w.Lat, w.Name)
	}
	for _, n := range tr.Notes {
		s += "\n\tnote: " + n
	}
	return s
}

func fixText(f geoio.Fix) string {
	s := fmt.Sprintf("%.6f,%.6f", f.Lon, f.Lat)
	if !math.IsNaN(f.Ele) {
		s += fmt.Sprintf(",%.1f", f.Ele)
	}
	if !f.Time.IsZero() {
		s += "@" + f.Time.UTC().Format(time.RFC3339Nano)
	}
	return s
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < max(len(wl), len(gl)); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("%s differs at line %d:\nwant: %s\ngot:  %s\n(if the change is right, run go test -run %s -update)", path, i+1, w, g, t.Name())
			}
		}
	}
}

// TestReadTrackCorpus reads every GPX, KML, TCX and CSV file of the corpus:
// each is read or refused with a clear problem (never a panic, never a bare
// error), and the outcome of each is held by testdata/track_corpus.golden,
// whose lines were checked by hand against the files. New corpus files make
// the golden file differ, so they get looked at.
func TestReadTrackCorpus(t *testing.T) {
	var golden strings.Builder
	counts := map[string][2]int{}
	for _, rel := range corpusTree(t, "gpx", "kml", "tcx", "tracks-csv") {
		tr, err := readTrackFile(t, rel, geoio.TrackOptions{})
		dir := strings.SplitN(rel, "/", 2)[0]
		c := counts[dir]
		if err != nil {
			clearProblem(t, err)
			c[1]++
		} else {
			c[0]++
			checkTrack(t, rel, tr)
		}
		counts[dir] = c
		fmt.Fprintf(&golden, "%s: %s\n", rel, trackSummary(tr, err))
	}
	for dir, c := range counts {
		t.Logf("%s: %d read, %d refused", dir, c[0], c[1])
	}
	checkGolden(t, "track_corpus.golden", golden.String())
}

// checkTrack checks what ReadTrack promises of a track it returns.
func checkTrack(t *testing.T, rel string, tr *geoio.Track) {
	t.Helper()
	if tr.Points() == 0 && len(tr.Waypoints) == 0 {
		t.Errorf("%s: a track without points was returned", rel)
	}
	hasTime := false
	for i, s := range tr.Segments {
		if s.Len() == 0 {
			t.Errorf("%s: segment %d is empty", rel, i)
		}
		for _, f := range s.Fixes() {
			hasTime = hasTime || !f.Time.IsZero()
		}
	}
	if hasTime != tr.HasTime {
		t.Errorf("%s: HasTime %v, but fixes with time: %v", rel, tr.HasTime, hasTime)
	}
	if tr.Encoding == "" || tr.Format == "" {
		t.Errorf("%s: no encoding or format", rel)
	}
}

var (
	gpxPoint  = regexp.MustCompile(`<trkpt\s[^>]*lat="-?[0-9.]+"`)
	gpxWpt    = regexp.MustCompile(`<wpt\s[^>]*lat="-?[0-9.]+"`)
	tcxPos    = regexp.MustCompile(`<Position>\s*<LatitudeDegrees>-?[0-9.]+<`)
	xmlHeader = regexp.MustCompile(`^<\?xml[^>]*encoding="ISO-8859-1"`)
)

// TestReadTrackCountsAgainstText counts track points and waypoints in the
// corpus's GPX and TCX files with regular expressions over the text, an
// independent reading, and holds ReadTrack to the same numbers.
func TestReadTrackCountsAgainstText(t *testing.T) {
	checked := 0
	for _, rel := range corpusTree(t, "gpx", "tcx") {
		raw, err := os.ReadFile(filepath.Join(testcorpus.Dir(t), rel))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(rel, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := b.ReadFrom(zr); err != nil {
				t.Fatal(err)
			}
			raw = b.Bytes()
		}
		points := len(gpxPoint.FindAll(raw, -1)) + len(tcxPos.FindAll(raw, -1))
		if points == 0 {
			continue
		}
		tr, err := readTrackFile(t, rel, geoio.TrackOptions{})
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if tr.Points() != points {
			t.Errorf("%s: %d points, the text has %d", rel, tr.Points(), points)
		}
		if w := len(gpxWpt.FindAll(raw, -1)); len(tr.Waypoints) != w {
			t.Errorf("%s: %d waypoints, the text has %d", rel, len(tr.Waypoints), w)
		}
		if xmlHeader.Match(raw) && tr.Encoding != "ISO-8859-1" {
			t.Errorf("%s: encoding %q, declared ISO-8859-1", rel, tr.Encoding)
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d files checked", checked)
	}
}

// TestReadTrackCorpusSpots checks the figures the issue names.
func TestReadTrackCorpusSpots(t *testing.T) {
	tests := []struct {
		file              string
		format            geoio.Format
		points, segments  int
		waypoints         int
		hasTime           bool
		encoding, name    string
		firstLon, firstLa float64
	}{
		{"gpx/go-gpx/testdata/hhs_77yl9msjcr.gpx", geoio.FormatGPX, 7275, 30, 0, false, "UTF-8", "Harzer-Hexen-Stieg", 0, 0},
		{"tracks-csv/movebank-bats/3D_flights_of_European_free-tailed_bats.csv", geoio.FormatCSV, 9873, 8, 0, true, "UTF-8", "", -7.047997, 41.338743},
		{"gpx/gpxgo/test_files/graphhopper.gpx.gz", geoio.FormatGPX, 171, 1, 0, true, "UTF-8", "GraphHopper Track", 0, 0},
		{"gpx/go-gpx/testdata/ashland.gpx", geoio.FormatGPX, 348, 11, 25, true, "ISO-8859-1", "Rockbuster Duathlon at Ashland State Park", 0, 0},
		{"gpx/gpxgo/test_files/iso8859-1encoded.gpx", geoio.FormatGPX, 0, 0, 8, false, "ISO-8859-1", "", 0, 0},
		{"gpx/gpxpy/test_files/unicode_with_bom.gpx", geoio.FormatGPX, 0, 0, 1, false, "UTF-8", "", 0, 0},
		{"gpx/gpxpy/test_files/unicode_with_bom_noencoding.gpx", geoio.FormatGPX, 0, 0, 1, false, "UTF-8", "", 0, 0},
		{"kml/togeojson/gxtrack.kml", geoio.FormatKML, 7, 1, 0, true, "UTF-8", "", -122.207881, 37.371915},
		{"kml/togeojson/gxmultitrack.kml", geoio.FormatKML, 26, 2, 2, true, "UTF-8", "12/04/2014 11:24 AM", -71.324739, -40.139527},
		{"tcx/togeojson/tour_hr.tcx", geoio.FormatTCX, 465, 1, 0, true, "UTF-8", "2020-12-27T15:43:49.000+01:00", 0, 0},
		{"gpx/go-gpx/testdata/fells_loop.gpx", geoio.FormatGPX, 46, 1, 86, false, "UTF-8", "BELLEVUE", 0, 0},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			tr, err := readTrackFile(t, tc.file, geoio.TrackOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Format != tc.format || tr.Points() != tc.points || len(tr.Segments) != tc.segments || len(tr.Waypoints) != tc.waypoints ||
				tr.HasTime != tc.hasTime || tr.Encoding != tc.encoding || tr.Name != tc.name {
				t.Fatalf("got %s %s points=%d segments=%d waypoints=%d time=%v name=%q", tr.Format, tr.Encoding, tr.Points(),
					len(tr.Segments), len(tr.Waypoints), tr.HasTime, tr.Name)
			}
			if tc.firstLon != 0 {
				f := tr.Segments[0].At(0)
				if f.Lon != tc.firstLon || f.Lat != tc.firstLa {
					t.Fatalf("first fix %v,%v, want %v,%v", f.Lon, f.Lat, tc.firstLon, tc.firstLa)
				}
			}
		})
	}

	t.Run("movebank times and elevations", func(t *testing.T) {
		tr, err := readTrackFile(t, "tracks-csv/movebank-bats/3D_flights_of_European_free-tailed_bats.csv",
			geoio.TrackOptions{Location: time.FixedZone("CST", 8*3600)})
		if err != nil {
			t.Fatal(err)
		}
		f := tr.Segments[0].At(0)
		// 2017-08-08 20:24:01.000, UTC by Movebank's definition whatever the option.
		if want := time.Date(2017, 8, 8, 20, 24, 1, 0, time.UTC); !f.Time.Equal(want) || f.Ele != 464 {
			t.Fatalf("first fix %v ele %v, want %v ele 464", f.Time, f.Ele, want)
		}
		if !slices.ContainsFunc(tr.Notes, func(n string) bool { return strings.Contains(n, "UTC by definition") }) {
			t.Fatalf("notes %q do not say the times were read as UTC", tr.Notes)
		}
	})
	t.Run("bad.gpx refused", func(t *testing.T) {
		_, err := readTrackFile(t, "gpx/togeojson/bad.gpx", geoio.TrackOptions{})
		pe := problemtest.Want(t, err, 422, "no usable track points", `lat=\"undefined\"`, "line 5")
		if pe.Problems[0].Line != 5 {
			t.Fatalf("line %d, want 5", pe.Problems[0].Line)
		}
	})
	t.Run("badcharacter.xml malformed", func(t *testing.T) {
		_, err := readTrackFile(t, "gpx/georust-gpx/badcharacter.xml", geoio.TrackOptions{})
		pe := problemtest.Want(t, err, 400, "invalid XML name")
		// <xml∂>: the fifth character is the one that may not be in a name.
		if p := pe.Problems[0]; p.Line != 1 || p.Column != 5 {
			t.Fatalf("at %d:%d, want 1:5", p.Line, p.Column)
		}
	})
	t.Run("bad.tcx keeps the readable points", func(t *testing.T) {
		tr, err := readTrackFile(t, "tcx/togeojson/bad.tcx", geoio.TrackOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// 0,0 and 0,10 are numbers: kept for the cleaning step to judge.
		if tr.Points() != 2 || tr.Segments[0].At(1).Lon != 10 || len(tr.Notes) != 1 || !strings.Contains(tr.Notes[0], "2 points with unreadable coordinates skipped (first at line 47") {
			t.Fatalf("points %d, notes %q", tr.Points(), tr.Notes)
		}
	})
}
