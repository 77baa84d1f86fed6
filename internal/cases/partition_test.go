package cases_test

import (
	"strings"
	"testing"
	"time"

	"warden/internal/cases/casetest"
	"warden/internal/testdb"
)

// TestFindingPartitions: findings are partitioned by month of created_at
// (00083); a case's evidence names its finding with that time and the case
// shows it; a reserve's findings of a period read only the period's months
// (EXPLAIN); retention detaches an old month, but never one whose findings
// are evidence of a case.
func TestFindingPartitions(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	fid := f.patrolFinding("张三", casetest.CorePoint, time.Now().Add(-time.Hour), "logging")
	var part string
	var same bool
	if err := f.Pool.QueryRow(ctx, `SELECT fd.tableoid::regclass::text, e.finding_at = fd.created_at
		FROM finding fd JOIN case_evidence e ON e.finding_id = fd.id WHERE fd.id = $1`, fid).Scan(&part, &same); err != nil {
		t.Fatal(err)
	}
	if now := time.Now().UTC().Format("finding_200601"); part != now || !same {
		t.Errorf("a finding of now is in %s (want %s), its evidence's time the same: %v", part, now, same)
	}
	c := f.caseOf(fid)
	if len(c.Evidence) == 0 || c.Evidence[0].FindingKind == nil || *c.Evidence[0].FindingKind != "prohibited_activity" {
		t.Errorf("the case's evidence does not show its finding: %+v", c.Evidence)
	}

	for _, m := range []string{"2020-01-01", "2031-01-01", "2031-02-01", "2031-03-01"} {
		if _, err := f.Pool.Exec(ctx, `SELECT month_partition('finding', $1::date)`, m); err != nil {
			t.Fatalf("make the findings' month of %s as the runtime role: %v", m, err)
		}
	}
	plan := testdb.Explain(t, f.Pool, `SELECT id FROM finding WHERE reserve_id = $1 AND created_at >= $2 AND created_at < $3`,
		1, time.Date(2031, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 2, 15, 0, 0, 0, 0, time.UTC))
	if !strings.Contains(plan, "finding_203102") || strings.Contains(plan, "finding_203101") || strings.Contains(plan, "finding_203103") ||
		strings.Contains(plan, "finding_default") || strings.Contains(plan, part) {
		t.Errorf("a reserve's findings of a February fortnight do not read February only:\n%s", plan)
	}
	plan = testdb.Explain(t, f.Pool, `SELECT id FROM finding WHERE live_event_id = $1 AND created_at = $2`, 1, time.Date(2031, 1, 5, 0, 0, 0, 0, time.UTC))
	if !strings.Contains(plan, "finding_203101") || strings.Contains(plan, "finding_203102") {
		t.Errorf("a live event's finding is not looked up in its month alone:\n%s", plan)
	}

	var n int
	cut := time.Now().UTC().AddDate(0, 1, 0).Format("2006-01-02")
	if err := f.Pool.QueryRow(ctx, `SELECT month_detach('finding', $1::date)`, cut).Scan(&n); err != nil || n != 1 {
		t.Errorf("detach the findings' months before %s: %d (%v), want 1 (January 2020; this month holds a case's evidence)", cut, n, err)
	}
	if f.Count(`SELECT count(*) FROM finding WHERE id = $1`, fid) != 1 {
		t.Error("a finding that is a case's evidence left the findings")
	}
}
