package testdb_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"warden/internal/db"
	"warden/internal/testdb"
	"warden/migrations"
)

// TestMigrationBelowTheSchemaVersion: migrations are numbered in ranges per
// line of work, so one can land below a version a database already has. The
// service must see it as pending (not serve a schema that lacks it) and
// `warden migrate` must apply it.
func TestMigrationBelowTheSchemaVersion(t *testing.T) {
	pool := testdb.New(t)
	owner := testdb.Owner(t, pool)
	ctx := t.Context()
	if err := db.CheckSchema(ctx, pool); err != nil {
		t.Fatalf("fresh schema: %v", err)
	}
	// 00020 is below 00041 and later: as if it had landed after them.
	if _, err := owner.Exec(ctx, `DELETE FROM goose_db_version WHERE version_id = 20`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx, pool); !errors.Is(err, db.ErrSchemaBehind) {
		t.Fatalf("a missing migration below the schema version: %v, want ErrSchemaBehind", err)
	}
	applied, err := db.Migrate(ctx, owner)
	if err != nil || len(applied) != 1 || applied[0] != 20 {
		t.Fatalf("migrate applied %v (%v), want [20]", applied, err)
	}
	if err := db.CheckSchema(ctx, pool); err != nil {
		t.Errorf("after migrating: %v", err)
	}
}

// TestFunctionsAfterAnyUpgrade: every PL/pgSQL function's body is written
// once, in migrations/functions, and applied after the numbered migrations
// at every migrate. A database migrated from scratch and one that stood at
// an old version (here: after 00022, its functions' bodies those the old
// migrations left) end with the same definition of every function of the
// schema; and a function changed behind the binary's back is put right by
// the next migrate, which /readyz's check notices until then.
func TestFunctionsAfterAnyUpgrade(t *testing.T) {
	ctx := t.Context()
	fresh := testdb.Empty(t)
	if _, err := db.Migrate(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	want := functionDefs(t, fresh)
	if len(want) < 30 || !strings.Contains(want["case_intake_finding()"], "stricter") {
		t.Fatalf("fresh migrate: %d functions, case_intake_finding %q", len(want), want["case_intake_finding()"])
	}

	old := migratedTo(t, 22)
	if _, err := old.Exec(ctx, `CREATE OR REPLACE FUNCTION zone_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx, old); !errors.Is(err, db.ErrSchemaBehind) {
		t.Fatalf("a database at 00022: %v, want ErrSchemaBehind", err)
	}
	if _, err := db.Migrate(ctx, old); err != nil {
		t.Fatal(err)
	}
	compareDefs(t, "migrated from 00022", functionDefs(t, old), want)

	if _, err := fresh.Exec(ctx, `CREATE OR REPLACE FUNCTION zone_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`); err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Exec(ctx, `UPDATE schema_function SET sha256 = 'old' WHERE name = 'zone_sync'`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx, fresh); !errors.Is(err, db.ErrSchemaBehind) || !strings.Contains(err.Error(), "zone_sync") {
		t.Fatalf("a function file not applied: %v, want ErrSchemaBehind naming zone_sync", err)
	}
	if _, err := db.Migrate(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	compareDefs(t, "migrated again", functionDefs(t, fresh), want)
	if err := db.CheckSchema(ctx, fresh); err != nil {
		t.Errorf("after migrating again: %v", err)
	}
}

// functionDefs is pg_get_functiondef of every function of schema public
// that no extension (PostGIS) owns, by signature.
func functionDefs(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid)
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'public' AND p.prokind = 'f'
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`)
	if err != nil {
		t.Fatal(err)
	}
	defs := map[string]string{}
	var sig, def string
	if _, err := pgx.ForEachRow(rows, []any{&sig, &def}, func() error { defs[sig] = def; return nil }); err != nil {
		t.Fatal(err)
	}
	return defs
}

func compareDefs(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for sig, def := range want {
		if got[sig] != def {
			t.Errorf("%s: %s is\n%s\nwant\n%s", what, sig, got[sig], def)
		}
	}
	for sig := range got {
		if _, ok := want[sig]; !ok {
			t.Errorf("%s: %s, which a fresh migrate does not make", what, sig)
		}
	}
}

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
// fix times in March 2025, one without times) and findings that are
// evidence of cases is upgraded in place: every segment is kept, under the
// month its track's fixes end, with its track's fixes_end; every finding is
// kept under its month, ids kept, and its evidence refers to it; and the
// keys still hold.
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
	oldFindings(t, old)
	if _, err := db.Migrate(ctx, old); err != nil {
		t.Fatalf("upgrade from 00081: %v", err)
	}
	checkFindings(t, old)
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
	if _, err := old.Exec(ctx, `DELETE FROM track WHERE subject = 'ranger 2'`); err != nil {
		t.Fatalf("delete a track: %v", err)
	}
	var n int
	if err := old.QueryRow(ctx, `SELECT count(*) FROM track_segment`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d segments after deleting one of two tracks of two segments each (%v), want 2", n, err)
	}
}

// oldFindings stores, in a database at 00081, an observation finding of
// March 2025 and the finding of a live event filed a minute after the
// event, each the evidence of a case of its own.
func oldFindings(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), `
		INSERT INTO reserve (code, name_en, level, zoning_scheme) VALUES ('old', 'Old', 'county', 'three_zone');
		INSERT INTO observation (track_id, ordinal, geom, observed_at, category, activity)
		SELECT id, 0, 'SRID=4326;POINT(86 34.5)', started_at, 'logging', 'entry' FROM track WHERE subject = 'ranger 1';
		INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source, track_id, observation_id,
		                     subject, subject_kind, observed_at, created_at)
		SELECT 'prohibited_activity', r.id, 'core', o.geom, 'entry', '{NRR-26}', '第二十六条', 'Art. 26', 'observation', o.track_id, o.id,
		       'ranger 1', 'visitor', o.observed_at, '2025-04-01 08:00Z'
		FROM reserve r, observation o;
		INSERT INTO live_device (id, kind, subject, subject_kind, token_hash) VALUES ('d1', 'phone', 'walker', 'visitor', '\x00');
		INSERT INTO live_event (device_id, kind, alert, reserves, subject, subject_kind, at, text_zh, text_en, created_at)
		VALUES ('d1', 'enter', true, '{old}', 'walker', 'visitor', '2025-05-31 23:59:30Z', '进入', 'entered', '2025-05-31 23:59:40Z');
		INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source, live_event_id,
		                     subject, subject_kind, observed_at, created_at)
		SELECT 'prohibited_entry', r.id, 'core', 'SRID=4326;POINT(86 34.6)', 'entry', '{NRR-26}', '第二十六条', 'Art. 26', 'live', e.id,
		       'walker', 'visitor', e.at, '2025-06-01 00:00:40Z'
		FROM reserve r, live_event e;
		INSERT INTO violation_case (number, reserve_id, year, seq, source, kind, geom, point, activity, observed_at, last_seen_at)
		SELECT 'OLD-' || f.id, f.reserve_id, 2025, f.id, 'system', f.kind, f.geom, f.geom, f.activity, f.observed_at, f.observed_at FROM finding f;
		INSERT INTO case_evidence (case_id, kind, finding_id, added_by)
		SELECT c.id, 'finding', f.id, 'system' FROM violation_case c JOIN finding f ON c.number = 'OLD-' || f.id`); err != nil {
		t.Fatal(err)
	}
}

// checkFindings: after the upgrade the two findings of oldFindings are in
// their months (the live one under its event's time, May), each the
// evidence of its case, and a new finding takes the next id.
func checkFindings(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := t.Context()
	rows, err := pool.Query(ctx, `SELECT f.source, f.tableoid::regclass::text, e.finding_at = f.created_at
		FROM finding f JOIN case_evidence e ON e.finding_id = f.id AND e.finding_at = f.created_at ORDER BY f.id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var source, part string
	var same bool
	if _, err := pgx.ForEachRow(rows, []any{&source, &part, &same}, func() error {
		got = append(got, fmt.Sprintf("%s %s %v", source, part, same))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"observation finding_202504 true", "live finding_202505 true"}; !slices.Equal(got, want) {
		t.Errorf("findings after the upgrade: %q, want %q", got, want)
	}
	var maxID, next int64
	if err := pool.QueryRow(ctx, `SELECT max(id), nextval('finding_seq') FROM finding`).Scan(&maxID, &next); err != nil || next != maxID+1 {
		t.Errorf("the next finding id is %d after %d (%v)", next, maxID, err)
	}
}
