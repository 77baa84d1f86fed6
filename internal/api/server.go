// Package api serves Warden's HTTP interface with Echo: the JSON API under
// /api/v1, health checks and metrics. Handlers return errors; handleError
// writes every one of them as application/problem+json.
package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"warden/internal/cases"
	"warden/internal/clues"
	"warden/internal/db"
	"warden/internal/export"
	"warden/internal/grid"
	"warden/internal/law"
	"warden/internal/live"
	"warden/internal/markers"
	"warden/internal/notify"
	"warden/internal/patrol"
	"warden/internal/problem"
	"warden/internal/reports"
	"warden/internal/screening"
	"warden/internal/tiles"
	"warden/internal/web"
	"warden/internal/zoning"
)

// Config is what the API needs from the service configuration.
type Config struct {
	// AdminToken is the bootstrap admin credential (Authorization: Bearer
	// <token>): it has every right, beside the users' own tokens.
	AdminToken string
	// Version is reported by /healthz.
	Version string
	// MaxBodyBytes caps ordinary JSON bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxGeometryBytes caps bodies that carry geometry: zones, marker
	// collections, batch locate (default 64 MiB).
	MaxGeometryBytes int64
	// Web configures the browser pages (dev directory, base map).
	Web web.Config
	// MaxFootprintVertices caps a screening footprint (default 200,000).
	MaxFootprintVertices int
	// Patrol tunes track uploads: size limit, outlier speeds, jitter margins.
	Patrol patrol.Options
	// Cases tunes violation cases: evidence file size, default time zone.
	Cases cases.Options
	// Auth says what is public, CORS, rate limits and sessions.
	Auth AuthConfig
	// Engine, when set, answers locate from memory (zoning.StartEngine);
	// without it locate asks PostGIS.
	Engine *zoning.Engine
	// PublicURL is the base URL clients reach the service at, without a
	// trailing slash (https://gis.example.org, or one with a path behind a
	// proxy): OGC API and TileJSON links start with it. Empty: the request's
	// own scheme and host (tests); the service always sets it, so that a
	// forged Host header cannot poison cached answers.
	PublicURL string
	// Live is the live positions service (its background work run by the
	// caller); nil: one is made here without background work (tests).
	Live *live.Service
	// WorkBudget bounds the database work of one screening or track upload, all statements
	// together (0: 2 minutes); beyond it the request answers 503.
	WorkBudget time.Duration
	// MaxTrackDecodes is how many track uploads may be decoded and analysed
	// at once (0: 2); one more answers 429, so memory stays bounded by
	// this many uploads whatever the number of clients.
	MaxTrackDecodes int
	// MaxHeavy is how many heavy requests (heavyRoutes: uploads, batches,
	// reports, exports) run at once (0: half the pool's connections, at
	// least one); one more answers 503 busy, so that long work cannot hold
	// every connection and starve short requests.
	MaxHeavy int
	// Replicas, when set, answer tiles, the OGC API, lists and reports
	// (replicaRoutes) with read-your-writes.
	Replicas *db.Replicas
}

// Server is the HTTP interface.
type Server struct {
	cfg     Config
	pool    *pgxpool.Pool
	zones   *zoning.Store
	markers *markers.Store
	tiles   *tiles.Store
	export  *export.Store
	site    *web.Site
	log     *slog.Logger
	e       *echo.Echo

	// screenings runs and keeps project-site screenings.
	screenings *screening.Store
	// tracks reads, analyses and keeps patrol tracks and permits.
	tracks *patrol.Store
	// decodes holds a slot per track upload being decoded (MaxTrackDecodes).
	decodes chan struct{}
	// heavy holds a slot per heavy request running (MaxHeavy).
	heavy chan struct{}
	// cases keeps violation cases, their history, evidence and measures.
	cases *cases.Store
	// grid keeps administrative areas and grid cells, with coverage.
	grid *grid.Store
	// reports sums cases up and keeps the units' daily reports.
	reports *reports.Store
	// notify keeps webhooks and their notifications.
	notify *notify.Store
	// law keeps the instruments and rule sets judgments are made under.
	law *law.Store
	// clues keeps Green Shield clue batches and clues.
	clues *clues.Store
	// live keeps devices, their fixes and the events judged from them.
	live *live.Service

	// accounts: users, sessions, the access rules and the rate limiters.
	accounts
}

// New builds a server with stores of its own (NewStores), for tests and
// tools that have no service around them; the service builds its stores
// once and calls NewHandler.
func New(cfg Config, pool *pgxpool.Pool, log *slog.Logger) *Server {
	st := NewStores(pool, StoreOptions{Patrol: cfg.Patrol, Cases: cfg.Cases, MaxFootprintVertices: cfg.MaxFootprintVertices})
	if cfg.Engine != nil {
		st.UseEngine(cfg.Engine)
	}
	return NewHandler(cfg, st, pool, log)
}

// NewHandler builds the server and its routes on the stores st, built once
// by the caller (NewStores) and shared with its jobs and commands.
func NewHandler(cfg Config, st *Stores, pool *pgxpool.Pool, log *slog.Logger) *Server {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxGeometryBytes == 0 {
		cfg.MaxGeometryBytes = 64 << 20
	}
	if cfg.WorkBudget == 0 {
		cfg.WorkBudget = 2 * time.Minute
	}
	if cfg.MaxTrackDecodes <= 0 {
		cfg.MaxTrackDecodes = 2
	}
	if cfg.MaxHeavy <= 0 {
		cfg.MaxHeavy = defaultMaxHeavy(pool)
	}
	s := &Server{cfg: cfg, pool: pool, log: log, site: web.New(cfg.Web),
		decodes: make(chan struct{}, cfg.MaxTrackDecodes), heavy: make(chan struct{}, cfg.MaxHeavy),
		zones: st.Zones, markers: st.Markers, tiles: st.Tiles, export: st.Export, law: st.Law, screenings: st.Screenings,
		tracks: st.Tracks, cases: st.Cases, grid: st.Grid, reports: st.Reports, notify: st.Notify, clues: st.Clues}
	s.auth = st.Auth
	if s.live = cfg.Live; s.live == nil {
		s.live = live.New(pool, cfg.Engine, live.Options{}, log)
	}
	if err := s.site.Built(); err != nil {
		log.Warn("web pages unavailable", "reason", err.Error())
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.Recover())
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		// HandleError runs the error handler first, so the status logged is
		// the one sent rather than the 200 the response starts with.
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.Info("request", "method", v.Method, "uri", v.URI, "status", v.Status, "latency", v.Latency)
			return nil
		},
	}))
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.live.Metrics().Register(reg)
	s.registerSlots(reg)
	e.Use(metrics(reg))
	s.e = e
	s.routes(reg)
	s.setupAuth()
	s.e.Use(s.heavyBudget) // after authorize: a refused request takes no slot
	s.e.Use(s.routeReads)  // after authorize: principals are read on the primary
	return s
}

// publicBase is the base URL of the links in an answer (Config.PublicURL).
func (s *Server) publicBase(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

// Handler is the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.e }

// Echo exposes the router (for the route-coverage test).
func (s *Server) Echo() *echo.Echo { return s.e }

func (s *Server) routes(reg *prometheus.Registry) {
	e := s.e
	e.GET("/", s.mapPage)
	e.GET("/markers", s.markersPage)
	e.GET("/rules", s.rulesPage)
	e.GET("/screening", s.screeningPage)
	e.GET("/tracks", s.tracksPage)
	e.GET("/cases", s.casesPage)
	e.GET("/cases/:id", s.casePage)
	e.GET("/clues", s.cluesPage)
	e.GET("/live", s.livePage)
	e.GET("/devices", s.devicesPage)
	e.GET("/assets/*", s.asset)
	e.GET("/config.json", s.pageConfig)
	e.GET("/tiles", s.listTileLayers)
	e.GET("/tiles/:layer.json", s.tileJSON)
	e.GET("/tiles/:layer/:z/:x/:y.mvt", s.tile)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	s.ogcRoutes(e)

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.json", s.openapi)
	v1.GET("/problem-types", problemTypes)
	write := s.audited

	v1.GET("/reserves", s.listReserves)
	v1.POST("/reserves", s.createReserve, write)
	v1.GET("/reserves/:code", s.getReserve)
	v1.GET("/reserves/:code/versions", s.listVersions)
	v1.GET("/reserves/:code/zones", s.getZones)
	v1.PUT("/reserves/:code/zones", s.putZones, write)
	v1.GET("/reserves/:code/markers", s.listMarkers)
	s.exportRoutes(v1)
	v1.POST("/reserves/:code/markers", s.createMarkers, write)
	v1.GET("/markers/:id", s.getMarker)
	v1.PATCH("/markers/:id", s.patchMarker, write)
	v1.GET("/locate", s.locateOne)
	v1.POST("/locate", s.locateMany)
	v1.GET("/rules", s.rules)
	v1.GET("/law/instruments", s.listInstruments)
	v1.GET("/law/instruments/:code", s.getInstrument)
	v1.POST("/rulesets", s.importRuleSet, write)
	v1.POST("/screenings", s.createScreening, write)
	v1.GET("/screenings", s.listScreenings)
	v1.GET("/screenings/:id", s.getScreening)
	v1.GET("/screenings/:id/report", s.screeningReport)
	s.patrolRoutes(v1, write)
	s.caseRoutes(v1, write)
	s.clueRoutes(v1, write)
	s.authRoutes(v1, write)
	s.liveRoutes(e, v1, write)
}

func metrics(reg *prometheus.Registry) echo.MiddlewareFunc {
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "warden_http_request_duration_seconds",
		Help:    "HTTP request latency by route, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	reg.MustRegister(dur)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			if err != nil {
				if p, ok := problem.As(err); ok {
					status = p.Status
				} else if he := (*echo.HTTPError)(nil); errors.As(err, &he) {
					status = he.Code
				} else {
					status = http.StatusInternalServerError
				}
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			dur.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// GET /healthz: 200 while the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// GET /readyz: 200 when the database answers and its schema is current, else 503.
func (s *Server) readyz(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.pool.Ping(ctx); err != nil {
		return &problem.Error{Status: http.StatusServiceUnavailable, Type: "not-ready", Title: "Service unavailable", Detail: "the database does not answer", Err: err}
	}
	if err := db.CheckSchema(ctx, s.pool); err != nil {
		return &problem.Error{Status: http.StatusServiceUnavailable, Type: "not-ready", Title: "Service unavailable",
			Detail: "database schema: " + err.Error(), Err: err}
	}
	cur, _, err := db.SchemaVersion(ctx, s.pool)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "schema_version": cur})
}

//go:embed openapi.json
var openapiDoc []byte

// GET /api/v1/openapi.json: the OpenAPI 3 description of this API.
func (s *Server) openapi(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openapiDoc)
}

// readBody reads the request body up to limit bytes; more is a 413.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, problem.TooLarge(fmt.Sprintf("the request body exceeds %s, the limit for this route", humanBytes(limit)))
	}
	if err != nil {
		return nil, problem.BadRequest("unreadable-body", "the request body could not be read: "+err.Error())
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, problem.BadRequest("empty-body", "the request needs a JSON body")
	}
	return b, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// decodeStrict reads a JSON body into v, refusing unknown fields, trailing
// data and type mismatches with a 400 that names the field.
func (s *Server) decodeStrict(c echo.Context, v any) error {
	b, err := readBody(c, s.cfg.MaxBodyBytes)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return problem.BadRequest("malformed-json", "the body has data after its JSON value")
	}
	return nil
}

func jsonProblem(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return problem.BadRequest("malformed-json", fmt.Sprintf("the body is not valid JSON at byte %d: %v", se.Offset, err))
	case errors.As(err, &te):
		return problem.BadRequest("malformed-json", fmt.Sprintf("field %q must be %s, got a JSON %s", te.Field, te.Type, te.Value),
			problem.Detail{Pointer: te.Field, Reason: fmt.Sprintf("expected %s, got %s", te.Type, te.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return problem.BadRequest("unknown-field", fmt.Sprintf("unknown field %s in the body", f),
			problem.Detail{Pointer: strings.Trim(f, `"`), Reason: "unknown field"})
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return problem.BadRequest("malformed-json", "the body ends before its JSON value does")
	}
	return problem.BadRequest("malformed-json", "the body could not be read as JSON: "+err.Error())
}

func geoJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, "application/geo+json")
	c.Response().WriteHeader(status)
	return json.NewEncoder(c.Response()).Encode(v)
}
