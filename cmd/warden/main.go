// Command warden is the nature-reserve zoning and boundary enforcement service
// and its command-line tools. It only reads the command line and environment
// into app.Config; internal/app does the work.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"warden/internal/api"
	"warden/internal/app"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

type globals struct {
	DatabaseURL      string        `name:"database-url" env:"DATABASE_URL" help:"PostgreSQL/PostGIS server to use; when empty Warden starts a private cluster under the data directory."`
	MigrateURL       string        `name:"migrate-url" env:"WARDEN_MIGRATE_URL" help:"The same server as the role that owns the schema, for migrations; empty: DATABASE_URL. Migrating grants DATABASE_URL's role what serving needs."`
	DataDir          string        `name:"data-dir" env:"WARDEN_DATA_DIR" default:"var" help:"Directory for the private cluster and the generated admin token."`
	PGBin            string        `name:"pg-bin" env:"WARDEN_PG_BIN" help:"Directory with initdb and pg_ctl (default: newest /usr/lib/postgresql/*/bin)."`
	StatementTimeout time.Duration `name:"statement-timeout" env:"WARDEN_STATEMENT_TIMEOUT" default:"30s" help:"Longest any SQL statement may run."`
	DBMaxConns       int32         `name:"db-max-conns" env:"WARDEN_DB_MAX_CONNS" default:"10" help:"Most database connections this process holds at once."`
	LogLevel         string        `name:"log-level" env:"WARDEN_LOG_LEVEL" default:"info" enum:"debug,info,warn,error" help:"Log level."`
	CPUProfile       string        `name:"cpu-profile" env:"WARDEN_CPU_PROFILE" help:"Write a CPU profile (go tool pprof) of the whole command to this file, e.g. of warden serve under load: where its time goes."`
}

type cli struct {
	globals
	Serve   serveCmd   `cmd:"" help:"Run the HTTP service."`
	Migrate migrateCmd `cmd:"" help:"Bring the database schema up to date."`
	Import  importCmd  `cmd:"" help:"Import zones, markers or a reserve folder from files."`
	Screen  screenCmd  `cmd:"" help:"Screen a project footprint against the zones and print the verdict table."`
	Upload  uploadCmd  `cmd:"" help:"Upload GPS track files to a running service and print their zone visits and findings."`
	Report  reportCmd  `cmd:"" help:"Print a case report: daily (per unit, for the 12:00 deadline, with the clues overdue for verification), weekly, overdue or units."`
	User    userCmd    `cmd:"" help:"Create, change and list users (in the database directly: this is how the first users are made)."`
	Token   tokenCmd   `cmd:"" help:"Create, revoke and list API tokens (in the database directly)."`
	Device  deviceCmd  `cmd:"" help:"Register, list, re-key and remove live-position devices (in the database directly)."`
	Bench   benchCmd   `cmd:"" help:"Load benchmarks against a running service."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

type serveCmd struct {
	Addr                 string `env:"WARDEN_ADDR" default:"127.0.0.1:8080" help:"Listen address."`
	PublicURL            string `name:"public-url" env:"WARDEN_PUBLIC_URL" help:"Base URL clients reach the service at (behind a proxy, e.g. https://gis.example.org); OGC API and TileJSON links are built from it, never from the Host header. Empty: http:// and the listen address."`
	AdminToken           string `name:"admin-token" env:"WARDEN_ADMIN_TOKEN" help:"Bearer token for writes; when empty one is generated and kept in DATA_DIR/admin-token."`
	Migrate              bool   `env:"WARDEN_MIGRATE" help:"Apply pending migrations before serving (otherwise a stale schema is refused)."`
	Sample               bool   `env:"WARDEN_SAMPLE" help:"Load the sample reserves when the database has none."`
	MaxBodyBytes         int64  `name:"max-body-bytes" env:"WARDEN_MAX_BODY_BYTES" default:"1048576" help:"Largest ordinary JSON body."`
	MaxGeometryBytes     int64  `name:"max-geometry-bytes" env:"WARDEN_MAX_GEOMETRY_BYTES" default:"67108864" help:"Largest body carrying geometry (zones, markers, batch locate)."`
	MaxFootprintVertices int    `name:"max-footprint-vertices" env:"WARDEN_MAX_FOOTPRINT_VERTICES" default:"200000" help:"Most vertices a screening footprint may have."`
	MaxTrackDecodes      int    `name:"max-track-decodes" env:"WARDEN_MAX_TRACK_DECODES" default:"2" help:"Most track uploads decoded at once; one more answers 429."`
	MaxHeavy             int    `name:"max-heavy" env:"WARDEN_MAX_HEAVY" help:"Most heavy requests (uploads, batch locate, screenings, reports, exports) running at once; one more answers 503. Default: half of --db-max-conns."`
	WebDir               string `name:"web-dir" env:"WARDEN_WEB_DIR" help:"Serve the web pages from this directory (e.g. web/dist) instead of the ones built in: for working on the pages."`
	BasemapURL           string `name:"basemap-url" env:"WARDEN_BASEMAP_URL" help:"Base map under the map's layers: an XYZ raster tile URL with {z}/{x}/{y}, or a MapLibre style URL. Empty: none (works offline)."`
	BasemapAttribution   string `name:"basemap-attribution" env:"WARDEN_BASEMAP_ATTRIBUTION" help:"Attribution shown with the base map."`
	patrolFlags
	securityFlags
	caseFlags
	liveFlags
	scaleFlags
}

// caseFlags tune violation cases and their background job.
type caseFlags struct {
	MaxEvidenceBytes int64         `name:"max-evidence-bytes" env:"WARDEN_MAX_EVIDENCE_BYTES" default:"20971520" help:"Largest uploaded evidence photo or document."`
	CaseTimezone     string        `name:"case-timezone" env:"WARDEN_CASE_TIMEZONE" default:"Asia/Shanghai" help:"Time zone of cases in no administrative area (day boundaries, deadlines)."`
	Webhooks         []string      `name:"webhooks" env:"WARDEN_WEBHOOKS" help:"URLs told of new cases, transitions and missed deadlines (JSON POST, retried with backoff)."`
	WebhookSecret    string        `name:"webhook-secret" env:"WARDEN_WEBHOOK_SECRET" help:"Key of the X-Warden-Signature HMAC-SHA256 on webhook bodies."`
	CaseJobEvery     time.Duration `name:"case-job-every" env:"WARDEN_CASE_JOB_EVERY" default:"1m" help:"How often overdue cases are marked and notifications delivered."`
}

type reportCmd struct {
	Kind    string `arg:"" enum:"daily,weekly,overdue,units" help:"daily, weekly, overdue or units."`
	Date    string `help:"Day of the daily report, YYYY-MM-DD (default yesterday, Beijing time)."`
	Week    string `help:"ISO week of the weekly report, e.g. 2025-W07 (default last week)."`
	Reserve string `help:"Only this reserve's units and cases."`
	Format  string `default:"csv" enum:"csv,json,xlsx" help:"csv (UTF-8 with BOM), json or xlsx."`
}

// securityFlags say what anonymous visitors may read and how the service
// guards itself.
type securityFlags struct {
	PublicRead     string        `name:"public-read" env:"WARDEN_PUBLIC_READ" default:"reserves,zones,markers,tiles,ogc,rules,metrics" help:"What anonymous visitors may read: none, or a list of reserves, zones, markers, tiles, ogc, rules, metrics, screenings, tracks, observations, permits, cases, grid, reports."`
	CORSOrigins    []string      `name:"cors-origins" env:"WARDEN_CORS_ORIGINS" help:"Origins whose pages may call the API with a bearer token (CORS); empty: none."`
	TrustedProxies []string      `name:"trusted-proxies" env:"WARDEN_TRUSTED_PROXIES" help:"Networks (CIDR) of reverse proxies whose X-Forwarded-For gives the client address; empty: the peer address."`
	WriteRate      int           `name:"write-rate" env:"WARDEN_WRITE_RATE" default:"300" help:"Writes a minute per token (or user) and per address; 0: no limit."`
	LoginRate      int           `name:"login-rate" env:"WARDEN_LOGIN_RATE" default:"20" help:"Login attempts a minute per address; 0: no limit."`
	LoginFailures  int           `name:"login-failures" env:"WARDEN_LOGIN_FAILURES" default:"5" help:"Failed logins per user name in 15 minutes before the name is throttled; 0: no limit."`
	SessionTTL     time.Duration `name:"session-ttl" env:"WARDEN_SESSION_TTL" default:"12h" help:"How long a browser session lasts."`
	CSPOrigins     []string      `name:"csp-origins" env:"WARDEN_CSP_ORIGINS" help:"More origins the map pages may load from (a base map style's tiles, sprites, glyphs)."`
}

// authConfig reads the security flags.
func authConfig(f securityFlags) (api.AuthConfig, error) {
	pub, err := api.ParsePublicRead(f.PublicRead)
	if err != nil {
		return api.AuthConfig{}, err
	}
	cfg := api.AuthConfig{PublicRead: pub, CORSOrigins: f.CORSOrigins, WritesPerMinute: f.WriteRate, LoginsPerMinute: f.LoginRate,
		LoginFailures: f.LoginFailures, SessionTTL: f.SessionTTL, CSPOrigins: f.CSPOrigins}
	for _, p := range f.TrustedProxies {
		_, n, err := net.ParseCIDR(strings.TrimSpace(p))
		if err != nil {
			return cfg, fmt.Errorf("--trusted-proxies: %q is not a network such as 10.0.0.0/8: %w", p, err)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, n)
	}
	return cfg, nil
}

type userCmd struct {
	Create userCreateCmd `cmd:"" help:"Create a user."`
	Set    userSetCmd    `cmd:"" help:"Change a user's roles, reserves, password or state."`
	List   userListCmd   `cmd:"" help:"List the users."`
}

type userCreateCmd struct {
	Name string `arg:"" help:"Login name: lower-case letters, digits, '.', '_', '-'."`
	userFlags
}

type userSetCmd struct {
	Name        string `arg:"" help:"Login name."`
	AllReserves bool   `name:"all-reserves" help:"Lift the user's reserve limit."`
	Disable     bool   `help:"Disable the user (their sessions end, their tokens are refused)."`
	Enable      bool   `help:"Enable the user again."`
	userFlags
}

// userFlags are the flags of user create and user set.
type userFlags struct {
	Role          []string `help:"Role (repeat or comma-separate): admin, gis, reviewer, ranger, officer, viewer."`
	Reserve       []string `help:"Limit the user to these reserve codes (repeat or comma-separate); none: every reserve."`
	DisplayName   string   `name:"display-name" help:"Name shown for the user."`
	Password      bool     `help:"Generate a password for browser login and print it once."`
	PasswordStdin bool     `name:"password-stdin" help:"Read the password for browser login from standard input."`
}

func (f userFlags) options() (app.UserOptions, error) {
	o := app.UserOptions{DisplayName: f.DisplayName, Roles: f.Role, Reserves: f.Reserve, GeneratePassword: f.Password}
	if f.PasswordStdin {
		if f.Password {
			return o, fmt.Errorf("give --password or --password-stdin, not both")
		}
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 4096))
		if err != nil {
			return o, err
		}
		o.Password = strings.TrimRight(string(b), "\r\n")
	}
	return o, nil
}

type tokenCmd struct {
	Create tokenCreateCmd `cmd:"" help:"Make an API token for a user and print it once (only its SHA-256 is kept)."`
	Revoke tokenRevokeCmd `cmd:"" help:"Revoke an API token."`
	List   tokenListCmd   `cmd:"" help:"List API tokens (never their secrets)."`
}

type tokenCreateCmd struct {
	User    string        `required:"" help:"Whose token."`
	Name    string        `help:"What the token is for, e.g. the program using it."`
	Expires time.Duration `help:"Valid for this long, e.g. 720h; 0: until revoked."`
}

type tokenRevokeCmd struct {
	ID int64 `arg:"" help:"Token id (warden token list)."`
}

type tokenListCmd struct {
	User string `help:"Only this user's tokens."`
}

// patrolFlags tune track uploads.
type patrolFlags struct {
	MaxTrackBytes  int64         `name:"max-track-bytes" env:"WARDEN_MAX_TRACK_BYTES" default:"52428800" help:"Largest track file (compressed or not)."`
	TrackMaxSpeeds string        `name:"track-max-speeds" env:"WARDEN_TRACK_MAX_SPEEDS" help:"Outlier speeds in km/h by subject kind, over the defaults patrol=15,research_permit=15,visitor=15,vehicle=150,unknown=150."`
	JitterDwell    time.Duration `name:"jitter-dwell" env:"WARDEN_JITTER_DWELL" default:"60s" help:"A zone visit shorter than this is boundary jitter."`
	JitterDepthM   float64       `name:"jitter-depth-m" env:"WARDEN_JITTER_DEPTH_M" default:"15" help:"A zone visit never deeper inside than this (metres) is boundary jitter."`
}

type uploadCmd struct {
	URL         string   `name:"url" env:"WARDEN_URL" default:"http://127.0.0.1:8080" help:"The service to upload to."`
	Token       string   `env:"WARDEN_TOKEN" help:"Bearer token (default: the admin token in DATA_DIR/admin-token)."`
	Reserve     string   `help:"Reserve code (default: found from the track)."`
	Subject     string   `help:"Who or what moved: a ranger id, a team, a vehicle plate, a collar id."`
	SubjectKind string   `name:"subject-kind" default:"unknown" enum:"patrol,research_permit,original_resident,visitor,vehicle,unknown" help:"patrol, research_permit, original_resident (原有居民), visitor, vehicle or unknown."`
	Permit      int64    `help:"Id of the permit the subject moved under."`
	Timezone    string   `help:"IANA zone of times written without one (e.g. Asia/Shanghai); times marked Z are checked for being local times."`
	Coords      string   `default:"wgs84" enum:"wgs84,gcj02" help:"Datum of the file: wgs84, or gcj02 (converted)."`
	MaxSpeedKmh float64  `name:"max-speed-kmh" help:"Outlier speed for these files (default by subject kind)."`
	Files       []string `arg:"" type:"existingfile" help:"GPX, KML, KMZ, TCX, GeoJSON or CSV files (or gzip of them)."`
}

type migrateCmd struct{}

type importCmd struct {
	Zones   importZonesCmd   `cmd:"" help:"Import a GeoJSON FeatureCollection of zones as a reserve's new current zoning version."`
	Markers importMarkersCmd `cmd:"" help:"Import boundary markers from a GeoJSON file."`
	Reserve importReserveCmd `cmd:"" help:"Import a reserve folder (reserve.json, zones.geojson, markers.geojson)."`
	Sample  importSampleCmd  `cmd:"" help:"Load the built-in sample reserves into an empty database."`
	Rules   importRulesCmd   `cmd:"" help:"Import an agency's rule set (JSON, or CSV by its .csv name) and judge a reserve under it."`
}

type importRulesCmd struct {
	Reserve string `help:"Reserve judged under the rule set's family from now on."`
	File    string `arg:"" type:"existingfile" help:"Rule set file: JSON (internal/law/rulesets format) or .csv."`
}

type importZonesCmd struct {
	Reserve    string `required:"" help:"Reserve code."`
	CRS        string `name:"crs" default:"EPSG:4326" help:"CRS of the file's coordinates: EPSG:4326, EPSG:4490 or a CGCS2000 Gauss-Krüger code."`
	ApprovedOn string `name:"approved-on" help:"Approval date of this zoning (YYYY-MM-DD)."`
	Approval   string `help:"Approving document."`
	File       string `arg:"" type:"existingfile" help:"GeoJSON file or zipped shapefile (.zip)."`
}

type importMarkersCmd struct {
	Reserve string `required:"" help:"Reserve code."`
	File    string `arg:"" type:"existingfile" help:"GeoJSON file of Point features."`
}

type importReserveCmd struct {
	Dir string `arg:"" type:"existingdir" help:"Folder with reserve.json, zones.geojson and markers.geojson."`
}

type screenCmd struct {
	File        string  `arg:"" type:"existingfile" help:"Footprint file: GeoJSON, KML, KMZ, WKT or a CSV coordinate table."`
	Activity    string  `required:"" help:"Activity code, e.g. quarrying, non_production_facility, tourism (GET /api/v1/rules lists them)."`
	DistanceM   float64 `name:"distance-m" default:"5000" help:"Search distance for nearby reserves, metres (at most 50000)."`
	CRS         string  `name:"crs" help:"CRS of the file's coordinates, e.g. EPSG:4515 (default: what the file says, else EPSG:4326)."`
	Shape       string  `help:"What a CSV coordinate table draws: polygon (default), line or points."`
	Status      string  `default:"proposed" enum:"proposed,under_construction,existing" help:"Project status: proposed, under_construction or existing."`
	Project     string  `help:"Project name."`
	Developer   string  `help:"Developer (建设单位)."`
	StartedOn   string  `name:"started-on" help:"Day construction started (YYYY-MM-DD), for a project under construction or existing: the day it is judged for."`
	MaxVertices int     `name:"max-vertices" env:"WARDEN_MAX_FOOTPRINT_VERTICES" default:"200000" help:"Largest footprint, in vertices."`
}

type versionCmd struct{}

func main() {
	var c cli
	k := kong.Parse(&c, kong.Name("warden"),
		kong.Description("Warden: nature-reserve zoning and boundary enforcement."),
		kong.UsageOnError())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rc := &runContext{ctx: ctx, log: newLogger(c.LogLevel), cfg: app.Config{
		DatabaseURL: c.DatabaseURL, MigrateURL: c.MigrateURL, DataDir: c.DataDir, PGBin: c.PGBin,
		StatementTimeout: c.StatementTimeout, DBMaxConns: c.DBMaxConns, Version: buildVersion(),
	}}
	stopProfile, err := startCPUProfile(c.CPUProfile)
	if err != nil {
		app.PrintProblem(os.Stderr, err)
		os.Exit(1)
	}
	// kong calls the Run method (run.go) of the command given, with rc
	err = k.Run(rc)
	stopProfile()
	if err != nil {
		app.PrintProblem(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}

// startCPUProfile starts profiling into path (nothing when it is empty);
// the function it returns stops and writes the profile.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
