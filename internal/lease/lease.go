// Package lease runs each background job in one process only, however many
// `warden serve` processes share the database: a job runs while its process
// holds the job's row in job_lease, renewed well before it expires. When the
// holder stops, it gives the lease up; when it dies, another process takes
// the lease over once it has expired.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultTTL is how long a lease lasts without renewal: how long a job may
// go unrun after its process dies.
const DefaultTTL = 30 * time.Second

// Runner runs jobs under leases held in one process's name.
type Runner struct {
	pool   *pgxpool.Pool
	holder string
	ttl    time.Duration
	log    *slog.Logger
}

// NewRunner returns a Runner whose leases last ttl (0: DefaultTTL), held as
// host:pid:random, which names this process in job_lease.
func NewRunner(pool *pgxpool.Pool, ttl time.Duration, log *slog.Logger) *Runner {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Runner{pool: pool, holder: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b)), ttl: ttl, log: log}
}

// Holder names this process in job_lease.
func (r *Runner) Holder() string { return r.holder }

// acquire takes the lease name, or renews it if this process holds it, and
// reports whether it holds it now.
func (r *Runner) acquire(ctx context.Context, name string) (bool, error) {
	tag, err := r.pool.Exec(ctx, `INSERT INTO job_lease AS l (name, holder, expires_at) VALUES ($1, $2, now() + $3::interval)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, renewed_at = now(),
			acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE now() END
		WHERE l.holder = excluded.holder OR l.expires_at < now()`, name, r.holder, r.ttl)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return tag.RowsAffected() == 1, nil
}

// release gives the lease up, so that another process takes it at once.
func (r *Runner) release(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := r.pool.Exec(ctx, `DELETE FROM job_lease WHERE name = $1 AND holder = $2`, name, r.holder); err != nil {
		r.log.Warn("lease not released; it expires by itself", "job", name, "err", err)
	}
}

// Run runs job while this process holds the lease name, until ctx ends. It
// tries for the lease every third of the TTL; holding it, it starts job and
// renews the lease as often. When the lease is lost (taken over after
// renewals failed for a whole TTL, or the database unreachable that long)
// job's context is cancelled before the lease could have passed to another
// process, and Run waits for job to return before trying again. A job that
// returns on its own is started again at the next turn.
func (r *Runner) Run(ctx context.Context, name string, job func(context.Context) error) {
	turn := r.ttl / 3
	for ctx.Err() == nil {
		t0 := time.Now()
		held, err := r.acquire(ctx, name)
		if err != nil && ctx.Err() == nil {
			r.log.Warn("background job: lease not taken", "job", name, "err", err)
		}
		if held {
			r.log.Info("background job: running here", "job", name, "holder", r.holder)
			r.hold(ctx, name, t0, job)
		}
		select {
		case <-ctx.Done():
		case <-time.After(turn):
		}
	}
}

// hold runs job while the lease, taken at t0, is renewed.
func (r *Runner) hold(ctx context.Context, name string, t0 time.Time, job func(context.Context) error) {
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- job(jobCtx) }()
	turn := r.ttl / 3
	tick := time.NewTicker(turn)
	defer tick.Stop()
	// valid is when the lease may have passed to another process: a turn
	// before its expiry as this process last set it, for clock steps and
	// the time the renewal took.
	valid := t0.Add(r.ttl - turn)
	for {
		select {
		case <-ctx.Done():
			cancel()
			<-done
			r.release(name)
			return
		case err := <-done:
			if err != nil && ctx.Err() == nil {
				r.log.Error("background job stopped", "job", name, "err", err)
			}
			r.release(name)
			return
		case <-tick.C:
			t := time.Now()
			rctx, rcancel := context.WithTimeout(ctx, turn)
			held, err := r.acquire(rctx, name)
			rcancel()
			if err == nil && held {
				valid = t.Add(r.ttl - turn)
				continue
			}
			if err != nil && time.Now().Before(valid) {
				r.log.Warn("background job: lease not renewed yet", "job", name, "err", err)
				continue
			}
			r.log.Warn("background job: lease lost; stopping here", "job", name, "err", err)
			cancel()
			<-done
			return
		}
	}
}
