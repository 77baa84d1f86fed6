// Package notify tells the outside world what happens to cases: it keeps
// the webhooks, the queue of notifications that database triggers fill for
// every new case, transition and missed deadline, and delivers them signed,
// retrying with a doubling backoff and logging every attempt. Its
// background job also runs the cases' deadline sweep each round, so that a
// missed deadline is told as soon as it is marked.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
)

// Options configure the background job: the webhooks that hear of new
// cases, transitions and missed deadlines, and how deliveries are retried.
type Options struct {
	Webhooks []string
	// Secret signs each body: X-Warden-Signature: sha256=<hex HMAC-SHA256>.
	Secret string
	// MaxAttempts before a notification is given up as failed (default 8).
	MaxAttempts int
	// Backoff is the wait before the first retry; it doubles with each
	// further attempt, up to an hour (default 30 s).
	Backoff time.Duration
	// Every is how often the job runs (default 1 minute).
	Every  time.Duration
	Client *http.Client
}

func (o *Options) defaults() {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.Every <= 0 {
		o.Every = time.Minute
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
}

// Store keeps webhooks and notifications in PostGIS.
type Store struct {
	pool db.Pool
	now  func() time.Time
}

// NewStore returns a Store on pool; now is the clock (nil: time.Now).
func NewStore(pool *pgxpool.Pool, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{pool: db.Scoped(pool), now: now}
}

// Limits of Notifications.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// SyncWebhooks makes the configured URLs the active webhooks; events from
// now on are queued for them (by a trigger on case_event).
func (s *Store) SyncWebhooks(ctx context.Context, urls []string) (err error) {
	defer db.Wrap(&err, "notify: sync webhooks")
	if urls == nil {
		urls = []string{}
	}
	return db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE webhook SET active = url = ANY($1)`, urls); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO webhook (url) SELECT unnest($1::text[]) ON CONFLICT (url) DO UPDATE SET active = true`, urls)
		return err
	})
}

// Attempt is one try to deliver a notification.
type Attempt struct {
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	StatusCode *int      `json:"status_code"`
	Error      string    `json:"error,omitempty"`
	DurationMs float64   `json:"duration_ms"`
}

// Notification is a queued webhook call with its delivery log.
type Notification struct {
	ID          int64      `json:"id"`
	CaseID      int64      `json:"case_id"`
	CaseNumber  string     `json:"case_number"`
	EventID     int64      `json:"event_id"`
	EventKind   string     `json:"event_kind"`
	URL         string     `json:"url"`
	Status      string     `json:"status"`
	Attempts    []Attempt  `json:"attempts"`
	NextAttempt *time.Time `json:"next_attempt_at,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Notifications lists notifications, newest first, with every attempt;
// status (pending, delivered, failed) filters.
func (s *Store) Notifications(ctx context.Context, status string, limit int) (_ []Notification, err error) {
	defer db.Wrap(&err, "notify: notifications")
	if err := db.CheckPage(&limit, 0, DefaultLimit, MaxLimit); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.case_id, c.number, n.event_id, e.kind, n.url, n.status,
			CASE WHEN n.status = 'pending' THEN n.next_attempt_at END, n.last_error, n.delivered_at, n.created_at,
			coalesce((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code, 'error', a.error,
			                                              'duration_ms', a.duration_ms) ORDER BY a.attempt)
			          FROM notification_attempt a WHERE a.notification_id = n.id), '[]')
		FROM notification n JOIN violation_case c ON c.id = n.case_id JOIN case_event e ON e.id = n.event_id
		WHERE $1 = '' OR n.status = $1 ORDER BY n.id DESC LIMIT $2`, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var att []byte
		if err := rows.Scan(&n.ID, &n.CaseID, &n.CaseNumber, &n.EventID, &n.EventKind, &n.URL, &n.Status, &n.NextAttempt, &n.LastError,
			&n.DeliveredAt, &n.CreatedAt, &att); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(att, &n.Attempts); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// payload is the body a webhook receives.
type payload struct {
	Notification int64           `json:"notification"`
	Event        json.RawMessage `json:"event"`
	Case         json.RawMessage `json:"case"`
}

type claimed struct {
	id       int64
	url      string
	attempts int
	body     []byte
	kind     string
}

// Deliver sends the notifications that are due, each once, recording every
// attempt; a failure is retried after a doubling backoff until MaxAttempts.
// It returns how many were delivered and how many attempts failed.
func (s *Store) Deliver(ctx context.Context, o Options) (delivered, failed int, err error) {
	defer db.Wrap(&err, "notify: deliver")
	o.defaults()
	now := s.now()
	// claim a batch by pushing its next attempt out (a lease), so that
	// several processes never send the same notification at once
	rows, err := s.pool.Query(ctx, `WITH due AS (
			SELECT id FROM notification WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED)
		UPDATE notification n SET next_attempt_at = $1::timestamptz + interval '5 minutes' FROM due, case_event e, violation_case c, reserve r
		WHERE n.id = due.id AND e.id = n.event_id AND c.id = n.case_id AND r.id = c.reserve_id
		RETURNING n.id, n.url, n.attempts, e.kind,
			jsonb_build_object('id', e.id, 'kind', e.kind, 'version', e.version, 'at', e.at, 'actor', e.actor, 'from', e.from_status,
			                   'to', e.to_status, 'comment', e.comment, 'data', e.data),
			jsonb_build_object('id', c.id, 'number', c.number, 'reserve', r.code, 'status', c.status, 'deadline', c.deadline,
			                   'link', '/api/v1/cases/' || c.id)`, now)
	if err != nil {
		return 0, 0, err
	}
	var batch []claimed
	for rows.Next() {
		var c claimed
		var ev, cs []byte
		if err := rows.Scan(&c.id, &c.url, &c.attempts, &c.kind, &ev, &cs); err != nil {
			rows.Close()
			return 0, 0, err
		}
		if c.body, err = json.Marshal(payload{Notification: c.id, Event: ev, Case: cs}); err != nil {
			rows.Close()
			return 0, 0, err
		}
		batch = append(batch, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, c := range batch {
		code, dur, derr := s.post(ctx, o, c)
		attempt := c.attempts + 1
		msg := ""
		if derr != nil {
			msg = derr.Error()
		}
		status, next := "delivered", now
		if derr != nil {
			failed++
			status = "pending"
			if attempt >= o.MaxAttempts {
				status = "failed"
			}
			wait := o.Backoff << (attempt - 1)
			if wait > time.Hour || wait <= 0 {
				wait = time.Hour
			}
			next = now.Add(wait)
		} else {
			delivered++
		}
		if err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO notification_attempt (notification_id, attempt, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
				c.id, attempt, now, code, msg, float64(dur.Microseconds())/1000); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE notification SET attempts = $2, status = $3, next_attempt_at = $4, last_error = $5,
				delivered_at = CASE WHEN $3 = 'delivered' THEN $6::timestamptz END WHERE id = $1`, c.id, attempt, status, next, msg, now)
			return err
		}); err != nil {
			return delivered, failed, err
		}
	}
	return delivered, failed, nil
}

// post makes one delivery attempt: a 2xx answer is success.
func (s *Store) post(ctx context.Context, o Options, c claimed) (*int, time.Duration, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(c.body))
	if err != nil {
		return nil, 0, fmt.Errorf("bad webhook URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "warden-webhook/1")
	req.Header.Set("X-Warden-Event", c.kind)
	req.Header.Set("X-Warden-Delivery", fmt.Sprint(c.id))
	if o.Secret != "" {
		m := hmac.New(sha256.New, []byte(o.Secret))
		m.Write(c.body)
		req.Header.Set("X-Warden-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
	}
	res, err := o.Client.Do(req)
	dur := time.Since(start)
	if err != nil {
		return nil, dur, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	code := res.StatusCode
	if code < 200 || code > 299 {
		return &code, dur, fmt.Errorf("the webhook answered %d %s", code, http.StatusText(code))
	}
	return &code, dur, nil
}

// Run is the background job: it syncs the webhooks, then every o.Every marks
// overdue cases with sweep (cases.Store.Sweep) and delivers due
// notifications, until ctx ends.
func (s *Store) Run(ctx context.Context, o Options, log *slog.Logger, sweep func(context.Context) (int, error)) (err error) {
	defer db.Wrap(&err, "notify: run")
	o.defaults()
	if err := s.SyncWebhooks(ctx, o.Webhooks); err != nil {
		return err
	}
	t := time.NewTicker(o.Every)
	defer t.Stop()
	for {
		if n, err := sweep(ctx); err != nil {
			log.Warn("cases: marking overdue cases", "err", err)
		} else if n > 0 {
			log.Info("cases: marked overdue", "cases", n)
		}
		if d, f, err := s.Deliver(ctx, o); err != nil {
			log.Warn("cases: delivering notifications", "err", err)
		} else if d+f > 0 {
			log.Info("cases: notifications", "delivered", d, "failed_attempts", f)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
