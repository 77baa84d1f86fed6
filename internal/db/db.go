// Package db opens Warden's one pgx pool and brings the schema up to date with
// goose, from the SQL files embedded by package migrations.
package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"warden/migrations"
)

// Options for Open.
type Options struct {
	// StatementTimeout bounds every statement run on the pool (0: 30 s).
	StatementTimeout time.Duration
	// MaxConns caps the pool (0: pgx's default, 4 or the CPU count).
	MaxConns int32
}

// Open connects to url and checks the connection. Every connection gets a
// statement timeout, so no query can hold a connection forever.
func Open(ctx context.Context, url string, opts Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	st := opts.StatementTimeout
	if st == 0 {
		st = 30 * time.Second
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(st.Milliseconds())
	cfg.ConnConfig.RuntimeParams["application_name"] = "warden"
	// JIT compiling costs tens of milliseconds on the large batch queries
	// (locate, screening) and gains nothing on their index-driven plans.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return pool, nil
}

func provider(pool *pgxpool.Pool) (*goose.Provider, func(), error) {
	sqldb := stdlib.OpenDBFromPool(pool)
	// Migrations are numbered in ranges per line of work, so one may land
	// below a version a database already has: apply it all the same.
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, migrations.FS, goose.WithAllowOutofOrder(true))
	if err != nil {
		sqldb.Close()
		return nil, nil, err
	}
	return p, func() { sqldb.Close() }, nil
}

// Migrate applies every pending migration, then every function file of
// migrations/functions (whether or not a migration was pending), and returns
// the versions applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	p, closeFn, err := provider(pool)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	if err := applyFunctions(ctx, pool); err != nil {
		return applied, err
	}
	return applied, nil
}

// ErrSchemaBehind says the database needs `warden migrate`.
var ErrSchemaBehind = errors.New("database schema is behind")

// SchemaVersion returns the database's schema version and the version this
// binary expects.
func SchemaVersion(ctx context.Context, pool *pgxpool.Pool) (current, target int64, err error) {
	p, closeFn, err := provider(pool)
	if err != nil {
		return 0, 0, err
	}
	defer closeFn()
	return p.GetVersions(ctx)
}

// CheckSchema returns an error wrapping ErrSchemaBehind when migrations are
// pending or a function file differs from what the database last applied.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	cur, target, err := SchemaVersion(ctx, pool)
	if err != nil {
		return err
	}
	if cur > target {
		return fmt.Errorf("database schema version %d is newer than this binary's %d; upgrade warden", cur, target)
	}
	pending, err := HasPending(ctx, pool)
	if err != nil {
		return err
	}
	if pending {
		return fmt.Errorf("%w: at version %d, this binary has migrations up to %d not yet applied; run `warden migrate`", ErrSchemaBehind, cur, target)
	}
	stale, err := staleFunction(ctx, pool)
	if err != nil {
		return err
	}
	if stale != "" {
		return fmt.Errorf("%w: function %s is not this binary's migrations/functions/%s.sql; run `warden migrate`", ErrSchemaBehind, stale, stale)
	}
	return nil
}

// HasPending reports whether any migration of this binary is not applied,
// including one numbered below the database's version.
func HasPending(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	p, closeFn, err := provider(pool)
	if err != nil {
		return false, err
	}
	defer closeFn()
	return p.HasPending(ctx)
}

// IsUniqueViolation reports whether err is a unique-constraint violation.
func IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Beginner starts transactions: a pool, a Pool (a savepoint inside a
// request's Write) or a transaction (a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Tx runs fn in a transaction, committing if it returns nil.
func Tx(ctx context.Context, b Beginner, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, b, fn)
}

// Unavailable reports whether err says the database could not be reached or
// dropped the connection, rather than refusing the statement: a failed
// connect, a server shutting down or starting (57P01 admin shutdown, 57P02
// crash shutdown, 57P03 cannot connect now), too many connections (53300),
// a connection exception (class 08), or a connection that broke mid-way.
// Such a request may succeed if tried again later, so it answers 503.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED)
}

// GrantRuntime gives role, the role the service runs as, what serving
// needs and no more: reading and changing rows of every table in schema
// public, using their sequences, and only reading and appending to the
// audit log (no UPDATE, DELETE or TRUNCATE, which its triggers refuse too)
// and reading the migration history. Default privileges give the same on
// tables later migrations create. The role owns nothing, so it can neither
// alter, drop nor disable the triggers of any table. Run it as the role that
// owns the schema (the one migrations run as), after migrating; it does
// nothing when role is that role (a single-URL setup).
func GrantRuntime(ctx context.Context, pool *pgxpool.Pool, role string) error {
	var me string
	if err := pool.QueryRow(ctx, `SELECT current_user`).Scan(&me); err != nil {
		return fmt.Errorf("grant runtime role: %w", err)
	}
	if role == "" || role == me {
		return nil
	}
	r := pgx.Identifier{role}.Sanitize()
	var audit, goose, functions bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('audit_log') IS NOT NULL, to_regclass('goose_db_version') IS NOT NULL,
		to_regclass('schema_function') IS NOT NULL`).Scan(&audit, &goose, &functions); err != nil {
		return fmt.Errorf("grant runtime role: %w", err)
	}
	stmts := []string{
		`GRANT USAGE ON SCHEMA public TO ` + r,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + r,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + r,
		`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ` + r,
		`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ` + r,
	}
	if audit {
		stmts = append(stmts, `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM `+r)
	}
	if goose {
		stmts = append(stmts, `REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON goose_db_version FROM `+r)
	}
	if functions {
		stmts = append(stmts, `REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON schema_function FROM `+r)
	}
	// Schema changes the service makes while serving run as the owner.
	for _, fn := range ownerFunctions {
		var exists bool
		if err := pool.QueryRow(ctx, `SELECT to_regprocedure($1) IS NOT NULL`, fn).Scan(&exists); err != nil {
			return fmt.Errorf("grant runtime role: %w", err)
		}
		if exists {
			stmts = append(stmts, `ALTER FUNCTION `+fn+` SECURITY DEFINER SET search_path = public, pg_temp`)
		}
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("grant runtime role %s: %s: %w", role, s, err)
			}
		}
		return nil
	})
}

// ownerFunctions change the schema on the service's behalf (a day's
// partition of live positions made on arrival, old ones dropped; the month
// partitions of the audit log, findings and track fixes made ahead, old
// ones detached): the
// runtime role may call them, and they run as the schema's owner. Migrate
// re-creates them from migrations/functions, which resets that, so
// GrantRuntime runs after every migrate.
var ownerFunctions = []string{"live_position_partition(date)", "live_position_retain(date)", "month_partition(text,date)", "month_detach(text,date)"}

// User is the role a connection string logs in as ("" when it names none
// and the server's default, the operating system user, applies).
func User(url string) (string, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	return cfg.User, nil
}
