package patrol

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"warden/internal/geoio"
)

// TestGCJ02 holds the conversion to the pairs published with the reference
// implementation (eviltransform's test table: WGS 84 → GCJ-02 in Shanghai,
// Shenzhen and Beijing) and a second implementation's example
// (coordtransform: wgs84togcj02(116.404, 39.915)), then checks the inverse
// recovers WGS 84 to 1e-8 degrees (1 mm) over a grid across China.
func TestGCJ02(t *testing.T) {
	pairs := []struct{ wLon, wLat, gLon, gLat float64 }{
		{121.5272106, 31.1774276, 121.531541859215, 31.17530398364597}, // Shanghai
		{113.912316, 22.543847, 113.9171764808363, 22.540796131694766}, // Shenzhen
		{116.377817, 39.911954, 116.38404722455657, 39.91334545536069}, // Beijing
		{116.404, 39.915, 116.41024449916938, 39.91640428150164},       // coordtransform
	}
	for _, p := range pairs {
		gLon, gLat := WGS84ToGCJ02(p.wLon, p.wLat)
		if math.Abs(gLon-p.gLon) > 1e-9 || math.Abs(gLat-p.gLat) > 1e-9 {
			t.Errorf("WGS84ToGCJ02(%v, %v) = %v, %v, want %v, %v", p.wLon, p.wLat, gLon, gLat, p.gLon, p.gLat)
		}
		wLon, wLat := GCJ02ToWGS84(p.gLon, p.gLat)
		if math.Abs(wLon-p.wLon) > 1e-8 || math.Abs(wLat-p.wLat) > 1e-8 {
			t.Errorf("GCJ02ToWGS84(%v, %v) = %v, %v, want %v, %v", p.gLon, p.gLat, wLon, wLat, p.wLon, p.wLat)
		}
	}
	worst := 0.0
	for lon := 74.0; lon < 135; lon += 1.37 {
		for lat := 18.0; lat < 53; lat += 0.91 {
			gLon, gLat := WGS84ToGCJ02(lon, lat)
			if d := haversine(lon, lat, gLon, gLat); d < 1 || d > 1500 {
				t.Fatalf("GCJ-02 offset at %v, %v is %.1f m, outside the known range", lon, lat, d)
			}
			wLon, wLat := GCJ02ToWGS84(gLon, gLat)
			worst = math.Max(worst, math.Max(math.Abs(wLon-lon), math.Abs(wLat-lat)))
		}
	}
	if worst > 1e-8 {
		t.Errorf("round trip error %g degrees", worst)
	}
	if lon, lat := GCJ02ToWGS84(2.35, 48.85); lon != 2.35 || lat != 48.85 {
		t.Errorf("outside China GCJ-02 is WGS 84, got %v, %v", lon, lat)
	}
}

func fixAt(lon, lat float64, t time.Time) geoio.Fix {
	return geoio.Fix{Lon: lon, Lat: lat, Ele: math.NaN(), Time: t}
}

// segsOf makes segments of lists of fixes.
func segsOf(fss ...[]geoio.Fix) []geoio.Segment {
	out := make([]geoio.Segment, len(fss))
	for i, fs := range fss {
		out[i] = geoio.SegmentOf(fs...)
	}
	return out
}

// cleanFixes is clean with the segments it keeps as lists of fixes.
func cleanFixes(t *geoio.Track, gcj bool, maxKmh float64) ([][]geoio.Fix, []geoio.Waypoint, Cleaning) {
	read := t.Points()
	segs, wpts, c := clean(t, gcj, maxKmh)
	out := make([][]geoio.Fix, len(segs))
	for i := range segs {
		out[i] = segs[i].Fixes()
	}
	if t.Points() != read-c.DroppedTotal {
		panic("clean: the track's segments are not the ones kept")
	}
	return out, wpts, c
}

// sameFix compares fixes, NaN elevations equal.
func sameFix(a, b geoio.Fix) bool {
	return a.Lon == b.Lon && a.Lat == b.Lat && a.Time.Equal(b.Time) && (a.Ele == b.Ele || (math.IsNaN(a.Ele) && math.IsNaN(b.Ele)))
}

// TestCleanCounts: every reason is counted, and only the bad fixes go.
func TestCleanCounts(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	step := 1e-5 // about 1 m of latitude: 1 m/s
	var seg []geoio.Fix
	for i := range 30 {
		seg = append(seg, fixAt(86, 34.5+float64(i)*step, sec(i*10)))
	}
	bad := []geoio.Fix{
		fixAt(math.NaN(), 34.5, sec(5)),       // invalid
		fixAt(0, 0, sec(15)),                  // invalid: no fix
		fixAt(190, 34.5, sec(25)),             // invalid: out of range
		seg[3],                                // duplicate of the fix before
		fixAt(86, 34.5+4.5*step, sec(2)),      // time backwards
		fixAt(86.05, 34.5+5.5*step, sec(52)),  // spike: 4.6 km in 2 s
		fixAt(86, 34.5+6.5*step, sec(10_000)), // one clock glitch into the future
		fixAt(86.2, 34.5+7.5*step, sec(76)),   // spike, and the next fix comes back
	}
	raw := append([]geoio.Fix{}, seg[:4]...)
	raw = append(raw, bad[0], bad[1], bad[2], bad[3], seg[4], bad[4], seg[5], bad[5], seg[6], bad[6], seg[7], bad[7])
	raw = append(raw, seg[8:]...)
	tr := &geoio.Track{Segments: segsOf(raw), HasTime: true,
		Waypoints: []geoio.Waypoint{{Lon: math.Inf(1), Lat: 3}, {Lon: 86, Lat: 34.5}}}
	segs, wpts, c := cleanFixes(tr, false, 15)
	want := Dropped{InvalidCoordinates: 3, Duplicates: 1, TimeBackwards: 2, SpeedOutliers: 2}
	if c.Dropped != want || c.DroppedTotal != 8 || c.WaypointsDropped != 1 || len(wpts) != 1 {
		t.Errorf("dropped %+v (total %d, waypoints %d), want %+v", c.Dropped, c.DroppedTotal, c.WaypointsDropped, want)
	}
	if len(segs) != 1 || len(segs[0]) != len(seg) {
		t.Fatalf("kept %d segments, %d fixes; want the %d good ones", len(segs), len(segs[0]), len(seg))
	}
	for i := range seg {
		if !sameFix(segs[0][i], seg[i]) {
			t.Errorf("fix %d: kept %+v, want %+v", i, segs[0][i], seg[i])
		}
	}

	// A spike at the start, and a genuine jump (a ride) that the track continues from.
	start := []geoio.Fix{fixAt(87, 34.5, sec(0)), fixAt(86, 34.5, sec(10)), fixAt(86, 34.5001, sec(20))}
	jump := []geoio.Fix{fixAt(86, 34.6, sec(30)), fixAt(86, 34.6001, sec(40)), fixAt(86, 34.6002, sec(50)),
		fixAt(86, 34.6003, sec(60)), fixAt(86, 34.6004, sec(70)), fixAt(86, 34.6005, sec(80)), fixAt(86, 34.6006, sec(90))}
	segs, _, c = cleanFixes(&geoio.Track{Segments: segsOf(append(start, jump...)), HasTime: true}, false, 15)
	if c.Dropped.SpeedOutliers != 1 || len(segs[0]) != 9 || !sameFix(segs[0][0], start[1]) {
		t.Errorf("start spike and jump: dropped %+v, kept %d fixes starting %+v", c.Dropped, len(segs[0]), segs[0][0])
	}
	// Without times nothing is a speed outlier; duplicates still go.
	nt := []geoio.Fix{fixAt(86, 34.5, time.Time{}), fixAt(86, 34.5, time.Time{}), fixAt(87, 34.5, time.Time{})}
	segs, _, c = cleanFixes(&geoio.Track{Segments: segsOf(nt)}, false, 15)
	if c.SpeedChecked || c.Dropped.Duplicates != 1 || c.Dropped.SpeedOutliers != 0 || len(segs[0]) != 2 {
		t.Errorf("without times: %+v, kept %d", c, len(segs[0]))
	}
	// GCJ-02: converted, counted; outside China untouched.
	g := []geoio.Fix{fixAt(121.531541859215, 31.17530398364597, time.Time{}), fixAt(2.35, 48.85, time.Time{})}
	segs, _, c = cleanFixes(&geoio.Track{Segments: segsOf(g)}, true, 15)
	if c.GCJ02Converted != 1 || math.Abs(segs[0][0].Lon-121.5272106) > 1e-8 || segs[0][1].Lon != 2.35 {
		t.Errorf("gcj02: converted %d, got %+v", c.GCJ02Converted, segs[0])
	}
}

// TestLocalZ: the "local time marked Z" check shifts times that end in the
// future or fall at night, and leaves plausible ones alone.
func TestLocalZ(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	mk := func(start time.Time, n int) *geoio.Track {
		var seg []geoio.Fix
		for i := range n {
			seg = append(seg, fixAt(116.4, 39.9+float64(i)*1e-4, start.Add(time.Duration(i)*time.Minute)))
		}
		return &geoio.Track{Segments: segsOf(seg), HasTime: true, Waypoints: []geoio.Waypoint{{Lon: 116.4, Lat: 39.9, Time: start}}}
	}
	// A morning walk in Beijing, 09:00-10:00 local, uploaded at 10:30 local
	// (02:30Z) by an app that wrote "09:00Z".
	now := time.Date(2024, 6, 1, 2, 30, 0, 0, time.UTC)
	tr := mk(time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC), 60)
	tc := checkLocalZ(tr, sh, now)
	if !tc.Shifted || tc.OffsetS != 8*3600 || tr.Segments[0].At(0).Time != time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC) ||
		tr.Waypoints[0].Time != time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC) {
		t.Errorf("future track: %+v, first fix %v", tc, tr.Segments[0].At(0).Time)
	}
	// An afternoon patrol 14:00-15:00 local in winter, written "14:00Z"
	// (22:00 local if read as UTC: night), uploaded a month later.
	now = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	tr = mk(time.Date(2024, 1, 2, 14, 0, 0, 0, time.UTC), 60)
	tc = checkLocalZ(tr, sh, now)
	if !tc.Shifted || tr.Segments[0].At(0).Time != time.Date(2024, 1, 2, 6, 0, 0, 0, time.UTC) {
		t.Errorf("night track: %+v, first fix %v", tc, tr.Segments[0].At(0).Time)
	}
	// Correct UTC times of a daytime patrol: kept.
	tr = mk(time.Date(2024, 1, 2, 1, 0, 0, 0, time.UTC), 60)
	if tc = checkLocalZ(tr, sh, now); tc.Shifted || tr.Segments[0].At(0).Time != time.Date(2024, 1, 2, 1, 0, 0, 0, time.UTC) {
		t.Errorf("plausible track shifted: %+v", tc)
	}
	if tc = checkLocalZ(mk(now, 3), time.UTC, now); tc.Shifted || tc.OffsetS != 0 {
		t.Errorf("UTC hint: %+v", tc)
	}
	// A night patrol 22:00-23:00 local written with its offset ("+08:00"),
	// and the same written without a zone and read in Asia/Shanghai: times
	// that know their zone are kept, however dark the hour.
	for _, stamp := range []string{"2024-01-02T22:%02d:00+08:00", "2024-01-02 22:%02d:00"} {
		var gpx strings.Builder
		gpx.WriteString(`<gpx version="1.1" creator="test"><trk><trkseg>`)
		for i := range 60 {
			fmt.Fprintf(&gpx, `<trkpt lat="%.4f" lon="116.4"><time>`+stamp+`</time></trkpt>`, 39.9+float64(i)*1e-4, i)
		}
		gpx.WriteString(`</trkseg></trk></gpx>`)
		tr, err := geoio.ReadTrack("night.gpx", strings.NewReader(gpx.String()), geoio.TrackOptions{Location: sh})
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2024, 1, 2, 14, 0, 0, 0, time.UTC)
		if tc = checkLocalZ(tr, sh, now); tc.Shifted || !tr.Segments[0].At(0).Time.Equal(want) {
			t.Errorf("%s: %+v, first fix %v, want %v", stamp, tc, tr.Segments[0].At(0).Time, want)
		}
	}
}

// TestCategorise: waypoint types, symbols, names and descriptions in
// Chinese and English map to observation categories and activities.
func TestCategorise(t *testing.T) {
	for _, c := range []struct {
		w                  geoio.Waypoint
		category, activity string
	}{
		{geoio.Waypoint{Name: "发现盗伐"}, "logging", "logging"},
		{geoio.Waypoint{Type: "Grazing", Name: "Site 4"}, "grazing", "grazing"},
		{geoio.Waypoint{Desc: "新建房屋一处"}, "construction", "production_facility"},
		{geoio.Waypoint{Sym: "Fire"}, "fire", "burning"},
		{geoio.Waypoint{Name: "界桩损坏 J12"}, "damaged_marker", ""},
		{geoio.Waypoint{Name: "界桩 J12"}, "marker", ""},
		{geoio.Waypoint{Type: "sand_digging"}, "sand_digging", "sand_digging"},
		{geoio.Waypoint{Name: "snare line"}, "hunting", "hunting"},
		{geoio.Waypoint{Name: "blog post"}, "other", ""},
		{geoio.Waypoint{Name: "Determine route"}, "other", ""},
	} {
		got := categorise(c.w)
		if got.code != c.category || got.activity != c.activity {
			t.Errorf("%+v: %s/%s, want %s/%s", c.w, got.code, got.activity, c.category, c.activity)
		}
	}
}

// FuzzClean: whatever the fixes, cleaning accounts for every one of them,
// keeps only valid positions, and leaves times in order within a segment.
func FuzzClean(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 15.0, false)
	f.Add(bytes.Repeat([]byte{0x40, 0x55, 0, 0, 0, 0, 0, 1, 0x40, 0x41, 0, 0, 0, 0, 0, 0, 3}, 8), 150.0, true)
	f.Fuzz(func(t *testing.T, raw []byte, maxKmh float64, gcj bool) {
		if maxKmh <= 0 || math.IsNaN(maxKmh) || math.IsInf(maxKmh, 0) {
			maxKmh = 15
		}
		tr := &geoio.Track{}
		var seg []geoio.Fix
		for len(raw) >= 17 {
			lon := math.Float64frombits(binary.BigEndian.Uint64(raw))
			lat := math.Float64frombits(binary.BigEndian.Uint64(raw[8:]))
			// small lon/lat steps keep most fixes valid and near each other
			if raw[16]&1 == 0 {
				lon, lat = 100+float64(raw[0])/1000, 30+float64(raw[8])/1000
			}
			var ts time.Time
			if raw[16]&2 == 0 {
				ts = time.Unix(1_700_000_000+int64(raw[16])*7+int64(raw[1]), 0)
				tr.HasTime = true
			}
			seg = append(seg, geoio.Fix{Lon: lon, Lat: lat, Ele: math.NaN(), Time: ts})
			if raw[16]&4 != 0 {
				tr.Segments = append(tr.Segments, geoio.SegmentOf(seg...))
				seg = nil
			}
			raw = raw[17:]
		}
		if len(seg) > 0 {
			tr.Segments = append(tr.Segments, geoio.SegmentOf(seg...))
		}
		read := tr.Points()
		segs, _, c := cleanFixes(tr, gcj, maxKmh)
		kept := 0
		for _, s := range segs {
			kept += len(s)
			var last time.Time
			for _, f := range s {
				if !validLonLat(f.Lon, f.Lat) {
					t.Fatalf("kept invalid fix %+v", f)
				}
				if !f.Time.IsZero() {
					if f.Time.Before(last) {
						t.Fatalf("kept time going backwards: %v after %v", f.Time, last)
					}
					last = f.Time
				}
			}
		}
		if kept+c.DroppedTotal != read {
			t.Fatalf("kept %d + dropped %d != read %d", kept, c.DroppedTotal, read)
		}
	})
}

// TestCleanClockGlitches: one bad clock reading, into the future or the
// past, anywhere in the segment (first fix included), costs that fix only.
func TestCleanClockGlitches(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
	for name, c := range map[string]struct {
		secs []int
		drop int // index of the fix to go
	}{
		"first into the future":  {[]int{99999, 10, 20, 30, 40}, 0},
		"middle into the future": {[]int{0, 10, 99999, 30, 40}, 2},
		"middle into the past":   {[]int{0, 10, 20, 15, 40, 50}, 3},
		"last into the past":     {[]int{0, 10, 20, 30, 5}, 4},
	} {
		var seg []geoio.Fix
		for i, s := range c.secs {
			seg = append(seg, fixAt(86, 34.5+float64(i)*1e-5, t0.Add(time.Duration(s)*time.Second)))
		}
		segs, _, cl := cleanFixes(&geoio.Track{Segments: segsOf(seg), HasTime: true}, false, 15)
		if cl.Dropped.TimeBackwards != 1 || len(segs[0]) != len(seg)-1 || slices.ContainsFunc(segs[0], func(f geoio.Fix) bool { return sameFix(f, seg[c.drop]) }) {
			t.Errorf("%s: dropped %+v, kept %d of %d", name, cl.Dropped, len(segs[0]), len(seg))
		}
	}
}
