package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/pgcluster"
)

// Pair is a primary with a streaming replica, private to one test.
type Pair struct {
	Primary, Replica *pgcluster.Cluster
}

// pairDB is the migrated database of a Pair.
const pairDB = "warden"

// Replicated starts a primary cluster of the test's own, copied from the
// tests' cluster (so with the migrated template) and holding a fresh
// database made from it, and a streaming replica of that primary made with
// pg_basebackup -R; both are stopped when the test ends. Pause the replica's
// replay with pg_wal_replay_pause() to make it lag; promote it with
// Replica.Promote.
func Replicated(t testing.TB) *Pair {
	t.Helper()
	if cluster == nil {
		t.Fatal("testdb: call testdb.Main(m) from TestMain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // the postgres user must reach it
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p, err := cluster.StartCopy(ctx, filepath.Join(dir, "primary"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop() })
	conn, err := pgx.Connect(ctx, p.URLFor("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pairDB+" TEMPLATE "+template); err != nil {
		t.Fatal(fmt.Errorf("testdb: the pair's database: %w", err))
	}
	r, err := p.StartReplica(ctx, filepath.Join(dir, "replica"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop() })
	return &Pair{Primary: p, Replica: r}
}

// PrimaryURL and ReplicaURL connect to the pair's database as the runtime
// role; the Owner variants as the schema's owner.
func (p *Pair) PrimaryURL() string      { return p.Primary.RuntimeURLFor(pairDB) }
func (p *Pair) ReplicaURL() string      { return p.Replica.RuntimeURLFor(pairDB) }
func (p *Pair) PrimaryOwnerURL() string { return p.Primary.URLFor(pairDB) }
func (p *Pair) ReplicaOwnerURL() string { return p.Replica.URLFor(pairDB) }
