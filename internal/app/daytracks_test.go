package app_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"warden/internal/app"
	"warden/internal/live"
	"warden/internal/patrol"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// TestDayTracks: a visitor's phone walks into a core protection zone and
// out again late at night; once the local day has ended, the day-track job makes its
// fixes into a track, once, whose zone visits are those of the same fixes
// uploaded as a GPX file written another way.
func TestDayTracks(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	sampletest.AddPlateau(t, pool)
	eng, err := zoning.StartEngine(ctx, pool, log)
	if err != nil {
		t.Fatal(err)
	}
	// The walk is on 2026-06-01 from 23:00 in the reserve's time (+08:00),
	// at night: a night patrol's fixes are UTC all the same; the job runs
	// the next day at 03:00, past the grace.
	t0 := time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC)
	now := time.Date(2026, 6, 1, 19, 0, 0, 0, time.UTC)
	lv := live.New(pool, eng, live.Options{Now: func() time.Time { return now }}, log)
	id, kind := "visitor-1", "visitor"
	d, err := lv.CreateDevice(ctx, live.DeviceInput{ID: &id, Kind: ptr("phone"), Subject: ptr("游客甲"), SubjectKind: &kind, Reserves: []string{"plateau"}})
	if err != nil {
		t.Fatal(err)
	}
	var lons []float64
	for i := range 12 { // in, 19 m every 10 s, then deep inside, then out
		lons = append(lons, 100.0391+0.0002*float64(i))
	}
	for range 30 {
		lons = append(lons, 100.0413)
	}
	for i := range 14 {
		lons = append(lons, 100.0411-0.0002*float64(i))
	}
	var gpx strings.Builder
	gpx.WriteString("<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"a phone app\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n <trk>\n  <name>walk</name>\n  <trkseg>\n")
	for i, lon := range lons {
		at := t0.Add(time.Duration(i) * 10 * time.Second)
		res, err := lv.Ingest(ctx, live.Ingest{Protocol: "osmand", Token: &d.Token, Fixes: []live.Fix{{Device: id, Time: at, Lon: lon, Lat: 30.05}}})
		if err != nil || res[0].Status != live.Accepted {
			t.Fatalf("fix %d: %v %+v", i, err, res)
		}
		fmt.Fprintf(&gpx, "   <trkpt lon=\"%.6f\" lat=\"30.050000\">\n    <time>%s</time>\n   </trkpt>\n", lon, at.In(time.FixedZone("", 8*3600)).Format(time.RFC3339))
	}
	gpx.WriteString("  </trkseg>\n </trk>\n</gpx>\n")

	tracks := patrol.NewStore(pool, patrol.Options{})
	tracks.UseEngine(eng)
	if n, err := app.DayTracks(ctx, lv, tracks, now.Add(-6*time.Hour), log); err != nil || n != 0 {
		t.Fatalf("before the day ended: %d tracks, %v; want none", n, err)
	}
	if n, err := app.DayTracks(ctx, lv, tracks, now, log); err != nil || n != 1 {
		t.Fatalf("after the day ended: %d tracks, %v; want 1", n, err)
	}
	if n, err := app.DayTracks(ctx, lv, tracks, now.Add(time.Hour), log); err != nil || n != 0 {
		t.Fatalf("again: %d tracks, %v; want none, the day is made", n, err)
	}
	var dayID int64
	if err := pool.QueryRow(ctx, `SELECT track_id FROM live_day_track WHERE device_id = $1 AND day = '2026-06-01'`, id).Scan(&dayID); err != nil {
		t.Fatal(err)
	}
	day, err := tracks.Get(ctx, dayID)
	if err != nil {
		t.Fatal(err)
	}
	// The file's times carry their offset (+08:00), so it needs no time zone.
	up, err := tracks.Read(patrol.Input{FileName: "walk.gpx", Subject: "游客甲", SubjectKind: patrol.Visitor}, bytes.NewReader([]byte(gpx.String())))
	if err != nil {
		t.Fatal(err)
	}
	uploaded, created, err := tracks.Save(ctx, up)
	if err != nil || !created {
		t.Fatalf("upload: created %v, %v", created, err)
	}
	if got, want := visits(day.Visits), visits(uploaded.Visits); got != want || !strings.Contains(got, "core_protection 2026-06-01T15:00:45Z") {
		t.Errorf("the day's track has visits\n%s\nthe uploaded file\n%s\nwant the core entered at 2026-06-01T15:00:45Z, as the fixes were", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// visits describes zone visits for comparison: zone, entry and exit to
// the second, jitter.
func visits(vs []patrol.Visit) string {
	var b strings.Builder
	for _, v := range vs {
		at := func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.UTC().Round(time.Second).Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "%s %s→%s jitter=%v fixes=%d\n", v.ZoneKind, at(v.EnteredAt), at(v.ExitedAt), v.BoundaryJitter, v.Fixes)
	}
	return b.String()
}
