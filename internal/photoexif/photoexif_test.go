package photoexif_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"

	"warden/internal/photoexif"
)

var update = flag.Bool("update", false, "write testdata/clue-photo.jpg anew")

// exifTags are the tags a test photo carries; zero fields are left out.
type exifTags struct {
	lat, lon       float64 // decimal degrees; both zero: no GPS position
	clock          string  // DateTimeOriginal, "2006:01:02 15:04:05"
	offset         string  // OffsetTimeOriginal, "+08:00"
	gpsDate        string  // GPSDateStamp, "2006:01:02"
	gpsH, gpsM, gs uint32  // GPSTimeStamp
}

// dms writes decimal degrees as the EXIF's degrees, minutes and
// hundredths of seconds.
func dms(v float64) []exifcommon.Rational {
	v = math.Abs(v)
	d := math.Floor(v)
	m := math.Floor((v - d) * 60)
	s := math.Round(((v-d)*60 - m) * 60 * 100)
	return []exifcommon.Rational{{Numerator: uint32(d), Denominator: 1}, {Numerator: uint32(m), Denominator: 1}, {Numerator: uint32(s), Denominator: 100}}
}

// photo makes a small JPEG (a gradient) with an EXIF APP1 segment holding
// the tags, written with go-exif's builder.
func photo(t testing.TB, tags exifTags) []byte {
	t.Helper()
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		t.Fatal(err)
	}
	ti := exif.NewTagIndex()
	root := exif.NewIfdBuilder(im, ti, exifcommon.IfdStandardIfdIdentity, exifcommon.EncodeDefaultByteOrder)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(root.SetStandardWithName("Software", "Warden photoexif test"))
	if tags.clock != "" {
		ib, err := exif.GetOrCreateIbFromRootIb(root, "IFD/Exif")
		must(err)
		must(ib.SetStandardWithName("DateTimeOriginal", tags.clock))
		if tags.offset != "" {
			must(ib.SetStandardWithName("OffsetTimeOriginal", tags.offset))
		}
	}
	if tags.lat != 0 || tags.lon != 0 || tags.gpsDate != "" {
		ib, err := exif.GetOrCreateIbFromRootIb(root, "IFD/GPSInfo")
		must(err)
		must(ib.SetStandardWithName("GPSVersionID", []byte{2, 2, 0, 0}))
		if tags.lat != 0 || tags.lon != 0 {
			ns, ew := "N", "E"
			if tags.lat < 0 {
				ns = "S"
			}
			if tags.lon < 0 {
				ew = "W"
			}
			must(ib.SetStandardWithName("GPSLatitudeRef", ns))
			must(ib.SetStandardWithName("GPSLatitude", dms(tags.lat)))
			must(ib.SetStandardWithName("GPSLongitudeRef", ew))
			must(ib.SetStandardWithName("GPSLongitude", dms(tags.lon)))
		}
		if tags.gpsDate != "" {
			must(ib.SetStandardWithName("GPSDateStamp", tags.gpsDate))
			must(ib.SetStandardWithName("GPSTimeStamp", []exifcommon.Rational{{Numerator: tags.gpsH, Denominator: 1},
				{Numerator: tags.gpsM, Denominator: 1}, {Numerator: tags.gs, Denominator: 1}}))
		}
	}
	block, err := exif.NewIfdByteEncoder().EncodeToExif(root)
	must(err)

	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(120 + x), uint8(100 + y), 80, 255})
		}
	}
	var body bytes.Buffer
	must(jpeg.Encode(&body, img, &jpeg.Options{Quality: 80}))
	var out bytes.Buffer
	out.Write(body.Bytes()[:2]) // SOI
	out.Write([]byte{0xFF, 0xE1})
	must(binary.Write(&out, binary.BigEndian, uint16(2+6+len(block))))
	out.WriteString("Exif\x00\x00")
	out.Write(block)
	out.Write(body.Bytes()[2:])
	return out.Bytes()
}

// samplePhoto is testdata/clue-photo.jpg: taken at 86.0005 E, 34.8 N (inside
// the clue the web and API tests verify) on 2026-05-10 at 11:05 Beijing time.
var samplePhoto = exifTags{lat: 34.8, lon: 86.0005, clock: "2026:05:10 11:05:00", offset: "+08:00",
	gpsDate: "2026:05:10", gpsH: 3, gpsM: 5, gs: 0}

func TestSamplePhoto(t *testing.T) {
	path := filepath.Join("testdata", "clue-photo.jpg")
	if *update {
		if err := os.WriteFile(path, photo(t, samplePhoto), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("the sample photo is not a JPEG: %v", err)
	}
	m, err := photoexif.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Lon == nil || m.Lat == nil || math.Abs(*m.Lon-86.0005) > 1e-6 || math.Abs(*m.Lat-34.8) > 1e-6 {
		t.Fatalf("position %v %v, want 86.0005 34.8", m.Lon, m.Lat)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	got := m.TakenAt(shanghai)
	if got == nil || got.Format(time.RFC3339) != "2026-05-10T11:05:00+08:00" {
		t.Fatalf("taken at %v, want 2026-05-10T11:05:00+08:00", got)
	}
}

// TestTakenAt: the camera clock with its offset wins; without one, the GPS
// time; without both, the clock read in the reserve's time zone; the
// answer is always in that zone with its offset.
func TestTakenAt(t *testing.T) {
	kathmandu, _ := time.LoadLocation("Asia/Kathmandu")
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	for _, tc := range []struct {
		name string
		tags exifTags
		loc  *time.Location
		want string
	}{
		{"clock and offset", exifTags{clock: "2026:03:14 23:30:00", offset: "+06:00"}, shanghai, "2026-03-15T01:30:00+08:00"},
		{"offset beats GPS time", exifTags{clock: "2026:03:14 23:30:00", offset: "+06:00", lat: 1, lon: 1, gpsDate: "2026:01:01", gpsH: 1}, shanghai, "2026-03-15T01:30:00+08:00"},
		{"GPS time without offset", exifTags{clock: "2026:03:14 23:30:00", lat: 1, lon: 1, gpsDate: "2026:03:14", gpsH: 17, gpsM: 45}, kathmandu, "2026-03-14T23:30:00+05:45"},
		{"clock alone, in the reserve's zone", exifTags{clock: "2026:03:14 23:30:00"}, kathmandu, "2026-03-14T23:30:00+05:45"},
		{"no time", exifTags{lat: -12.5, lon: -70.25}, shanghai, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := photoexif.Read(photo(t, tc.tags))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if at := m.TakenAt(tc.loc); at != nil {
				got = at.Format(time.RFC3339)
			}
			if got != tc.want {
				t.Errorf("taken at %q, want %q", got, tc.want)
			}
			if tc.tags.lat != 0 && (m.Lat == nil || math.Abs(*m.Lat-tc.tags.lat) > 1e-5 || math.Abs(*m.Lon-tc.tags.lon) > 1e-5) {
				t.Errorf("position %v %v, want %v %v", m.Lon, m.Lat, tc.tags.lon, tc.tags.lat)
			}
		})
	}
}

// TestNoExif: a photo without EXIF, or bytes that are no photo, give no
// position and no time, and no error for the former.
func TestNoExif(t *testing.T) {
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	m, err := photoexif.Read(plain.Bytes())
	if err != nil || m.Lon != nil || m.Clock != nil || m.GPSTime != nil {
		t.Errorf("plain JPEG: %+v %v", m, err)
	}
	data := photo(t, samplePhoto)
	cut := data[:40]
	if m, _ := photoexif.Read(cut); m.Lon != nil {
		t.Errorf("a cut EXIF block gave a position %v", *m.Lon)
	}
}

// FuzzRead: any bytes give a Meta or an error, never a panic, and whatever
// position comes out is in range.
func FuzzRead(f *testing.F) {
	f.Add(photo(f, samplePhoto))
	f.Add(photo(f, exifTags{clock: "2026:03:14 23:30:00", offset: "-03:00"}))
	f.Add([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := photoexif.Read(data)
		if err != nil {
			return
		}
		if m.Lat != nil && (math.Abs(*m.Lat) > 90 || math.Abs(*m.Lon) > 180) {
			t.Fatalf("position out of range: %v %v", *m.Lon, *m.Lat)
		}
		_ = m.TakenAt(time.UTC)
	})
}
