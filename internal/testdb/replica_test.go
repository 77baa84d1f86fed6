package testdb

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestReplicated: the replica serves the primary's rows read-only, lags
// while its replay is paused, catches up when resumed, and accepts writes
// once promoted.
func TestReplicated(t *testing.T) {
	ctx := context.Background()
	pair := Replicated(t)
	p, err := pgx.Connect(ctx, pair.PrimaryOwnerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	r, err := pgx.Connect(ctx, pair.ReplicaOwnerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	count := func() (n int) {
		if err := r.QueryRow(ctx, `SELECT count(*) FROM reserve`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := func(code string) {
		if _, err := p.Exec(ctx, `INSERT INTO reserve (code, name_en, level, zoning_scheme) VALUES ($1, $1, 'county', 'three_zone')`, code); err != nil {
			t.Fatal(err)
		}
	}
	waitCount := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); count() != want; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the replica has %d reserves, want %d", count(), want)
			}
		}
	}
	insert("one")
	waitCount(1)
	if _, err := r.Exec(ctx, `INSERT INTO reserve (code, name_en, level, zoning_scheme) VALUES ('no', 'no', 'county', 'three_zone')`); err == nil {
		t.Error("the replica took a write")
	}
	if _, err := r.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	insert("two")
	time.Sleep(300 * time.Millisecond)
	if n := count(); n != 1 {
		t.Errorf("paused replica shows %d reserves, want 1", n)
	}
	if _, err := r.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	waitCount(2)
	if err := pair.Replica.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Exec(ctx, `INSERT INTO reserve (code, name_en, level, zoning_scheme) VALUES ('three', 'three', 'county', 'three_zone')`); err != nil {
		t.Errorf("the promoted replica refuses a write: %v", err)
	}
}
