package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per key (a token, a user, an address): n events
// per period, up to n at once. Keys idle for a period (their bucket is full
// again) are forgotten, so the map stays small. n = 0 allows everything.
//
// A limiter made by NewSharedLimiter keeps its counts in PostgreSQL instead,
// so that every API process on one database counts together; NewLimiter's
// counts are the process's own.
type Limiter struct {
	shared    *shared
	mu        sync.Mutex
	every     rate.Limit
	burst     int
	keys      map[string]*bucket
	forget    time.Duration
	lastSweep time.Time
	now       func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows n events per period per key (n = 0: no limit).
func NewLimiter(n int, period time.Duration) *Limiter {
	l := &Limiter{burst: n, keys: map[string]*bucket{}, forget: max(period, time.Minute), now: time.Now}
	if n > 0 {
		l.every = rate.Every(period / time.Duration(n))
	}
	return l
}

func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if now.Sub(l.lastSweep) > l.forget {
		for k, b := range l.keys {
			if now.Sub(b.seen) > l.forget {
				delete(l.keys, k)
			}
		}
		l.lastSweep = now
	}
	b := l.keys[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.keys[key] = b
	}
	b.seen = now
	return b
}

// Allow takes one event for key; when none is left it says how long until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.burst <= 0 {
		return true, 0
	}
	if l.shared != nil {
		return l.shared.take(key, 1)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	r := l.bucket(key, now).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// AllowN takes n events for key at once (a batch of n points); when they
// are not there it says how long until they are (a period when n is more
// than the bucket holds).
func (l *Limiter) AllowN(key string, n int) (bool, time.Duration) {
	if l == nil || l.burst <= 0 {
		return true, 0
	}
	if l.shared != nil {
		if n > l.burst {
			return false, l.forget
		}
		return l.shared.take(key, n)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	r := l.bucket(key, now).lim.ReserveN(now, n)
	if !r.OK() {
		return false, l.forget
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Blocked reports whether key has no event left, and for how long, without
// taking one (for a failed-login throttle: check first, Allow on failure).
func (l *Limiter) Blocked(key string) (bool, time.Duration) {
	if l == nil || l.burst <= 0 {
		return false, 0
	}
	if l.shared != nil {
		return l.shared.blocked(key)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.keys[key]
	if !ok {
		return false, 0
	}
	if t := b.lim.TokensAt(now); t < 1 {
		return true, time.Duration((1 - t) / float64(l.every) * float64(time.Second))
	}
	return false, 0
}

// Reset forgets key (a successful login clears its failures).
func (l *Limiter) Reset(key string) {
	if l == nil {
		return
	}
	if l.shared != nil {
		l.shared.reset(key)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}
