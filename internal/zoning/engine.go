package zoning

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/zoning/engine"
)

// Engine holds the in-memory index of every reserve's current zones (package
// engine) and keeps it equal to PostGIS: it is built at start, and rebuilt
// whenever the database announces a higher zoning epoch on the channel
// warden_zoning (migration 00030). The index is used only while it is known
// to be current: after an announcement and until the rebuild, or while the
// notification connection is down, callers wait briefly and then fall back
// to SQL.
type Engine struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	cur       atomic.Pointer[snapshot]
	announced atomic.Int64 // highest epoch announced by the database
	listening atomic.Bool  // the notification connection is up

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever cur or listening changes
	wake    chan struct{} // asks the builder for a rebuild
	buildMu sync.Mutex    // one build at a time
	running sync.WaitGroup
	past    pastIndexes // indexes of older zonings (see TrackZones)
}

// snapshot is an index and the epoch it was read at.
type snapshot struct {
	ix    *engine.Index
	epoch int64
	built time.Duration
}

// staleWait is how long a caller waits for a rebuild before answering from SQL.
const staleWait = 2 * time.Second

// StartEngine builds the index and keeps it in step until ctx ends (Wait
// waits for that end).
func StartEngine(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) (*Engine, error) {
	e := &Engine{pool: pool, log: log, changed: make(chan struct{}), wake: make(chan struct{}, 1)}
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	e.running.Add(2)
	go func() { defer e.running.Done(); e.listen(ctx, ready) }()
	go func() { defer e.running.Done(); e.rebuilder(ctx) }()
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10 * time.Second):
	}
	return e, nil
}

// Wait returns once the engine has stopped after its context ended: its
// notification connection closed and no rebuild running, so the pool may
// be closed after it.
func (e *Engine) Wait() { e.running.Wait() }

// Reload reads the current zones and the epoch in one snapshot of the
// database and swaps the new index in.
func (e *Engine) Reload(ctx context.Context) error {
	e.buildMu.Lock()
	defer e.buildMu.Unlock()
	start := time.Now()
	var s snapshot
	err := pgx.BeginTxFunc(ctx, e.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT epoch FROM zoning_epoch`).Scan(&s.epoch); err != nil {
			return err
		}
		zones, err := readZones(ctx, tx, `v.is_current`)
		if err != nil {
			return err
		}
		s.ix = engine.Build(zones)
		return nil
	})
	if err != nil {
		return fmt.Errorf("zoning: build the zone index: %w", err)
	}
	s.built = time.Since(start)
	if old := e.cur.Load(); old != nil && old.epoch > s.epoch {
		return nil // a concurrent build read a later state
	}
	e.cur.Store(&s)
	e.signal()
	e.log.Debug("zone index built", "epoch", s.epoch, "zones", s.ix.Zones(), "vertices", s.ix.Vertices(), "took", s.built)
	return nil
}

// readZones reads the zones of the versions v that match where (an SQL
// condition written in code, with its args) for an index.
func readZones(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]engine.Zone, error) {
	rows, err := tx.Query(ctx, `
		SELECT z.id, z.reserve_id, r.code, z.kind, z.name, ST_AsBinary(z.geom)
		FROM zone z
		JOIN zoning_version v ON v.id = z.version_id
		JOIN reserve r ON r.id = z.reserve_id
		WHERE `+where+`
		ORDER BY z.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var zones []engine.Zone
	for rows.Next() {
		var z engine.Zone
		var g orb.Geometry
		if err := rows.Scan(&z.ID, &z.ReserveID, &z.Reserve, &z.Kind, &z.Name, db.Scan(&g)); err != nil {
			return nil, fmt.Errorf("zoning: read zone %d: %w", z.ID, err)
		}
		switch t := g.(type) {
		case orb.MultiPolygon:
			z.Geom = t
		case orb.Polygon:
			z.Geom = orb.MultiPolygon{t}
		default:
			return nil, fmt.Errorf("zone %d: geometry %T", z.ID, g)
		}
		z.Rank = Kind(z.Kind).Rank()
		zones = append(zones, z)
	}
	return zones, rows.Err()
}

func (e *Engine) signal() {
	e.mu.Lock()
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
}

func (e *Engine) changedCh() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// Index returns the current index, waiting up to staleWait for a rebuild
// when the database has announced a later zoning; nil if it is still stale
// (the caller then answers from SQL).
func (e *Engine) Index(ctx context.Context) *engine.Index {
	if ix := e.current(); ix != nil {
		return ix // the usual case, without a timer
	}
	deadline := time.NewTimer(staleWait)
	defer deadline.Stop()
	for {
		ch := e.changedCh()
		if ix := e.current(); ix != nil {
			return ix
		}
		select {
		case <-ch:
		case <-deadline.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// current is the index if it is known to be current, else nil.
func (e *Engine) current() *engine.Index {
	if s := e.cur.Load(); s != nil && e.listening.Load() && s.epoch >= e.announced.Load() {
		return s.ix
	}
	return nil
}

// Epoch is the zoning epoch of the index in use.
func (e *Engine) Epoch() int64 {
	if s := e.cur.Load(); s != nil {
		return s.epoch
	}
	return 0
}

// announce records an epoch announced by the database and asks for a
// rebuild if the index is older.
func (e *Engine) announce(epoch int64) {
	for {
		old := e.announced.Load()
		if epoch <= old || e.announced.CompareAndSwap(old, epoch) {
			break
		}
	}
	if s := e.cur.Load(); s == nil || s.epoch < epoch {
		select {
		case e.wake <- struct{}{}:
		default:
		}
	}
}

// rebuilder rebuilds the index when asked, retrying on errors.
func (e *Engine) rebuilder(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		}
		if s := e.cur.Load(); s != nil && s.epoch >= e.announced.Load() {
			continue
		}
		if err := e.Reload(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("zone index rebuild failed; answering from SQL until it succeeds", "err", err)
			time.Sleep(time.Second)
			e.announce(e.announced.Load())
		}
	}
}

// listen holds a connection LISTENing on warden_zoning. Whenever it
// (re)connects it reads the epoch, since announcements may have been missed.
func (e *Engine) listen(ctx context.Context, ready chan struct{}) {
	once := sync.OnceFunc(func() { close(ready) })
	for ctx.Err() == nil {
		err := e.listenOnce(ctx, once)
		e.listening.Store(false)
		e.signal()
		if ctx.Err() != nil {
			return
		}
		e.log.Warn("zone index: notification connection lost; answering from SQL until it is back", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (e *Engine) listenOnce(ctx context.Context, ready func()) error {
	conn, err := pgx.ConnectConfig(ctx, e.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN warden_zoning`); err != nil {
		return err
	}
	var epoch int64
	if err := conn.QueryRow(ctx, `SELECT epoch FROM zoning_epoch`).Scan(&epoch); err != nil {
		return err
	}
	e.announce(epoch)
	e.listening.Store(true)
	e.signal()
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		v, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			return errors.New("zone index: bad payload on warden_zoning: " + n.Payload)
		}
		e.announce(v)
	}
}
