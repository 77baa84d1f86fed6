package patrol

import (
	"fmt"
	"math"
	"time"

	"warden/internal/geoio"
)

// Cleaning reports what cleaning did to the decoded fixes: how many were
// dropped, by reason. Nothing is dropped silently.
type Cleaning struct {
	// MaxSpeedKmh is the outlier speed used (the subject kind's, or the
	// upload's max_speed_kmh); SpeedChecked is false for a track without
	// times, whose speeds are unknown.
	MaxSpeedKmh  float64 `json:"max_speed_kmh"`
	SpeedChecked bool    `json:"speed_checked"`
	Dropped      Dropped `json:"dropped"`
	DroppedTotal int     `json:"dropped_total"`
	// WaypointsDropped counts waypoints with invalid coordinates.
	WaypointsDropped int `json:"waypoints_dropped"`
	// GCJ02Converted counts positions converted from GCJ-02 (coords=gcj02);
	// positions outside China are the same in both and left as they are.
	GCJ02Converted int `json:"gcj02_converted,omitempty"`
}

// Dropped counts fixes dropped by reason.
type Dropped struct {
	// InvalidCoordinates: NaN or infinite, out of lon/lat range, or exactly
	// 0,0 (a receiver without a fix).
	InvalidCoordinates int `json:"invalid_coordinates"`
	// Duplicates: the same position and time as the fix before.
	Duplicates int `json:"duplicates"`
	// TimeBackwards: a time earlier than the fix before, or later than the
	// fixes after (one bad clock reading).
	TimeBackwards int `json:"time_backwards"`
	// SpeedOutliers: reached from the fix before faster than MaxSpeedKmh,
	// with the track coming back within a few fixes (a spike, not a journey).
	SpeedOutliers int `json:"speed_outliers"`
}

// lookahead is how many following fixes may show a jump to be a spike.
const lookahead = 5

// earthR is the sphere radius of the haversine distances used for speeds.
const earthR = 6378137.0

// haversine is the great-circle distance in metres between two positions.
// It is within 0.4 % of the geodesic on the ellipsoid, good for speeds and
// the bounds of maxDepths; reported lengths are measured by PostGIS.
func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * earthR * math.Asin(math.Min(1, math.Sqrt(h)))
}

func validLonLat(lon, lat float64) bool {
	return !math.IsNaN(lon) && !math.IsNaN(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 && !(lon == 0 && lat == 0)
}

// clean drops invalid, duplicate, out-of-order and outlying fixes from the
// track's segments (in that order), converting GCJ-02 positions first when
// gcj is set, and returns the segments left (empty ones removed) and the
// waypoints with valid coordinates. It filters the track's columns in place:
// cleaning a large track takes no memory besides it.
func clean(t *geoio.Track, gcj bool, maxKmh float64) ([]geoio.Segment, []geoio.Waypoint, Cleaning) {
	c := Cleaning{MaxSpeedKmh: maxKmh, SpeedChecked: t.HasTime}
	conv := func(lon, lat float64) (float64, float64) {
		if !gcj || !inChina(lon, lat) {
			return lon, lat
		}
		c.GCJ02Converted++
		return GCJ02ToWGS84(lon, lat)
	}
	segs := t.Segments[:0]
	for _, s := range t.Segments {
		n := 0
		for i, p := range s.XY {
			if !validLonLat(p[0], p[1]) {
				c.Dropped.InvalidCoordinates++
				continue
			}
			s.Move(n, i)
			s.XY[n][0], s.XY[n][1] = conv(p[0], p[1])
			if math.IsInf(s.Ele[n], 0) {
				s.Ele[n] = math.NaN()
			}
			n++
		}
		s.Truncate(n)
		c.order(&s)
		if t.HasTime {
			c.speed(&s, maxKmh/3.6)
		}
		if s.Len() > 0 {
			segs = append(segs, s)
		}
	}
	t.Segments = segs
	var wpts []geoio.Waypoint
	for _, w := range t.Waypoints {
		if !validLonLat(w.Lon, w.Lat) {
			c.WaypointsDropped++
			continue
		}
		w.Lon, w.Lat = conv(w.Lon, w.Lat)
		wpts = append(wpts, w)
	}
	c.DroppedTotal = c.Dropped.InvalidCoordinates + c.Dropped.Duplicates + c.Dropped.TimeBackwards + c.Dropped.SpeedOutliers
	return segs, wpts, c
}

// order drops duplicates of the fix before and fixes whose time goes
// backwards, in place. A time later than the next two fixes' while those
// still follow the fix before is one bad reading, dropped too, so that a
// single clock glitch into the future does not take the rest of the segment
// with it.
func (c *Cleaning) order(s *geoio.Segment) {
	n := 0
	lastTime := int64(geoio.NoTime) // of the last kept fix with a time
	for j, t := range s.T {
		if n > 0 && s.XY[j] == s.XY[n-1] && t == s.T[n-1] {
			c.Dropped.Duplicates++
			continue
		}
		if t != geoio.NoTime {
			if lastTime != geoio.NoTime && t < lastTime {
				c.Dropped.TimeBackwards++
				continue
			}
			if glitch(s.T[j+1:], t, lastTime) {
				c.Dropped.TimeBackwards++
				continue
			}
			lastTime = t
		}
		s.Move(n, j)
		n++
	}
	s.Truncate(n)
}

// glitch reports whether a fix at time t is later than the next two fixes
// with times in rest (or the one, if only one follows), the first of which is
// not before last (times in Unix microseconds, geoio.NoTime for none).
func glitch(rest []int64, t, last int64) bool {
	seen := 0
	for _, r := range rest {
		if r == geoio.NoTime {
			continue
		}
		if r >= t || (seen == 0 && last != geoio.NoTime && r < last) {
			return false
		}
		if seen++; seen == 2 {
			break
		}
	}
	return seen > 0
}

// speedMS is the speed in m/s from fix i to fix k of s; the time difference
// counts as at least a second (the resolution of most loggers). ok is false
// when either has no time.
func speedMS(s *geoio.Segment, i, k int) (float64, bool) {
	a, b := s.T[i], s.T[k]
	if a == geoio.NoTime || b == geoio.NoTime {
		return 0, false
	}
	dt := math.Max(float64(b-a)/1e6, 1)
	p, q := s.XY[i], s.XY[k]
	return haversine(p[0], p[1], q[0], q[1]) / dt, true
}

// speed drops spikes, in place: a fix reached from the last kept one faster
// than max when one of the next few fixes is within max of that last kept
// fix (the track came back). A jump that the following fixes continue from
// (a gap in the recording, a ride) is kept. The first fix is a spike when it
// is too far from the second and the third while those two agree.
func (c *Cleaning) speed(s *geoio.Segment, max float64) {
	fast := func(i, k int) bool {
		v, ok := speedMS(s, i, k)
		return ok && v > max
	}
	n, size := 0, s.Len()
	for j := range size {
		if n == 0 {
			if j+2 < size && fast(j, j+1) && fast(j, j+2) && !fast(j+1, j+2) {
				c.Dropped.SpeedOutliers++
				continue
			}
			s.Move(n, j)
			n++
			continue
		}
		last := n - 1 // kept fixes are moved before any fix still to be read
		if fast(last, j) {
			spike := false
			for k := j + 1; k < size && k <= j+lookahead; k++ {
				if _, ok := speedMS(s, last, k); ok && !fast(last, k) {
					spike = true
					break
				}
			}
			if spike {
				c.Dropped.SpeedOutliers++
				continue
			}
		}
		s.Move(n, j)
		n++
	}
	s.Truncate(n)
}

// Totals sums up a cleaned track.
type Totals struct {
	Segments   int `json:"segments"`
	PointsRead int `json:"points_read"`
	PointsKept int `json:"points_kept"`
	Waypoints  int `json:"waypoints"`
	// LengthM is the geodesic length of the segments (PostGIS, on the WGS 84
	// spheroid).
	LengthM float64 `json:"length_m"`
	// DurationS is from the first to the last fix time; MovingS sums the
	// stretches between fixes covered at 1 km/h or more. Both null without
	// times.
	DurationS *float64 `json:"duration_s"`
	MovingS   *float64 `json:"moving_s"`
}

// movingMS is the least speed that counts as moving (1 km/h): slower is
// standing with GPS drift.
const movingMS = 1 / 3.6

// timeTotals fills the first and last fix times, duration and moving time.
func timeTotals(segs []geoio.Segment, tot *Totals) (first, last time.Time) {
	moving := 0.0
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for si := range segs {
		s := &segs[si]
		for i, t := range s.T {
			if t == geoio.NoTime {
				continue
			}
			lo, hi = min(lo, t), max(hi, t)
			if i > 0 {
				if v, ok := speedMS(s, i-1, i); ok && v >= movingMS {
					moving += float64(t-s.T[i-1]) / 1e6
				}
			}
		}
	}
	if lo > hi {
		return first, last
	}
	first, last = geoio.MicroTime(lo), geoio.MicroTime(hi)
	d := last.Sub(first).Seconds()
	tot.DurationS, tot.MovingS = &d, &moving
	return first, last
}

// cleaningNotes says in sentences what cleaning dropped.
func cleaningNotes(c Cleaning) []string {
	var out []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			out = append(out, "1 "+one+" dropped")
		case n > 1:
			out = append(out, fmt.Sprintf("%d %s dropped", n, many))
		}
	}
	add(c.Dropped.InvalidCoordinates, "point with invalid coordinates (NaN, out of range or 0,0)", "points with invalid coordinates (NaN, out of range or 0,0)")
	add(c.Dropped.Duplicates, "duplicate point", "duplicate points")
	add(c.Dropped.TimeBackwards, "point whose time goes backwards", "points whose time goes backwards")
	speed := fmt.Sprintf("(faster than %g km/h)", c.MaxSpeedKmh)
	add(c.Dropped.SpeedOutliers, "speed outlier "+speed, "speed outliers "+speed)
	add(c.WaypointsDropped, "waypoint with invalid coordinates", "waypoints with invalid coordinates")
	return out
}
