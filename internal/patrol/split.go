package patrol

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/zoning"
)

// A track is judged by the zoning and the law in force on the day of each
// of its acts. A track that runs past a reserve's local midnight at which
// its zoning version or its rule set changes is cut there into parts, each
// analysed against the zoning of its own day and judged under the law of
// that day; a visit that goes on across the cut in a zone of the same kind
// stays one visit (see analysis.join), with a span per part. Most tracks
// have one part per segment.

// part is the stretch lo..hi (fix index plus fraction) of segment seg,
// analysed against zoning z.
type part struct {
	seg    int
	lo, hi float64
	z      *zoning.TrackZones
}

// cut is an instant (a reserve's local midnight) from which zoning z and
// the law of that day apply.
type cut struct {
	at time.Time
	z  *zoning.TrackZones
}

// dayCuts returns the zoning in force at the track's first time (the
// current one without times) and the cuts in (first, last]: the local
// midnights of the reserves at which the zoning in force or a reserve's
// rule set changes.
func (s *Store) dayCuts(ctx context.Context, tx pgx.Tx, first, last *time.Time, rb ruleBook) (*zoning.TrackZones, []cut, error) {
	z0, err := s.eng.TrackZones(ctx, tx, first)
	if err != nil || first == nil {
		return z0, nil, fmtErr(err)
	}
	cur := z0
	var cuts []cut
	for _, m := range rb.midnights(*first, *last) {
		z, err := s.eng.TrackZones(ctx, tx, &m)
		if err != nil {
			return nil, nil, fmtErr(err)
		}
		if z.Key() == cur.Key() {
			if !rb.lawChanges(m) {
				continue
			}
			z = cur
		}
		cuts = append(cuts, cut{at: m, z: z})
		cur = z
	}
	return z0, cuts, nil
}

func fmtErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("patrol: %w", err)
}

// midnights lists, in order, the local midnights of the reserves' time
// zones in (first, last].
func (rb ruleBook) midnights(first, last time.Time) []time.Time {
	var out []time.Time
	seen := map[string]bool{}
	for _, loc := range rb.zones {
		if seen[loc.String()] {
			continue
		}
		seen[loc.String()] = true
		t := first.In(loc)
		for d := 1; ; d++ {
			m := time.Date(t.Year(), t.Month(), t.Day()+d, 0, 0, 0, 0, loc)
			if m.After(last) {
				break
			}
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, time.Time.Equal)
}

// lawChanges says whether some reserve whose local midnight m is has
// another rule set in force from that day than the day before.
func (rb ruleBook) lawChanges(m time.Time) bool {
	for code, loc := range rb.zones {
		l := m.In(loc)
		if l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || l.Nanosecond() != 0 {
			continue
		}
		day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
		before, _ := rb.book.InForce(rb.families[code], law.Date{Time: day.AddDate(0, 0, -1)})
		after, _ := rb.book.InForce(rb.families[code], law.Date{Time: day})
		if before != after {
			return true
		}
	}
	return false
}

// parts cuts the segments at the cuts' instants (interpolated between the
// fixes either side); a segment, or its remainder, takes the zoning in
// force at its start.
func parts(segs []geoio.Segment, z0 *zoning.TrackZones, cuts []cut) []part {
	var out []part
	for si := range segs {
		s := &segs[si]
		lo, end, z := 0.0, float64(s.Len()-1), z0
		for _, c := range cuts {
			pos, ok := position(s, c.at)
			if !ok {
				break
			}
			if pos > lo+eps {
				if pos >= end-eps {
					break
				}
				out = append(out, part{seg: si, lo: lo, hi: pos, z: z})
				lo = pos
			}
			z = c.z
		}
		out = append(out, part{seg: si, lo: lo, hi: end, z: z})
	}
	return out
}

// position is where along s (fix index plus fraction) the time t falls: 0
// if s starts at or after it; false if s has no times or ends before it.
func position(s *geoio.Segment, t time.Time) (float64, bool) {
	us := t.UnixMicro()
	prev := -1
	for k := range s.Len() {
		tk := s.T[k]
		if tk == geoio.NoTime {
			continue
		}
		if tk >= us {
			if prev < 0 {
				return 0, true
			}
			tp := s.T[prev]
			return float64(prev) + float64(k-prev)*float64(us-tp)/float64(tk-tp), true
		}
		prev = k
	}
	return 0, false
}

// zoningAt is the zoning of the part of the track at time t (the first
// part's without a time).
func zoningAt(z0 *zoning.TrackZones, cuts []cut, t *time.Time) *zoning.TrackZones {
	z := z0
	for _, c := range cuts {
		if t == nil || t.Before(c.at) {
			break
		}
		z = c.z
	}
	return z
}
