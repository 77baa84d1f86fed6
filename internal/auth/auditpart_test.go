package auth

import (
	"context"
	"strings"
	"testing"

	"warden/internal/testdb"
)

// TestAuditLogPartitions: the audit log is partitioned by month; a month's
// partition is made ahead by the runtime role (through the owner's
// function), a period's question reads only its months (EXPLAIN), rows stay
// append-only in every partition, and retention detaches old months whole.
func TestAuditLogPartitions(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	s := NewStore(pool)
	for _, m := range []string{"2031-01-15", "2031-02-01", "2031-03-31"} {
		var name string
		if err := pool.QueryRow(ctx, `SELECT month_partition('audit_log', $1::date)`, m).Scan(&name); err != nil {
			t.Fatalf("make the partition of %s as the runtime role: %v", m, err)
		}
		if want := "audit_log_" + strings.ReplaceAll(m[:7], "-", ""); name != want {
			t.Errorf("partition %q, want %q", name, want)
		}
	}
	for _, at := range []string{"2031-01-20T10:00:00Z", "2031-02-10T10:00:00Z", "2031-03-05T10:00:00Z"} {
		if _, err := testdb.Owner(t, pool).Exec(ctx, `INSERT INTO audit_log (at, actor, via, action, resource, status) VALUES ($1, 'ranger1', 'token', 'create', 'track', 201)`, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Record(ctx, Entry{Actor: "ranger1", Via: ViaToken, Action: "create", Resource: "track", Status: 201}); err != nil {
		t.Fatalf("a write recorded now: %v", err)
	}
	plan := testdb.Explain(t, pool, `SELECT * FROM audit_log WHERE actor = 'ranger1' AND at >= '2031-02-01' AND at < '2031-02-15'`)
	if !strings.Contains(plan, "audit_log_203102") || strings.Contains(plan, "audit_log_203101") ||
		strings.Contains(plan, "audit_log_203103") || strings.Contains(plan, "audit_log_default") {
		t.Errorf("a fortnight's question does not read only its month:\n%s", plan)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM audit_log_203101`); err == nil {
		t.Error("a partition's rows can be deleted")
	}
	if _, err := pool.Exec(ctx, `UPDATE audit_log SET actor = 'x' WHERE at < '2031-02-01' AND at >= '2031-01-01'`); err == nil {
		t.Error("the log's rows can be changed")
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT month_detach('audit_log', '2031-03-01')`).Scan(&n); err != nil || n < 2 {
		t.Fatalf("detach months before March 2031: %d, %v", n, err)
	}
	var attached, kept int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE at >= '2031-01-01'), 0 FROM audit_log`).Scan(&attached, &kept); err != nil {
		t.Fatal(err)
	}
	if attached != 1 {
		t.Errorf("%d rows of 2031 still in the log, want March's only", attached)
	}
	if err := testdb.Owner(t, pool).QueryRow(ctx, `SELECT count(*) FROM audit_log_203101`).Scan(&kept); err != nil || kept != 1 {
		t.Errorf("the detached January kept %d rows (%v), want 1", kept, err)
	}
}
