package live

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"time"

	"warden/internal/patrol"
	"warden/internal/problem"
)

// DayFile is a device's fixes of one local day (in the time zone of its
// first reserve) as a GPX 1.1 file, with the upload fields that make it a
// patrol track: the same reading, cleaning, visits, findings and coverage
// as a file a ranger uploads. Accepted and out-of-order fixes are in it
// (the track's cleaning orders them); refused ones are not. The same fixes
// give the same file, so assembling a day again returns the same track.
func (s *Service) DayFile(ctx context.Context, id string, day string) (patrol.Input, []byte, error) {
	d, err := s.Device(ctx, id)
	if err != nil {
		return patrol.Input{}, nil, err
	}
	if err := s.refreshRules(ctx); err != nil {
		return patrol.Input{}, nil, err
	}
	loc := china
	if len(d.Reserves) > 0 {
		loc = s.rules.loc(d.Reserves[0])
	}
	start, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return patrol.Input{}, nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("day %q must be a date, YYYY-MM-DD", day),
			problem.Detail{Pointer: "day", Reason: "YYYY-MM-DD"})
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (fixed_at) fixed_at, lon, lat, altitude FROM live_position
		WHERE device_id = $1 AND status IN ('accepted', 'out_of_order') AND fixed_at >= $2 AND fixed_at < $3 ORDER BY fixed_at`,
		id, start, start.AddDate(0, 0, 1))
	if err != nil {
		return patrol.Input{}, nil, fmt.Errorf("live: fixes of %s on %s: %w", id, day, err)
	}
	defer rows.Close()
	var b bytes.Buffer
	b.WriteString(xml.Header + `<gpx version="1.1" creator="Warden live positions" xmlns="http://www.topografix.com/GPX/1/1">` + "\n")
	fmt.Fprintf(&b, "<trk><name>%s %s</name><trkseg>\n", xmlText(d.Subject), day)
	n := 0
	for rows.Next() {
		var t time.Time
		var lon, lat float64
		var ele *float64
		if err := rows.Scan(&t, &lon, &lat, &ele); err != nil {
			return patrol.Input{}, nil, fmt.Errorf("live: fixes of %s on %s: %w", id, day, err)
		}
		fmt.Fprintf(&b, `<trkpt lat="%.7f" lon="%.7f">`, lat, lon)
		if ele != nil {
			fmt.Fprintf(&b, "<ele>%.1f</ele>", *ele)
		}
		fmt.Fprintf(&b, "<time>%s</time></trkpt>\n", t.UTC().Format(time.RFC3339Nano))
		n++
	}
	if err := rows.Err(); err != nil {
		return patrol.Input{}, nil, fmt.Errorf("live: fixes of %s on %s: %w", id, day, err)
	}
	if n < 2 {
		return patrol.Input{}, nil, problem.Invalid("no-fixes", fmt.Sprintf("device %s has %d usable fixes on %s (%s): a track needs two", id, n, day, loc))
	}
	b.WriteString("</trkseg></trk></gpx>\n")
	in := patrol.Input{FileName: fmt.Sprintf("live-%s-%s.gpx", id, day), Subject: d.Subject, SubjectKind: d.SubjectKind, Timezone: loc.String(), TrueUTC: true}
	if loc == china {
		in.Timezone = "Asia/Shanghai"
	}
	return in, b.Bytes(), nil
}

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// DeviceDay is one device's local day (YYYY-MM-DD in its first reserve's
// time zone).
type DeviceDay struct {
	Device string
	Day    string
}

// EndedDays are the local days still to become tracks: of the last back
// days that ended at least grace before now (so that fixes buffered on a
// phone without coverage have arrived), those on which a device may have
// reported (it has reported since the day began) and that are not yet in
// live_day_track.
func (s *Service) EndedDays(ctx context.Context, now time.Time, grace time.Duration, back int) ([]DeviceDay, error) {
	if err := s.refreshRules(ctx); err != nil {
		return nil, err
	}
	since := now.AddDate(0, 0, -back-2)
	done := map[DeviceDay]bool{}
	rows, err := s.pool.Query(ctx, `SELECT device_id, to_char(day, 'YYYY-MM-DD') FROM live_day_track WHERE day >= $1::date`, since.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("live: days made: %w", err)
	}
	for rows.Next() {
		var dd DeviceDay
		if err := rows.Scan(&dd.Device, &dd.Day); err != nil {
			rows.Close()
			return nil, fmt.Errorf("live: days made: %w", err)
		}
		done[dd] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live: days made: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT id, reserves, last_received_at FROM live_device WHERE last_received_at >= $1 ORDER BY id`, since)
	if err != nil {
		return nil, fmt.Errorf("live: devices that reported: %w", err)
	}
	defer rows.Close()
	var out []DeviceDay
	for rows.Next() {
		var id string
		var reserves []string
		var last time.Time
		if err := rows.Scan(&id, &reserves, &last); err != nil {
			return nil, fmt.Errorf("live: devices that reported: %w", err)
		}
		loc := china
		if len(reserves) > 0 {
			loc = s.rules.loc(reserves[0])
		}
		t := now.Add(-grace).In(loc)
		today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		for k := 1; k <= back; k++ {
			start := today.AddDate(0, 0, -k)
			dd := DeviceDay{Device: id, Day: start.Format(time.DateOnly)}
			if done[dd] || last.Before(start) {
				continue
			}
			out = append(out, dd)
		}
	}
	return out, rows.Err()
}

// MarkDay records that a device's day was assembled, into track (nil: the
// day had too few fixes for one).
func (s *Service) MarkDay(ctx context.Context, dd DeviceDay, track *int64) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO live_day_track (device_id, day, track_id) VALUES ($1, $2::date, $3)
		ON CONFLICT (device_id, day) DO UPDATE SET track_id = excluded.track_id, made_at = now()`, dd.Device, dd.Day, track); err != nil {
		return fmt.Errorf("live: day %s of %s: %w", dd.Day, dd.Device, err)
	}
	return nil
}
