package geoio

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the layouts ParseTime tries after RFC 3339, on a date and a
// time of day joined by 'T' (with '-' in the date) and with the zone removed.
// Parsing accepts fractional seconds after the seconds even where the layout
// has none, and one-digit months and days for "1" and "2".
var timeLayouts = []string{
	"2006-1-2T15:04:05",
	"2006-1-2T15:04",
	"20060102T150405",
	"20060102T1504",
}

// errTime is returned for text that is not a time ParseTime knows.
var errTime = errors.New("not a time")

// ParseTime reads a timestamp as GPS files and loggers write them: RFC 3339
// ("2006-01-02T15:04:05Z", "+08:00" offsets, any number of fractional
// digits) and its common variants — a space or lower-case 't' instead of
// 'T', a lower-case 'z', offsets without a colon ("+0800") or minutes
// ("+08"), a trailing "UTC" or "GMT", '/' in dates and one-digit months and
// days ("2017/8/8 20:24", as Excel writes), no seconds, and the ISO basic
// form "20060102T150405Z". A time without a zone is read in loc (UTC when
// nil). A date without a time of day is refused: it cannot time a fix.
// Numbers are not read here (see parseEpoch for CSV columns).
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if len(s) < 8 || len(s) > 64 {
		return time.Time{}, errTime
	}
	i := strings.IndexAny(s, " Tt")
	if i < 0 {
		return time.Time{}, errTime
	}
	date := strings.ReplaceAll(s[:i], "/", "-")
	zone, clock, ok := splitZone(strings.TrimSpace(s[i+1:]))
	if !ok {
		return time.Time{}, errTime
	}
	switch zone {
	case "":
		if loc == nil {
			loc = time.UTC
		}
	case "Z":
		loc = time.UTC
	default:
		z, err := time.Parse("-07:00", zone)
		if err != nil {
			return time.Time{}, errTime
		}
		_, off := z.Zone()
		loc = time.FixedZone("", off)
	}
	v := date + "T" + clock
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errTime
}

// splitZone separates a trailing zone from a time of day and normalises it
// to "Z" or "±hh:mm" ("" when there is none). ok is false for a zone that is
// not one of these forms.
func splitZone(clock string) (zone, rest string, ok bool) {
	u := strings.ToUpper(clock)
	for _, suffix := range []string{"UTC", "GMT", "Z"} {
		if strings.HasSuffix(u, suffix) {
			return "Z", strings.TrimRight(clock[:len(clock)-len(suffix)], " "), true
		}
	}
	i := strings.LastIndexAny(clock, "+-")
	if i < 0 {
		return "", clock, true
	}
	off := strings.TrimSpace(clock[i+1:])
	switch {
	case len(off) == 2 && digits(off):
		off += ":00"
	case len(off) == 4 && digits(off):
		off = off[:2] + ":" + off[2:]
	case len(off) == 5 && off[2] == ':' && digits(off[:2]) && digits(off[3:]):
	default:
		return "", "", false
	}
	return clock[i:i+1] + off, strings.TrimRight(clock[:i], " "), true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseEpoch reads a Unix time in a CSV column (see epochTime).
func parseEpoch(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return time.Time{}, false
	}
	return epochTime(f)
}

// epochTime reads a Unix time: seconds, or milliseconds when the number is too
// large to be seconds before 2200. Fractions are kept to the millisecond.
// Only times after 1970 are accepted.
func epochTime(f float64) (time.Time, bool) {
	const maxSeconds = 7_258_118_400 // 2200-01-01
	switch {
	case math.IsNaN(f) || f <= 0:
		return time.Time{}, false
	case f < maxSeconds:
		return time.UnixMilli(int64(math.Round(f * 1000))).UTC(), true
	case f < maxSeconds*1000:
		return time.UnixMilli(int64(math.Round(f))).UTC(), true
	}
	return time.Time{}, false
}
