package main

import (
	"time"

	"warden/internal/app"
)

// scaleFlags tune running several `warden serve` processes on one database.
type scaleFlags struct {
	JobLease time.Duration `name:"job-lease" env:"WARDEN_JOB_LEASE" default:"30s" help:"How long a process holds a background job (overdue cases, webhooks, live checks) without renewing it: how soon another process takes the job over when its holder dies."`
}

// apply sets the scale-out part of cfg.
func (f scaleFlags) apply(cfg *app.Config) {
	cfg.JobLease = f.JobLease
}
