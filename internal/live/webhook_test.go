package live

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// TestWebhooks: a receiver that fails twice gets the event on the third
// try; one that never answers in time ends as a dead letter; the counters
// say so.
func TestWebhooks(t *testing.T) {
	var calls atomic.Int32
	var got atomic.Value
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var e Event
		_ = json.NewDecoder(r.Body).Decode(&e)
		got.Store(e)
	}))
	defer flaky.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	hooks, err := ParseWebhooks(flaky.URL + " backoff=10ms attempts=5, " + slow.URL + " timeout=100ms attempts=2 backoff=10ms")
	if err != nil {
		t.Fatal(err)
	}
	pool, s, c := plateau(t, Options{Webhooks: hooks})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go s.deliver(ctx)
	d := register(t, s, "sos-phone", "patrol")
	if _, err := s.Ingest(ctx, Ingest{Protocol: "osmand", Token: &d.Token, Fixes: []Fix{{Device: "sos-phone", Time: c.now().Add(-time.Second), Lon: 100.02, Lat: 30.02, SOS: true}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var open int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM live_delivery WHERE status = 'pending'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still pending after 30 s", open)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if e, _ := got.Load().(Event); e.Kind != "sos" || e.Device != "sos-phone" || calls.Load() != 3 {
		t.Errorf("the flaky receiver got %+v after %d calls, want the SOS on the third", e, calls.Load())
	}
	dead, err := s.Deliveries(ctx, "dead")
	if err != nil || len(dead) != 1 || dead[0].URL != slow.URL || dead[0].Attempts != 2 || dead[0].LastError == "" {
		t.Errorf("dead letters %+v %v: want the slow receiver's, after 2 attempts, with the error", dead, err)
	}
	count := func(result string) float64 {
		var m dto.Metric
		if err := s.metrics.deliveries.WithLabelValues(result).Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetCounter().GetValue()
	}
	if d, r, x := count("delivered"), count("retried"), count("dropped"); d != 1 || r != 3 || x != 1 {
		t.Errorf("counters delivered %v retried %v dropped %v, want 1, 3, 1", d, r, x)
	}
}
