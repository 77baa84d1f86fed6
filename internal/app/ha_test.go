package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"warden/internal/app"
	"warden/internal/testdb"
)

// TestSwitchoverToPromotedReplica: Warden with DATABASE_URL naming the
// primary and its replica, target_session_attrs=read-write, answers 503
// while the primary is down and the replica not yet promoted, and writes
// again once the replica is promoted, without a restart.
func TestSwitchoverToPromotedReplica(t *testing.T) {
	pair := testdb.Replicated(t)
	p, err := pgconn.ParseConfig(pair.PrimaryURL())
	if err != nil {
		t.Fatal(err)
	}
	r, err := pgconn.ParseConfig(pair.ReplicaURL())
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("host=%s,%s port=%d,%d user=%s dbname=%s sslmode=disable target_session_attrs=read-write connect_timeout=5",
		p.Host, r.Host, p.Port, r.Port, p.User, p.Database)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const token = "switchover-admin-token-0123456789"
	ctx, cancel := context.WithCancel(context.Background())
	var serveErr error
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		serveErr = app.Serve(ctx, app.Config{DatabaseURL: url, Addr: addr, AdminToken: token, DataDir: t.TempDir(), Version: "test"},
			slog.New(slog.DiscardHandler))
	}()
	defer func() { // then the pair's cleanups stop both clusters, which a hung shutdown must not hold up
		cancel()
		select {
		case <-stopped:
		case <-time.After(time.Minute):
			t.Error("warden did not stop within a minute of its context ending")
		}
	}()
	n := 0
	create := func() int {
		n++
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/reserves",
			strings.NewReader(fmt.Sprintf(`{"code":"r%d","name_en":"R","level":"county","zoning_scheme":"three_zone"}`, n)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	until := func(what string, d time.Duration, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(d); !cond(); time.Sleep(200 * time.Millisecond) {
			select {
			case <-stopped:
				t.Fatalf("warden stopped: %v", serveErr)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	until("the service writing on the primary", 60*time.Second, func() bool { return create() == 201 })

	if err := pair.Primary.Stop(); err != nil {
		t.Fatal(err)
	}
	if st := create(); st != 503 {
		t.Errorf("a write with the primary down answered %d, want 503", st)
	}
	if st := create(); st != 503 {
		t.Errorf("a second write with the primary down and the replica read-only answered %d, want 503", st)
	}
	if err := pair.Replica.Promote(context.Background()); err != nil {
		t.Fatal(err)
	}
	until("writes on the promoted replica", 30*time.Second, func() bool { return create() == 201 })
}
