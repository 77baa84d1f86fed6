package grid_test

import (
	"strings"
	"testing"
	"time"

	"warden/internal/grid"
	"warden/internal/testdb"
)

// TestCoverageReadsItsMonths: the fixes are partitioned by the month a
// track's fixes end (00082), and the coverage of a period reads only the
// months from its start on: its plan names no older month.
func TestCoverageReadsItsMonths(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	for _, m := range []string{"2031-01-01", "2031-02-01", "2031-03-01"} {
		if _, err := pool.Exec(ctx, `SELECT month_partition('track_segment', $1::date)`, m); err != nil {
			t.Fatal(err)
		}
	}
	from, to := time.Date(2031, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 2, 15, 0, 0, 0, 0, time.UTC)
	rows, err := pool.Query(ctx, `EXPLAIN `+grid.CoverageSQL, 1, from, to, 100.0)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	p := plan.String()
	if !strings.Contains(p, "track_segment_203102") || strings.Contains(p, "track_segment_203101") ||
		strings.Contains(p, time.Now().UTC().Format("track_segment_200601")) {
		t.Errorf("the coverage of a February fortnight does not keep to February on:\n%s", p)
	}
}
