package geoio_test

import (
	"testing"
	"time"

	"warden/internal/geoio"
)

func TestParseTime(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	local := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, cst)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-05-01T01:02:03Z", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01T01:02:03.5Z", utc(2024, 5, 1, 1, 2, 3, 500_000_000)},
		{"2024-05-01T01:02:03.1234567Z", utc(2024, 5, 1, 1, 2, 3, 123_456_700)},
		{"2024-05-01T09:02:03+08:00", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01T09:02:03.000+08:00", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01T09:02:03+0800", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01T09:02:03+08", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-04-30T21:02:03-04:00", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01t01:02:03z", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01 01:02:03Z", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01 01:02:03 UTC", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"2024-05-01 01:02:03GMT", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"  2024-05-01T01:02:03Z\n", utc(2024, 5, 1, 1, 2, 3, 0)},
		{"20240501T010203Z", utc(2024, 5, 1, 1, 2, 3, 0)},
		// Without a zone: the location given.
		{"2024-05-01T09:02:03", local(2024, 5, 1, 9, 2, 3, 0)},
		{"2024-05-01 09:02:03", local(2024, 5, 1, 9, 2, 3, 0)},
		{"2024-05-01 09:02:03.000", local(2024, 5, 1, 9, 2, 3, 0)},
		{"2024-05-01 09:02:03,250", local(2024, 5, 1, 9, 2, 3, 250_000_000)},
		{"2024-05-01 09:02", local(2024, 5, 1, 9, 2, 0, 0)},
		{"2024/05/01 09:02:03", local(2024, 5, 1, 9, 2, 3, 0)},
		{"2024/5/1 9:02", local(2024, 5, 1, 9, 2, 0, 0)},
		{"2024-5-1T9:02:03", local(2024, 5, 1, 9, 2, 3, 0)},
		{"20240501T090203", local(2024, 5, 1, 9, 2, 3, 0)},
	}
	for _, tc := range tests {
		got, err := geoio.ParseTime(tc.in, cst)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if got, err := geoio.ParseTime("2024-05-01 09:02:03", nil); err != nil || !got.Equal(utc(2024, 5, 1, 9, 2, 3, 0)) {
		t.Errorf("nil location: %v %v, want UTC", got, err)
	}
	for _, bad := range []string{"", "yesterday", "2024-05-01", "2024", "1714527000", "2024-13-01T00:00:00Z", "2024-05-01T25:00:00",
		"2024-05-01T09:02:03+8:0", "2024-05-01T09:02:03+abc", "Aug  6 2007, 20:16:30", "2024-05-01T09:02:03 PST", "T", "    T    "} {
		if got, err := geoio.ParseTime(bad, cst); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", bad, got)
		}
	}
}

// FuzzParseTime checks ParseTime never panics and that what it accepts it
// reads back the same from its RFC 3339 form.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-05-01T01:02:03Z", "2024-05-01 09:02:03.000", "2024/5/1 9:02", "20240501T010203Z",
		"2024-05-01T09:02:03+0800", "2024-05-01 01:02:03 UTC", "Aug  6 2007, 20:16:30", "2024-05-01T09:02:03+08"} {
		f.Add(s)
	}
	cst := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := geoio.ParseTime(s, cst)
		if err != nil {
			return
		}
		if got.Year() < 0 || got.Year() > 9999 {
			return // RFC 3339 cannot write it
		}
		back, err := geoio.ParseTime(got.Format(time.RFC3339Nano), cst)
		if err != nil || !back.Equal(got) {
			t.Fatalf("%q read as %v, which reads back as %v, %v", s, got, back, err)
		}
	})
}
