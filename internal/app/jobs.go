package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"warden/internal/auth"
	"warden/internal/lease"
	"warden/internal/live"
)

// startJobs starts the background jobs, each run by one process of all those
// serving the database (lease.Runner): the case job (overdue marking and its
// webhooks), live positions' checks, deliveries and retention, and the sweep
// of spent rate-limit rows. The returned function stops them and waits, so
// that the pool outlives them.
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
	run("cases", func(ctx context.Context) error { return env.Cases.Run(ctx, cfg.Notify, log) })
	run("live", lv.Run)
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
	return func() {
		stop()
		wg.Wait()
	}
}
