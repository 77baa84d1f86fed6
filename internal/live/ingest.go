package live

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/problem"
	"warden/internal/zoning/engine"
)

// Fix statuses: accepted fixes are judged live; out-of-order ones are kept
// for the day's track but not judged; the others are refused.
const (
	Accepted    = "accepted"
	OutOfOrder  = "out_of_order"
	Duplicate   = "duplicate"
	Future      = "future"
	Speed       = "speed"
	LowAccuracy = "low_accuracy"
)

// Result says what became of one fix.
type Result struct {
	Device string    `json:"device"`
	Time   time.Time `json:"time"`
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
}

// Ingest is one request's fixes.
type Ingest struct {
	// Protocol is osmand, json or mqtt.
	Protocol string
	// Token, when not nil, must be the device's ingest token (devices that
	// report for themselves); a gateway's batch is authorised by its
	// caller instead, through Allow.
	Token *string
	// Allow, when set, is asked whether the caller may report for a device.
	Allow func(Device) error
	Fixes []Fix
}

// deviceState is what the service keeps of a device between fixes.
type deviceState struct {
	mu         sync.Mutex
	dev        Device
	hash       []byte
	last       *Fix // the last accepted fix
	zones      map[int64]*zoneState
	lowBattery bool
	lastSOS    time.Time
	// stored is the zone states as last written (JSON), so that unchanged
	// states are not written again.
	stored []byte
}

// keyed reports whether tok is the device's token.
func (st *deviceState) keyed(tok string) bool {
	return subtle.ConstantTimeCompare(hashToken(tok), st.hash) == 1
}

// state returns the device's state, reading it on first use: an unknown
// device is a 404.
func (s *Service) state(ctx context.Context, id string) (*deviceState, error) {
	s.mu.Lock()
	st := s.devices[id]
	s.mu.Unlock()
	if st != nil {
		return st, nil
	}
	st = &deviceState{zones: map[int64]*zoneState{}}
	row := s.pool.QueryRow(ctx, `SELECT `+deviceColumns+`, token_hash, zone_state FROM live_device WHERE id = $1`, id)
	var at, rec *time.Time
	var lon, lat *float64
	var batt *float32
	var saved []savedZone
	d := &st.dev
	err := row.Scan(&d.ID, &d.Kind, &d.Name, &d.Subject, &d.SubjectKind, &d.Reserves, &d.ExpectedIntervalS, &d.CreatedAt, &d.UpdatedAt,
		&at, &lon, &lat, &rec, &batt, &st.hash, &saved)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &problem.Error{Status: http.StatusNotFound, Type: "unknown-device", Title: "Unknown device",
			Detail: fmt.Sprintf("device %q is not registered: register it (POST /api/v1/devices) and use its token", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("live: device %s: %w", id, err)
	}
	if at != nil && lon != nil && lat != nil {
		st.last = &Fix{Device: id, Time: *at, Lon: *lon, Lat: *lat}
		st.lowBattery = batt != nil && float64(*batt) < s.opts.LowBattery
		if ix := s.index(ctx); ix != nil {
			st.restore(ix, saved, *at, *lon, *lat)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.devices[id]; old != nil {
		return old, nil
	}
	s.devices[id] = st
	return st, nil
}

// index is the zone engine's current index, or nil without one.
func (s *Service) index(ctx context.Context) *engine.Index {
	if s.engine == nil {
		return nil
	}
	return s.engine.Index(ctx)
}

// Ingest checks, stores and judges a request's fixes, in order per device,
// and returns what became of each. Every fix is stored, with its status;
// events raised are stored with their findings in the same transaction,
// then published. An unknown device is a 404 and a wrong token a 401, with
// nothing stored.
func (s *Service) Ingest(ctx context.Context, in Ingest) ([]Result, error) {
	res, err := s.ingest(ctx, in)
	if errors.Is(err, errStale) { // changed or removed meanwhile, e.g. by `warden device`: judge again on fresh state
		res, err = s.ingest(ctx, in)
	}
	return res, err
}

// errStale says a device's stored token or existence no longer matches the
// state the fixes were checked against.
var errStale = errors.New("live: device changed meanwhile")

func (s *Service) ingest(ctx context.Context, in Ingest) ([]Result, error) {
	received := s.opts.Now().UTC()
	var ids []string
	states := map[string]*deviceState{}
	for _, f := range in.Fixes {
		if states[f.Device] != nil {
			continue
		}
		st, err := s.state(ctx, f.Device)
		if err == nil && in.Token != nil && !st.keyed(*in.Token) {
			// The device may have been re-keyed or removed by another
			// process since it was read: read it again before refusing.
			s.forget(f.Device)
			st, err = s.state(ctx, f.Device)
		}
		if err != nil {
			return nil, err
		}
		if in.Token != nil && !st.keyed(*in.Token) {
			return nil, &problem.Error{Status: http.StatusUnauthorized, Type: "invalid-device-token", Title: "Invalid device token",
				Detail: fmt.Sprintf("the key is not device %s's token: send the token given when the device was registered as key=", f.Device)}
		}
		if in.Allow != nil {
			if err := in.Allow(st.dev); err != nil {
				return nil, err
			}
		}
		states[f.Device] = st
		ids = append(ids, f.Device)
	}
	if err := s.refreshRules(ctx); err != nil {
		return nil, err
	}
	slices.Sort(ids) // lock in one order, so that two batches cannot deadlock
	for _, id := range ids {
		states[id].mu.Lock()
		defer states[id].mu.Unlock()
	}
	ix := s.index(ctx)
	results := make([]Result, len(in.Fixes))
	statuses := make([]string, len(in.Fixes))
	var events []Event
	for i, f := range in.Fixes {
		st := states[f.Device]
		status, reason := s.classify(st, f, received)
		results[i] = Result{Device: f.Device, Time: f.Time, Status: status, Reason: reason}
		statuses[i] = status
		events = append(events, s.safety(st, f, status)...)
		if status != Accepted {
			continue
		}
		prev := st.last
		if ix != nil {
			events = append(events, s.geofence(ix, st, prev, f)...)
		}
		ff := f
		st.last = &ff
	}
	for i := range events {
		events[i].ReceivedAt = received
	}
	w := &write{in: in, statuses: statuses, states: states, events: events, received: received}
	if in.Token != nil {
		w.tokenHash = hashToken(*in.Token)
	}
	if err := s.store(ctx, w); err != nil {
		for _, id := range ids {
			s.forget(id)
		}
		return nil, err
	}
	s.metrics.fixes.Add(float64(len(in.Fixes)))
	return results, nil
}

// classify says whether a fix is used, and why not.
func (s *Service) classify(st *deviceState, f Fix, received time.Time) (string, string) {
	if f.Time.After(received.Add(s.opts.FutureSlack)) {
		return Future, fmt.Sprintf("dated %s, ahead of the server's clock (%s)", f.Time.Format(time.RFC3339), received.Format(time.RFC3339))
	}
	if f.Accuracy != nil && *f.Accuracy > s.opts.MaxAccuracyM {
		return LowAccuracy, fmt.Sprintf("accuracy %.0f m is worse than %.0f m", *f.Accuracy, s.opts.MaxAccuracyM)
	}
	last := st.last
	if last == nil {
		return Accepted, ""
	}
	switch dt := f.Time.Sub(last.Time); {
	case dt == 0:
		return Duplicate, "a fix with this time was already accepted"
	case dt < 0:
		return OutOfOrder, fmt.Sprintf("older than the fix of %s already accepted: kept for the day's track, not judged live", last.Time.Format(time.RFC3339))
	default:
		maxKmh := s.opts.MaxSpeedsKmh[st.dev.SubjectKind]
		if kmh := engine.Distance(last.Lon, last.Lat, f.Lon, f.Lat) / dt.Seconds() * 3.6; maxKmh > 0 && kmh > maxKmh && !math.IsNaN(kmh) {
			return Speed, fmt.Sprintf("%.0f km/h from the last accepted fix, above %.0f km/h for a %s", kmh, maxKmh, st.dev.SubjectKind)
		}
	}
	return Accepted, ""
}

// safety raises an SOS (at most one every 5 minutes) and a low battery (once,
// until it is charged 5 points above the threshold) from any fix that is
// not dated in the future.
func (s *Service) safety(st *deviceState, f Fix, status string) []Event {
	if status == Future {
		return nil
	}
	d := st.dev
	base := Event{Device: d.ID, Reserves: d.Reserves, Subject: d.Subject, SubjectKind: d.SubjectKind, At: f.Time, Lon: &f.Lon, Lat: &f.Lat, Alert: true}
	var out []Event
	who := fmt.Sprintf("%s（%s，设备%s）", d.Subject, subjectZH(d.SubjectKind), d.ID)
	if f.SOS && f.Time.Sub(st.lastSOS) >= 5*time.Minute {
		st.lastSOS = f.Time
		e := base
		e.Kind, e.TextZH, e.TextEN = "sos", who+"发出求救信号（SOS）。", fmt.Sprintf("%s (%s) sent an SOS.", d.Subject, d.ID)
		out = append(out, e)
	}
	if f.Battery != nil {
		switch b := *f.Battery; {
		case b < s.opts.LowBattery && !st.lowBattery:
			st.lowBattery = true
			e := base
			e.Kind = "low_battery"
			e.TextZH = fmt.Sprintf("%s电量仅剩%.0f%%。", who, b)
			e.TextEN = fmt.Sprintf("%s (%s) has %.0f%% battery left.", d.Subject, d.ID, b)
			out = append(out, e)
		case b >= s.opts.LowBattery+5:
			st.lowBattery = false
		}
	}
	return out
}

// partition makes sure the day of received has its partition.
func (s *Service) partition(ctx context.Context, received time.Time) error {
	day := received.UTC().Format(time.DateOnly)
	s.mu.Lock()
	known := s.days[day]
	s.mu.Unlock()
	if known {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `SELECT live_position_partition($1::date)`, day); err != nil {
		return fmt.Errorf("live: partition %s: %w", day, err)
	}
	s.mu.Lock()
	s.days[day] = true
	s.mu.Unlock()
	return nil
}

// Retain drops the raw fixes of days older than the retention setting.
func (s *Service) Retain(ctx context.Context) error {
	cutoff := s.opts.Now().UTC().AddDate(0, 0, -s.opts.RetentionDays).Format(time.DateOnly)
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT live_position_retain($1::date)`, cutoff).Scan(&n); err != nil {
		return fmt.Errorf("live: retention: %w", err)
	}
	if n > 0 {
		s.log.Info("live: dropped old fixes", "days", n, "before", cutoff)
		s.mu.Lock()
		s.days = map[string]bool{}
		s.mu.Unlock()
	}
	return nil
}

// publish gives committed events to the stream's subscribers and wakes the
// webhook deliveries.
func (s *Service) publish(events []Event) {
	for _, e := range events {
		s.hub.Publish(e)
	}
	if len(events) > 0 && len(s.opts.Webhooks) > 0 {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}
