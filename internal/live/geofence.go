package live

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"warden/internal/law"
	"warden/internal/patrol"
	"warden/internal/zoning"
	"warden/internal/zoning/engine"
)

// zoneState is a device's standing with one zone: confirmed inside or not,
// and a pending change that the debounce has not confirmed yet.
type zoneState struct {
	zone    engine.Zone
	inside  bool
	pending bool
	// since and at are when and where the pending change crossed the
	// boundary (interpolated between the fixes either side); depth is the
	// farthest the subject has gone beyond it since.
	since time.Time
	at    [2]float64
	depth float64
	// enteredAt is the confirmed entry's crossing time; dwelled says the
	// dwell event was raised.
	enteredAt time.Time
	dwelled   bool
}

// geofence moves a device's zone states on by one accepted fix (prev is
// the accepted fix before it, if any) and returns the events confirmed.
// A change counts once the subject has stayed on the new side for the
// subject kind's dwell and gone beyond the depth; a return before that
// cancels it, so GPS jitter along a boundary raises nothing.
func (s *Service) geofence(ix *engine.Index, st *deviceState, prev *Fix, f Fix) []Event {
	cover := map[int64]*engine.Zone{}
	ix.Covering(f.Lon, f.Lat, func(z *engine.Zone, _ engine.Position) { cover[z.ID] = z })
	if len(cover) == 0 && len(st.zones) == 0 {
		return nil
	}
	for id, z := range cover {
		if st.zones[id] == nil {
			st.zones[id] = &zoneState{zone: *z}
		}
	}
	deb := s.opts.debounce(st.dev.SubjectKind)
	var out []Event
	for id, zs := range st.zones {
		in := cover[id] != nil
		// How deep inside (or how far outside) the fix is: the distance to
		// this zone's own boundary, not to whichever boundary is nearest
		// (a fix deep in a zone may lie close to another zone's edge).
		dist := ix.DistanceToBoundary(id, f.Lon, f.Lat)
		if math.IsNaN(dist) { // the zone is gone from the zoning
			delete(st.zones, id)
			continue
		}
		switch {
		case in == zs.inside:
			zs.pending = false
			if in && !zs.dwelled && f.Time.Sub(zs.enteredAt) >= s.opts.DwellAfter {
				zs.dwelled = true
				out = append(out, s.zoneEvent(st, zs, "dwell", f.Time, [2]float64{f.Lon, f.Lat}, dist))
			}
		case !zs.pending:
			zs.pending, zs.depth = true, dist
			zs.since, zs.at = crossing(ix, id, prev, f)
		default:
			zs.depth = max(zs.depth, dist)
		}
		if zs.pending && f.Time.Sub(zs.since) >= deb.Dwell && zs.depth >= deb.DepthM {
			zs.pending, zs.inside = false, in
			kind := "exit"
			if in {
				kind, zs.enteredAt, zs.dwelled = "enter", zs.since, false
			}
			out = append(out, s.zoneEvent(st, zs, kind, zs.since, zs.at, zs.depth))
		}
		if !zs.inside && !zs.pending {
			delete(st.zones, id)
		}
	}
	return out
}

// crossing is when and where the segment from prev to f crosses zone id's
// boundary: found by bisection with the engine's own point-in-polygon test
// (so it agrees with where the fixes are placed), the time interpolated
// linearly along the segment as the track analysis does.
func crossing(ix *engine.Index, id int64, prev *Fix, f Fix) (time.Time, [2]float64) {
	if prev == nil {
		return f.Time, [2]float64{f.Lon, f.Lat}
	}
	inZone := func(lon, lat float64) bool {
		found := false
		ix.Covering(lon, lat, func(z *engine.Zone, _ engine.Position) { found = found || z.ID == id })
		return found
	}
	want := inZone(f.Lon, f.Lat)
	lo, hi := 0.0, 1.0 // at lo the side is prev's, at hi f's
	for range 30 {
		mid := (lo + hi) / 2
		if inZone(prev.Lon+mid*(f.Lon-prev.Lon), prev.Lat+mid*(f.Lat-prev.Lat)) == want {
			hi = mid
		} else {
			lo = mid
		}
	}
	dt := f.Time.Sub(prev.Time)
	return prev.Time.Add(time.Duration(hi * float64(dt))).UTC(), [2]float64{prev.Lon + hi*(f.Lon-prev.Lon), prev.Lat + hi*(f.Lat-prev.Lat)}
}

// zoneEvent is a geofence event of a device in a zone. An entry is judged
// under the rule set in force on the day of the crossing (in the reserve's
// time zone): where the subject's presence breaks it (a visitor or vehicle
// in a core protection zone), the event is an alert and carries the
// judgment, which becomes a finding; a ranger on patrol raises none.
func (s *Service) zoneEvent(st *deviceState, zs *zoneState, kind string, at time.Time, where [2]float64, depth float64) Event {
	d := st.dev
	e := Event{Device: d.ID, Kind: kind, Reserves: withReserve(d.Reserves, zs.zone.Reserve), Reserve: zs.zone.Reserve,
		ZoneID: zs.zone.ID, ZoneKind: zs.zone.Kind, ZoneName: zs.zone.Name, Subject: d.Subject, SubjectKind: d.SubjectKind,
		At: at, Lon: &where[0], Lat: &where[1], DepthM: &depth}
	zk := zoning.Kind(zs.zone.Kind)
	loc := s.rules.loc(zs.zone.Reserve)
	when := at.In(loc).Format("2006-01-02 15:04:05-07:00")
	who := fmt.Sprintf("%s（%s，设备%s）", d.Subject, subjectZH(d.SubjectKind), d.ID)
	whoEN := fmt.Sprintf("%s (%s, device %s)", d.Subject, d.SubjectKind, d.ID)
	rZH, rEN := s.rules.name(zs.zone.Reserve, 0), s.rules.name(zs.zone.Reserve, 1)
	switch kind {
	case "enter":
		e.TextZH = fmt.Sprintf("%s于%s进入%s（%s），深入%.0f米。", who, when, zk.ZH(), rZH, depth)
		e.TextEN = fmt.Sprintf("%s entered the %s (%s) at %s, %.0f m beyond its boundary.", whoEN, zk.EN(), rEN, when, depth)
		if act := d.SubjectKind.PresenceActivity(); act != "" {
			if j, err := s.rules.judge(zs.zone.Reserve, zk, act, d.SubjectKind.LawSubject(), at); err == nil && j.Breach {
				e.Alert, e.judgment, e.activity = true, &j, act
				e.TextZH += j.SentenceZH
				e.TextEN += " " + j.SentenceEN
			}
		}
	case "exit":
		e.TextZH = fmt.Sprintf("%s于%s离开%s（%s）。", who, when, zk.ZH(), rZH)
		e.TextEN = fmt.Sprintf("%s left the %s (%s) at %s.", whoEN, zk.EN(), rEN, when)
	case "dwell":
		mins := at.Sub(zs.enteredAt).Minutes()
		e.TextZH = fmt.Sprintf("%s自%s起在%s（%s）内已停留%.0f分钟。", who, zs.enteredAt.In(loc).Format("2006-01-02 15:04:05-07:00"), zk.ZH(), rZH, mins)
		e.TextEN = fmt.Sprintf("%s has been inside the %s (%s) for %.0f minutes, since %s.", whoEN, zk.EN(), rEN, mins, zs.enteredAt.In(loc).Format("2006-01-02 15:04:05-07:00"))
	}
	return e
}

func withReserve(rs []string, r string) []string {
	out := append([]string{}, rs...)
	for _, x := range rs {
		if x == r {
			return out
		}
	}
	return append(out, r)
}

var subjectKindZH = map[patrol.SubjectKind]string{patrol.Patrol: "巡护人员", patrol.ResearchPermit: "科研人员",
	patrol.OriginalResident: "原有居民", patrol.Visitor: "访客", patrol.Vehicle: "车辆"}

func subjectZH(k patrol.SubjectKind) string {
	if zh, ok := subjectKindZH[k]; ok {
		return zh
	}
	return "身份不明者"
}

// reserveRules is the law judgments are made under and each reserve's rule
// family and time zone, read at most every rulesTTL.
type reserveRules struct {
	book     *law.Book
	families map[string]string
	zones    map[string]*time.Location
	names    map[string][2]string // Chinese and English name by code
	read     time.Time
}

const rulesTTL = 30 * time.Second

// refreshRules reads the reserves' rule families and time zones when the
// copy is older than rulesTTL.
func (s *Service) refreshRules(ctx context.Context) error {
	s.mu.Lock()
	fresh := time.Since(s.rules.read) < rulesTTL
	s.mu.Unlock()
	if fresh {
		return nil
	}
	b, err := s.law.Book(ctx)
	if err != nil {
		return fmt.Errorf("live: law: %w", err)
	}
	rr := reserveRules{book: b, families: map[string]string{}, zones: map[string]*time.Location{}, names: map[string][2]string{}, read: time.Now()}
	rows, err := s.pool.Query(ctx, `SELECT code, coalesce(rule_family, ''), time_zone, name_zh, name_en FROM reserve`)
	if err != nil {
		return fmt.Errorf("live: reserves: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, f, tz, zh, en string
		if err := rows.Scan(&c, &f, &tz, &zh, &en); err != nil {
			return fmt.Errorf("live: reserves: %w", err)
		}
		rr.families[c] = f
		rr.names[c] = [2]string{zh, en}
		if l, err := time.LoadLocation(tz); err == nil {
			rr.zones[c] = l
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("live: reserves: %w", err)
	}
	s.mu.Lock()
	s.rules = rr
	s.mu.Unlock()
	return nil
}

// china is the time zone of a reserve that names none.
var china = time.FixedZone("CST", 8*3600)

// name is a reserve's name in Chinese (i 0) or English (i 1), else the
// other language's, else its code: event texts are read by people.
func (rr reserveRules) name(reserve string, i int) string {
	n := rr.names[reserve]
	if n[i] != "" {
		return n[i]
	}
	if n[1-i] != "" {
		return n[1-i]
	}
	return reserve
}

func (rr reserveRules) loc(reserve string) *time.Location {
	if l := rr.zones[reserve]; l != nil {
		return l
	}
	return china
}

// judge judges an activity in a zone on the day of at in the reserve's
// time zone.
func (rr reserveRules) judge(reserve string, kind zoning.Kind, activity string, who law.Subject, at time.Time) (law.Judgment, error) {
	if rr.book == nil {
		return law.Judgment{}, fmt.Errorf("live: no law loaded")
	}
	t := at.In(rr.loc(reserve))
	on := law.Date{Time: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
	return rr.book.Judge(law.Act{Family: rr.families[reserve], On: on, ZoneKind: kind, Activity: activity, Subject: who})
}

// savedZone is a zone state as live_device.zone_state keeps it, written
// with each group of fixes, so that a restarted process goes on with the
// debounce where it stood.
type savedZone struct {
	Zone      int64      `json:"zone"`
	Inside    bool       `json:"inside"`
	Pending   bool       `json:"pending,omitempty"`
	Since     *time.Time `json:"since,omitempty"`
	At        [2]float64 `json:"at"`
	Depth     float64    `json:"depth"`
	EnteredAt *time.Time `json:"entered_at,omitempty"`
	Dwelled   bool       `json:"dwelled,omitempty"`
}

// saved is the device's zone states to keep.
func (st *deviceState) saved() []savedZone {
	out := make([]savedZone, 0, len(st.zones))
	for id, zs := range st.zones {
		sz := savedZone{Zone: id, Inside: zs.inside, Pending: zs.pending, At: zs.at, Depth: zs.depth, Dwelled: zs.dwelled}
		if zs.pending {
			sz.Since = &zs.since
		}
		if !zs.enteredAt.IsZero() {
			sz.EnteredAt = &zs.enteredAt
		}
		out = append(out, sz)
	}
	slices.SortFunc(out, func(a, b savedZone) int { return cmp.Compare(a.Zone, b.Zone) }) // the same states, the same bytes
	return out
}

// restore reads the zone states kept for a device whose last fix was at
// (lon, lat) at time at. States of zones no longer in the index are
// dropped. A device kept without states (stored before they were) counts
// as inside the zones of its last fix, so that a restart raises no second
// entry.
func (st *deviceState) restore(ix *engine.Index, saved []savedZone, at time.Time, lon, lat float64) {
	if saved == nil {
		ix.Covering(lon, lat, func(z *engine.Zone, _ engine.Position) {
			st.zones[z.ID] = &zoneState{zone: *z, inside: true, enteredAt: at, dwelled: true}
		})
		return
	}
	for _, sz := range saved {
		z := ix.Zone(sz.Zone)
		if z == nil {
			continue
		}
		zs := &zoneState{zone: *z, inside: sz.Inside, pending: sz.Pending, at: sz.At, depth: sz.Depth, dwelled: sz.Dwelled}
		if sz.Since != nil {
			zs.since = *sz.Since
		}
		if sz.EnteredAt != nil {
			zs.enteredAt = *sz.EnteredAt
		}
		st.zones[sz.Zone] = zs
	}
}
