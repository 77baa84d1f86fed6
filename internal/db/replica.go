package db

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Replicas are streaming replicas of the primary that reads may go to. A
// monitor polls the primary's WAL position and each replica's replay
// position; a replica takes reads while it answers and has replayed all the
// primary had written MaxLag ago, and a client that has just written reads
// from a replica only once it has replayed that write (its LSN), else from
// the primary: read-your-writes.
type Replicas struct {
	primary *pgxpool.Pool
	reps    []*replica
	maxLag  time.Duration
	every   time.Duration
	log     *slog.Logger
	next    atomic.Uint64

	mu      sync.Mutex
	samples []lsnSample // the primary's WAL position, oldest first

	// stop ends the poller Start began; polled is closed when it has.
	stop   context.CancelFunc
	polled chan struct{}
}

type replica struct {
	pool   *pgxpool.Pool
	replay atomic.Uint64 // pg_last_wal_replay_lsn() at the last poll
	usable atomic.Bool   // answered the last poll and lags less than MaxLag
}

type lsnSample struct {
	at  time.Time
	lsn uint64
}

// ReplicaOptions tune OpenReplicas.
type ReplicaOptions struct {
	Options
	// MaxLag is how far behind the primary a replica may be and still take
	// reads from clients that have not just written (0: 10 s).
	MaxLag time.Duration
	// Every is how often positions are polled (0: 100 ms).
	Every time.Duration
}

// OpenReplicas connects to each replica URL. Call Start (or Run) to start
// the monitor; until its first poll no replica takes reads.
func OpenReplicas(ctx context.Context, primary *pgxpool.Pool, urls []string, o ReplicaOptions, log *slog.Logger) (*Replicas, error) {
	r := &Replicas{primary: primary, maxLag: o.MaxLag, every: o.Every, log: log}
	if r.maxLag <= 0 {
		r.maxLag = 10 * time.Second
	}
	if r.every <= 0 {
		r.every = 100 * time.Millisecond
	}
	for _, u := range urls {
		pool, err := Open(ctx, u, o.Options)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("read replica: %w", err)
		}
		r.reps = append(r.reps, &replica{pool: pool})
	}
	return r, nil
}

// Start runs the monitor (Run) in the background until ctx ends or Close.
func (r *Replicas) Start(ctx context.Context) {
	ctx, r.stop = context.WithCancel(ctx)
	r.polled = make(chan struct{})
	go func() {
		defer close(r.polled)
		r.Run(ctx)
	}()
}

// Close stops the monitor Start began and waits for it, so that no poll
// outlives the pools, then closes the replicas' pools (nothing on nil).
func (r *Replicas) Close() {
	if r == nil {
		return
	}
	if r.stop != nil {
		r.stop()
		<-r.polled
	}
	for _, rep := range r.reps {
		rep.pool.Close()
	}
}

// Run polls the positions until ctx ends.
func (r *Replicas) Run(ctx context.Context) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		r.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// poll reads the primary's position, then each replica's.
func (r *Replicas) poll(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var s string
	if err := r.primary.QueryRow(pctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&s); err == nil {
		if lsn, err := ParseLSN(s); err == nil {
			r.mu.Lock()
			r.samples = append(r.samples, lsnSample{time.Now(), lsn})
			r.mu.Unlock()
		}
	}
	need := r.neededLSN()
	for _, rep := range r.reps {
		var s *string
		err := rep.pool.QueryRow(pctx, `SELECT pg_last_wal_replay_lsn()::text`).Scan(&s)
		if err != nil || s == nil { // unreachable, or promoted (no longer replaying)
			if rep.usable.Swap(false) && ctx.Err() == nil {
				r.log.Warn("read replica not used", "host", rep.pool.Config().ConnConfig.Host, "err", err)
			}
			continue
		}
		lsn, err := ParseLSN(*s)
		if err != nil {
			rep.usable.Store(false)
			continue
		}
		rep.replay.Store(lsn)
		fresh := lsn >= need
		if was := rep.usable.Swap(fresh); was && !fresh {
			r.log.Warn("read replica lags more than the allowed lag; reads go to the primary", "host", rep.pool.Config().ConnConfig.Host, "max_lag", r.maxLag)
		}
	}
}

// neededLSN is the primary's position MaxLag ago: a replica behind it lags
// too much. Samples older than that are dropped but the newest of them.
func (r *Replicas) neededLSN() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	cut := time.Now().Add(-r.maxLag)
	i := 0
	for i+1 < len(r.samples) && r.samples[i+1].at.Before(cut) {
		i++
	}
	r.samples = r.samples[i:]
	if len(r.samples) == 0 || !r.samples[0].at.Before(cut) {
		return 0
	}
	return r.samples[0].lsn
}

// Pick returns a replica that has replayed at least minLSN (0: any) and lags
// less than MaxLag, in turn; nil when none has: read from the primary.
func (r *Replicas) Pick(minLSN uint64) *pgxpool.Pool {
	if r == nil || len(r.reps) == 0 {
		return nil
	}
	start := r.next.Add(1)
	for i := range len(r.reps) {
		rep := r.reps[(start+uint64(i))%uint64(len(r.reps))]
		if rep.usable.Load() && rep.replay.Load() >= minLSN {
			return rep.pool
		}
	}
	return nil
}

// WriteLSN is the primary's WAL insert position now: past the commit
// record of every transaction committed before (even one not yet flushed,
// with synchronous_commit off), so a replica that has replayed up to it
// shows them.
func (r *Replicas) WriteLSN(ctx context.Context) (uint64, error) {
	var s string
	if err := r.primary.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&s); err != nil {
		return 0, fmt.Errorf("db: WAL position: %w", err)
	}
	return ParseLSN(s)
}

// ParseLSN reads a PostgreSQL LSN such as 16/B374D848.
func ParseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("db: %q is not an LSN such as 16/B374D848", s)
	}
	return h<<32 | l, nil
}

// FormatLSN writes an LSN as PostgreSQL does.
func FormatLSN(lsn uint64) string { return fmt.Sprintf("%X/%X", lsn>>32, lsn&0xffffffff) }

type readKey struct{}

// ReadFrom returns ctx whose statements, outside a write (BeginWrite), run
// on pool: a replica chosen for a read-only request.
func ReadFrom(ctx context.Context, pool *pgxpool.Pool) context.Context {
	return context.WithValue(ctx, readKey{}, pool)
}

// on is the pool ctx's statements outside a write run on.
func (p Pool) on(ctx context.Context) *pgxpool.Pool {
	if r, _ := ctx.Value(readKey{}).(*pgxpool.Pool); r != nil {
		return r
	}
	return p.pool
}
