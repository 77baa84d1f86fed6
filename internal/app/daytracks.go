package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"time"

	"warden/internal/live"
	"warden/internal/patrol"
	"warden/internal/problem"
)

// DayTrackGrace is how long after a local day ends its fixes wait before
// they become a track: phones without coverage send theirs later.
const DayTrackGrace = 2 * time.Hour

// dayTrackDays is how many ended days back the job looks.
const dayTrackDays = 3

// DayTracks assembles each device's ended local days (at most the last
// three, DayTrackGrace after they end) into patrol tracks, through the same
// reading, cleaning, visits, findings and coverage as an uploaded file, and
// records each day in live_day_track so that it is made once. A day with
// too few fixes is recorded without a track. It returns the tracks made.
func DayTracks(ctx context.Context, lv *live.Service, tracks *patrol.Store, now time.Time, log *slog.Logger) (int, error) {
	days, err := lv.EndedDays(ctx, now, DayTrackGrace, dayTrackDays)
	if err != nil {
		return 0, err
	}
	made := 0
	for _, dd := range days {
		id, err := dayTrack(ctx, lv, tracks, dd)
		if err != nil {
			if ctx.Err() != nil {
				return made, ctx.Err()
			}
			log.Warn("live: day track not made; tried again at the next turn", "device", dd.Device, "day", dd.Day, "err", err)
			continue
		}
		if err := lv.MarkDay(ctx, dd, id); err != nil {
			return made, err
		}
		if id != nil {
			made++
		}
	}
	return made, nil
}

// dayTrack makes one device's day into a track; nil without enough fixes.
func dayTrack(ctx context.Context, lv *live.Service, tracks *patrol.Store, dd live.DeviceDay) (*int64, error) {
	in, file, err := lv.DayFile(ctx, dd.Device, dd.Day)
	if p, ok := problem.As(err); ok && p.Type == "no-fixes" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	up, err := tracks.Read(in, bytes.NewReader(file))
	if err != nil {
		return nil, fmt.Errorf("day track of %s on %s: %w", dd.Device, dd.Day, err)
	}
	t, _, err := tracks.Save(ctx, up)
	if err != nil {
		return nil, fmt.Errorf("day track of %s on %s: %w", dd.Device, dd.Day, err)
	}
	return &t.ID, nil
}

// runDayTracks is the day-track job: a turn every 10 minutes.
func runDayTracks(ctx context.Context, lv *live.Service, tracks *patrol.Store, log *slog.Logger) error {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := DayTracks(ctx, lv, tracks, time.Now(), log); err != nil && ctx.Err() == nil {
			log.Warn("live: day tracks", "err", err)
		} else if n > 0 {
			log.Info("live: days became tracks", "tracks", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
