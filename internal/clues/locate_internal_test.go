package clues

import (
	"strings"
	"testing"
	"time"

	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
)

// TestNearestZoneIndexed reads the plan of the past-zoning lookup that
// places a clue outside every zone: with scans of the whole table ruled
// out, it must be able to walk the zone_geog index (migration 00018) rather
// than measure every zone of every version.
func TestNearestZoneIndexed(t *testing.T) {
	pool := sampletest.New(t)
	ctx := t.Context()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	plan := testdb.Explain(t, tx, nearestSQL, int64(1), 5000.0, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if !strings.Contains(plan, "zone_geog") {
		t.Errorf("the nearest-zone lookup does not use zone_geog:\n%s", plan)
	}
}
