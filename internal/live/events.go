package live

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/patrol"
	"warden/internal/problem"
)

// Event is a geofence event or a safety alert, as the stream, the webhooks
// and the API show it.
type Event struct {
	ID     int64  `json:"id"`
	Device string `json:"device"`
	// Kind is enter, exit, dwell, silent, sos or low_battery.
	Kind string `json:"kind"`
	// Alert marks events someone must act on: an entry the law forbids the
	// subject, an SOS, a silent device, a low battery.
	Alert bool `json:"alert"`
	// Reserves are the reserves whose users see the event.
	Reserves    []string           `json:"reserves"`
	Reserve     string             `json:"reserve,omitempty"`
	ZoneID      int64              `json:"zone_id,omitempty"`
	ZoneKind    string             `json:"zone_kind,omitempty"`
	ZoneName    string             `json:"zone_name,omitempty"`
	Subject     string             `json:"subject"`
	SubjectKind patrol.SubjectKind `json:"subject_kind"`
	// At is when it happened: a crossing's interpolated time, the fix's
	// time, or when silence was noticed.
	At     time.Time `json:"at"`
	Lon    *float64  `json:"lon,omitempty"`
	Lat    *float64  `json:"lat,omitempty"`
	DepthM *float64  `json:"depth_m,omitempty"`
	TextZH string    `json:"text_zh"`
	TextEN string    `json:"text_en"`
	// ReceivedAt is when the fix that raised it arrived.
	ReceivedAt     time.Time  `json:"received_at"`
	CreatedAt      time.Time  `json:"created_at"`
	Finding        *int64     `json:"finding,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`

	judgment *law.Judgment
	activity string
}

// insertEvents stores events, in one round trip, and announces them to
// the other processes (at commit). The finding of an entry the law forbids
// is filed apart (insertFinding), after the event is out.
func (s *Service) insertEvents(ctx context.Context, tx pgx.Tx, events []*Event) error {
	if len(events) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range events {
		b.Queue(`INSERT INTO live_event (device_id, kind, alert, reserves, reserve, zone_id, zone_kind, subject, subject_kind, at, lon, lat, depth_m, text_zh, text_en)
			VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, 0), nullif($7, ''), $8, $9, $10, $11, $12, $13, $14, $15)
			RETURNING id, created_at`,
			e.Device, e.Kind, e.Alert, e.Reserves, e.Reserve, e.ZoneID, e.ZoneKind, e.Subject, string(e.SubjectKind), e.At, e.Lon, e.Lat, e.DepthM, e.TextZH, e.TextEN).
			QueryRow(func(row pgx.Row) error { return row.Scan(&e.ID, &e.CreatedAt) })
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("live: %d events of %s and others: %w", len(events), events[0].Device, err)
	}
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return s.announce(ctx, tx, ids, false)
}

// insertFinding stores the finding of an event that carries a judgment (an
// entry the law forbids), which the finding table's intake turns into a
// case. An event has at most one finding: filing it again does nothing. The
// finding is created at the event's created_at, so that its key
// (live_event_id, created_at), unique in the month it is filed under (00083),
// is the same however late it is filed.
func insertFinding(ctx context.Context, tx pgx.Tx, e *Event) error {
	j := e.judgment
	if j == nil {
		return nil
	}
	var fid int64
	err := tx.QueryRow(ctx, `
		INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source, live_event_id,
		                     subject, subject_kind, observed_at, observed_until, legal_basis, penalty, rule_set, created_at)
		SELECT 'prohibited_entry', r.id, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7, $8, 'live', $9, $10, $11, $12, $12, $13, $14, $15, $16
		FROM reserve r WHERE r.code = $1
		ON CONFLICT (live_event_id, created_at) WHERE live_event_id IS NOT NULL DO NOTHING
		RETURNING id`,
		e.Reserve, e.ZoneKind, *e.Lon, *e.Lat, e.activity, citeCodes(j.LegalBasis), e.TextZH, e.TextEN, e.ID,
		e.Subject, string(e.SubjectKind), e.At, j.LegalBasis, j.Penalty, j.RuleSet, e.CreatedAt).Scan(&fid)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("live: finding of event %d: %w", e.ID, err)
	}
	e.Finding = &fid
	return nil
}

// citeCodes are a judgment's provisions as codes (nrr-2026/26/1/2), as the
// finding table keeps them.
func citeCodes(bs []law.Basis) []string {
	out := []string{}
	for _, b := range bs {
		c := fmt.Sprintf("%s/%d", b.Instrument, b.Article)
		if b.Paragraph > 0 {
			c += fmt.Sprintf("/%d", b.Paragraph)
		}
		if b.Item > 0 {
			c += fmt.Sprintf("/%d", b.Item)
		}
		out = append(out, c)
	}
	return out
}

// checkSilent raises a silent alert for every device that has reported
// before, has an expected interval, and has been quiet for longer than it
// plus the margin: once per silence.
func (s *Service) checkSilent(ctx context.Context) error {
	now := s.opts.Now().UTC()
	var events []Event
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT d.id, d.subject, d.subject_kind, d.reserves, d.last_received_at, d.last_lon, d.last_lat
			FROM live_device d
			WHERE d.expected_interval_s IS NOT NULL AND d.last_received_at IS NOT NULL
			  AND d.last_received_at < $1::timestamptz - make_interval(secs => d.expected_interval_s) - make_interval(secs => $2)
			  AND NOT EXISTS (SELECT 1 FROM live_event e WHERE e.device_id = d.id AND e.kind = 'silent' AND e.at >= d.last_received_at)
			FOR UPDATE OF d SKIP LOCKED`, now, s.opts.SilentMargin.Seconds())
		if err != nil {
			return err
		}
		for rows.Next() {
			var e Event
			var last time.Time
			if err := rows.Scan(&e.Device, &e.Subject, &e.SubjectKind, &e.Reserves, &last, &e.Lon, &e.Lat); err != nil {
				rows.Close()
				return err
			}
			mins := now.Sub(last).Minutes()
			e.Kind, e.Alert, e.At, e.ReceivedAt = "silent", true, now, now
			e.TextZH = fmt.Sprintf("%s（%s，设备%s）已%.0f分钟没有报告位置。", e.Subject, subjectZH(e.SubjectKind), e.Device, mins)
			e.TextEN = fmt.Sprintf("%s (%s, device %s) has not reported for %.0f minutes.", e.Subject, e.SubjectKind, e.Device, mins)
			events = append(events, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ptrs := make([]*Event, len(events))
		for i := range events {
			ptrs[i] = &events[i]
		}
		if err := s.insertEvents(ctx, tx, ptrs); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, events)
	})
	if err != nil {
		return fmt.Errorf("live: silent devices: %w", err)
	}
	s.publish(events)
	return nil
}

// EventFilter selects stored events.
type EventFilter struct {
	// Reserves limits to events seen in any of these (nil: all).
	Reserves []string
	Device   string
	// AlertsOnly and Open (not acknowledged) narrow further; AfterID
	// gives the events after one (a stream's Last-Event-ID).
	AlertsOnly, Open bool
	AfterID          int64
	Limit            int
}

const eventColumns = `e.id, e.device_id, e.kind, e.alert, e.reserves, coalesce(e.reserve, ''), coalesce(e.zone_id, 0), coalesce(e.zone_kind, ''),
	e.subject, e.subject_kind, e.at, e.lon, e.lat, e.depth_m, e.text_zh, e.text_en, e.created_at, e.acknowledged_at, coalesce(e.acknowledged_by, ''),
	(SELECT f.id FROM finding f WHERE f.live_event_id = e.id AND f.created_at = e.created_at LIMIT 1)`

func scanEvent(row pgx.Row) (Event, error) {
	var e Event
	err := row.Scan(&e.ID, &e.Device, &e.Kind, &e.Alert, &e.Reserves, &e.Reserve, &e.ZoneID, &e.ZoneKind, &e.Subject, &e.SubjectKind,
		&e.At, &e.Lon, &e.Lat, &e.DepthM, &e.TextZH, &e.TextEN, &e.CreatedAt, &e.AcknowledgedAt, &e.AcknowledgedBy, &e.Finding)
	e.ReceivedAt = e.CreatedAt
	return e, err
}

// Events lists stored events, newest first (oldest first after AfterID).
func (s *Service) Events(ctx context.Context, f EventFilter) ([]Event, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	order := "DESC"
	if f.AfterID > 0 {
		order = "ASC"
	}
	rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+` FROM live_event e
		WHERE ($1::text[] IS NULL OR e.reserves && $1) AND ($2 = '' OR e.device_id = $2) AND (NOT $3 OR e.alert)
		  AND (NOT $4 OR e.acknowledged_at IS NULL) AND e.id > $5
		ORDER BY e.id `+order+` LIMIT $6`, f.Reserves, f.Device, f.AlertsOnly, f.Open, f.AfterID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("live: events: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("live: events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Event returns one event.
func (s *Service) Event(ctx context.Context, id int64) (Event, error) {
	e, err := scanEvent(s.pool.QueryRow(ctx, `SELECT `+eventColumns+` FROM live_event e WHERE e.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Event{}, problem.NotFound("event", fmt.Sprint(id))
	}
	if err != nil {
		return Event{}, fmt.Errorf("live: event %d: %w", id, err)
	}
	return e, nil
}

// Acknowledge marks an alert as seen by who; acknowledging it again keeps
// the first acknowledgement.
func (s *Service) Acknowledge(ctx context.Context, id int64, who string) (Event, error) {
	if _, err := s.pool.Exec(ctx, `UPDATE live_event SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL`, id, who); err != nil {
		return Event{}, fmt.Errorf("live: acknowledge %d: %w", id, err)
	}
	e, err := s.Event(ctx, id)
	if err != nil {
		return Event{}, err
	}
	if err := s.announce(ctx, s.pool, []int64{id}, true); err != nil {
		return Event{}, err
	}
	ack := e
	ack.Kind = "acknowledged"
	return e, db.AfterCommit(ctx, func(context.Context) error { s.hub.Publish(ack); return nil })
}

// Hub fans events out to subscribers (the SSE streams). A subscriber too
// slow to keep up loses events, which are counted; it can catch up from the
// stored events by id.
type Hub struct {
	mu      sync.Mutex
	subs    map[*Subscription]bool
	dropped func()
}

// Subscription is one subscriber's queue of events.
type Subscription struct {
	C      chan Event
	filter func(Event) bool
	hub    *Hub
	done   chan struct{}
}

// Done is closed when the hub ends the subscription: events may have been
// missed, and the subscriber should catch up from the stored events.
func (sub *Subscription) Done() <-chan struct{} { return sub.done }

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[*Subscription]bool{}} }

// Subscribe returns a subscription to the events filter accepts (nil: all).
func (h *Hub) Subscribe(filter func(Event) bool) *Subscription {
	sub := &Subscription{C: make(chan Event, 4096), filter: filter, hub: h, done: make(chan struct{})}
	h.mu.Lock()
	h.subs[sub] = true
	h.mu.Unlock()
	return sub
}

// Close ends the subscription.
func (sub *Subscription) Close() {
	sub.hub.mu.Lock()
	delete(sub.hub.subs, sub)
	sub.hub.mu.Unlock()
}

// Reset ends every subscription (their Done closes): the event streams
// close, and their clients reconnect with Last-Event-ID, to this process or
// another, and read what they missed from the stored events.
func (h *Hub) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		close(sub.done)
		delete(h.subs, sub)
	}
}

// Publish gives e to every subscriber that wants it, without waiting.
func (h *Hub) Publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if sub.filter != nil && !sub.filter(e) {
			continue
		}
		select {
		case sub.C <- e:
		default:
			if h.dropped != nil {
				h.dropped()
			}
		}
	}
}
