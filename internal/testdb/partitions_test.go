package testdb_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"warden/internal/db"
	"warden/internal/testdb"
	"warden/migrations"
)

// migratedTo is a fresh database brought up to version v by the numbered
// migrations alone, as a service of that version left it.
func migratedTo(t *testing.T, v int64) *pgxpool.Pool {
	t.Helper()
	pool := testdb.Empty(t)
	sqldb := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { sqldb.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, migrations.FS, goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), v); err != nil {
		t.Fatal(err)
	}
	return pool
}

// TestUpgradeToPartitions: a database at 00081 with tracks in it (one with
// fix times in March 2025, one without times) is upgraded in place: every
// segment is kept, under the month its track's fixes end, with its track's
// fixes_end, and the keys still hold.
func TestUpgradeToPartitions(t *testing.T) {
	ctx := t.Context()
	old := migratedTo(t, 81)
	if _, err := old.Exec(ctx, `
		WITH t AS (INSERT INTO track (sha256, subject, subject_kind, format, started_at, ended_at, points, length_m)
		           VALUES (sha256('a'), 'ranger 1', 'patrol', 'gpx', '2025-03-31 20:00Z', '2025-03-31 23:00Z', 3, 100),
		                  (sha256('b'), 'ranger 2', 'patrol', 'csv', NULL, NULL, 2, 50) RETURNING id)
		INSERT INTO track_segment (track_id, ordinal, points, geom)
		SELECT t.id, o, 2, 'SRID=4326;LINESTRING ZM (86 34.5 4700 1743451200, 86.01 34.5 4700 1743462000)' FROM t, generate_series(0, 1) o`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, old); err != nil {
		t.Fatalf("upgrade from 00081: %v", err)
	}
	rows, err := old.Query(ctx, `SELECT t.subject, s.tableoid::regclass::text, count(*), bool_and(s.fixes_end = t.fixes_end)
		FROM track t JOIN track_segment s ON s.track_id = t.id GROUP BY 1, 2 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		subject, part string
		n             int
		same          bool
	}
	var gs []got
	for rows.Next() {
		var g got
		if err := rows.Scan(&g.subject, &g.part, &g.n, &g.same); err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var now string
	if err := old.QueryRow(ctx, `SELECT 'track_segment_' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMM')`).Scan(&now); err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 || gs[0] != (got{"ranger 1", "track_segment_202503", 2, true}) || gs[1] != (got{"ranger 2", now, 2, true}) {
		t.Errorf("segments after the upgrade: %+v, want ranger 1's two in March 2025 and ranger 2's two in %s", gs, now)
	}
	if _, err := old.Exec(ctx, `UPDATE track SET ended_at = '2025-04-01 00:30Z' WHERE subject = 'ranger 1'`); err != nil {
		t.Fatalf("a track's end moved: %v", err)
	}
	var part string
	if err := old.QueryRow(ctx, `SELECT DISTINCT s.tableoid::regclass::text FROM track t JOIN track_segment s ON s.track_id = t.id WHERE t.subject = 'ranger 1'`).Scan(&part); err != nil || part != "track_segment_default" {
		t.Errorf("a track ending in April 2025 (not made) has its segments in %s (%v), want track_segment_default", part, err)
	}
	var n int
	if err := old.QueryRow(ctx, `WITH d AS (DELETE FROM track RETURNING id) SELECT (SELECT count(*) FROM d)`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("delete the tracks: %d, %v", n, err)
	}
	if err := old.QueryRow(ctx, `SELECT count(*) FROM track_segment`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d segments outlive their tracks (%v)", n, err)
	}
}
