package auth

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// sharedTimeout bounds one limiter statement: a limiter that cannot reach
// the database lets the request through, which then meets the database's
// own unavailability (503) rather than a wrong 429.
const sharedTimeout = 2 * time.Second

// shared is a Limiter's state in the rate_limit table: the generic cell rate
// algorithm, one row per key holding its theoretical arrival time (tat).
// Each event costs every (period/n); it is allowed when the key's tat, moved
// on by the cost, is at most period ahead of now. Taking an event is one
// INSERT ... ON CONFLICT DO UPDATE on one row, atomic across processes.
type shared struct {
	pool   *pgxpool.Pool
	name   string
	every  time.Duration
	period time.Duration
}

// NewSharedLimiter is NewLimiter with its counts in PostgreSQL under name
// (one name per limiter), shared by every process on pool's database.
func NewSharedLimiter(pool *pgxpool.Pool, name string, n int, period time.Duration) *Limiter {
	l := NewLimiter(n, period)
	if n > 0 {
		l.shared = &shared{pool: pool, name: name, every: period / time.Duration(n), period: period}
	}
	return l
}

// take takes n events for key, or says how long until they are there.
func (s *shared) take(key string, n int) (bool, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	var ok bool
	var wait float64
	err := s.pool.QueryRow(ctx, `INSERT INTO rate_limit AS r (limiter, key, tat) VALUES ($1, $2, now() + $3::interval)
		ON CONFLICT (limiter, key) DO UPDATE SET
			ok = greatest(r.tat, now()) + $3::interval <= now() + $4::interval,
			tat = CASE WHEN greatest(r.tat, now()) + $3::interval <= now() + $4::interval
			           THEN greatest(r.tat, now()) + $3::interval ELSE r.tat END
		RETURNING ok, CASE WHEN ok THEN 0 ELSE extract(epoch FROM greatest(tat, now()) + $3::interval - $4::interval - now())::float8 END`,
		s.name, key, time.Duration(n)*s.every, s.period).Scan(&ok, &wait)
	if err != nil {
		slog.Warn("rate limit not checked", "limiter", s.name, "err", err)
		return true, 0
	}
	return ok, time.Duration(wait * float64(time.Second))
}

// blocked reports whether key has no event left, and for how long.
func (s *shared) blocked(key string) (bool, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	var wait float64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(extract(epoch FROM tat - now() - $3::interval)::float8), 0)
		FROM rate_limit WHERE limiter = $1 AND key = $2`, s.name, key, s.period-s.every).Scan(&wait)
	if err != nil {
		slog.Warn("rate limit not checked", "limiter", s.name, "err", err)
		return false, 0
	}
	if wait > 0 {
		return true, time.Duration(wait * float64(time.Second))
	}
	return false, 0
}

// reset forgets key.
func (s *shared) reset(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	if _, err := s.pool.Exec(ctx, `DELETE FROM rate_limit WHERE limiter = $1 AND key = $2`, s.name, key); err != nil {
		slog.Warn("rate limit not reset", "limiter", s.name, "err", err)
	}
}

// SweepLimits deletes the rate_limit rows whose buckets are full again
// (their tat has passed), which count the same as no row: the table holds
// only the keys active in the last period.
func SweepLimits(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	tag, err := pool.Exec(ctx, `DELETE FROM rate_limit WHERE tat < now()`)
	if err != nil {
		return 0, fmt.Errorf("auth: sweep rate limits: %w", err)
	}
	return tag.RowsAffected(), nil
}
