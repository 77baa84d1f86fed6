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
	"warden/internal/problem/problemtest"
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
		problemtest.Want(t, err, 413, "expands more than 100 times", "compression bomb")
		if w := written.Load(); w > 16<<20 {
			t.Fatalf("%d bytes were decompressed before the refusal", w)
		}
	})
	t.Run("uncompressed size", func(t *testing.T) {
		r, written := gzipStream(t, bombPrefix, '0', size)
		_, err := geoio.ReadTrack("bomb.gpx.gz", r, geoio.TrackOptions{MaxBytes: 8 << 20, MaxCompressionRatio: 1e9})
		problemtest.Want(t, err, 413, "the uncompressed file is larger than the limit of 8 MiB")
		if w := written.Load(); w > 16<<20 {
			t.Fatalf("%d bytes were decompressed before the refusal", w)
		}
	})
	t.Run("zero bytes", func(t *testing.T) {
		// NUL bytes are not XML: refused at the first byte, nothing more read.
		r, written := gzipStream(t, "", 0, size)
		_, err := geoio.ReadTrack("zeros.gpx.gz", r, geoio.TrackOptions{})
		problemtest.Want(t, err, 400, "line 1")
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
		problemtest.Want(t, err, 413, "compression bomb")
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

// TestKMZBomb: a KMZ whose document declares a huge size, expands too far
// or is larger than the limit is refused with 413 before it is inflated,
// as a track and as a footprint.
func TestKMZBomb(t *testing.T) {
	const kml = `<kml><Placemark><LineString><coordinates>1,2 3,4`
	for _, c := range []struct {
		name             string
		size             int
		opts             geoio.TrackOptions
		track, footprint string // "": not read as one
	}{
		{"declared size", 200 << 20, geoio.TrackOptions{}, "doc.kml in the KMZ is 200 MiB uncompressed, more than the limit of 50 MiB", "more than the limit of 64 MiB"},
		{"ratio", 30 << 20, geoio.TrackOptions{}, "doc.kml in the KMZ expands more than 100 times", "compression bomb"},
		{"archive size", 10, geoio.TrackOptions{MaxBytes: 100}, "the file is larger than the limit of 100 bytes", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			kmz := kmzOf(t, kml, ' ', c.size, "</coordinates></LineString></Placemark></kml>")
			_, err := geoio.ReadTrack("bomb.kmz", bytes.NewReader(kmz), c.opts)
			problemtest.Want(t, err, 413, c.track)
			if c.footprint != "" {
				_, err = geoio.ReadFootprint("bomb.kmz", kmz, geoio.FootprintOptions{})
				problemtest.Want(t, err, 413, c.footprint)
			}
		})
	}
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
		problemtest.Want(t, err, 413, "more than 10 points")
		csv := "lon,lat\n" + strings.Repeat("88,31\n", 11)
		_, err = readTrack(t, "t.csv", csv, geoio.TrackOptions{MaxPoints: 10})
		problemtest.Want(t, err, 413, "more than 10 points")
		js := `{"type":"LineString","coordinates":[` + strings.TrimSuffix(strings.Repeat("[88,31],", 11), ",") + "]}"
		_, err = readTrack(t, "t.json", js, geoio.TrackOptions{MaxPoints: 10})
		problemtest.Want(t, err, 413, "more than 10 points")
	})
	t.Run("max bytes, streamed", func(t *testing.T) {
		_, err := readTrack(t, "t.gpx", gpx(100_000), geoio.TrackOptions{MaxBytes: 1 << 20})
		problemtest.Want(t, err, 413, "the file is larger than the limit of 1 MiB")
	})
	t.Run("xml depth", func(t *testing.T) {
		deep := "<gpx>" + strings.Repeat("<extensions>", 100) + strings.Repeat("</extensions>", 100) + "</gpx>"
		_, err := readTrack(t, "t.gpx", deep, geoio.TrackOptions{})
		pe := problemtest.Want(t, err, 422, "nested more than 64")
		if pe.Problems[0].Line != 1 {
			t.Fatalf("no line: %+v", pe.Problems)
		}
		_, err = readTrack(t, "t.gpx", deep, geoio.TrackOptions{MaxXMLDepth: 200})
		problemtest.Want(t, err, 422, "no track points")
		_, err = geoio.ReadFootprint("t.kml", []byte("<kml>"+strings.Repeat("<Folder>", 100)+strings.Repeat("</Folder>", 100)+"</kml>"), geoio.FootprintOptions{})
		problemtest.Want(t, err, 422, "nested more than 64")
	})
	t.Run("json depth", func(t *testing.T) {
		deep := `{"type":"LineString","coordinates":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}"
		_, err := readTrack(t, "t.json", deep, geoio.TrackOptions{})
		problemtest.Want(t, err, 422, "nested more than 64")
		deep = `{"properties":` + strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100) + "}"
		_, err = readTrack(t, "t.json", deep, geoio.TrackOptions{})
		problemtest.Want(t, err, 422, "nested more than 64")
	})
}
