package live

import (
	"context"
	"fmt"
	"time"
)

// MaxTrailHours is the longest trail the live map asks for.
const MaxTrailHours = 48

// maxTrailPoints caps a trail (a day and a half of fixes at 1 Hz); the
// newest points are kept.
const maxTrailPoints = 150_000

// Trail is where a device has been in the last hours: its accepted fixes
// in time order, as the live map draws them.
type Trail struct {
	Device string `json:"device"`
	Hours  int    `json:"hours"`
	// Coordinates are [lon, lat] pairs and Times their fix times, index by
	// index.
	Coordinates [][2]float64 `json:"coordinates"`
	Times       []time.Time  `json:"times"`
}

// Trail returns device id's accepted fixes of the last hours (1 to
// MaxTrailHours), oldest first; an unknown device is a 404.
func (s *Service) Trail(ctx context.Context, id string, hours int) (Trail, error) {
	if _, err := s.Device(ctx, id); err != nil {
		return Trail{}, err
	}
	since := s.opts.Now().Add(-time.Duration(hours) * time.Hour)
	// An accepted fix is never received before its time less the future
	// slack, so the received_at bound only narrows the partitions read.
	rows, err := s.pool.Query(ctx, `SELECT fixed_at, lon, lat FROM (
		SELECT fixed_at, lon, lat FROM live_position
		WHERE device_id = $1 AND status = 'accepted' AND fixed_at >= $2 AND received_at >= $3
		ORDER BY fixed_at DESC LIMIT $4) p ORDER BY fixed_at`, id, since, since.Add(-s.opts.FutureSlack), maxTrailPoints)
	if err != nil {
		return Trail{}, fmt.Errorf("live: trail of %s: %w", id, err)
	}
	defer rows.Close()
	tr := Trail{Device: id, Hours: hours, Coordinates: [][2]float64{}, Times: []time.Time{}}
	for rows.Next() {
		var at time.Time
		var lon, lat float64
		if err := rows.Scan(&at, &lon, &lat); err != nil {
			return Trail{}, fmt.Errorf("live: trail of %s: %w", id, err)
		}
		tr.Coordinates = append(tr.Coordinates, [2]float64{lon, lat})
		tr.Times = append(tr.Times, at)
	}
	if err := rows.Err(); err != nil {
		return Trail{}, fmt.Errorf("live: trail of %s: %w", id, err)
	}
	return tr, nil
}
