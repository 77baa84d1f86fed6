package geoio_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"warden/internal/geoio"
)

// patrolGPX writes a GPX 1.1 track of n fixes at 1 Hz, as a handheld unit
// logs a day's patrol: lat/lon with six decimals, elevation, time, and a
// Garmin extension on every tenth point.
func patrolGPX(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
 <metadata><name>patrol</name></metadata>
 <trk><name>patrol</name><trkseg>
`)
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  <trkpt lat="%.6f" lon="%.6f"><ele>%.1f</ele><time>%s</time>`,
			34.5+float64(i%5000)*1e-5, 86+float64(i)*1e-5, 4700+float64(i%300)/10, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
		if i%10 == 0 {
			b.WriteString(`<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>120</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>`)
		}
		b.WriteString("</trkpt>\n")
	}
	b.WriteString(" </trkseg></trk>\n</gpx>\n")
	return b.Bytes()
}

// BenchmarkReadTrackGPX decodes a 100,000-point GPX track (about 10 MB);
// the MB/s column is the decode rate.
func BenchmarkReadTrackGPX(b *testing.B) {
	data := patrolGPX(100_000)
	for _, c := range []struct {
		name string
		read func(string, *bytes.Reader, geoio.TrackOptions) (*geoio.Track, error)
	}{
		{"encoding-xml", func(n string, r *bytes.Reader, o geoio.TrackOptions) (*geoio.Track, error) {
			return geoio.ReadTrack(n, r, o)
		}},
		{"fast", func(n string, r *bytes.Reader, o geoio.TrackOptions) (*geoio.Track, error) {
			return geoio.ReadTrackFile(n, r, o)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				tr, err := c.read("patrol.gpx", bytes.NewReader(data), geoio.TrackOptions{})
				if err != nil || tr.Points() != 100_000 {
					b.Fatalf("%v, %d points", err, tr.Points())
				}
			}
			b.ReportMetric(float64(len(data))/1e6, "file_MB")
		})
	}
}
