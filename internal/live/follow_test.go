package live

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/testdb"
)

// TestFollowOtherProcess: two services on one database stand for two
// processes. An SOS ingested by one, and its acknowledgement, reach the
// other's stream subscribers; the first publishes its own event once; when
// the follower's notification connection is cut, its open streams are ended
// once it is back, so that their clients catch up from the table.
func TestFollowOtherProcess(t *testing.T) {
	pool, a, c := plateau(t, Options{})
	b := New(pool, nil, Options{Now: c.now}, slog.New(slog.DiscardHandler))
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { b.Follow(ctx); close(done) }()
	defer func() { stop(); <-done }()
	owner := testdb.Owner(t, pool)
	waitListening(t, owner)
	subA, subB := a.Hub().Subscribe(nil), b.Hub().Subscribe(nil)
	defer subA.Close()
	defer subB.Close()

	d := register(t, a, "phone-sos", "patrol")
	f := Fix{Device: "phone-sos", Time: c.now().Add(-time.Second), Lon: 100.02, Lat: 30.02, SOS: true}
	if _, err := a.Ingest(ctx, Ingest{Protocol: "osmand", Token: &d.Token, Fixes: []Fix{f}}); err != nil {
		t.Fatal(err)
	}
	e := next(t, subB)
	if e.Kind != "sos" || e.Device != "phone-sos" || e.ID == 0 || !e.Alert {
		t.Fatalf("the other process's stream got %+v, want the SOS of phone-sos", e)
	}
	if got := next(t, subA); got.ID != e.ID {
		t.Errorf("the ingesting process's stream got event %d, want %d", got.ID, e.ID)
	}
	if _, err := a.Acknowledge(ctx, e.ID, "officer-li"); err != nil {
		t.Fatal(err)
	}
	if ack := next(t, subB); ack.Kind != "acknowledged" || ack.ID != e.ID || ack.AcknowledgedBy != "officer-li" {
		t.Errorf("the other process's stream got %+v, want the acknowledgement of %d", ack, e.ID)
	}
	next(t, subA) // its own acknowledgement
	select {
	case again := <-subA.C:
		t.Errorf("the ingesting process published %s %d a second time", again.Kind, again.ID)
	case <-time.After(500 * time.Millisecond):
	}

	if _, err := owner.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, followerName); err != nil {
		t.Fatal(err)
	}
	select {
	case <-subB.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("the follower's streams were not ended after its notification connection was lost")
	}
	waitListening(t, owner)
}

// waitListening waits until a follower LISTENs on warden_live.
func waitListening(t *testing.T, owner *pgxpool.Pool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var n int
		if err := owner.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query = 'LISTEN warden_live'`, followerName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no follower listening on warden_live after 15 s")
		}
	}
}

// next is the subscription's next event, within 10 s.
func next(t *testing.T, sub *Subscription) Event {
	t.Helper()
	select {
	case e := <-sub.C:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event on the stream within 10 s")
		return Event{}
	}
}
