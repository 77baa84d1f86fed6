package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// channel is the PostgreSQL notification channel on which each process
// announces the events it stored and the alerts acknowledged through it, so
// that the streams of every other process on the database show them too.
const channel = "warden_live"

// notice is one announcement: ids of events stored (Events) or acknowledged
// (Acks) by the process From.
type notice struct {
	From   string  `json:"from"`
	Events []int64 `json:"events,omitempty"`
	Acks   []int64 `json:"acks,omitempty"`
}

// followerName is the application_name of Follow's connection.
const followerName = "warden live follower"

// noticeIDs is the most ids one notice carries (NOTIFY payloads stay under
// 8,000 bytes).
const noticeIDs = 500

// newOrigin names this process in its notices.
func newOrigin() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// announce notifies, in q's transaction, the ids of events stored (or, with
// acks, acknowledged): PostgreSQL delivers the notices when the transaction
// commits, in commit order, and never if it rolls back.
func (s *Service) announce(ctx context.Context, q execer, ids []int64, acks bool) error {
	for len(ids) > 0 {
		n := min(len(ids), noticeIDs)
		no := notice{From: s.origin, Events: ids[:n]}
		if acks {
			no = notice{From: s.origin, Acks: ids[:n]}
		}
		b, err := json.Marshal(no)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, string(b)); err != nil {
			return fmt.Errorf("live: announce events: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// Follow publishes to this process's subscribers (its event streams) the
// events that other processes store and the alerts acknowledged through
// them, as their transactions commit, until ctx ends. It holds a connection
// LISTENing on warden_live; when that connection is lost it ends the
// streams open here once it is back, so that their clients reconnect with
// Last-Event-ID and read from the table what they missed meanwhile.
func (s *Service) Follow(ctx context.Context) {
	if s.conn == nil {
		return
	}
	lost := false
	for ctx.Err() == nil {
		err := s.followOnce(ctx, lost)
		if ctx.Err() != nil {
			return
		}
		lost = true
		s.log.Warn("live: notification connection lost; events of other processes reach this one's streams once it is back", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// followOnce listens until the connection fails or ctx ends; after a lost
// connection (lost) it first ends the streams open here.
func (s *Service) followOnce(ctx context.Context, lost bool) error {
	cfg := s.conn.Copy()
	cfg.RuntimeParams["application_name"] = followerName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return err
	}
	if lost {
		s.hub.Reset()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var no notice
		if err := json.Unmarshal([]byte(n.Payload), &no); err != nil || no.From == s.origin {
			continue
		}
		if err := s.publishStored(ctx, conn, no); err != nil {
			s.log.Warn("live: events of another process not shown here", "err", err)
		}
	}
}

// publishStored reads the events a notice names and publishes them.
func (s *Service) publishStored(ctx context.Context, conn *pgx.Conn, no notice) error {
	ids := append(append([]int64{}, no.Events...), no.Acks...)
	rows, err := conn.Query(ctx, `SELECT `+eventColumns+` FROM live_event e WHERE e.id = ANY ($1) ORDER BY e.id`, ids)
	if err != nil {
		return err
	}
	byID := map[int64]Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return err
		}
		byID[e.ID] = e
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var events []Event
	for _, id := range no.Events {
		if e, ok := byID[id]; ok {
			events = append(events, e)
		}
	}
	s.publish(events)
	for _, id := range no.Acks {
		if e, ok := byID[id]; ok {
			e.Kind = "acknowledged"
			s.hub.Publish(e)
		}
	}
	return nil
}
