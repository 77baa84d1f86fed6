package auth

import (
	"context"
	"testing"
	"time"

	"warden/internal/testdb"
)

// TestSharedLimiter: two limiters of one name, as two processes on one
// database hold them, count together; another name counts apart; the failed
// login throttle is shared the same way; the sweep keeps only live keys.
func TestSharedLimiter(t *testing.T) {
	pool := testdb.New(t)
	a := NewSharedLimiter(pool, "writes", 3, time.Minute)
	b := NewSharedLimiter(pool, "writes", 3, time.Minute)
	other := NewSharedLimiter(pool, "logins", 3, time.Minute)
	wantThreeAMinute(t, "10.0.0.1", a, b, a, b) // the 4th in the other process
	if ok, _ := other.Allow("10.0.0.1"); !ok {
		t.Error("another limiter's count is shared")
	}
	if ok, _ := a.Allow("10.0.0.2"); !ok {
		t.Error("another key is limited too")
	}
	if ok, retry := a.AllowN("10.0.0.3", 2); !ok || retry != 0 {
		t.Errorf("2 of 3 at once refused (%v)", retry)
	}
	if ok, _ := b.AllowN("10.0.0.3", 2); ok {
		t.Error("2 more of 3 allowed in the other process")
	}
	if ok, _ := b.AllowN("10.0.0.4", 4); ok {
		t.Error("more than the bucket holds allowed")
	}

	f1 := NewSharedLimiter(pool, "failed", 2, 15*time.Minute)
	f2 := NewSharedLimiter(pool, "failed", 2, 15*time.Minute)
	wantTwoFailures(t, "ranger", f1, f2) // a failure in each process, Reset in one

	ctx := context.Background()
	owner := testdb.Owner(t, pool)
	if _, err := owner.Exec(ctx, `UPDATE rate_limit SET tat = now() - interval '1 s' WHERE key = '10.0.0.2'`); err != nil {
		t.Fatal(err)
	}
	n, err := SweepLimits(ctx, pool)
	if err != nil || n != 1 {
		t.Errorf("sweep: %d rows, %v (want the one full bucket)", n, err)
	}
}
