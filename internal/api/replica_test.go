package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/api"
	"warden/internal/db"
	"warden/internal/grid"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
)

// TestReadReplicaRouting runs the API on a primary with a streaming replica:
// tiles, OGC API, lists and reports are answered by the replica; a client
// that has just written reads from the primary until the replica has
// replayed its write (by header or cookie); a replica whose replay is paused
// longer than the allowed lag is left out, and used again once it catches up.
func TestReadReplicaRouting(t *testing.T) {
	ctx := t.Context()
	pair := testdb.Replicated(t)
	log := slog.New(slog.DiscardHandler)
	primary, err := db.Open(ctx, pair.PrimaryURL(), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	sampletest.Load(t, primary, grid.NewStore(primary).LoadSample)
	const maxLag = 2 * time.Second
	reps, err := db.OpenReplicas(ctx, primary, []string{pair.ReplicaURL()}, db.ReplicaOptions{MaxLag: maxLag, Every: 50 * time.Millisecond}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer reps.Close()
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	go reps.Run(rctx)
	e := startAPI(t, primary, api.Config{Replicas: reps}, log)

	get := func(path string, lsn string, cookie *http.Cookie) (string, string) {
		t.Helper()
		req := e.request("GET", path, adminToken, "", nil)
		if lsn != "" {
			req.Header.Set("X-Warden-Lsn", lsn)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res := roundTrip(t, nil, req).expect(200)
		return res.Header.Get("X-Warden-Read"), string(res.Raw)
	}
	until := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	until("reads going to the replica", func() bool { via, _ := get("/api/v1/reserves", "", nil); return via == "replica" })
	for _, path := range []string{"/tiles/zones/0/0/0.mvt", "/tiles/zones.json", "/ogc/collections", "/ogc/collections/markers/items?limit=15",
		"/ogc/collections/cases/items", "/api/v1/cases", "/api/v1/tracks", "/api/v1/screenings", "/api/v1/clues", "/api/v1/clue-batches",
		"/api/v1/reserves/qiangtang/markers", "/api/v1/reserves/qiangtang/versions", "/api/v1/reports/daily?date=2024-07-01",
		"/api/v1/reports/weekly?week=2024-W27", "/api/v1/reports/overdue", "/api/v1/reports/units", "/api/v1/clues/statistics",
		"/api/v1/grid-cells/coverage?reserve=qiangtang&from=2024-07-01&to=2024-07-02"} {
		if via, _ := get(path, "", nil); via != "replica" {
			t.Errorf("GET %s read from %q, want the replica", path, via)
		}
	}
	if via, _ := get("/api/v1/reserves/qiangtang", "", nil); via != "" {
		t.Errorf("a read outside the replica routes says %q", via)
	}

	// the replica stops replaying; a client writes
	rep, err := pgx.Connect(ctx, pair.ReplicaOwnerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close(ctx)
	if _, err := rep.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	res := e.do("POST", "/api/v1/reserves", `{"code":"lagging","name_en":"Lagging","level":"county","zoning_scheme":"three_zone"}`, true)
	lsn := res.Header.Get("X-Warden-Lsn")
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "warden_lsn" {
			cookie = c
		}
	}
	if res.Status != 201 || lsn == "" || cookie == nil || cookie.Value != lsn {
		t.Fatalf("write: %d, LSN header %q, cookie %v", res.Status, lsn, cookie)
	}
	// read-your-writes: by header and by cookie, from the primary
	for _, c := range []struct {
		lsn    string
		cookie *http.Cookie
	}{{lsn, nil}, {"", cookie}} {
		if via, body := get("/api/v1/reserves", c.lsn, c.cookie); via != "primary" || !strings.Contains(body, `"lagging"`) {
			t.Errorf("the writer's read (header %q, cookie %v) from %q, sees its write: %v", c.lsn, c.cookie != nil, via, strings.Contains(body, `"lagging"`))
		}
	}
	// beyond the allowed lag, nobody reads from the paused replica
	time.Sleep(maxLag + 300*time.Millisecond)
	if via, body := get("/api/v1/reserves", "", nil); via != "primary" || !strings.Contains(body, `"lagging"`) {
		t.Errorf("with the replica %v behind, a read went to %q", maxLag, via)
	}
	if _, err := rep.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	until("the caught-up replica taking the writer's reads", func() bool {
		via, body := get("/api/v1/reserves", lsn, nil)
		return via == "replica" && strings.Contains(body, `"lagging"`)
	})
}
