// Command warden is the nature-reserve zoning and boundary enforcement service
// and its command-line tools. It only reads the command line and environment
// into app.Config; internal/app does the work.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"warden/internal/app"
	"warden/internal/geoio"
	"warden/internal/screening"
	"warden/internal/web"
	"warden/internal/zoning"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

type globals struct {
	DatabaseURL      string        `name:"database-url" env:"DATABASE_URL" help:"PostgreSQL/PostGIS server to use; when empty Warden starts a private cluster under the data directory."`
	DataDir          string        `name:"data-dir" env:"WARDEN_DATA_DIR" default:"var" help:"Directory for the private cluster and the generated admin token."`
	PGBin            string        `name:"pg-bin" env:"WARDEN_PG_BIN" help:"Directory with initdb and pg_ctl (default: newest /usr/lib/postgresql/*/bin)."`
	StatementTimeout time.Duration `name:"statement-timeout" env:"WARDEN_STATEMENT_TIMEOUT" default:"30s" help:"Longest any SQL statement may run."`
	LogLevel         string        `name:"log-level" env:"WARDEN_LOG_LEVEL" default:"info" enum:"debug,info,warn,error" help:"Log level."`
}

type cli struct {
	globals
	Serve   serveCmd   `cmd:"" help:"Run the HTTP service."`
	Migrate migrateCmd `cmd:"" help:"Bring the database schema up to date."`
	Import  importCmd  `cmd:"" help:"Import zones, markers or a reserve folder from files."`
	Screen  screenCmd  `cmd:"" help:"Screen a project footprint against the zones and print the verdict table."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

type serveCmd struct {
	Addr                 string `env:"WARDEN_ADDR" default:"127.0.0.1:8080" help:"Listen address."`
	AdminToken           string `name:"admin-token" env:"WARDEN_ADMIN_TOKEN" help:"Bearer token for writes; when empty one is generated and kept in DATA_DIR/admin-token."`
	Migrate              bool   `env:"WARDEN_MIGRATE" help:"Apply pending migrations before serving (otherwise a stale schema is refused)."`
	Sample               bool   `env:"WARDEN_SAMPLE" help:"Load the sample reserves when the database has none."`
	MaxBodyBytes         int64  `name:"max-body-bytes" env:"WARDEN_MAX_BODY_BYTES" default:"1048576" help:"Largest ordinary JSON body."`
	MaxGeometryBytes     int64  `name:"max-geometry-bytes" env:"WARDEN_MAX_GEOMETRY_BYTES" default:"67108864" help:"Largest body carrying geometry (zones, markers, batch locate)."`
	MaxFootprintVertices int    `name:"max-footprint-vertices" env:"WARDEN_MAX_FOOTPRINT_VERTICES" default:"200000" help:"Most vertices a screening footprint may have."`
	WebDir               string `name:"web-dir" env:"WARDEN_WEB_DIR" help:"Serve the web pages from this directory (e.g. web/dist) instead of the ones built in: for working on the pages."`
	BasemapURL           string `name:"basemap-url" env:"WARDEN_BASEMAP_URL" help:"Base map under the map's layers: an XYZ raster tile URL with {z}/{x}/{y}, or a MapLibre style URL. Empty: none (works offline)."`
	BasemapAttribution   string `name:"basemap-attribution" env:"WARDEN_BASEMAP_ATTRIBUTION" help:"Attribution shown with the base map."`
}

type migrateCmd struct{}

type importCmd struct {
	Zones   importZonesCmd   `cmd:"" help:"Import a GeoJSON FeatureCollection of zones as a reserve's new current zoning version."`
	Markers importMarkersCmd `cmd:"" help:"Import boundary markers from a GeoJSON file."`
	Reserve importReserveCmd `cmd:"" help:"Import a reserve folder (reserve.json, zones.geojson, markers.geojson)."`
	Sample  struct{}         `cmd:"" help:"Load the built-in sample reserves into an empty database."`
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
	log := newLogger(c.LogLevel)
	if err := run(ctx, k.Command(), &c, log); err != nil {
		app.PrintProblem(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, command string, c *cli, log *slog.Logger) error {
	cfg := app.Config{
		DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, PGBin: c.PGBin,
		StatementTimeout: c.StatementTimeout, Version: buildVersion(),
	}
	switch command {
	case "version":
		fmt.Println("warden", cfg.Version)
		return nil
	case "serve":
		s := c.Serve
		cfg.Addr, cfg.AdminToken, cfg.Migrate, cfg.Sample = s.Addr, s.AdminToken, s.Migrate, s.Sample
		cfg.MaxBodyBytes, cfg.MaxGeometryBytes = s.MaxBodyBytes, s.MaxGeometryBytes
		cfg.MaxFootprintVertices = s.MaxFootprintVertices
		cfg.Web = web.Config{Dir: s.WebDir, BasemapURL: s.BasemapURL, BasemapAttribution: s.BasemapAttribution}
		return app.Serve(ctx, cfg, log)
	}
	env, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer env.Close()
	switch command {
	case "migrate":
		return app.Migrate(ctx, env, log)
	case "import zones <file>":
		z := c.Import.Zones
		crs, err := geoio.ParseCRS(z.CRS)
		if err != nil {
			return err
		}
		v, err := app.ImportZones(ctx, env, z.Reserve, z.File, zoning.VersionInput{CRS: crs, ApprovedOn: z.ApprovedOn, Approval: z.Approval})
		if err != nil {
			return err
		}
		fmt.Printf("reserve %s: zoning version %d is now current\n", z.Reserve, v.Version)
		for _, zn := range v.Zones {
			fmt.Printf("  %-16s %-8s %14.1f ha  %7d vertices  %s\n", zn.Kind, zn.KindZH, zn.AreaHa, zn.Vertices, zn.Name)
		}
		return nil
	case "import markers <file>":
		ms, err := app.ImportMarkers(ctx, env, c.Import.Markers.Reserve, c.Import.Markers.File)
		if err != nil {
			return err
		}
		fmt.Printf("reserve %s: %d markers imported\n", c.Import.Markers.Reserve, len(ms))
		return nil
	case "import reserve <dir>":
		if err := app.ImportReserve(ctx, env, c.Import.Reserve.Dir); err != nil {
			return err
		}
		fmt.Println("imported", c.Import.Reserve.Dir)
		return nil
	case "screen <file>":
		s := c.Screen
		sc, err := app.Screen(ctx, env, s.File, app.ScreenOptions{
			Activity: s.Activity, CRS: s.CRS, Shape: s.Shape, DistanceM: s.DistanceM, MaxVertices: s.MaxVertices,
			Project: screening.Project{Name: s.Project, Developer: s.Developer, Status: screening.Status(s.Status)},
		})
		if err != nil {
			return err
		}
		app.PrintScreening(os.Stdout, sc)
		return nil
	case "import sample":
		loaded, err := app.LoadSamples(ctx, env)
		if err != nil {
			return err
		}
		if len(loaded) == 0 {
			fmt.Println("the database already has reserves; samples not loaded")
		}
		for _, l := range loaded {
			fmt.Println("loaded sample reserve", l)
		}
		return nil
	}
	return fmt.Errorf("unknown command %q", command)
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
