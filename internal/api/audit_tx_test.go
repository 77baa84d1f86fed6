package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/api"
	"warden/internal/auth"
	"warden/internal/testdb"
)

// statements records the SQL a pool runs.
type statements struct {
	mu  sync.Mutex
	sql []string
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	s.sql = append(s.sql, d.SQL)
	s.mu.Unlock()
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the statements seen since the last take.
func (s *statements) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sql
	s.sql = nil
	return out
}

// newTracedEnv is newBareEnv on a pool whose statements are recorded.
func newTracedEnv(t *testing.T) (*walkEnv, *statements) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	tr := &statements{}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &walkEnv{env: startAPI(t, pool, api.Config{}, nil), store: auth.NewStore(pool)}, tr
}

// failAuditOf makes the database refuse audit records of resource id, as a
// full disk or a lost connection would at the worst moment.
func failAuditOf(t *testing.T, pool *pgxpool.Pool, id string) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), fmt.Sprintf(`
		CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.resource_id = '%s' THEN RAISE EXCEPTION 'audit refused for the test'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_audit();`, id)); err != nil {
		t.Fatal(err)
	}
}

// TestWriteAndAuditAreOneTransaction: a write whose audit record cannot be
// stored is not stored either, and is not answered as done; an answered
// write has its record.
func TestWriteAndAuditAreOneTransaction(t *testing.T) {
	w := newBareEnv(t, api.Config{})
	owner := testdb.Owner(t, w.pool)
	failAuditOf(t, owner, "doomed")
	reserve := func(code string) map[string]any {
		return map[string]any{"code": code, "name_zh": code, "level": "county", "zoning_scheme": "three_zone"}
	}
	r := w.do("POST", "/api/v1/reserves", reserve("doomed"), true)
	if r.Status < 500 {
		t.Fatalf("a write whose audit record failed answered %d: %s", r.Status, r.Raw)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("answer Content-Type %q, want problem+json", ct)
	}
	w.do("GET", "/api/v1/reserves/doomed", nil, true).expect(404)

	w.do("POST", "/api/v1/reserves", reserve("kept"), true).expect(201)
	w.do("PUT", "/api/v1/reserves/kept/zones", threeZones(100), true).expect(201)
	failAuditZoning := `CREATE TRIGGER test_fail_zoning BEFORE INSERT ON audit_log FOR EACH ROW
		WHEN (NEW.resource = 'zoning') EXECUTE FUNCTION test_fail_audit_all()`
	if _, err := owner.Exec(t.Context(), `CREATE FUNCTION test_fail_audit_all() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'audit refused for the test'; END $$`); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(t.Context(), failAuditZoning); err != nil {
		t.Fatal(err)
	}
	if r := w.do("PUT", "/api/v1/reserves/kept/zones", threeZones(100.5), true); r.Status < 500 {
		t.Fatalf("a zoning whose audit record failed answered %d: %s", r.Status, r.Raw)
	}
	if v := w.do("GET", "/api/v1/reserves/kept/versions", nil, true).expect(200); strings.Count(string(v.Raw), `"version"`) != 1 {
		t.Errorf("the refused zoning was stored: %s", v.Raw)
	}
	var records, reserves int
	if err := w.pool.QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE resource = 'reserve' AND status = 201),
		count(*) FILTER (WHERE resource = 'zoning' AND status = 201) FROM audit_log`).Scan(&reserves, &records); err != nil {
		t.Fatal(err)
	}
	if reserves != 1 || records != 1 {
		t.Errorf("audit log has %d reserve and %d zoning records, want 1 and 1", reserves, records)
	}
}

// TestCaseOwnerLookupIsLight: authorizing a case write reads the case's
// reserve with one query, not the whole case (events, evidence, measures).
func TestCaseOwnerLookupIsLight(t *testing.T) {
	w, tr := newTracedEnv(t)
	for _, code := range []string{targetReserve, otherReserve} {
		w.do("POST", "/api/v1/reserves", map[string]any{"code": code, "name_zh": code, "level": "county", "zoning_scheme": "three_zone"}, true).expect(201)
	}
	w.do("PUT", "/api/v1/reserves/"+targetReserve+"/zones", threeZones(100), true).expect(201)
	id := w.id(w.do("POST", "/api/v1/cases", caseBody(), true).expect(201), "id")
	w.addUser(caller{name: "officer-elsewhere", roles: []auth.Role{auth.Officer}, limited: true})
	tr.take()
	w.send("PATCH", fmt.Sprintf("/api/v1/cases/%d", id), map[string]any{"version": 1, "title": "x"}, w.as("officer-elsewhere")).problem(403, targetReserve)
	reads := 0
	for _, sql := range tr.take() {
		if strings.Contains(sql, "case_event") || strings.Contains(sql, "evidence") || strings.Contains(sql, "measure") {
			t.Errorf("authorizing a case write read more than its reserve: %s", sql)
		}
		if strings.Contains(sql, "violation_case") {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("%d statements read the case, want 1", reads)
	}
}
