// Package photoexif reads where and when a photo was taken from its EXIF
// block: the GPS position, and the time from DateTimeOriginal with its
// OffsetTimeOriginal or, lacking that, the GPS time stamp (UTC). The server
// reads them itself so that evidence photos are placed and dated the same
// way whatever client sent them. It decodes with github.com/dsoprea/go-exif.
package photoexif

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"
)

// MaxBytes is the largest photo Read looks into; larger ones are refused
// with ErrTooLarge before any decoding.
const MaxBytes = 64 << 20

// ErrTooLarge is returned for a photo over MaxBytes.
var ErrTooLarge = errors.New("photoexif: photo larger than 64 MiB")

// Meta is what a photo's EXIF says about where and when it was taken; a
// field the EXIF lacks (or gives out of range) is nil.
type Meta struct {
	Lon, Lat *float64
	// Clock is the camera's wall-clock time of DateTimeOriginal, its fields
	// held in a UTC time; Offset is OffsetTimeOriginal in seconds east of
	// UTC, when the camera wrote one.
	Clock  *time.Time
	Offset *int
	// GPSTime is the GPS date and time stamp (UTC).
	GPSTime *time.Time
}

// TakenAt is the instant the photo was taken: the camera clock at its
// recorded offset, else the GPS time, else the camera clock read in loc
// (the reserve's time zone, where a camera without an offset is assumed to
// be set). Nil when the EXIF gives no time.
func (m Meta) TakenAt(loc *time.Location) *time.Time {
	var t time.Time
	switch {
	case m.Clock != nil && m.Offset != nil:
		c := *m.Clock
		t = time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, time.FixedZone("", *m.Offset))
	case m.GPSTime != nil:
		t = *m.GPSTime
	case m.Clock != nil:
		c := *m.Clock
		t = time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, loc)
	default:
		return nil
	}
	t = t.In(loc)
	return &t
}

// Read decodes the EXIF block of a JPEG (or any file carrying a TIFF-style
// EXIF block). A photo without EXIF gives an empty Meta and no error; a
// damaged block gives an error and whatever could not be read left nil.
func Read(data []byte) (m Meta, err error) {
	if len(data) > MaxBytes {
		return Meta{}, ErrTooLarge
	}
	defer func() {
		// the decoder reports some faults by panicking; a photo must never
		// take the service down
		if r := recover(); r != nil {
			m, err = Meta{}, fmt.Errorf("photoexif: damaged EXIF block: %v", r)
		}
	}()
	raw, err := exif.SearchAndExtractExif(data)
	if errors.Is(err, exif.ErrNoExif) {
		return Meta{}, nil
	} else if err != nil {
		return Meta{}, fmt.Errorf("photoexif: %w", err)
	}
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		return Meta{}, fmt.Errorf("photoexif: %w", err)
	}
	_, index, err := exif.Collect(im, exif.NewTagIndex(), raw)
	if err != nil {
		return Meta{}, fmt.Errorf("photoexif: damaged EXIF block: %w", err)
	}
	if ifd, err := index.RootIfd.ChildWithIfdPath(exifcommon.IfdGpsInfoStandardIfdIdentity); err == nil {
		readGPS(ifd, &m)
	}
	if ifd, err := index.RootIfd.ChildWithIfdPath(exifcommon.IfdExifStandardIfdIdentity); err == nil {
		readClock(ifd, &m)
	}
	return m, nil
}

// readGPS takes the position and GPS time of a GPS IFD, when they are
// finite and in range.
func readGPS(ifd *exif.Ifd, m *Meta) {
	gi, err := ifd.GpsInfo()
	if err != nil {
		return
	}
	lat, lon := gi.Latitude.Decimal(), gi.Longitude.Decimal()
	okRef := strings.ContainsRune("NS", rune(gi.Latitude.Orientation)) && strings.ContainsRune("EW", rune(gi.Longitude.Orientation))
	if okRef && !math.IsNaN(lat) && !math.IsNaN(lon) && math.Abs(lat) <= 90 && math.Abs(lon) <= 180 {
		m.Lat, m.Lon = &lat, &lon
	}
	if !gi.Timestamp.IsZero() && gi.Timestamp.Year() >= 1900 && gi.Timestamp.Year() <= 9999 {
		t := gi.Timestamp.UTC()
		m.GPSTime = &t
	}
}

// readClock takes DateTimeOriginal (falling back on DateTimeDigitized) and
// OffsetTimeOriginal of the EXIF IFD.
func readClock(ifd *exif.Ifd, m *Meta) {
	for _, name := range []string{"DateTimeOriginal", "DateTimeDigitized"} {
		s, ok := stringTag(ifd, name)
		if !ok {
			continue
		}
		if t, err := time.Parse("2006:01:02 15:04:05", s); err == nil {
			m.Clock = &t
			break
		}
	}
	if s, ok := stringTag(ifd, "OffsetTimeOriginal"); ok {
		if off, ok := parseOffset(s); ok {
			m.Offset = &off
		}
	}
}

// stringTag is the first ASCII value of the named tag, trimmed of the NULs
// and spaces cameras pad it with.
func stringTag(ifd *exif.Ifd, name string) (string, bool) {
	tags, err := ifd.FindTagWithName(name)
	if err != nil || len(tags) == 0 {
		return "", false
	}
	v, err := tags[0].Value()
	if err != nil {
		return "", false
	}
	s, ok := v.(string)
	return strings.Trim(s, "\x00 "), ok
}

// parseOffset reads an EXIF offset "+08:00" as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	t, err := time.Parse("-07:00", s)
	if err != nil {
		return 0, false
	}
	_, off := t.Zone()
	if off < -14*3600 || off > 14*3600 {
		return 0, false
	}
	return off, true
}
