package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
)

// Webhook is an endpoint told of every event: a JSON POST of the event,
// within Timeout, retried with exponential backoff (Backoff, doubled each
// time) up to Attempts tries, then kept as a dead letter.
type Webhook struct {
	URL      string
	Timeout  time.Duration
	Attempts int
	Backoff  time.Duration
}

// ParseWebhooks reads "URL [timeout=5s] [attempts=5] [backoff=1s], URL ...".
func ParseWebhooks(s string) ([]Webhook, error) {
	var out []Webhook
	for _, item := range strings.Split(s, ",") {
		fs := strings.Fields(item)
		if len(fs) == 0 {
			continue
		}
		u, err := url.Parse(fs[0])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("live webhook %q is not an http(s) URL", fs[0])
		}
		w := Webhook{URL: fs[0], Timeout: 5 * time.Second, Attempts: 6, Backoff: time.Second}
		for _, kv := range fs[1:] {
			k, v, _ := strings.Cut(kv, "=")
			var err error
			switch k {
			case "timeout":
				w.Timeout, err = time.ParseDuration(v)
			case "backoff":
				w.Backoff, err = time.ParseDuration(v)
			case "attempts":
				_, err = fmt.Sscan(v, &w.Attempts)
			default:
				err = fmt.Errorf("unknown setting %q", k)
			}
			if err != nil || w.Timeout <= 0 || w.Backoff <= 0 || w.Attempts < 1 {
				return nil, fmt.Errorf("live webhook %s: %q: use timeout=5s, attempts=6, backoff=1s", fs[0], kv)
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// Metrics count fixes and notifications for Prometheus.
type Metrics struct {
	fixes      prometheus.Counter
	deliveries *prometheus.CounterVec
	dropped    prometheus.Counter
	// mqttRefused counts MQTT messages that were not a fix of a known device
	// with its token.
	mqttRefused prometheus.Counter
}

func newMetrics() *Metrics {
	return &Metrics{
		fixes: prometheus.NewCounter(prometheus.CounterOpts{Name: "warden_live_fixes_total", Help: "Live fixes received, whatever became of them."}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "warden_live_webhook_deliveries_total",
			Help: "Live event webhook deliveries by result: delivered, retried (a failed try that will be tried again), dropped (dead letter)."}, []string{"result"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "warden_live_stream_dropped_total",
			Help: "Live events a stream subscriber was too slow to take (it can catch up by Last-Event-ID)."}),
		mqttRefused: prometheus.NewCounter(prometheus.CounterOpts{Name: "warden_live_mqtt_refused_total",
			Help: "MQTT messages refused: malformed, an unknown device or a wrong key."}),
	}
}

// Register adds the collectors to reg.
func (m *Metrics) Register(reg prometheus.Registerer) {
	reg.MustRegister(m.fixes, m.deliveries, m.dropped, m.mqttRefused)
}

// enqueue records a delivery of every event to every webhook, in the
// events' transaction.
func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, events []Event) error {
	for _, w := range s.opts.Webhooks {
		for _, e := range events {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO live_delivery (url, event_id, payload) VALUES ($1, $2, $3)`, w.URL, e.ID, b); err != nil {
				return fmt.Errorf("live: webhook delivery of event %d: %w", e.ID, err)
			}
		}
	}
	return nil
}

// deliver sends due deliveries until ctx ends, woken by new events and
// every second for retries.
func (s *Service) deliver(ctx context.Context) {
	hooks := map[string]Webhook{}
	for _, w := range s.opts.Webhooks {
		hooks[w.URL] = w
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			n, err := s.deliverDue(ctx, hooks)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("live: webhook deliveries", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// deliverDue tries up to 20 due deliveries and returns how many it tried.
func (s *Service) deliverDue(ctx context.Context, hooks map[string]Webhook) (int, error) {
	type due struct {
		id       int64
		url      string
		payload  []byte
		attempts int
	}
	var ds []due
	rows, err := s.pool.Query(ctx, `
		UPDATE live_delivery SET next_at = now() + interval '5 minutes'
		WHERE id IN (SELECT id FROM live_delivery WHERE status = 'pending' AND next_at <= now() ORDER BY next_at LIMIT 20 FOR UPDATE SKIP LOCKED)
		RETURNING id, url, payload, attempts`)
	if err != nil {
		return 0, fmt.Errorf("live: due deliveries: %w", err)
	}
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.url, &d.payload, &d.attempts); err != nil {
			rows.Close()
			return 0, err
		}
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, d := range ds {
		w, ok := hooks[d.url]
		if !ok { // an endpoint no longer configured
			w = Webhook{URL: d.url, Timeout: 5 * time.Second, Attempts: 1, Backoff: time.Second}
		}
		err := post(ctx, w, d.payload)
		attempts := d.attempts + 1
		var q string
		var args []any
		switch {
		case err == nil:
			s.metrics.deliveries.WithLabelValues("delivered").Inc()
			q, args = `UPDATE live_delivery SET status = 'delivered', attempts = $2, delivered_at = now(), last_error = '' WHERE id = $1`, []any{d.id, attempts}
		case attempts >= w.Attempts:
			s.metrics.deliveries.WithLabelValues("dropped").Inc()
			q, args = `UPDATE live_delivery SET status = 'dead', attempts = $2, last_error = $3 WHERE id = $1`, []any{d.id, attempts, err.Error()}
		default:
			s.metrics.deliveries.WithLabelValues("retried").Inc()
			wait := w.Backoff << min(attempts-1, 16)
			q, args = `UPDATE live_delivery SET attempts = $2, last_error = $3, next_at = now() + $4::interval WHERE id = $1`,
				[]any{d.id, attempts, err.Error(), wait.String()}
		}
		if _, err := s.pool.Exec(ctx, q, args...); err != nil {
			return len(ds), fmt.Errorf("live: delivery %d: %w", d.id, err)
		}
	}
	return len(ds), nil
}

// post sends one delivery within the webhook's timeout; any answer but 2xx
// is a failure.
func post(ctx context.Context, w Webhook, payload []byte) error {
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("answered %s", res.Status)
	}
	return nil
}

// Delivery is a webhook delivery as the dead-letter list shows it.
type Delivery struct {
	ID        int64           `json:"id"`
	URL       string          `json:"url"`
	Event     int64           `json:"event"`
	Status    string          `json:"status"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error"`
	CreatedAt time.Time       `json:"created_at"`
	Payload   json.RawMessage `json:"payload"`
}

// Deliveries lists webhook deliveries of a status (pending, delivered,
// dead), newest first.
func (s *Service) Deliveries(ctx context.Context, status string) ([]Delivery, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, url, event_id, status, attempts, last_error, created_at, payload
		FROM live_delivery WHERE $1 = '' OR status = $1 ORDER BY id DESC LIMIT 500`, status)
	if err != nil {
		return nil, fmt.Errorf("live: deliveries: %w", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.URL, &d.Event, &d.Status, &d.Attempts, &d.LastError, &d.CreatedAt, &d.Payload); err != nil {
			return nil, fmt.Errorf("live: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
