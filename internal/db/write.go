package db

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A Write is one request's single transaction: everything a write request
// changes, the resource's "before" image and its audit record are committed
// together or not at all. It begins on first use (a request refused before
// it touches the database holds no connection) and its owner, the audit
// middleware, commits or rolls it back.
type Write struct {
	pool  *pgxpool.Pool
	mu    sync.Mutex
	tx    pgx.Tx
	after []func(context.Context) error
}

type writeKey struct{}

// BeginWrite returns a context whose stores' statements (through Pool) run
// in one transaction on pool, and that transaction.
func BeginWrite(ctx context.Context, pool *pgxpool.Pool) (context.Context, *Write) {
	w := &Write{pool: pool}
	return context.WithValue(ctx, writeKey{}, w), w
}

// Detached is ctx without its Write: statements run on their own, outside
// the request's transaction (the audit record of a refused write).
func Detached(ctx context.Context) context.Context {
	return context.WithValue(ctx, writeKey{}, (*Write)(nil))
}

func writeOf(ctx context.Context) *Write {
	w, _ := ctx.Value(writeKey{}).(*Write)
	return w
}

// conn is the transaction, begun now if it was not.
func (w *Write) conn(ctx context.Context) (pgx.Tx, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tx == nil {
		tx, err := w.pool.Begin(ctx)
		if err != nil {
			return nil, err
		}
		w.tx = tx
	}
	return w.tx, nil
}

// Commit commits what the request did, then runs the AfterCommit actions.
func (w *Write) Commit(ctx context.Context) error {
	w.mu.Lock()
	tx, after := w.tx, w.after
	w.tx, w.after = nil, nil
	w.mu.Unlock()
	if tx != nil {
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	var errs []error
	for _, fn := range after {
		errs = append(errs, fn(ctx))
	}
	return errors.Join(errs...)
}

// Rollback undoes what the request did; the AfterCommit actions do not run.
func (w *Write) Rollback(ctx context.Context) {
	w.mu.Lock()
	tx := w.tx
	w.tx, w.after = nil, nil
	w.mu.Unlock()
	if tx != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
	}
}

// AfterCommit runs fn once ctx's write is committed (at once when ctx has
// none): work that must see the committed state from other connections,
// such as rebuilding the zone index.
func AfterCommit(ctx context.Context, fn func(context.Context) error) error {
	if w := writeOf(ctx); w != nil {
		w.mu.Lock()
		w.after = append(w.after, fn)
		w.mu.Unlock()
		return nil
	}
	return fn(ctx)
}

// Pool is the pool as stores use it: in a request that carries a Write
// (BeginWrite) every statement runs in that transaction, and Begin opens a
// savepoint in it; otherwise statements run on the pool as usual. It has
// only these methods, so no statement of a store slips past the request's
// transaction. Outside a write, a read-only request's statements run on the
// replica ReadFrom chose for it.
type Pool struct{ pool *pgxpool.Pool }

// Scoped wraps pool for a store.
func Scoped(pool *pgxpool.Pool) Pool { return Pool{pool} }

// Exec runs sql in ctx's write transaction, or on the pool.
func (p Pool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if w := writeOf(ctx); w != nil {
		tx, err := w.conn(ctx)
		if err != nil {
			return pgconn.CommandTag{}, err
		}
		return tx.Exec(ctx, sql, args...)
	}
	return p.on(ctx).Exec(ctx, sql, args...)
}

// Query runs sql in ctx's write transaction, or on the pool.
func (p Pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if w := writeOf(ctx); w != nil {
		tx, err := w.conn(ctx)
		if err != nil {
			return nil, err
		}
		return tx.Query(ctx, sql, args...)
	}
	return p.on(ctx).Query(ctx, sql, args...)
}

// QueryRow runs sql in ctx's write transaction, or on the pool.
func (p Pool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if w := writeOf(ctx); w != nil {
		tx, err := w.conn(ctx)
		if err != nil {
			return errRow{err}
		}
		return tx.QueryRow(ctx, sql, args...)
	}
	return p.on(ctx).QueryRow(ctx, sql, args...)
}

// Begin opens a savepoint in ctx's write transaction, or a transaction on
// the pool.
func (p Pool) Begin(ctx context.Context) (pgx.Tx, error) {
	if w := writeOf(ctx); w != nil {
		tx, err := w.conn(ctx)
		if err != nil {
			return nil, err
		}
		return tx.Begin(ctx)
	}
	return p.on(ctx).Begin(ctx)
}

// BeginTx is Begin with options; inside a write transaction the options
// are those of that transaction.
func (p Pool) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	if writeOf(ctx) != nil {
		return p.Begin(ctx)
	}
	return p.on(ctx).BeginTx(ctx, opts)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// InWrite reports whether ctx carries a request's transaction (BeginWrite),
// in which the stores' statements run.
func InWrite(ctx context.Context) bool { return writeOf(ctx) != nil }
