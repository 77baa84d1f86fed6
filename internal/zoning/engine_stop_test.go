package zoning_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"warden/internal/problem"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// TestEngineStopsBeforeThePool: once the engine's context ends, Wait
// returns only after its notification connection to the database is
// closed, so warden serve can close the pool and stop the cluster after it
// (the ordered shutdown) without a session of its own left behind.
func TestEngineStopsBeforeThePool(t *testing.T) {
	pool := testdb.New(t)
	sessions := func() int {
		var n int
		if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
			AND query = 'SELECT epoch FROM zoning_epoch' AND state = 'idle'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx, cancel := context.WithCancel(t.Context())
	eng, err := zoning.StartEngine(ctx, pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if n := sessions(); n != 1 {
		t.Fatalf("%d listening sessions while the engine runs, want 1", n)
	}
	cancel()
	done := make(chan struct{})
	go func() { eng.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Wait did not return after the context ended")
	}
	// The server ends the backend shortly after the client's Terminate.
	for i := 0; sessions() != 0; i++ {
		if i == 20 {
			t.Fatal("the engine's notification session outlived Wait")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStoreErrorsSayWhere: an error from the database reaches the caller
// (and the log of a 500) naming the store and the operation, with the cause
// still reachable by errors.Is.
func TestStoreErrorsSayWhere(t *testing.T) {
	zs := zoning.NewStore(testdb.New(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := zs.Reserve(ctx, "qiangtang")
	if err == nil || !strings.HasPrefix(err.Error(), "zoning: reserve qiangtang: ") || !errors.Is(err, context.Canceled) {
		t.Errorf("Reserve on a cancelled context: %v, want it wrapped as zoning: reserve qiangtang: …", err)
	}
	if _, err := zs.Reserve(t.Context(), "nowhere"); err == nil || err.Error() == "" {
		t.Fatal("an unknown reserve: no error")
	} else if p, ok := problem.As(err); !ok || p.Status != 404 {
		t.Errorf("an unknown reserve: %v, want the 404 problem unchanged", err)
	}
}
