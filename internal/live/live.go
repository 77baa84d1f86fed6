// Package live owns live positions: the registry of devices that report as
// they move (rangers' phones running Traccar Client or OsmAnd, vehicle
// loggers, collars, satellite messengers), the fixes they send over the
// OsmAnd protocol, a JSON batch or MQTT, and what is judged from them as
// they arrive: geofence events against the zone engine with a dwell and
// depth debounce per subject kind (the boundary jitter rule of track
// analysis), judged under the rule set in force at the fix's time, and
// safety alerts (a silent device, an SOS, a low battery). Alerts that break
// the law become findings, and so cases, through the finding table's intake
// with the same de-duplication as track findings. Events go to subscribers
// (the SSE stream) and to webhooks with retries and dead letters.
//
// Fixes are checked in order per device: future-dated, low-accuracy,
// duplicate and impossible-speed fixes are refused and out-of-order ones
// marked, each with its reason, and every fix is kept (partitioned by the
// day it was received) for audit and for the day's track.
package live

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/patrol"
	"warden/internal/zoning"
)

// Debounce is when a geofence change counts: the subject has been on the
// new side for Dwell and has gone at least DepthM beyond the boundary
// (the track analysis's boundary jitter rule).
type Debounce struct {
	Dwell  time.Duration
	DepthM float64
}

// Options tunes the service. Zero values take the defaults.
type Options struct {
	// MaxAccuracyM refuses fixes whose reported accuracy is worse (default 50 m).
	MaxAccuracyM float64
	// FutureSlack is how far ahead of the server's clock a fix may be dated
	// (default 1 minute).
	FutureSlack time.Duration
	// MaxSpeedsKmh are impossible speeds by subject kind (patrol's defaults).
	MaxSpeedsKmh map[patrol.SubjectKind]float64
	// Debounce by subject kind; kinds not given take DefaultDebounce.
	Debounce map[patrol.SubjectKind]Debounce
	// DefaultDebounce: 60 s and 15 m, as the track analysis's jitter rule.
	DefaultDebounce Debounce
	// DwellAfter raises a dwell event after this long inside a zone
	// (default 10 minutes).
	DwellAfter time.Duration
	// SilentMargin is added to a device's expected interval before it
	// counts as silent (default 2 minutes).
	SilentMargin time.Duration
	// LowBattery is the battery percentage below which an alert is raised
	// (default 15).
	LowBattery float64
	// RetentionDays keeps this many days of raw fixes (default 90).
	RetentionDays int
	// Webhooks are told of every event.
	Webhooks []Webhook
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxAccuracyM <= 0 {
		o.MaxAccuracyM = 50
	}
	if o.FutureSlack <= 0 {
		o.FutureSlack = time.Minute
	}
	speeds := patrol.DefaultMaxSpeedsKmh()
	for k, v := range o.MaxSpeedsKmh {
		if v > 0 {
			speeds[k] = v
		}
	}
	o.MaxSpeedsKmh = speeds
	if o.DefaultDebounce.Dwell <= 0 {
		o.DefaultDebounce.Dwell = patrol.DefaultJitterDwell
	}
	if o.DefaultDebounce.DepthM <= 0 {
		o.DefaultDebounce.DepthM = patrol.DefaultJitterDepthM
	}
	if o.DwellAfter <= 0 {
		o.DwellAfter = 10 * time.Minute
	}
	if o.SilentMargin <= 0 {
		o.SilentMargin = 2 * time.Minute
	}
	if o.LowBattery <= 0 {
		o.LowBattery = 15
	}
	if o.RetentionDays <= 0 {
		o.RetentionDays = 90
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// debounce is the rule for a subject kind.
func (o Options) debounce(k patrol.SubjectKind) Debounce {
	if d, ok := o.Debounce[k]; ok && d.Dwell > 0 {
		return d
	}
	return o.DefaultDebounce
}

// Service is live positions: devices, ingest, events and their delivery.
// One per process; safe for concurrent use.
type Service struct {
	pool    db.Pool
	engine  *zoning.Engine
	law     *law.Store
	opts    Options
	log     *slog.Logger
	hub     *Hub
	metrics *Metrics
	// origin names this process in its notices; conn connects Follow.
	origin string
	conn   *pgx.ConnConfig

	mu       sync.Mutex
	devices  map[string]*deviceState
	days     map[string]bool // partitions known to exist
	rules    reserveRules
	wake     chan struct{} // new webhook deliveries
	group    group         // writes waiting for their group transaction
	findings findingQueue  // alerts whose findings are still to be filed
}

// New returns the service. engine answers where fixes are; without it
// (nil) no geofence events are raised.
func New(pool *pgxpool.Pool, engine *zoning.Engine, opts Options, log *slog.Logger) *Service {
	s := &Service{pool: db.Scoped(pool), engine: engine, law: law.NewStore(pool), opts: opts.withDefaults(), log: log,
		hub: NewHub(), metrics: newMetrics(), devices: map[string]*deviceState{}, days: map[string]bool{},
		wake: make(chan struct{}, 1), origin: newOrigin()}
	if pool != nil {
		s.conn = pool.Config().ConnConfig
	}
	s.hub.dropped = s.metrics.dropped.Inc
	return s
}

// Hub is where events are published to subscribers.
func (s *Service) Hub() *Hub { return s.hub }

// Metrics are the service's Prometheus collectors.
func (s *Service) Metrics() *Metrics { return s.metrics }

// Run does the background work until ctx ends: the silence check, webhook
// deliveries with retries, and retention of raw fixes. It returns once the
// deliveries have stopped too, so that none outlives the pool.
func (s *Service) Run(ctx context.Context) error {
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		s.deliver(ctx)
	}()
	defer func() { <-delivered }()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	lastRetain := time.Time{}
	for {
		if err := s.checkSilent(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("live: silence check", "err", err)
		}
		if err := s.fileMissingFindings(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("live: findings of alerts", "err", err)
		}
		if time.Since(lastRetain) > time.Hour {
			if err := s.Retain(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("live: retention", "err", err)
			}
			lastRetain = time.Now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// forget drops a device's cached state (after a change to the device, or a
// failed write), so that the next fix reads it again.
func (s *Service) forget(id string) {
	s.mu.Lock()
	delete(s.devices, id)
	s.mu.Unlock()
}

// ParseDebounce reads "visitor=30s/10,vehicle=20s/30": per subject kind, the
// dwell and the depth in metres a geofence change needs.
func ParseDebounce(s string) (map[patrol.SubjectKind]Debounce, error) {
	out := map[patrol.SubjectKind]Debounce{}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		kind, err := patrol.ParseSubjectKind(strings.TrimSpace(k))
		dwell, depth, ok2 := strings.Cut(v, "/")
		if !ok || !ok2 || err != nil || k == "" {
			return nil, fmt.Errorf("live debounce %q: each entry is subject_kind=dwell/depth_m, e.g. visitor=30s/10", kv)
		}
		d, err1 := time.ParseDuration(dwell)
		m, err2 := strconv.ParseFloat(depth, 64)
		if err1 != nil || err2 != nil || d <= 0 || m < 0 {
			return nil, fmt.Errorf("live debounce %q: the dwell is a duration (30s) and the depth metres (10)", kv)
		}
		out[kind] = Debounce{Dwell: d, DepthM: m}
	}
	return out, nil
}
