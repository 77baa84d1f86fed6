package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"warden/internal/auth"
	"warden/internal/db"
	"warden/internal/lease"
	"warden/internal/live"
)

// startJobs starts the background jobs, each run by one process of all those
// serving the database (lease.Runner): the case job (overdue marking and its
// webhooks), live positions' checks, deliveries and retention, the MQTT
// subscription, the live devices' days becoming tracks, and the sweep of
// spent rate-limit rows; and, in every process, the following of live events
// judged by the others. The returned function stops them and waits (the
// MQTT subscription for the fixes it has taken in), so that the pool
// outlives them.
func startJobs(ctx context.Context, env *Env, cfg Config, lv *live.Service, log *slog.Logger) func() {
	r := lease.NewRunner(env.Pool, cfg.JobLease, log)
	jobCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	run := func(name string, job func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Run(jobCtx, name, job)
		}()
	}
	run("cases", func(ctx context.Context) error { return env.Notify.Run(ctx, cfg.Notify, log, env.Cases.Sweep) })
	run("live", lv.Run)
	if cfg.LiveMQTT.Broker != "" {
		run("live_mqtt", func(ctx context.Context) error {
			log.Info("live: subscribing to MQTT", "broker", cfg.LiveMQTT.Broker)
			return lv.RunMQTT(ctx, cfg.LiveMQTT)
		})
	}
	// in every process: events judged by the others reach its streams
	wg.Add(1)
	go func() {
		defer wg.Done()
		lv.Follow(jobCtx)
	}()
	run("live_days", func(ctx context.Context) error { return runDayTracks(ctx, lv, env.Tracks, log) })
	run("rate_limits", func(ctx context.Context) error {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			if _, err := auth.SweepLimits(ctx, env.Pool); err != nil && ctx.Err() == nil {
				log.Warn("rate limits: sweep", "err", err)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
	run("partitions", func(ctx context.Context) error { return keepPartitions(ctx, env, cfg, log) })
	return func() {
		stop()
		wg.Wait()
	}
}

// monthTable is a table partitioned by month (month_partition) and its
// retention in whole months (0: keep every month attached).
type monthTable struct {
	table  string
	months int
}

// monthPartitioned are the tables partitioned by month, with their
// retention settings.
func monthPartitioned(cfg Config) []monthTable {
	return []monthTable{{"audit_log", cfg.AuditRetentionMonths}, {"track_segment", cfg.FixRetentionMonths}, {"finding", cfg.FindingRetentionMonths}}
}

// keepPartitions makes the month partitions of the audit log, the track
// fixes and the findings three months ahead and, with a retention, detaches the months
// before it, every six hours.
func keepPartitions(ctx context.Context, env *Env, cfg Config, log *slog.Logger) error {
	t := time.NewTicker(6 * time.Hour)
	defer t.Stop()
	for {
		now := time.Now().UTC()
		month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		for _, p := range monthPartitioned(cfg) {
			for i := range 4 {
				if _, err := env.Pool.Exec(ctx, `SELECT month_partition($1, $2::date)`, p.table, month.AddDate(0, i, 0).Format(time.DateOnly)); err != nil && ctx.Err() == nil {
					log.Warn("month partition not made", "table", p.table, "err", err)
				}
			}
			if p.months <= 0 {
				continue
			}
			var n int
			cut := month.AddDate(0, -p.months, 0).Format(time.DateOnly)
			if err := env.Pool.QueryRow(ctx, `SELECT month_detach($1, $2::date)`, p.table, cut).Scan(&n); err != nil && ctx.Err() == nil {
				log.Warn("old months not detached", "table", p.table, "err", err)
			} else if n > 0 {
				log.Info("detached old months for archiving", "table", p.table, "months", n, "before", cut)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// openReplicas connects to the read replicas and starts watching their
// replay positions until they are closed; nil without any.
func openReplicas(ctx context.Context, env *Env, cfg Config, log *slog.Logger) (*db.Replicas, error) {
	if len(cfg.ReadDatabaseURLs) == 0 {
		return nil, nil
	}
	reps, err := db.OpenReplicas(ctx, env.Pool, cfg.ReadDatabaseURLs, db.ReplicaOptions{
		Options: db.Options{StatementTimeout: cfg.StatementTimeout, MaxConns: cfg.DBMaxConns}, MaxLag: cfg.ReadMaxLag}, log)
	if err != nil {
		return nil, err
	}
	reps.Start(ctx)
	log.Info("reads of tiles, OGC API, lists and reports go to replicas", "replicas", len(cfg.ReadDatabaseURLs))
	return reps, nil
}
