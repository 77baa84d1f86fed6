package patrol

import (
	"testing"
	"time"
)

// TestTrackFixPartitions: a track's fixes are filed under the month its
// fixes end (00082); a track of a month not made yet waits in the default
// partition and moves into its month when the month is made; retention
// detaches old months whole, leaving the tracks themselves.
func TestTrackFixPartitions(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	ctx := t.Context()
	for _, m := range []string{"2031-01-01", "2031-02-01"} {
		if _, err := pool.Exec(ctx, `SELECT month_partition('track_segment', $1::date)`, m); err != nil {
			t.Fatalf("make the month of %s as the runtime role: %v", m, err)
		}
	}
	in := Input{Subject: "ranger-7", SubjectKind: Patrol}
	jan := upload(t, s, in, gpxFile([][]fx{eastward(time.Date(2031, 1, 31, 23, 0, 0, 0, time.UTC))})) // ends on 1 February
	old := upload(t, s, in, gpxFile([][]fx{eastward(time.Date(2019, 5, 2, 1, 0, 0, 0, time.UTC))}))
	where := func(id int64) string {
		t.Helper()
		var part string
		var n int
		if err := pool.QueryRow(ctx, `SELECT min(tableoid::regclass::text), count(*) FROM track_segment WHERE track_id = $1`, id).Scan(&part, &n); err != nil || n != 1 {
			t.Fatalf("segments of track %d: %d in %s (%v)", id, n, part, err)
		}
		return part
	}
	if p := where(jan.ID); p != "track_segment_203102" {
		t.Errorf("a track ending on 1 February 2031 is in %s, want track_segment_203102", p)
	}
	if p := where(old.ID); p != "track_segment_default" {
		t.Errorf("a track of a month not made yet is in %s, want track_segment_default", p)
	}
	if _, err := pool.Exec(ctx, `SELECT month_partition('track_segment', '2019-05-15')`); err != nil {
		t.Fatalf("make May 2019 with its rows waiting in the default partition: %v", err)
	}
	if p := where(old.ID); p != "track_segment_201905" {
		t.Errorf("after its month is made the old track is in %s, want track_segment_201905", p)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT month_detach('track_segment', '2031-02-01')`).Scan(&n); err != nil || n < 2 {
		t.Fatalf("detach the months before February 2031: %d (%v), want May 2019 and January 2031 at least", n, err)
	}
	if p := where(jan.ID); p != "track_segment_203102" {
		t.Errorf("the February month was detached with the older ones: the track is in %s", p)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM track_segment WHERE track_id = $1`, old.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("the detached month's fixes still answer: %d (%v)", n, err)
	}
	if _, err := s.Get(ctx, old.ID); err != nil {
		t.Errorf("the track whose fixes were detached: %v", err)
	}
}
