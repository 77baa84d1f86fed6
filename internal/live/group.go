package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
)

// A write is what one ingest stores: its fixes with their statuses, the
// devices' new last fixes and zone states, and the events raised. The
// writes of concurrent ingests are grouped into one transaction (a group
// commit): each request is answered once the transaction holding its write
// has committed, and the events are published then.
type write struct {
	in        Ingest
	statuses  []string
	states    map[string]*deviceState
	events    []Event
	received  time.Time
	tokenHash []byte
	done      chan error
	// zoneStates are the devices' zone states as written (JSON), kept as
	// stored once the transaction has committed.
	zoneStates map[string][]byte
}

// maxGroup caps the writes of one transaction.
const maxGroup = 512

// flushers is how many group transactions may be under way at once: while
// they commit, the next writes queue up and go together in the next one.
const flushers = 2

// group is the queue of writes waiting for a transaction.
type group struct {
	mu     sync.Mutex
	queue  []*write
	active int
}

// commit stores w in the next group transaction and waits until it has
// committed (or failed). The transaction runs detached from the request,
// so that a client hanging up cannot undo what was judged.
func (s *Service) commit(w *write) error {
	w.done = make(chan error, 1)
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, w)
	if g.active < flushers {
		g.active++
		go s.flushQueue()
	}
	g.mu.Unlock()
	return <-w.done
}

// flushQueue writes queued writes, a group at a time, until the queue is
// empty.
func (s *Service) flushQueue() {
	g := &s.group
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		if n == 0 {
			g.active--
			g.mu.Unlock()
			return
		}
		batch := slices.Clone(g.queue[:n])
		g.queue = slices.Delete(g.queue, 0, n)
		g.mu.Unlock()
		s.flush(batch)
	}
}

// flush writes a group in one transaction, then publishes its events and
// answers its writes. If the transaction fails as a whole, each write is
// tried alone, so that one bad write fails only its own request.
func (s *Service) flush(batch []*write) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stale map[*write]bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		stale, err = s.writeGroup(ctx, tx, batch)
		return err
	})
	if err != nil && len(batch) > 1 {
		for _, w := range batch {
			s.flush([]*write{w})
		}
		return
	}
	for _, w := range batch {
		switch {
		case err != nil:
			w.done <- err
		case stale[w]:
			w.done <- errStale
		default:
			for id, st := range w.states {
				st.stored = w.zoneStates[id]
			}
			s.publish(w.events)
			s.queueFindings(w.events)
			w.done <- nil
		}
	}
}

// writeGroup stores the writes in tx. A write whose device is gone, or
// whose token no longer matches (another process re-keyed or removed the
// device), is left out and returned as stale.
func (s *Service) writeGroup(ctx context.Context, tx pgx.Tx, batch []*write) (map[*write]bool, error) {
	var ids []string
	for _, w := range batch {
		for id := range w.states {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	rows, err := tx.Query(ctx, `SELECT id, token_hash FROM live_device WHERE id = ANY ($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, fmt.Errorf("live: devices: %w", err)
	}
	hashes := map[string][]byte{}
	for rows.Next() {
		var id string
		var h []byte
		if err := rows.Scan(&id, &h); err != nil {
			rows.Close()
			return nil, fmt.Errorf("live: devices: %w", err)
		}
		hashes[id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live: devices: %w", err)
	}
	stale := map[*write]bool{}
	var u deviceUpdates
	var fixes [][]any
	var events []*Event
	for _, w := range batch {
		for id := range w.states {
			if h, ok := hashes[id]; !ok || (w.tokenHash != nil && !bytes.Equal(h, w.tokenHash)) {
				stale[w] = true
			}
		}
		if stale[w] {
			continue
		}
		if err := u.add(w); err != nil {
			return nil, err
		}
		for i, f := range w.in.Fixes {
			fixes = append(fixes, []any{f.Device, w.received, f.Time, f.Lon, f.Lat, f.Altitude, f.Speed, f.Bearing, f.Accuracy, f.Battery, f.SOS, w.statuses[i], w.in.Protocol})
		}
		for i := range w.events {
			events = append(events, &w.events[i])
		}
	}
	if err := u.exec(ctx, tx); err != nil {
		return nil, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"live_position"},
		[]string{"device_id", "received_at", "fixed_at", "lon", "lat", "altitude", "speed", "bearing", "accuracy", "battery", "sos", "status", "protocol"},
		pgx.CopyFromRows(fixes)); err != nil {
		return nil, fmt.Errorf("live: store fixes: %w", err)
	}
	if err := s.insertEvents(ctx, tx, events); err != nil {
		return nil, err
	}
	all := make([]Event, len(events))
	for i, e := range events {
		all[i] = *e
	}
	return stale, s.enqueue(ctx, tx, all)
}

// deviceUpdates are the devices' new last fixes and zone states, written
// in one statement.
type deviceUpdates struct {
	ids       []string
	at        []*time.Time
	lon, lat  []*float64
	received  []time.Time
	battery   []*float64
	zoneState []*string // nil: unchanged since last written
}

// add takes the devices of w: the last accepted fix, the last battery
// reading of a fix not dated in the future, and the zone states.
func (u *deviceUpdates) add(w *write) error {
	for id, st := range w.states {
		var batt *float64
		for i := len(w.in.Fixes) - 1; i >= 0; i-- {
			if f := w.in.Fixes[i]; f.Device == id && f.Battery != nil && w.statuses[i] != Future {
				batt = f.Battery
				break
			}
		}
		var at *time.Time
		var lon, lat *float64
		if l := st.last; l != nil {
			at, lon, lat = &l.Time, &l.Lon, &l.Lat
		}
		b, err := json.Marshal(st.saved())
		if err != nil {
			return fmt.Errorf("live: zone states of %s: %w", id, err)
		}
		var zs *string
		if !bytes.Equal(b, st.stored) {
			text := string(b)
			zs = &text
		}
		if w.zoneStates == nil {
			w.zoneStates = map[string][]byte{}
		}
		w.zoneStates[id] = b
		u.ids = append(u.ids, id)
		u.at, u.lon, u.lat = append(u.at, at), append(u.lon, lon), append(u.lat, lat)
		u.received, u.battery, u.zoneState = append(u.received, w.received), append(u.battery, batt), append(u.zoneState, zs)
	}
	return nil
}

func (u *deviceUpdates) exec(ctx context.Context, tx pgx.Tx) error {
	if len(u.ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE live_device d SET last_fix_at = u.at, last_lon = u.lon, last_lat = u.lat, last_received_at = u.received,
		battery = coalesce(u.battery, d.battery), zone_state = coalesce(u.zone_state, d.zone_state)
		FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::timestamptz[], $6::real[], $7::jsonb[])
		     AS u(id, at, lon, lat, received, battery, zone_state)
		WHERE d.id = u.id`, u.ids, u.at, u.lon, u.lat, u.received, u.battery, u.zoneState)
	if err != nil {
		return fmt.Errorf("live: devices' last fixes: %w", err)
	}
	return nil
}

// store writes one ingest: in a request that carries its own transaction
// (the audited JSON batch, whose audit record commits with it) inside that
// transaction with its findings, published after it commits; otherwise
// (the OsmAnd protocol, MQTT) in the next group transaction, its findings
// filed after it is published.
func (s *Service) store(ctx context.Context, w *write) error {
	if err := s.partition(ctx, w.received); err != nil {
		return err
	}
	if !db.InWrite(ctx) {
		return s.commit(w)
	}
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		stale, err := s.writeGroup(ctx, tx, []*write{w})
		if err == nil && stale[w] {
			return errStale
		}
		for i := 0; err == nil && i < len(w.events); i++ {
			err = insertFinding(ctx, tx, &w.events[i])
		}
		return err
	})
	if err != nil {
		return err
	}
	return db.AfterCommit(ctx, func(context.Context) error { s.publish(w.events); return nil })
}
