// Package testdb gives tests a real PostGIS: one private cluster per test
// binary (started by Main), and a fresh, migrated database per test cloned
// from a template, so tests never see each other's rows.
package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/pgcluster"
)

const template = "warden_template"

var (
	cluster *pgcluster.Cluster
	counter atomic.Int64
)

// Main starts the cluster, migrates the template database, runs the tests and
// stops the cluster. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "warden-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	_ = os.Chmod(dir, 0o755) // the postgres user must reach dir/pg
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir + "/pg", Database: template, Ephemeral: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "testdb: cannot start PostgreSQL for the tests (run `make setup` as root to install it):", err)
		return 1
	}
	defer c.Stop()
	cluster = c
	if err := prepare(ctx, c.URL()); err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		return 1
	}
	return m.Run()
}

// prepare migrates the database at url (as its owner) and loads the law, as
// `warden migrate` does, and gives the runtime role its privileges.
func prepare(ctx context.Context, url string) error {
	pool, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = db.Migrate(ctx, pool)
	if err == nil {
		err = law.Sync(ctx, pool) // the law tables, as `warden migrate` loads them
	}
	if err == nil {
		// Tests connect as the runtime role, as the service does; its
		// privileges are copied with the template.
		err = db.GrantRuntime(ctx, pool, pgcluster.RuntimeRole)
	}
	return err
}

// URL creates a fresh migrated database for the test and returns its
// connection string as the runtime role (pgcluster.RuntimeRole), the role
// the service runs as; the database is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	return cluster.RuntimeURLFor(create(t, template))
}

// Empty returns a pool, as the schema's owner, on a fresh database that no
// migration has touched (not even PostGIS): for tests of migrating itself.
// The database is dropped when the test ends.
func Empty(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := db.Open(ctx, cluster.URLFor(create(t, "template0")), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// create makes a database from the template database from and returns its
// name; it is dropped when the test ends.
func create(t testing.TB, from string) string {
	t.Helper()
	if cluster == nil {
		t.Fatal("testdb: call testdb.Main(m) from TestMain")
	}
	ctx := context.Background()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	conn, err := pgx.Connect(ctx, cluster.URLFor("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+from); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, cluster.URLFor("postgres"))
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	return name
}

// Owner returns a pool on pool's database as the schema's owner (the
// cluster's superuser, as migrations run): for tests that change the schema
// or prove what only the owner may do. It is closed when the test ends.
func Owner(t testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	owner, err := db.Open(ctx, cluster.URLFor(pool.Config().ConnConfig.Database), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(owner.Close)
	return owner
}

// New returns a pool on a fresh migrated database, closed when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Open(t, db.Options{})
}

// PostmasterPID is the process id of the tests' PostgreSQL postmaster, read
// from its postmaster.pid file. A backend crash makes the postmaster end every
// session and reinitialise, and a restart changes the pid; tests that feed the
// database hostile input compare it before and after.
func PostmasterPID(t testing.TB) int {
	t.Helper()
	if cluster == nil {
		t.Fatal("testdb: call testdb.Main(m) from TestMain")
	}
	raw, err := os.ReadFile(filepath.Join(cluster.DataDir(), "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("testdb: postmaster.pid: %v", err)
	}
	return pid
}

// Open returns a pool on a fresh migrated database with the given options,
// closed when the test ends.
func Open(t testing.TB, opts db.Options) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := db.Open(ctx, URL(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Explain returns the plan PostgreSQL makes for query with args (EXPLAIN,
// one line a row), for tests that check which indexes and partitions a
// question reads.
func Explain(t testing.TB, q db.Querier, query string, args ...any) string {
	t.Helper()
	rows, err := q.Query(context.Background(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	var line string
	if _, err := pgx.ForEachRow(rows, []any{&line}, func() error { plan.WriteString(line + "\n"); return nil }); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
