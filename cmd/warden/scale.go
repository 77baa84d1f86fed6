package main

import (
	"os"
	"time"

	"warden/internal/app"
)

// scaleFlags tune running several `warden serve` processes on one database.
type scaleFlags struct {
	AuditRetentionMonths   int           `name:"audit-retention-months" env:"WARDEN_AUDIT_RETENTION_MONTHS" default:"0" help:"Detach the audit log's month partitions older than this many whole months (kept as tables for archiving); 0: keep every month in the log."`
	FixRetentionMonths     int           `name:"fix-retention-months" env:"WARDEN_FIX_RETENTION_MONTHS" default:"0" help:"Detach the month partitions of track fixes (by the month a track's fixes end) older than this many whole months (kept as tables for archiving); the tracks, their visits and findings stay. 0: keep every month."`
	FindingRetentionMonths int           `name:"finding-retention-months" env:"WARDEN_FINDING_RETENTION_MONTHS" default:"0" help:"Detach the month partitions of findings older than this many whole months (kept as tables for archiving), but for months with findings that are evidence of a case. 0: keep every month."`
	ReadDatabaseURL        []string      `name:"read-database-url" env:"WARDEN_READ_DATABASE_URL" help:"Streaming replicas of DATABASE_URL (comma-separated) that answer tiles, OGC API, lists and reports; a client that has just written reads from the primary until a replica has replayed its write."`
	ReadMaxLag             time.Duration `name:"read-max-lag" env:"WARDEN_READ_MAX_LAG" default:"10s" help:"How far behind the primary a replica may be and still answer reads."`
	PprofAddr              string        `name:"pprof-addr" env:"WARDEN_PPROF_ADDR" help:"Serve Go's profiler (net/http/pprof) on this private address, e.g. 127.0.0.1:6060, for go tool pprof; empty: off."`
	JobLease               time.Duration `name:"job-lease" env:"WARDEN_JOB_LEASE" default:"30s" help:"How long a process holds a background job (overdue cases, webhooks, live checks) without renewing it: how soon another process takes the job over when its holder dies."`
}

// apply sets the scale-out part of cfg.
func (f scaleFlags) apply(cfg *app.Config) {
	cfg.JobLease, cfg.AuditRetentionMonths = f.JobLease, f.AuditRetentionMonths
	cfg.FixRetentionMonths, cfg.FindingRetentionMonths = f.FixRetentionMonths, f.FindingRetentionMonths
	cfg.ReadDatabaseURLs, cfg.ReadMaxLag = f.ReadDatabaseURL, f.ReadMaxLag
	cfg.PprofAddr = f.PprofAddr
}

type benchProvinceCmd struct {
	URL       []string `default:"http://127.0.0.1:8080" help:"The running warden serve processes (comma-separated), on one database; uploads are spread over them. Serve them with WARDEN_WRITE_RATE=0."`
	Token     string   `env:"WARDEN_TOKEN" help:"Admin token (default: DATA_DIR/admin-token)."`
	Tracks    int      `default:"200" help:"Tracks in the measured sample of the day."`
	Workers   int      `default:"4" help:"Uploads at once, over all processes."`
	DayTracks int      `default:"100000" help:"Tracks of the day the measured rate is extrapolated to."`
	Seed      uint64   `default:"1" help:"Seed of the generated day."`
}

func (b *benchProvinceCmd) Run(rc *runContext) error {
	token, err := app.TokenFrom(b.Token, rc.cfg.DataDir)
	if err != nil {
		return err
	}
	o := app.BenchProvinceOptions{URLs: b.URL, Token: token, Tracks: b.Tracks, Workers: b.Workers, DayTracks: b.DayTracks, Seed: b.Seed}
	return rc.withEnv(func(env *app.Env) error { return app.BenchProvince(rc.ctx, env, o, os.Stdout) })
}
