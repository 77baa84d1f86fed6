package geoio_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"warden/internal/geoio"
)

// gzipStream returns a reader of the gzip compression of prefix followed by n
// bytes of fill, produced as it is read (never held), and a counter of the
// uncompressed bytes written so far. The producer stops when the reader is
// closed.
func gzipStream(t *testing.T, prefix string, fill byte, n int64) (*io.PipeReader, *atomic.Int64) {
	t.Helper()
	pr, pw := io.Pipe()
	var written atomic.Int64
	go func() {
		zw, _ := gzip.NewWriterLevel(pw, gzip.BestCompression)
		chunk := bytes.Repeat([]byte{fill}, 1<<20)
		_, err := zw.Write([]byte(prefix))
		for left := n; err == nil && left > 0; left -= int64(len(chunk)) {
			var k int
			k, err = zw.Write(chunk[:min(int64(len(chunk)), left)])
			written.Add(int64(k))
		}
		if err == nil {
			err = zw.Close()
		}
		pw.CloseWithError(err)
	}()
	t.Cleanup(func() { pr.Close() })
	return pr, &written
}

const bombPrefix = `<gpx><trk><trkseg><trkpt lat="1" lon="2"><ele>`

func TestGzipBomb(t *testing.T) {
	const size = 200 << 20 // 200 MB uncompressed, about 200 KB compressed
	t.Run("compression ratio", func(t *testing.T) {
		r, written := gzipStream(t, bombPrefix, '0', size)
		_, err := geoio.ReadTrack("bomb.gpx.gz", r, geoio.TrackOptions{})
		wantProblem(t, err, 413, "expands more than 100 times", "compression bomb")
		if w := written.Load(); w > 16<<20 {
			t.Fatalf("%d bytes were decompressed before the refusal", w)
		}
	})
	t.Run("uncompressed size", func(t *testing.T) {
		r, written := gzipStream(t, bombPrefix, '0', size)
		_, err := geoio.ReadTrack("bomb.gpx.gz", r, geoio.TrackOptions{MaxBytes: 8 << 20, MaxCompressionRatio: 1e9})
		wantProblem(t, err, 413, "the uncompressed file is larger than the limit of 8 MiB")
		if w := written.Load(); w > 16<<20 {
			t.Fatalf("%d bytes were decompressed before the refusal", w)
		}
	})
	t.Run("zero bytes", func(t *testing.T) {
		// NUL bytes are not XML: refused at the first byte, nothing more read.
		r, written := gzipStream(t, "", 0, size)
		_, err := geoio.ReadTrack("zeros.gpx.gz", r, geoio.TrackOptions{})
		wantProblem(t, err, 400, "line 1")
		if w := written.Load(); w > 16<<20 {
			t.Fatalf("%d bytes were decompressed before the refusal", w)
		}
	})
	t.Run("footprint", func(t *testing.T) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		fmt.Fprint(zw, `{"type":"Point","coordinates":[1,2]`)
		zw.Write(bytes.Repeat([]byte(" "), 20<<20))
		zw.Write([]byte("}"))
		zw.Close()
		_, err := geoio.ReadFootprint("site.geojson.gz", b.Bytes(), geoio.FootprintOptions{})
		wantProblem(t, err, 413, "compression bomb")
	})
}

// kmzOf writes a KMZ whose doc.kml is prefix, n bytes of fill and suffix,
// streamed through the compressor.
func kmzOf(t *testing.T, prefix string, fill byte, n int, suffix string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("doc.kml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, prefix)
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		w.Write(chunk[:min(len(chunk), left)])
	}
	io.WriteString(w, suffix)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestKMZBomb(t *testing.T) {
	const kml = `<kml><Placemark><LineString><coordinates>1,2 3,4`
	t.Run("declared size", func(t *testing.T) {
		kmz := kmzOf(t, kml, ' ', 200<<20, "</coordinates></LineString></Placemark></kml>")
		_, err := geoio.ReadTrack("bomb.kmz", bytes.NewReader(kmz), geoio.TrackOptions{})
		wantProblem(t, err, 413, "doc.kml in the KMZ is 200 MiB uncompressed, more than the limit of 50 MiB")
		_, err = geoio.ReadFootprint("bomb.kmz", kmz, geoio.FootprintOptions{})
		wantProblem(t, err, 413, "more than the limit of 64 MiB")
	})
	t.Run("ratio", func(t *testing.T) {
		kmz := kmzOf(t, kml, ' ', 30<<20, "</coordinates></LineString></Placemark></kml>")
		_, err := geoio.ReadTrack("bomb.kmz", bytes.NewReader(kmz), geoio.TrackOptions{})
		wantProblem(t, err, 413, "doc.kml in the KMZ expands more than 100 times")
		_, err = geoio.ReadFootprint("bomb.kmz", kmz, geoio.FootprintOptions{})
		wantProblem(t, err, 413, "compression bomb")
	})
	t.Run("archive size", func(t *testing.T) {
		kmz := kmzOf(t, kml, ' ', 10, "</coordinates></LineString></Placemark></kml>")
		_, err := geoio.ReadTrack("big.kmz", bytes.NewReader(kmz), geoio.TrackOptions{MaxBytes: 100})
		wantProblem(t, err, 413, "the file is larger than the limit of 100 bytes")
	})
}

func TestTrackLimits(t *testing.T) {
	gpx := func(n int) string {
		var b strings.Builder
		b.WriteString("<gpx><trk><trkseg>")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, `<trkpt lat="31.%d" lon="88.%d"/>`, i, i)
		}
		b.WriteString("</trkseg></trk></gpx>")
		return b.String()
	}
	t.Run("max points", func(t *testing.T) {
		if _, err := readTrack(t, "t.gpx", gpx(10), geoio.TrackOptions{MaxPoints: 10}); err != nil {
			t.Fatal(err)
		}
		_, err := readTrack(t, "t.gpx", gpx(11), geoio.TrackOptions{MaxPoints: 10})
		wantProblem(t, err, 413, "more than 10 points")
		csv := "lon,lat\n" + strings.Repeat("88,31\n", 11)
		_, err = readTrack(t, "t.csv", csv, geoio.TrackOptions{MaxPoints: 10})
		wantProblem(t, err, 413, "more than 10 points")
		js := `{"type":"LineString","coordinates":[` + strings.TrimSuffix(strings.Repeat("[88,31],", 11), ",") + "]}"
		_, err = readTrack(t, "t.json", js, geoio.TrackOptions{MaxPoints: 10})
		wantProblem(t, err, 413, "more than 10 points")
	})
	t.Run("max bytes, streamed", func(t *testing.T) {
		_, err := readTrack(t, "t.gpx", gpx(100_000), geoio.TrackOptions{MaxBytes: 1 << 20})
		wantProblem(t, err, 413, "the file is larger than the limit of 1 MiB")
	})
	t.Run("xml depth", func(t *testing.T) {
		deep := "<gpx>" + strings.Repeat("<extensions>", 100) + strings.Repeat("</extensions>", 100) + "</gpx>"
		_, err := readTrack(t, "t.gpx", deep, geoio.TrackOptions{})
		pe := wantProblem(t, err, 422, "nested more than 64")
		if pe.Problems[0].Line != 1 {
			t.Fatalf("no line: %+v", pe.Problems)
		}
		_, err = readTrack(t, "t.gpx", deep, geoio.TrackOptions{MaxXMLDepth: 200})
		wantProblem(t, err, 422, "no track points")
		_, err = geoio.ReadFootprint("t.kml", []byte("<kml>"+strings.Repeat("<Folder>", 100)+strings.Repeat("</Folder>", 100)+"</kml>"), geoio.FootprintOptions{})
		wantProblem(t, err, 422, "nested more than 64")
	})
	t.Run("json depth", func(t *testing.T) {
		deep := `{"type":"LineString","coordinates":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}"
		_, err := readTrack(t, "t.json", deep, geoio.TrackOptions{})
		wantProblem(t, err, 422, "nested more than 64")
		deep = `{"properties":` + strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100) + "}"
		_, err = readTrack(t, "t.json", deep, geoio.TrackOptions{})
		wantProblem(t, err, 422, "nested more than 64")
	})
}
