package testdb_test

import (
	"errors"
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

	old := testdb.Empty(t)
	sqldb := stdlib.OpenDBFromPool(old)
	defer sqldb.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, migrations.FS, goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 22); err != nil {
		t.Fatal(err)
	}
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
