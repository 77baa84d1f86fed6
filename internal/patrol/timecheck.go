package patrol

import (
	"fmt"
	"math"
	"time"

	"warden/internal/geoio"
)

// TimeCheck is the answer to "are these times local times marked Z?", asked
// when an upload gives a timezone. Some Chinese apps (Keep among them) write
// the phone's local time followed by 'Z', so that read as UTC every time is
// off by the zone's offset (8 hours for China).
type TimeCheck struct {
	Timezone string `json:"timezone"`
	// OffsetS is the zone's UTC offset at the track's first time, seconds.
	OffsetS int `json:"offset_s"`
	// Shifted says the times were taken as local times in Timezone and moved
	// by -OffsetS; Reason says why, or why not.
	Shifted bool   `json:"shifted"`
	Reason  string `json:"reason"`
}

// darkShare is the share of fixes timed at night beyond which times are
// implausible for a patrol, and brightShare the share below which a shift
// explains them.
const (
	darkShare   = 0.5
	brightShare = 0.1
)

// checkLocalZ decides whether t's times are local times in loc written as
// UTC, and if so shifts every fix and waypoint time into UTC. Evidence, in
// order (for times all marked as UTC; one with an offset of its own, or with
// none, says the file knows its zone): the track ends in the future (after
// now) but would not when shifted
// (an upload soon after the patrol); or, as written, at least half the fixes
// fall at night (the sun more than 6° below the horizon at the fix) while
// shifted at most a tenth do. Without evidence the times are kept.
func checkLocalZ(t *geoio.Track, loc *time.Location, now time.Time) *TimeCheck {
	tc := &TimeCheck{Timezone: loc.String()}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range t.Segments {
		for _, us := range s.T {
			if us != geoio.NoTime {
				lo, hi = min(lo, us), max(hi, us)
			}
		}
	}
	if lo > hi {
		tc.Reason = "the track has no times to check"
		return tc
	}
	if t.Zoned {
		tc.Reason = "the times carry their UTC offset, or none and were read in " + loc.String() + ": kept as written"
		return tc
	}
	first, last := geoio.MicroTime(lo), geoio.MicroTime(hi)
	_, off := first.In(loc).Zone()
	tc.OffsetS = off
	if off == 0 {
		tc.Reason = fmt.Sprintf("%s is UTC+0 at the track's time: no shift possible", loc)
		return tc
	}
	shift := -time.Duration(off) * time.Second
	zone := fmt.Sprintf("%s (UTC%s)", loc, offsetText(off))
	slack := 2 * time.Minute
	switch dark, darkShifted := nightShares(t, shift); {
	case last.After(now.Add(slack)) && !last.Add(shift).After(now.Add(slack)):
		tc.Shifted = true
		tc.Reason = fmt.Sprintf("the track ends %s in the future as written, which local times of %s marked Z explain",
			last.Sub(now).Round(time.Minute), zone)
	case dark >= darkShare && darkShifted <= brightShare:
		tc.Shifted = true
		tc.Reason = fmt.Sprintf("as written %.0f%% of the fixes fall at night, as local times of %s only %.0f%%",
			100*dark, zone, 100*darkShifted)
	default:
		tc.Reason = fmt.Sprintf("the times are plausible as written (not in the future, %.0f%% at night): kept as UTC", 100*dark)
		return tc
	}
	tc.Reason += fmt.Sprintf(": every time was moved by %s", shift)
	for _, s := range t.Segments {
		for i, us := range s.T {
			if us != geoio.NoTime {
				s.T[i] = us + shift.Microseconds()
			}
		}
	}
	for i := range t.Waypoints {
		if !t.Waypoints[i].Time.IsZero() {
			t.Waypoints[i].Time = t.Waypoints[i].Time.Add(shift)
		}
	}
	return tc
}

func offsetText(s int) string {
	sign := "+"
	if s < 0 {
		sign, s = "-", -s
	}
	if s%3600 == 0 {
		return fmt.Sprintf("%s%d", sign, s/3600)
	}
	return fmt.Sprintf("%s%d:%02d", sign, s/3600, s%3600/60)
}

// nightShares samples up to 1,000 timed fixes and returns the shares at
// night as written and shifted by shift.
func nightShares(t *geoio.Track, shift time.Duration) (asWritten, shifted float64) {
	n := 0
	for _, s := range t.Segments {
		for _, us := range s.T {
			if us != geoio.NoTime {
				n++
			}
		}
	}
	step := max(1, n/1000)
	seen, used, dark, darkS := 0, 0, 0, 0
	for _, s := range t.Segments {
		for i, us := range s.T {
			if us == geoio.NoTime {
				continue
			}
			seen++
			lon, lat := s.XY[i][0], s.XY[i][1]
			if (seen-1)%step != 0 || !validLonLat(lon, lat) {
				continue
			}
			used++
			at := geoio.MicroTime(us)
			if sunElevation(lon, lat, at) < -6 {
				dark++
			}
			if sunElevation(lon, lat, at.Add(shift)) < -6 {
				darkS++
			}
		}
	}
	if used == 0 {
		return 0, 0
	}
	return float64(dark) / float64(used), float64(darkS) / float64(used)
}

// sunElevation is the sun's approximate elevation in degrees at a place and
// time (declination from the day of the year, hour angle from mean solar
// time: within about a degree, plenty to tell day from night).
func sunElevation(lon, lat float64, t time.Time) float64 {
	u := t.UTC()
	decl := 23.44 * math.Sin(2*math.Pi*float64(284+u.YearDay())/365) * math.Pi / 180
	hours := float64(u.Hour()) + float64(u.Minute())/60 + float64(u.Second())/3600 + lon/15
	ha := (hours - 12) * 15 * math.Pi / 180
	phi := lat * math.Pi / 180
	return math.Asin(math.Sin(phi)*math.Sin(decl)+math.Cos(phi)*math.Cos(decl)*math.Cos(ha)) * 180 / math.Pi
}
