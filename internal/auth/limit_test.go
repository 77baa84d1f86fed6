package auth

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := NewLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("event %d of 3 refused", i+1)
		}
	}
	ok, retry := l.Allow("a")
	if ok || retry <= 0 || retry > 20*time.Second {
		t.Errorf("the 4th event: %v, retry %v (want refused, about 20 s)", ok, retry)
	}
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
	if b, _ := f.Blocked("x"); b {
		t.Error("a fresh name is blocked")
	}
	f.Allow("x")
	f.Allow("x")
	if b, d := f.Blocked("x"); !b || d <= 0 || d > 8*time.Minute {
		t.Errorf("after two failures: blocked %v for %v", b, d)
	}
	f.Reset("x")
	if b, _ := f.Blocked("x"); b {
		t.Error("Reset does not unblock")
	}
	var none *Limiter
	if ok, _ := none.Allow("x"); !ok {
		t.Error("a nil limiter refuses")
	}
	if ok, _ := NewLimiter(0, time.Minute).Allow("x"); !ok {
		t.Error("a zero limiter refuses")
	}
}
