package live

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/zoning"
)

// findingQueue holds the alerts whose findings are still to be filed. A
// finding goes through the case intake (merging by subject, zone, day and
// place), which takes far longer than storing a fix: it is filed after the
// event is committed and out on the stream, one transaction per finding,
// by one worker at a time. fileMissingFindings files what a stopped process
// left undone.
type findingQueue struct {
	events  []Event
	running bool
	idle    chan struct{} // closed when the queue runs empty
}

// queueFindings files the findings of events that carry a judgment.
func (s *Service) queueFindings(events []Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := &s.findings
	for _, e := range events {
		if e.judgment != nil {
			q.events = append(q.events, e)
		}
	}
	if len(q.events) > 0 && !q.running {
		q.running, q.idle = true, make(chan struct{})
		go s.fileFindings()
	}
}

// fileFindings files the queued findings until the queue is empty.
func (s *Service) fileFindings() {
	for {
		s.mu.Lock()
		q := &s.findings
		if len(q.events) == 0 {
			q.running = false
			close(q.idle)
			s.mu.Unlock()
			return
		}
		e := q.events[0]
		q.events = q.events[1:]
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return insertFinding(ctx, tx, &e) })
		cancel()
		if err != nil {
			s.log.Warn("live: finding not filed yet; the next sweep files it", "event", e.ID, "err", err)
		}
	}
}

// settle waits until the queued findings are filed (or ctx ends).
func (s *Service) settle(ctx context.Context) {
	s.mu.Lock()
	idle, running := s.findings.idle, s.findings.running
	s.mu.Unlock()
	if !running {
		return
	}
	select {
	case <-idle:
	case <-ctx.Done():
	}
}

// fileMissingFindings files the findings of the last two days' entry
// alerts that have none (their process stopped before filing them), judged
// again from the event as when it was raised.
func (s *Service) fileMissingFindings(ctx context.Context) error {
	if err := s.refreshRules(ctx); err != nil {
		return err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+` FROM live_event e
		WHERE e.alert AND e.kind = 'enter' AND e.reserve IS NOT NULL AND e.created_at > $1::timestamptz - interval '2 days'
		  AND NOT EXISTS (SELECT 1 FROM finding f WHERE f.live_event_id = e.id AND f.created_at = e.created_at)
		ORDER BY e.id LIMIT 500`, s.opts.Now())
	if err != nil {
		return fmt.Errorf("live: alerts without findings: %w", err)
	}
	var missing []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("live: alerts without findings: %w", err)
		}
		missing = append(missing, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("live: alerts without findings: %w", err)
	}
	s.mu.Lock()
	rules := s.rules
	s.mu.Unlock()
	for i := range missing {
		e := &missing[i]
		act := e.SubjectKind.PresenceActivity()
		if act == "" || e.Lon == nil || e.Lat == nil {
			continue
		}
		j, err := rules.judge(e.Reserve, zoning.Kind(e.ZoneKind), act, e.SubjectKind.LawSubject(), e.At)
		if err != nil || !j.Breach {
			continue
		}
		e.judgment, e.activity = &j, act
	}
	s.queueFindings(missing)
	return nil
}
