package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/testdb"
)

// TestHeavyWorkLeavesConnections: while as many track uploads as the pool
// has connections arrive and the first ones hold their connections (the
// track table is locked, so each waits inside its transaction), those
// beyond the heavy budget are refused at once with 503 busy and
// Retry-After instead of taking the last connections, and short requests —
// reading zones, a single locate, /readyz — are still answered. Once the
// lock goes, the running uploads are stored.
func TestHeavyWorkLeavesConnections(t *testing.T) {
	const heavy = 2
	w := newBareEnv(t, api.Config{MaxHeavy: heavy, MaxTrackDecodes: 100})
	conns := int(w.pool.Config().MaxConns)
	if conns <= heavy {
		t.Fatalf("the test pool has %d connections; the test needs more than %d", conns, heavy)
	}
	w.do("POST", "/api/v1/reserves", map[string]any{"code": targetReserve, "name_zh": targetReserve, "level": "county", "zoning_scheme": "three_zone"}, true).expect(201)
	w.do("PUT", "/api/v1/reserves/"+targetReserve+"/zones", threeZones(100), true).expect(201)

	owner := testdb.Owner(t, w.pool)
	ctx := t.Context()
	lock, err := owner.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(context.WithoutCancel(ctx))
	if _, err := lock.Exec(ctx, `LOCK TABLE track IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	admin := caller{token: adminToken}
	var wg sync.WaitGroup
	held := make([]*resp, heavy)
	for i := range heavy {
		f := w.trackForm("ranger")
		wg.Add(1)
		go func() { defer wg.Done(); held[i] = w.send("POST", "/api/v1/tracks", f, admin) }()
	}
	// The server's side: both uploads wait for the lock, each holding a
	// connection of the service's pool.
	deadline := time.Now().Add(time.Minute)
	for waiting := 0; waiting < heavy; {
		if err := owner.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE relation = 'track'::regclass AND NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d uploads wait for the lock, want %d", waiting, heavy)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for range conns - heavy {
		r := w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), admin)
		r.problem(http.StatusServiceUnavailable, "long requests")
		if typ, _ := r.JSON["type"].(string); !strings.HasSuffix(typ, "/busy") || r.Header.Get("Retry-After") == "" {
			t.Errorf("refused heavy request: type %q, Retry-After %q", typ, r.Header.Get("Retry-After"))
		}
	}
	metrics := w.do("GET", "/metrics", nil, true).expect(200)
	if !bytes.Contains(metrics.Raw, []byte("warden_heavy_requests_running 2")) {
		t.Errorf("metrics do not show the 2 heavy requests running:\n%s", grepLines(metrics.Raw, "warden_heavy"))
	}

	// Short requests get the connections left (a client timeout keeps a
	// failure from hanging the test: without the budget they would wait
	// for a connection until the uploads' statements time out).
	client := &http.Client{Timeout: 20 * time.Second}
	for _, path := range []string{"/api/v1/reserves/" + targetReserve + "/zones", "/api/v1/locate?lon=100.05&lat=30.05", "/readyz"} {
		res, err := client.Get(w.srv.URL + path)
		if err != nil {
			t.Fatalf("GET %s while heavy work runs: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s while heavy work runs: %d %.300s", path, res.StatusCode, body)
		}
	}

	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, r := range held {
		if r.Status != http.StatusCreated {
			t.Errorf("upload %d that held a slot: %d %.300s", i, r.Status, r.Raw)
		}
	}
	w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), admin).expect(201)
}

// grepLines are the lines of b that contain s.
func grepLines(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
