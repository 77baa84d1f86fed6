package notify_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"warden/internal/cases"
	"warden/internal/cases/casetest"
	"warden/internal/notify"
	"warden/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestSweepAndWebhooks: the job marks overdue cases once, with the proposed
// next step; notifications are retried with backoff until delivered, and
// the delivery log shows each attempt.
func TestSweepAndWebhooks(t *testing.T) {
	f := casetest.New(t)
	ctx := t.Context()
	store := notify.NewStore(f.Pool, f.Clock.Now)
	var calls atomic.Int32
	var mu sync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Header.Get("X-Warden-Event")+" "+r.Header.Get("X-Warden-Signature")[:7]+" "+string(b))
		mu.Unlock()
		if calls.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	opts := notify.Options{Webhooks: []string{hook.URL}, Secret: "s3cret", Backoff: time.Minute, MaxAttempts: 3}
	if err := store.SyncWebhooks(ctx, opts.Webhooks); err != nil {
		t.Fatal(err)
	}
	c := f.NewCase(casetest.CorePoint) // created: notification 1
	c = f.Move(c, cases.TransitionInput{To: cases.Verified})
	f.Move(c, cases.TransitionInput{To: cases.Transferred, Deadline: casetest.Day(-1)}) // 3 notifications
	n, err := f.Cases.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sweep marked %d: %v", n, err)
	}
	if n, _ := f.Cases.Sweep(ctx); n != 0 {
		t.Errorf("second sweep marked %d", n)
	}
	got, _ := f.Cases.Get(ctx, c.ID)
	last := got.Events[len(got.Events)-1]
	if last.Kind != "overdue" || !strings.Contains(string(last.Data), `"proposed_next_step": "interviewed"`) || got.OverdueAt == nil {
		t.Errorf("overdue event %+v", last)
	}
	// four notifications; the first two attempts fail
	d, fl, err := store.Deliver(ctx, opts)
	if err != nil || d != 2 || fl != 2 {
		t.Fatalf("first round: %d delivered, %d failed, %v", d, fl, err)
	}
	if d, fl, _ := store.Deliver(ctx, opts); d+fl != 0 {
		t.Errorf("nothing is due before the backoff: %d %d", d, fl)
	}
	f.Clock.Advance(61 * time.Second)
	if d, fl, _ := store.Deliver(ctx, opts); d != 2 || fl != 0 {
		t.Errorf("after the backoff: %d delivered, %d failed", d, fl)
	}
	sent, err := store.Notifications(ctx, "", 0)
	if err != nil || len(sent) != 4 {
		t.Fatalf("notifications: %+v %v", sent, err)
	}
	retried := 0
	for _, n := range sent {
		if n.Status != "delivered" {
			t.Errorf("notification %+v", n)
		}
		if len(n.Attempts) == 2 {
			retried++
			if *n.Attempts[0].StatusCode != 503 || !strings.Contains(n.Attempts[0].Error, "503") || *n.Attempts[1].StatusCode != 204 {
				t.Errorf("attempts %+v", n.Attempts)
			}
		}
	}
	if retried != 2 {
		t.Errorf("%d notifications retried, want 2", retried)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.HasPrefix(bodies[0], "created sha256=") || !strings.Contains(bodies[0], c.Number) {
		t.Errorf("first delivery: %s", bodies[0])
	}
	// a webhook that always fails gives up after MaxAttempts
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) }))
	defer dead.Close()
	if err := store.SyncWebhooks(ctx, []string{dead.URL}); err != nil {
		t.Fatal(err)
	}
	f.NewCase([2]float64{85, 34.5})
	for range 3 {
		store.Deliver(ctx, opts)
		f.Clock.Advance(time.Hour)
	}
	failed, _ := store.Notifications(ctx, "failed", 0)
	if len(failed) != 1 || len(failed[0].Attempts) != 3 || failed[0].URL != dead.URL {
		t.Errorf("failed: %+v", failed)
	}
}
