package api_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/db"
	"warden/internal/pgcluster"
)

// TestDatabaseOutageAnswers503 runs the service on a private cluster of its
// own and restarts that cluster under it twice, once at once and once after a
// two-second stop, while clients keep reading. Every answer is a 200 or a 503
// problem+json with Retry-After (never a 500), some are 503, and the service
// answers 200 again once the database is back, without being restarted.
func TestDatabaseOutageAnswers503(t *testing.T) {
	ctx := t.Context()
	dir, err := os.MkdirTemp("", "warden-outage-") // not t.TempDir: its parent is closed to the postgres user
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	_ = os.Chmod(dir, 0o755) // the postgres user must reach dir/pg
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir + "/pg", Database: "outage", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	// Migrate with the default statement timeout (creating PostGIS on a busy
	// machine may take longer than the 5 s the outage checks use).
	owner, err := db.Open(ctx, c.URL(), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Migrate(ctx, owner)
	owner.Close()
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.Open(ctx, c.URL(), db.Options{StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv := startAPI(t, pool, api.Config{}, nil).srv

	for _, pause := range []time.Duration{0, 2 * time.Second} {
		var mu sync.Mutex
		statuses := map[int]int{}
		bad := []string{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					res, err := http.Get(srv.URL + "/api/v1/reserves")
					if err != nil {
						mu.Lock()
						bad = append(bad, err.Error())
						mu.Unlock()
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					mu.Lock()
					statuses[res.StatusCode]++
					switch {
					case res.StatusCode == http.StatusOK:
					case res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "" &&
						res.Header.Get("Content-Type") == "application/problem+json":
					default:
						bad = append(bad, res.Status+" "+res.Header.Get("Content-Type")+" Retry-After: "+res.Header.Get("Retry-After"))
					}
					mu.Unlock()
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
		time.Sleep(200 * time.Millisecond)
		if err := c.Restart(ctx, pause); err != nil {
			t.Fatal(err)
		}
		recovered := waitFor200(ctx, srv.URL+"/api/v1/reserves", 30*time.Second)
		close(stop)
		wg.Wait()
		t.Logf("restart after %v: answers %v", pause, statuses)
		if len(bad) > 0 {
			t.Errorf("restart after %v: %d answers neither 200 nor 503 problem+json with Retry-After, e.g. %s", pause, len(bad), bad[0])
		}
		if pause > 0 && statuses[http.StatusServiceUnavailable] == 0 {
			t.Errorf("a %v stop answered no 503: %v", pause, statuses)
		}
		if !recovered {
			t.Fatalf("restart after %v: no 200 within 30 s of the database's return", pause)
		}
	}
}

// waitFor200 polls url until it answers 200, for at most d.
func waitFor200(ctx context.Context, url string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}
