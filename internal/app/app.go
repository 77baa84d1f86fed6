// Package app wires Warden together: it finds or starts the database, applies
// migrations, loads sample data and runs the HTTP server. cmd/warden only
// parses the command line into a Config and calls in here.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/api"
	"warden/internal/basemap"
	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/live"
	"warden/internal/notify"
	"warden/internal/patrol"
	"warden/internal/pgcluster"
	"warden/internal/sample"
	"warden/internal/web"
	"warden/internal/zoning"
)

// Config is the whole service configuration, read from the environment and
// flags by cmd/warden.
type Config struct {
	// DatabaseURL points at a PostgreSQL/PostGIS server; empty means the
	// private cluster under DataDir.
	DatabaseURL string
	// MigrateURL is the same server as the schema's owner role, for
	// migrations; empty means DatabaseURL (one role for both). With it,
	// migrating grants DatabaseURL's role what serving needs (db.GrantRuntime).
	MigrateURL string
	// DataDir holds the private cluster (DataDir/pgdata) and the generated
	// admin token (DataDir/admin-token).
	DataDir string
	// PGBin is where initdb and pg_ctl are; empty means: find them.
	PGBin string
	// Addr is the listen address.
	Addr string
	// PublicURL is the base URL of the service's links (empty: from Addr).
	PublicURL string
	// AdminToken is the bootstrap admin credential (every right, beside the
	// users' own tokens); empty means: read or create DataDir/admin-token.
	AdminToken string
	// Auth says what is public, CORS, rate limits, sessions and trusted proxies.
	Auth api.AuthConfig
	// Timeouts bound how long a client may hold a connection.
	Timeouts HTTPTimeouts
	// StatementTimeout bounds every SQL statement.
	StatementTimeout time.Duration
	// DBMaxConns caps the connection pool (0: pgx's default).
	DBMaxConns int32
	// MaxBodyBytes and MaxGeometryBytes cap request bodies.
	MaxBodyBytes, MaxGeometryBytes int64
	// MaxFootprintVertices caps a screening footprint.
	MaxFootprintVertices int
	// MaxTrackDecodes caps the track uploads decoded at once (0: 2).
	MaxTrackDecodes int
	// MaxHeavy caps the heavy requests (uploads, batches, reports, exports)
	// running at once (0: half of the pool).
	MaxHeavy int
	// Web configures the browser pages: a directory to serve them from in
	// development, the optional base map.
	Web web.Config
	// Patrol tunes track uploads: size limit, outlier speeds, jitter margins.
	Patrol patrol.Options
	// Cases tunes violation cases; Notify the background job (overdue
	// marking, webhooks).
	Cases  cases.Options
	Notify notify.Options
	// ReadDatabaseURLs are streaming replicas of DatabaseURL that answer
	// tiles, the OGC API, lists and reports; ReadMaxLag is how far behind a
	// replica may be and still answer (0: 10 s).
	ReadDatabaseURLs []string
	ReadMaxLag       time.Duration
	// AuditRetentionMonths, when positive, detaches the audit log's month
	// partitions older than that many whole months (kept as tables for
	// archiving); 0 keeps every month in the log.
	AuditRetentionMonths int
	// PprofAddr, when set, serves Go's profiler there (a private address).
	PprofAddr string
	// FixRetentionMonths, when positive, detaches the month partitions of
	// track fixes (track_segment, by the month the track's fixes end) older
	// than that many whole months; 0 keeps them all.
	FixRetentionMonths int
	// FindingRetentionMonths, when positive, detaches the month partitions
	// of findings older than that many whole months, but for months whose
	// findings are evidence of a case; 0 keeps them all.
	FindingRetentionMonths int
	// JobLease is how long a process holds a background job's lease without
	// renewing it (0: lease.DefaultTTL): how soon another process takes the
	// job over when its holder dies.
	JobLease time.Duration
	// Live tunes live positions: fix checks, debounce, alerts, webhooks, retention.
	Live live.Options
	// LiveMQTT, with a broker, subscribes to trackers' fixes.
	LiveMQTT live.MQTT
	// Migrate applies pending migrations at start; Sample loads the sample
	// reserves into an empty database.
	Migrate, Sample bool
	// Version is the build's version string.
	Version string
}

// Env is an open database, with the private cluster behind it if one was started.
type Env struct {
	Pool *pgxpool.Pool
	// Stores are built once here, on Pool, and shared by the HTTP server,
	// the background jobs and the commands.
	*api.Stores
	// CaseZone is the one time zone setting (WARDEN_CASE_TIMEZONE): cases in
	// no administrative area and reserve, and the default days of reports.
	CaseZone *time.Location
	cluster  *pgcluster.Cluster
	// ownerURL connects as the schema's owner (migrations); runtimeRole is
	// the role Pool connects as.
	ownerURL, runtimeRole string
}

// Open connects to DATABASE_URL, or starts (or joins) the private cluster.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Env, error) {
	zone, err := time.LoadLocation(cmp.Or(cfg.Cases.DefaultTimezone, zoning.DefaultTimeZone))
	if err != nil {
		return nil, fmt.Errorf("case time zone: %w", err)
	}
	env := &Env{CaseZone: zone}
	url := cfg.DatabaseURL
	env.ownerURL = cfg.MigrateURL
	if url == "" {
		dir := filepath.Join(cfg.DataDir, "pgdata")
		log.Debug("opening the private PostgreSQL cluster", "dir", dir)
		c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, BinDir: cfg.PGBin})
		if errors.Is(err, pgcluster.ErrNoPostgres) {
			return nil, fmt.Errorf("%w: install postgresql-15 and postgresql-15-postgis-3 (`make setup` as root does it), or set DATABASE_URL", err)
		}
		if err != nil {
			return nil, err
		}
		env.cluster = c
		url, env.ownerURL = c.RuntimeURL(), c.URL()
		if c.Attached() {
			log.Info("joined the running private PostgreSQL cluster", "dir", dir)
		} else {
			log.Info("started the private PostgreSQL cluster", "dir", dir, "connect", "psql \""+url+"\"")
		}
	}
	if env.ownerURL == "" {
		env.ownerURL = url
	}
	role, err := db.User(url)
	if err != nil {
		env.Close()
		return nil, err
	}
	env.runtimeRole = role
	if env.cluster != nil {
		// The runtime role of a cluster made before it existed, or of a
		// schema made before the grants, gets its privileges now.
		if err := env.asOwner(ctx, func(owner *pgxpool.Pool) error { return db.GrantRuntime(ctx, owner, role) }); err != nil {
			env.Close()
			return nil, err
		}
	}
	pool, err := db.Open(ctx, url, db.Options{StatementTimeout: cfg.StatementTimeout, MaxConns: cfg.DBMaxConns})
	if err != nil {
		env.Close()
		return nil, err
	}
	env.Pool = pool
	env.Stores = api.NewStores(pool, api.StoreOptions{Patrol: cfg.Patrol, Cases: cfg.Cases, CaseZone: zone,
		MaxFootprintVertices: cfg.MaxFootprintVertices})
	return env, nil
}

// Close closes the pool and stops the private cluster if this process started it.
func (e *Env) Close() {
	if e.Pool != nil {
		e.Pool.Close()
	}
	if e.cluster != nil {
		if err := e.cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "warden: stopping PostgreSQL:", err)
		}
	}
}

// asOwner runs fn on a pool connected as the schema's owner.
func (e *Env) asOwner(ctx context.Context, fn func(*pgxpool.Pool) error) error {
	owner, err := db.Open(ctx, e.ownerURL, db.Options{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("connect as the schema's owner: %w", err)
	}
	defer owner.Close()
	return fn(owner)
}

// Migrate brings the database to the current schema, as the schema's owner,
// and gives the runtime role its privileges on it.
func Migrate(ctx context.Context, env *Env, log *slog.Logger) error {
	return env.asOwner(ctx, func(owner *pgxpool.Pool) error {
		applied, err := db.Migrate(ctx, owner)
		if err != nil {
			return err
		}
		cur, _, err := db.SchemaVersion(ctx, owner)
		if err != nil {
			return err
		}
		log.Info("schema up to date", "version", cur, "applied", applied)
		if err := syncData(ctx, owner); err != nil {
			return err
		}
		return db.GrantRuntime(ctx, owner, env.runtimeRole)
	})
}

// syncData loads the data shipped in the binary that the schema holds: the
// law and the offline base map.
func syncData(ctx context.Context, pool *pgxpool.Pool) error {
	if err := law.Sync(ctx, pool); err != nil {
		return err
	}
	return basemap.Sync(ctx, pool)
}

// Serve runs the HTTP server until ctx is cancelled, then shuts down in order:
// stop accepting, finish requests, close the pool, stop the cluster.
func Serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	env, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer env.Close()
	if cfg.Migrate {
		if err := Migrate(ctx, env, log); err != nil {
			return err
		}
	}
	if err := db.CheckSchema(ctx, env.Pool); err != nil {
		return err
	}
	if err := syncData(ctx, env.Pool); err != nil {
		return err
	}
	if cfg.Sample {
		loaded, err := sample.LoadIfEmpty(ctx, env.Zones, env.Markers, env.Grid.LoadSample)
		if err != nil {
			return err
		}
		if len(loaded) > 0 {
			log.Info("loaded sample reserves", "codes", strings.Join(loaded, ", "))
		}
	}
	if _, err := firstAdmin(ctx, env, cfg, os.Stderr); err != nil {
		return err
	}
	token, err := adminToken(cfg)
	if err != nil {
		return err
	}
	// the engine stops, and is waited for, before the pool closes
	ectx, stopEngine := context.WithCancel(ctx)
	defer stopEngine()
	eng, err := zoning.StartEngine(ectx, env.Pool, log)
	if err != nil {
		return err
	}
	defer func() { stopEngine(); eng.Wait() }()
	log.Info("zone engine ready", "epoch", eng.Epoch())
	env.UseEngine(eng)
	lv := live.New(env.Pool, eng, cfg.Live, log)
	replicas, err := openReplicas(ctx, env, cfg, log)
	if err != nil {
		return err
	}
	defer replicas.Close() // stops the poller and waits for it: before the pool closes
	srv := NewHTTPServer(cfg.Addr, api.NewHandler(api.Config{
		AdminToken: token, Version: cfg.Version,
		MaxBodyBytes: cfg.MaxBodyBytes, MaxGeometryBytes: cfg.MaxGeometryBytes,
		MaxFootprintVertices: cfg.MaxFootprintVertices,
		MaxTrackDecodes:      cfg.MaxTrackDecodes,
		MaxHeavy:             cfg.MaxHeavy,
		Web:                  cfg.Web,
		Patrol:               cfg.Patrol,
		Cases:                cfg.Cases,
		Auth:                 cfg.Auth,
		Engine:               eng,
		Live:                 lv,
		Replicas:             replicas,
		WorkBudget:           2 * cfg.StatementTimeout,
		PublicURL:            publicURL(cfg.PublicURL, cfg.Addr),
	}, env.Stores, env.Pool, log).Handler(), cfg.Timeouts)
	// overdue cases, webhooks, live checks and sweeps, one process at a time,
	// until Serve returns, which waits for them before the pool closes
	defer startJobs(ctx, env, cfg, lv, log)()
	stopProfiler, err := startProfiler(cfg.PprofAddr, log)
	if err != nil {
		return err
	}
	defer stopProfiler()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	lv.Hub().Reset() // event streams never end by themselves: their clients reconnect elsewhere
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// adminToken returns the configured token, or the one saved in
// DataDir/admin-token, creating and printing it on first use.
func adminToken(cfg Config) (string, error) {
	if cfg.AdminToken != "" {
		return cfg.AdminToken, nil
	}
	path := filepath.Join(cfg.DataDir, "admin-token")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		fmt.Fprintf(os.Stderr, "warden: admin token is in %s (set WARDEN_ADMIN_TOKEN to choose your own)\n", path)
		return strings.TrimSpace(string(b)), nil
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(buf)
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "\nwarden: generated an admin token (saved in %s; shown only now):\n\n    %s\n\n  use it as: Authorization: Bearer %s\n\n", path, tok, tok)
	return tok, nil
}

// publicURL is the base URL links are built from: the configured one, else
// http:// and the listen address (an empty host read as localhost).
func publicURL(configured, addr string) string {
	if configured != "" {
		return strings.TrimRight(configured, "/")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
