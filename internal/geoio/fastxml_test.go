package geoio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/internal/testcorpus"
)

// plainGPX is GPX as devices and apps write it: a declaration, namespaces,
// a comment, metadata, a waypoint, extensions with prefixed names, points
// with elevation and time, a self-closing point and Chinese text.
const plainGPX = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd" xmlns:gpxtpx='http://www.garmin.com/xmlschemas/TrackPointExtension/v1'>
 <!-- written by a test -->
 <metadata><name>巡护 7</name><time>2024-05-01T00:00:00Z</time></metadata>
 <wpt lat="31.1" lon="88.1"><time>2024-05-01T01:00:00Z</time><name>发现盗伐</name><sym>Flag</sym></wpt>
 <trk><name>patrol</name><trkseg>
  <trkpt lat="31.10000" lon="88.10000"><ele>4700.5</ele><time>2024-05-01T01:00:00Z</time>
   <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>120</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
  <trkpt lat = '31.10010' lon="88.10010" ><ele>4701</ele><time>2024-05-01T01:00:05+08:00</time></trkpt>
  <trkpt lat="31.10020" lon="88.10020"/>
  <trkpt lat="x" lon="88.1003"><ele>bad</ele></trkpt>
 </trkseg></trk>
</gpx>
`

// sameTrack reads data with the fast tokenizer and with encoding/xml; where
// the fast one answers (it may decline), both must answer the same.
func sameTrack(t *testing.T, name string, data []byte) (accepted bool) {
	t.Helper()
	opts := TrackOptions{MaxBytes: 1 << 20, MaxPoints: 20_000}
	fast, ferr := readTrack(name, bytes.NewReader(data), opts, true)
	slow, serr := readTrack(name, bytes.NewReader(data), opts, false)
	if ferr != nil {
		return false
	}
	if serr != nil {
		t.Fatalf("%s: the fast tokenizer read what encoding/xml refuses (%v)", name, serr)
	}
	if f, s := fmt.Sprintf("%#v", *fast), fmt.Sprintf("%#v", *slow); f != s {
		t.Fatalf("%s: the fast tokenizer read\n%s\nencoding/xml\n%s", name, f, s)
	}
	return true
}

// TestFastXMLReadsPlainGPX: plain GPX is read by the fast tokenizer (it does
// not decline), exactly as encoding/xml reads it; with a character
// reference or CDATA it declines, and ReadTrackFile still answers.
func TestFastXMLReadsPlainGPX(t *testing.T) {
	if !sameTrack(t, "t.gpx", []byte(plainGPX)) {
		t.Fatal("the fast tokenizer declined plain GPX")
	}
	for _, odd := range []string{"<name>A &amp; B</name>", "<name><![CDATA[x]]></name>"} {
		data := []byte(strings.Replace(plainGPX, "<name>patrol</name>", odd, 1))
		if sameTrack(t, "t.gpx", data) {
			t.Errorf("the fast tokenizer read %s", odd)
		}
		tr, err := ReadTrackFile("t.gpx", bytes.NewReader(data), TrackOptions{})
		if err != nil || tr.Points() != 3 {
			t.Errorf("ReadTrackFile with %s: %v", odd, err)
		}
	}
}

// TestFastXMLCorpus: every GPX file of the third-party corpus reads the
// same both ways, and most are read by the fast tokenizer.
func TestFastXMLCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testcorpus.Dir(t), "gpx", "*", "*.gpx"))
	if err != nil {
		t.Fatal(err)
	}
	fast := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if sameTrack(t, filepath.Base(p), data) {
			fast++
		}
	}
	t.Logf("%d of %d corpus GPX files read by the fast tokenizer", fast, len(files))
	if len(files) == 0 || fast == 0 {
		t.Errorf("%d of %d corpus GPX files read by the fast tokenizer", fast, len(files))
	}
}

// FuzzFastXML: on any input the fast tokenizer either declines or reads
// exactly what encoding/xml reads.
func FuzzFastXML(f *testing.F) {
	f.Add([]byte(plainGPX))
	files, _ := filepath.Glob(filepath.Join(testcorpus.Dir(f), "gpx", "*", "*.gpx"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) <= 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameTrack(t, "t.gpx", data)
	})
}

// TestFastXMLMutations: 3,000 copies of plainGPX with up to four bytes
// changed, dropped or added (markup characters mostly) read the same both
// ways wherever the fast tokenizer reads them, and it reads some.
func TestFastXMLMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("<>/?!-=\"' \t\n\r&;:ab]x[CDATA19.")
	n := 0
	for i := 0; i < 3000; i++ {
		b := []byte(plainGPX)
		for k := rng.IntN(4) + 1; k > 0; k-- {
			p := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[p] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = append(b[:p], b[p+1:]...)
			case 2:
				b = append(b[:p], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[p:]...)...)
			}
		}
		if sameTrack(t, "t.gpx", b) {
			n++
		}
	}
	if n == 0 {
		t.Error("the fast tokenizer declined every mutation")
	}
}
