package testdb_test

import (
	"errors"
	"testing"

	"warden/internal/db"
	"warden/internal/testdb"
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
