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
	in := patrol.Input{FileName: fmt.Sprintf("live-%s-%s.gpx", id, day), Subject: d.Subject, SubjectKind: d.SubjectKind, Timezone: loc.String()}
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
