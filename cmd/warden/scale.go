package main

import (
	"time"

	"warden/internal/app"
)

// scaleFlags tune running several `warden serve` processes on one database.
type scaleFlags struct {
	ReadDatabaseURL []string      `name:"read-database-url" env:"WARDEN_READ_DATABASE_URL" help:"Streaming replicas of DATABASE_URL (comma-separated) that answer tiles, OGC API, lists and reports; a client that has just written reads from the primary until a replica has replayed its write."`
	ReadMaxLag      time.Duration `name:"read-max-lag" env:"WARDEN_READ_MAX_LAG" default:"10s" help:"How far behind the primary a replica may be and still answer reads."`
	JobLease        time.Duration `name:"job-lease" env:"WARDEN_JOB_LEASE" default:"30s" help:"How long a process holds a background job (overdue cases, webhooks, live checks) without renewing it: how soon another process takes the job over when its holder dies."`
}

// apply sets the scale-out part of cfg.
func (f scaleFlags) apply(cfg *app.Config) {
	cfg.JobLease = f.JobLease
	cfg.ReadDatabaseURLs, cfg.ReadMaxLag = f.ReadDatabaseURL, f.ReadMaxLag
}
