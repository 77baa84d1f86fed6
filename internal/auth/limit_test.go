package auth

import (
	"testing"
	"time"
)

// wantThreeAMinute: with a limit of 3 events a minute, three events of key
// through the first three of ls are allowed, and a fourth, through the
// last, is refused with a retry of about 20 s.
func wantThreeAMinute(t *testing.T, key string, ls ...*Limiter) {
	t.Helper()
	for i, l := range ls[:3] {
		if ok, _ := l.Allow(key); !ok {
			t.Fatalf("event %d of 3 refused", i+1)
		}
	}
	if ok, retry := ls[3].Allow(key); ok || retry <= 0 || retry > 20*time.Second {
		t.Errorf("the 4th event: %v, retry %v (want refused, about 20 s)", ok, retry)
	}
}

// wantTwoFailures: with a throttle of 2 failures in 15 minutes, failures
// of key taken through f1 then f2, and checked through the other: a fresh
// key is not blocked, nor after one failure; after the second it is, for
// at most 8 minutes; Reset unblocks it.
func wantTwoFailures(t *testing.T, key string, f1, f2 *Limiter) {
	t.Helper()
	if blocked, _ := f2.Blocked(key); blocked {
		t.Error("a fresh name is blocked")
	}
	f1.Allow(key)
	if blocked, _ := f2.Blocked(key); blocked {
		t.Error("blocked after one failure of two")
	}
	f2.Allow(key)
	if blocked, d := f1.Blocked(key); !blocked || d <= 0 || d > 8*time.Minute {
		t.Errorf("after two failures: blocked %v for %v", blocked, d)
	}
	f2.Reset(key)
	if blocked, _ := f1.Blocked(key); blocked {
		t.Error("Reset does not unblock")
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := NewLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	wantThreeAMinute(t, "a", l, l, l, l)
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another key is limited too")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("no event is back after a third of the period")
	}
	// Keys idle for a period are forgotten.
	now = now.Add(2 * time.Minute)
	l.Allow("c")
	if _, ok := l.keys["a"]; ok {
		t.Error("an idle key is kept")
	}

	// A failed-login throttle: Blocked checks, Allow takes on failure, Reset forgets.
	f := NewLimiter(2, 15*time.Minute)
	f.now = func() time.Time { return now }
	wantTwoFailures(t, "x", f, f)
	var none *Limiter
	if ok, _ := none.Allow("x"); !ok {
		t.Error("a nil limiter refuses")
	}
	if ok, _ := NewLimiter(0, time.Minute).Allow("x"); !ok {
		t.Error("a zero limiter refuses")
	}
}
