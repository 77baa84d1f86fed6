package api

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"warden/internal/auth"
	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/grid"
	"warden/internal/patrol"
	"warden/internal/problem"
)

// Authorization is declarative: every route registered in routes() has one
// line in accessRules (method and Echo path → rule), and one middleware,
// authorize, enforces them all before any handler runs. A route without a
// line is for admins only, and TestAccessRulesCoverRoutes fails until it has
// one (with a probe for TestAuthorizationWalk and a policy line). Writes also
// take the `write` middleware (audited), which records them in the audit log.

// Read classes: what anonymous visitors may read is Config.PublicRead, a
// list of these (each read route names its class).
var readClasses = []string{"reserves", "zones", "markers", "tiles", "ogc", "rules", "metrics",
	"screenings", "tracks", "observations", "permits", "cases", "grid", "reports"}

// DefaultPublicRead are the classes anonymous visitors may read by default.
var DefaultPublicRead = []string{"reserves", "zones", "markers", "tiles", "ogc", "rules", "metrics"}

// ParsePublicRead reads a comma-separated list of read classes; "none" is
// the empty list, "" the default.
func ParsePublicRead(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return DefaultPublicRead, nil
	case "none":
		return []string{}, nil
	}
	var out []string
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if !slices.Contains(readClasses, c) {
			return nil, fmt.Errorf("public read class %q is unknown: use none or a list of %s", c, strings.Join(readClasses, ", "))
		}
		out = append(out, c)
	}
	return out, nil
}

// access is one route's rule.
type access struct {
	// open routes serve anyone, with or without credentials: pages, health,
	// the login.
	open bool
	// class is what a read shows; anonymous visitors may read it when
	// Config.PublicRead lists it. Writes have none.
	class string
	// perm is the permission needed ("" with open false: any signed-in
	// principal); own, if set, is a narrower permission that admits the
	// principal to resources whose subject is their own name.
	perm, own auth.Permission
	// scope finds the reserve and subject the request acts on.
	scope scope
	// resource names what a write changes, for the audit log; idParam is the
	// path parameter holding its id (else the answer's id, code or Location).
	resource, idParam string
	// before reads the resource before an update, for the audit log.
	before func(c echo.Context) (any, error)
}

// scopeKind says where a request's reserve and subject come from.
type scopeKind int

const (
	noScope      scopeKind = iota
	pathScope              // the path parameter name is the reserve code
	queryScope             // a list: the query parameter name filters by reserve, subject by subject
	bodyScope              // a JSON body: field name is the reserve, field subject the subject
	lookupScope            // lookup reads the resource's reserve and subject
	handlerScope           // a streamed body: the handler calls authorizeUpload
	globalScope            // beyond any reserve: not for users limited to some
)

type scope struct {
	kind    scopeKind
	name    string
	subject string
	lookup  func(c echo.Context) (owner, error)
	// reserve says a looked-up resource belongs to a reserve (a track, a
	// marker), unlike a token.
	reserve bool
}

// owner is where a resource belongs: its reserve ("" for none) and subject
// (the person it is about: a track's ranger, a token's user).
type owner struct{ reserve, subject string }

func inPath(name string) scope { return scope{kind: pathScope, name: name} }

// public is an open route.
var public = access{open: true}

// read is a read route of a class that needs perm.
func read(class string, perm auth.Permission) access { return access{class: class, perm: perm} }

// accessRules is the table: one line per route, gathered from one table per
// area below. Keep each in the order of routes(), and add a line with every
// new route; a route listed twice is a programming error.
func (s *Server) accessRules() map[string]access {
	rules := map[string]access{}
	for _, part := range []map[string]access{
		s.pageRules(), s.reserveRules(), s.patrolRules(), s.accountRules(), s.caseRules(), s.clueLiveRules(),
	} {
		for route, a := range part {
			if _, twice := rules[route]; twice {
				panic("api: two access rules for " + route)
			}
			rules[route] = a
		}
	}
	return rules
}

// pageRules are the access rules of the pages, tiles, OGC API and the API's own documents.
func (s *Server) pageRules() map[string]access {
	zoning := auth.ReadZoning
	return map[string]access{
		"GET /":                          public,
		"GET /markers":                   public,
		"GET /rules":                     public,
		"GET /screening":                 public,
		"GET /tracks":                    public, // the page; its data is guarded by the track routes
		"GET /cases":                     public, // the pages; their data is guarded by the case routes
		"GET /cases/:id":                 public,
		"GET /clues":                     public, // the ledger page; its data is guarded by the clue routes
		"GET /live":                      public, // the live map; its data is guarded by the device and event routes
		"GET /devices":                   public, // the device page; its data is guarded by the device routes
		"GET /assets/*":                  public,
		"GET /config.json":               public,
		"GET /tiles":                     read("tiles", zoning),
		"GET /tiles/:layer.json":         read("tiles", zoning),
		"GET /tiles/:layer/:z/:x/:y.mvt": read("tiles", zoning),
		"GET /healthz":                   public,
		"GET /readyz":                    public,
		"GET /metrics":                   read("metrics", auth.Metrics),

		"GET /ogc":                                 read("ogc", zoning),
		"GET /ogc/":                                read("ogc", zoning),
		"GET /ogc/api":                             read("ogc", zoning),
		"GET /ogc/conformance":                     read("ogc", zoning),
		"GET /ogc/collections":                     read("ogc", zoning),
		"GET /ogc/collections/:collectionId":       read("ogc", zoning),
		"GET /ogc/collections/:collectionId/items": read("ogc", zoning),
		"GET /ogc/collections/:collectionId/items/:featureId": read("ogc", zoning),

		"GET /api/v1/openapi.json":  public,
		"GET /api/v1/problem-types": public,
	}
}

// reserveRules are the access rules of reserves, zones, markers, locate, rules and the law.
func (s *Server) reserveRules() map[string]access {
	zoning := auth.ReadZoning
	return map[string]access{
		"GET /api/v1/reserves":                read("reserves", zoning),
		"POST /api/v1/reserves":               {perm: auth.WriteZoning, scope: scope{kind: bodyScope, name: "code"}, resource: "reserve"},
		"GET /api/v1/reserves/:code":          read("reserves", zoning),
		"GET /api/v1/reserves/:code/versions": read("zones", zoning),
		"GET /api/v1/reserves/:code/zones":    read("zones", zoning),
		"PUT /api/v1/reserves/:code/zones": {perm: auth.WriteZoning, scope: inPath("code"), resource: "zoning", idParam: "code",
			before: func(c echo.Context) (any, error) { return s.zones.Reserve(c.Request().Context(), c.Param("code")) }},
		"GET /api/v1/reserves/:code/markers":                  read("markers", zoning),
		"GET /api/v1/reserves/:code/zones.:format":            read("zones", zoning),
		"GET /api/v1/reserves/:code/markers.:format":          read("markers", zoning),
		"GET /api/v1/reserves/:code/markers/announcement.csv": read("markers", zoning),
		"POST /api/v1/reserves/:code/markers":                 {perm: auth.WriteZoning, scope: inPath("code"), resource: "markers", idParam: "code"},
		"GET /api/v1/markers/:id":                             read("markers", zoning),
		"PATCH /api/v1/markers/:id": {perm: auth.WriteZoning, scope: scope{kind: lookupScope, lookup: s.markerOwner, reserve: true}, resource: "marker", idParam: "id",
			before: func(c echo.Context) (any, error) { return s.markerBefore(c) }},
		"GET /api/v1/locate":  read("zones", zoning),
		"POST /api/v1/locate": read("zones", zoning),
		"GET /api/v1/rules":   read("rules", zoning),

		"GET /api/v1/law/instruments":       read("rules", zoning),
		"GET /api/v1/law/instruments/:code": read("rules", zoning),
		"POST /api/v1/rulesets":             {perm: auth.WriteZoning, scope: scope{kind: queryScope, name: "reserve"}, resource: "rule_set"},
	}
}

// patrolRules are the access rules of screenings, tracks and permits.
func (s *Server) patrolRules() map[string]access {
	trackOwner := scope{kind: lookupScope, lookup: s.trackOwner, reserve: true}
	screeningOwner := scope{kind: lookupScope, lookup: s.screeningOwner, reserve: true}
	return map[string]access{
		"POST /api/v1/screenings":           {perm: auth.WriteScreenings, scope: scope{kind: handlerScope}, resource: "screening"},
		"GET /api/v1/screenings":            {class: "screenings", perm: auth.ReadScreenings, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/screenings/:id":        {class: "screenings", perm: auth.ReadScreenings, scope: screeningOwner},
		"GET /api/v1/screenings/:id/report": {class: "screenings", perm: auth.ReadScreenings, scope: screeningOwner},

		"POST /api/v1/tracks": {perm: auth.WriteTracks, own: auth.WriteOwnTracks, scope: scope{kind: handlerScope}, resource: "track"},
		"GET /api/v1/tracks": {class: "tracks", perm: auth.ReadTracks, own: auth.ReadOwnTracks,
			scope: scope{kind: queryScope, name: "reserve", subject: "subject"}},
		"GET /api/v1/tracks/:id":        {class: "tracks", perm: auth.ReadTracks, own: auth.ReadOwnTracks, scope: trackOwner},
		"GET /api/v1/tracks/:id/gpx":    {class: "tracks", perm: auth.ReadTracks, own: auth.ReadOwnTracks, scope: trackOwner},
		"GET /api/v1/tracks/:id/visits": {class: "tracks", perm: auth.ReadTracks, own: auth.ReadOwnTracks, scope: trackOwner},
		"POST /api/v1/permits":          {perm: auth.WritePermits, scope: scope{kind: bodyScope, name: "reserve"}, resource: "permit"},
		"GET /api/v1/permits/:id":       {class: "permits", perm: auth.ReadPermits, scope: scope{kind: lookupScope, lookup: s.permitOwner, reserve: true}},
	}
}

// accountRules are the access rules of sign-in, users, tokens and the audit log.
func (s *Server) accountRules() map[string]access {
	return map[string]access{
		"POST /api/v1/auth/login":    public,
		"GET /api/v1/auth/me":        public,
		"POST /api/v1/auth/logout":   {resource: "session"},
		"POST /api/v1/auth/password": {resource: "password"},
		"GET /api/v1/users":          {perm: auth.ManageUsers},
		"POST /api/v1/users":         {perm: auth.ManageUsers, resource: "user"},
		"GET /api/v1/users/:name":    {perm: auth.ManageUsers},
		"PATCH /api/v1/users/:name": {perm: auth.ManageUsers, resource: "user", idParam: "name",
			before: func(c echo.Context) (any, error) { return s.auth.User(c.Request().Context(), c.Param("name")) }},
		"GET /api/v1/tokens":  {perm: auth.ManageUsers, own: auth.OwnTokens, scope: scope{kind: queryScope, subject: "user"}},
		"POST /api/v1/tokens": {perm: auth.ManageUsers, own: auth.OwnTokens, scope: scope{kind: bodyScope, subject: "user"}, resource: "token"},
		"DELETE /api/v1/tokens/:id": {perm: auth.ManageUsers, own: auth.OwnTokens, scope: scope{kind: lookupScope, lookup: s.tokenOwner},
			resource: "token", idParam: "id", before: func(c echo.Context) (any, error) { return s.tokenBefore(c) }},
		"GET /api/v1/audit": {perm: auth.ReadAudit},
	}
}

// caseRules are the access rules of cases, administrative areas, grid cells, reports and notifications.
func (s *Server) caseRules() map[string]access {
	zoning := auth.ReadZoning
	caseOwner := scope{kind: lookupScope, lookup: s.caseOwner, reserve: true}
	cellOwner := scope{kind: lookupScope, lookup: s.cellOwner, reserve: true}
	caseWrite := access{perm: auth.WriteCases, scope: caseOwner, resource: "case", idParam: "id",
		before: func(c echo.Context) (any, error) { return s.caseBefore(c) }}
	return map[string]access{
		"POST /api/v1/cases":                              {perm: auth.WriteCases, scope: scope{kind: bodyScope, name: "reserve"}, resource: "case"},
		"GET /api/v1/cases":                               {class: "cases", perm: auth.ReadCases, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/cases/:id":                           {class: "cases", perm: auth.ReadCases, scope: caseOwner},
		"PATCH /api/v1/cases/:id":                         caseWrite,
		"POST /api/v1/cases/:id/transitions":              caseWrite,
		"POST /api/v1/cases/:id/inspections":              caseWrite,
		"POST /api/v1/cases/:id/measures":                 caseWrite,
		"POST /api/v1/cases/:id/evidence":                 caseWrite,
		"GET /api/v1/cases/:id/evidence/:evidence":        {class: "cases", perm: auth.ReadCases, scope: caseOwner},
		"GET /api/v1/cases/:id/dossier":                   {class: "cases", perm: auth.ReadCases, scope: caseOwner},
		"GET /api/v1/credit-cards":                        {class: "cases", perm: auth.ReadCases, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/admin-areas":                         read("reserves", zoning),
		"POST /api/v1/admin-areas":                        {perm: auth.WriteZoning, scope: scope{kind: globalScope}, resource: "admin-areas"},
		"PUT /api/v1/admin-areas":                         {perm: auth.WriteZoning, scope: scope{kind: globalScope}, resource: "admin-areas"},
		"POST /api/v1/units/:code/daily-reports":          {perm: auth.WriteCases, resource: "daily-report", idParam: "code"},
		"GET /api/v1/reserves/:code/grid-cells":           {class: "grid", perm: auth.ReadGrid, scope: inPath("code")},
		"PUT /api/v1/reserves/:code/grid-cells":           {perm: auth.WriteGrid, scope: inPath("code"), resource: "grid-cells", idParam: "code"},
		"POST /api/v1/reserves/:code/grid-cells/generate": {perm: auth.WriteGrid, scope: inPath("code"), resource: "grid-cells", idParam: "code"},
		"GET /api/v1/grid-cells/coverage":                 {class: "grid", perm: auth.ReadGrid, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/grid-cells/:id":                      {class: "grid", perm: auth.ReadGrid, scope: cellOwner},
		"PATCH /api/v1/grid-cells/:id": {perm: auth.WriteGrid, scope: cellOwner, resource: "grid-cell", idParam: "id",
			before: func(c echo.Context) (any, error) { return s.cellBefore(c) }},
		"GET /api/v1/reports/daily":   {class: "reports", perm: auth.ReadReports, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/reports/weekly":  {class: "reports", perm: auth.ReadReports, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/reports/overdue": {class: "reports", perm: auth.ReadReports, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/reports/units":   {class: "reports", perm: auth.ReadReports, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/notifications":   {perm: auth.ReadAudit},
	}
}

// clueLiveRules are the access rules of Green Shield clues, devices, positions and live events.
func (s *Server) clueLiveRules() map[string]access {
	clueOwner := scope{kind: lookupScope, lookup: s.clueOwner, reserve: true}
	deviceOwner := scope{kind: lookupScope, lookup: s.deviceOwner, reserve: true}
	return map[string]access{
		"POST /api/v1/clue-batches":           {perm: auth.WriteCases, scope: scope{kind: globalScope}, resource: "clue-batch"},
		"GET /api/v1/clue-batches":            {class: "cases", perm: auth.ReadCases, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/clue-batches/:id":        {class: "cases", perm: auth.ReadCases, scope: scope{kind: globalScope}},
		"GET /api/v1/clues":                   {class: "cases", perm: auth.ReadCases, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/clues.xlsx":              {class: "cases", perm: auth.ReadCases, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/clues/statistics":        {class: "cases", perm: auth.ReadCases, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/clues/:id":               {class: "cases", perm: auth.ReadCases, scope: clueOwner},
		"POST /api/v1/clues/:id/assignment":   {perm: auth.WriteCases, scope: clueOwner, resource: "clue", idParam: "id"},
		"POST /api/v1/clues/:id/verification": {perm: auth.WriteCases, scope: clueOwner, resource: "clue", idParam: "id"},

		"GET /ingest/osmand":                  public, // devices prove themselves by their own token
		"POST /ingest/osmand":                 public,
		"POST /api/v1/devices":                {perm: auth.WriteDevices, scope: scope{kind: handlerScope}, resource: "device"},
		"GET /api/v1/devices":                 {perm: auth.ReadLive, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/devices/:id":             {perm: auth.ReadLive, scope: deviceOwner},
		"PATCH /api/v1/devices/:id":           {perm: auth.WriteDevices, scope: deviceOwner, resource: "device", idParam: "id"},
		"DELETE /api/v1/devices/:id":          {perm: auth.WriteDevices, scope: deviceOwner, resource: "device", idParam: "id"},
		"POST /api/v1/devices/:id/tracks":     {perm: auth.WriteDevices, scope: deviceOwner, resource: "track"},
		"GET /api/v1/devices/:id/trail":       {perm: auth.ReadLive, scope: deviceOwner},
		"POST /api/v1/positions":              {perm: auth.WriteDevices, scope: scope{kind: handlerScope}, resource: "positions"},
		"GET /api/v1/events":                  {perm: auth.ReadLive, scope: scope{kind: queryScope, name: "reserve"}},
		"GET /api/v1/events/stream":           {perm: auth.ReadLive, scope: scope{kind: queryScope, name: "reserve"}},
		"POST /api/v1/events/:id/acknowledge": {perm: auth.WriteCases, scope: scope{kind: lookupScope, lookup: s.eventOwner, reserve: true}, resource: "live-event", idParam: "id"},
		"GET /api/v1/webhook-deliveries":      {perm: auth.ReadAudit},
	}
}

// adminOnly is the rule of a route that has no line in accessRules.
var adminOnly = access{perm: auth.ManageUsers, resource: "unlisted"}

// trackOwner is a track's subject and reserve: one light query, not its
// stored analysis.
func (s *Server) trackOwner(c echo.Context) (owner, error) {
	id, err := trackID(strings.TrimSuffix(strings.TrimSuffix(c.Param("id"), ".gpx"), ".kml"))
	if err != nil {
		return owner{}, err
	}
	subject, reserve, err := s.tracks.Owner(c.Request().Context(), id)
	if err != nil {
		return owner{}, err
	}
	return owner{subject: subject, reserve: reserve}, nil
}

// screeningOwner is the reserve a screening is read in: of the reserves it
// lists (those it intersects or came within its distance of), one of the
// caller's if any, else the first. A screening that lists none concerns no
// reserve and is read by anyone who may read screenings. One light query.
func (s *Server) screeningOwner(c echo.Context) (owner, error) {
	id, err := screeningID(c)
	if err != nil {
		return owner{}, err
	}
	var codes []string
	err = s.pool.QueryRow(c.Request().Context(), `SELECT reserves FROM screening WHERE id = $1`, id).Scan(&codes)
	if errors.Is(err, pgx.ErrNoRows) {
		return owner{}, problem.NotFound("screening", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return owner{}, fmt.Errorf("api: owner of screening %d: %w", id, err)
	}
	p := principalOf(c)
	for _, code := range codes {
		if p != nil && p.InReserve(code) {
			return owner{reserve: code}, nil
		}
	}
	switch {
	case len(codes) > 0:
		return owner{reserve: codes[0]}, nil
	case p != nil && !p.AllReserves && len(p.Reserves) > 0:
		return owner{reserve: p.Reserves[0]}, nil
	}
	return owner{}, nil
}

// screeningAllowed refuses a screening whose footprint intersects a reserve
// outside the caller's, naming it (403); nothing is stored.
func (s *Server) screeningAllowed(c echo.Context) func([]string) error {
	p := principalOf(c)
	return func(reserves []string) error {
		if len(reserves) > 0 {
			c.Set(reserveKey, reserves[0])
		}
		if p == nil || p.AllReserves {
			return nil
		}
		for _, code := range reserves {
			if !p.InReserve(code) {
				return forbidden(fmt.Sprintf("%s may screen only in %s; this footprint lies in reserve %s", p.Name, reserveList(p), code))
			}
		}
		return nil
	}
}

func (s *Server) markerOwner(c echo.Context) (owner, error) {
	m, err := s.markerBefore(c)
	return owner{reserve: m.Reserve}, err
}

func (s *Server) markerBefore(c echo.Context) (markerDoc, error) {
	id, err := markerID(c)
	if err != nil {
		return markerDoc{}, err
	}
	m, err := s.markers.Get(c.Request().Context(), id)
	return markerDoc{m.Reserve, toFeature(m)}, err
}

// markerDoc is a marker as the audit log keeps it.
type markerDoc struct {
	Reserve string `json:"reserve"`
	Feature any    `json:"feature"`
}

func (s *Server) permitOwner(c echo.Context) (owner, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return owner{}, problem.NotFound("permit", c.Param("id"))
	}
	p, err := s.tracks.Permit(c.Request().Context(), id)
	return owner{reserve: p.Reserve}, err
}

// caseOwner is a case's reserve, read with one light query.
func (s *Server) caseOwner(c echo.Context) (owner, error) {
	id, err := pathID(c, "id", "case")
	if err != nil {
		return owner{}, err
	}
	code, err := s.cases.Reserve(c.Request().Context(), id)
	return owner{reserve: code}, err
}

func (s *Server) caseBefore(c echo.Context) (cases.Case, error) {
	id, err := pathID(c, "id", "case")
	if err != nil {
		return cases.Case{}, err
	}
	return s.cases.Get(c.Request().Context(), id)
}

func (s *Server) cellOwner(c echo.Context) (owner, error) {
	cl, err := s.cellBefore(c)
	return owner{reserve: cl.Reserve}, err
}

func (s *Server) cellBefore(c echo.Context) (grid.Cell, error) {
	id, err := pathID(c, "id", "grid cell")
	if err != nil {
		return grid.Cell{}, err
	}
	return s.grid.Cell(c.Request().Context(), id)
}

func (s *Server) tokenOwner(c echo.Context) (owner, error) {
	t, err := s.tokenBefore(c)
	return owner{subject: t.User}, err
}

func (s *Server) tokenBefore(c echo.Context) (auth.Token, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return auth.Token{}, problem.NotFound("token", c.Param("id"))
	}
	return s.auth.Token(c.Request().Context(), id)
}

// Context keys of what authorize finds.
const (
	principalKey = "warden.principal"
	reserveKey   = "warden.reserve"
	ownOnlyKey   = "warden.own-only"
)

// principalOf is who the request acts for; nil for an anonymous one.
func principalOf(c echo.Context) *auth.Principal {
	p, _ := c.Get(principalKey).(*auth.Principal)
	return p
}

// Cookie and header names of browser sessions.
const (
	sessionCookie = "warden_session"
	csrfHeader    = "X-CSRF-Token"
)

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

func forbidden(detail string) error {
	return &problem.Error{Status: http.StatusForbidden, Type: "forbidden", Title: "Forbidden", Detail: detail}
}

func tooMany(detail string, retry time.Duration) error {
	secs := int(retry.Seconds() + 0.999)
	return &problem.Error{Status: http.StatusTooManyRequests, Type: "rate-limited", Title: "Too many requests",
		Detail: fmt.Sprintf("%s: try again in %d s", detail, max(secs, 1)), Extra: map[string]any{"retry_after": max(secs, 1)}}
}

// limitAddress limits writes (and login attempts) per client address.
func (s *Server) limitAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Method + " " + c.Path()
		if a, ok := s.accessOf[key]; safeMethod(c.Request().Method) || !s.routed[key] || (ok && (a.class != "" || a.open)) { // reads; the login has its own limits
			return next(c)
		}
		if ok, retry := s.writesByAddress.Allow(c.RealIP()); !ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.999)))
			return tooMany("too many writes from this address", retry)
		}
		return next(c)
	}
}

// authorize enforces accessRules on every routed request: it finds the
// principal (bearer token, bootstrap token or session cookie), then checks
// the route's class, permission and scope. Denied writes of a known
// principal go to the audit log.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		method := c.Request().Method
		key := method + " " + c.Path()
		a, ok := s.accessOf[key]
		if !ok {
			if !s.routed[key] {
				return next(c) // Echo's own 404, 405 and OPTIONS answers
			}
			a = adminOnly
		}
		if a.open {
			p, err := s.principal(c)
			if err == nil && p != nil {
				c.Set(principalKey, p)
			}
			return next(c)
		}
		p, err := s.principal(c)
		if err != nil {
			return err
		}
		write := a.class == "" && !safeMethod(method) // reads, even by POST (batch locate), name their class
		if p == nil {
			if s.public[a.class] {
				return next(c)
			}
			what := "this request changes data"
			if !write {
				what = "this is not public"
			}
			return auth.Unauthorized("unauthorized", what+": sign in, or send Authorization: Bearer <token>")
		}
		c.Set(principalKey, p)
		if write {
			if ok, retry := s.writesByPrincipal.Allow(p.Name); !ok {
				c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.999)))
				return tooMany("too many writes by "+p.Name, retry)
			}
		}
		if s.public[a.class] {
			return next(c)
		}
		if err := s.allowed(c, p, a); err != nil {
			if pe, ok := problem.As(err); ok && pe.Status == http.StatusForbidden && write {
				s.record(c, p, a, http.StatusForbidden, nil, nil)
			}
			return err
		}
		return next(c)
	}
}

// principal finds who the request is from: nil (anonymous) or an error
// (401) for a bad bearer token. A session cookie that is unknown or over
// counts as none (and is cleared); one used for a state-changing request
// must come with its CSRF token from the same origin.
func (s *Server) principal(c echo.Context) (*auth.Principal, error) {
	r := c.Request()
	if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		tok = strings.TrimSpace(tok)
		if !ok || tok == "" {
			return nil, auth.Unauthorized("unauthorized", "send the token as Authorization: Bearer <token>")
		}
		if s.cfg.AdminToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) == 1 {
			return auth.Bootstrap(), nil
		}
		if s.pool == nil || !strings.HasPrefix(tok, auth.TokenPrefix) || len(tok) > 200 {
			return nil, auth.Unauthorized("invalid-token", "the bearer token is not valid")
		}
		return s.auth.ByToken(r.Context(), tok)
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || s.pool == nil {
		return nil, nil
	}
	p, err := s.auth.BySession(r.Context(), ck.Value)
	if err != nil || p == nil {
		if p == nil && err == nil {
			s.clearSessionCookie(c)
		}
		return nil, err
	}
	if !safeMethod(r.Method) {
		if err := s.checkCSRF(c, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkCSRF refuses a cookie-authenticated state-changing request that does
// not carry the session's CSRF token or that comes from another origin.
func (s *Server) checkCSRF(c echo.Context, p *auth.Principal) error {
	r := c.Request()
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return forbidden("a request from another site (Sec-Fetch-Site: " + site + ") may not use the session cookie")
	}
	if o := r.Header.Get(echo.HeaderOrigin); o != "" && o != c.Scheme()+"://"+r.Host {
		return forbidden("a request from origin " + o + " may not use the session cookie")
	}
	got := r.Header.Get(csrfHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRF)) != 1 {
		return forbidden("a state-changing request made with the session cookie needs the session's CSRF token in the " + csrfHeader + " header (GET /api/v1/auth/me gives it)")
	}
	return nil
}

// allowed checks permission and scope.
func (s *Server) allowed(c echo.Context, p *auth.Principal, a access) error {
	full := a.perm == "" || p.Has(a.perm)
	ownOnly := !full && a.own != "" && p.Has(a.own)
	if !full && !ownOnly {
		return forbidden(fmt.Sprintf("%s (%s) may not do this: it needs %s", p.Name, joinRoles(p.Roles), a.perm))
	}
	c.Set(ownOnlyKey, ownOnly)
	sc := a.scope
	switch sc.kind {
	case pathScope:
		return s.checkOwner(c, p, owner{reserve: c.Param(sc.name)}, true, false)
	case lookupScope:
		o, err := sc.lookup(c)
		if err != nil {
			return err
		}
		return s.checkOwner(c, p, o, sc.reserve, ownOnly)
	case bodyScope:
		o, err := s.peekBody(c, sc)
		if err != nil {
			return err
		}
		if ownOnly && o.subject == "" {
			o.subject = p.Name // the handler's default: oneself
		}
		return s.checkOwner(c, p, o, sc.name != "", ownOnly)
	case queryScope:
		return narrowList(c, p, sc, ownOnly)
	case globalScope:
		if !p.AllReserves {
			return forbidden(fmt.Sprintf("%s may act only in %s, and this reaches beyond reserves", p.Name, reserveList(p)))
		}
	}
	return nil
}

// checkOwner refuses a resource outside p's reserves (when reserve matters)
// or, for an own-only permission, one whose subject is someone else.
func (s *Server) checkOwner(c echo.Context, p *auth.Principal, o owner, reserve, own bool) error {
	if reserve {
		c.Set(reserveKey, o.reserve)
		if !p.InReserve(o.reserve) {
			if o.reserve == "" {
				return forbidden(fmt.Sprintf("%s may act only in %s, and this names no reserve (or lies outside every reserve): name one", p.Name, reserveList(p)))
			}
			return forbidden(fmt.Sprintf("%s may act only in %s; this is in reserve %s", p.Name, reserveList(p), o.reserve))
		}
	}
	if own && o.subject != p.Name {
		return forbidden(fmt.Sprintf("%s may do this only for their own %s; this one is %q's", p.Name, "records", o.subject))
	}
	return nil
}

func reserveList(p *auth.Principal) string {
	if len(p.Reserves) == 0 {
		return "no reserve"
	}
	return "reserve " + strings.Join(p.Reserves, ", ")
}

func joinRoles(rs []auth.Role) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return strings.Join(out, ", ")
}

// narrowList restricts a list to p's reserves and, for own-only readers, to
// their own subject, by setting the list's filter parameters: a limited user
// with one reserve gets it filled in, one with several must name one.
func narrowList(c echo.Context, p *auth.Principal, sc scope, ownOnly bool) error {
	q := c.QueryParams()
	if sc.name != "" && !p.AllReserves {
		switch v := q.Get(sc.name); {
		case v == "" && len(p.Reserves) == 1:
			q.Set(sc.name, p.Reserves[0])
		case v == "":
			return forbidden(fmt.Sprintf("%s may read only %s: name one with ?%s=", p.Name, reserveList(p), sc.name))
		case !p.InReserve(v):
			return forbidden(fmt.Sprintf("%s may read only %s, not %s", p.Name, reserveList(p), v))
		}
		c.Set(reserveKey, q.Get(sc.name))
	}
	if ownOnly {
		switch v := q.Get(sc.subject); v {
		case "":
			q.Set(sc.subject, p.Name)
		case p.Name:
		default:
			return forbidden(fmt.Sprintf("%s may list only their own (%s=%s)", p.Name, sc.subject, p.Name))
		}
	}
	c.Request().URL.RawQuery = q.Encode()
	return nil
}

// peekBody reads the reserve and subject fields of a JSON body and puts the
// body back for the handler. A body that cannot be read names neither (the
// handler refuses it).
func (s *Server) peekBody(c echo.Context, sc scope) (owner, error) {
	r := c.Request()
	b, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
	if err != nil {
		return owner{}, problem.BadRequest("unreadable-body", "the request body could not be read: "+err.Error())
	}
	if int64(len(b)) > s.cfg.MaxBodyBytes {
		return owner{}, problem.TooLarge(fmt.Sprintf("the request body exceeds %s, the limit for this route", humanBytes(s.cfg.MaxBodyBytes)))
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(b, &fields)
	str := func(name string) string {
		var v string
		if name != "" {
			_ = json.Unmarshal(fields[name], &v)
		}
		return v
	}
	return owner{reserve: str(sc.name), subject: str(sc.subject)}, nil
}

// authorizeUpload checks a track upload's reserve and subject once its form
// fields are read (the body streams, so authorize cannot): a user limited to
// reserves must name one of theirs (their only one is filled in), and a
// ranger uploads as themselves (the subject defaults to their name).
func (s *Server) authorizeUpload(c echo.Context, in *patrol.Input) error {
	p := principalOf(c)
	if p == nil {
		return auth.Unauthorized("unauthorized", "this request changes data: sign in, or send Authorization: Bearer <token>")
	}
	if in.Reserve == "" && !p.AllReserves && len(p.Reserves) == 1 {
		in.Reserve = p.Reserves[0]
	}
	ownOnly, _ := c.Get(ownOnlyKey).(bool)
	if ownOnly && in.Subject == "" {
		in.Subject = p.Name
	}
	c.Set(reserveKey, in.Reserve)
	if !p.AllReserves {
		// A track's reserves are where its points are: one visiting a
		// reserve outside the uploader's is refused, naming it.
		in.Allow = func(reserves []string) error {
			for _, code := range reserves {
				if !p.InReserve(code) {
					return forbidden(fmt.Sprintf("%s may upload only in %s; this track's points are in reserve %s", p.Name, reserveList(p), code))
				}
			}
			return nil
		}
	}
	return s.checkOwner(c, p, owner{reserve: in.Reserve, subject: in.Subject}, !p.AllReserves, ownOnly)
}

// audited is the `write` middleware: the write, the resource's "before"
// image (for updates) and its audit record are one transaction (db.Write),
// and the answer is held back until that transaction is committed, so no
// answered write lacks its record and no record-less write survives. A
// refused or failed write is rolled back and recorded on its own.
func (s *Server) audited(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := principalOf(c)
		if p == nil { // authorize lets no anonymous write through
			return auth.Unauthorized("unauthorized", "this request changes data: sign in, or send Authorization: Bearer <token>")
		}
		a := s.accessOf[c.Request().Method+" "+c.Path()]
		ctx, tx := db.BeginWrite(c.Request().Context(), s.pool)
		defer tx.Rollback(ctx)
		c.SetRequest(c.Request().WithContext(ctx))
		var before any
		if a.before != nil {
			b, err := a.before(c)
			var pe *problem.Error
			if err != nil && !(errors.As(err, &pe) && pe.Status == http.StatusNotFound) {
				return err // no write without its audit record
			}
			if err == nil {
				before = b
			}
		}
		res := c.Response()
		header := res.Header().Clone()
		w := &captureWriter{ResponseWriter: res.Writer}
		res.Writer = w
		err := next(c)
		res.Writer = w.ResponseWriter
		status := statusOf(c, err)
		if err != nil || status >= 300 {
			tx.Rollback(ctx)
			s.record(c, p, a, status, before, nil)
			if sendErr := w.send(); err == nil {
				err = sendErr
			}
			return err
		}
		if err := s.commit(c, tx, p, a, status, before, w.document(res.Header())); err != nil {
			// Nothing was sent: answer the failure instead.
			s.log.Error("audit log: write not recorded, rolled back", "route", c.Request().Method+" "+c.Path(), "actor", p.Name, "err", err)
			res.Committed, res.Status, res.Size = false, 0, 0
			maps.Copy(res.Header(), header)
			for k := range res.Header() {
				if _, ok := header[k]; !ok {
					res.Header().Del(k)
				}
			}
			return err
		}
		s.noteWrite(c)
		return w.send()
	}
}

// commit records the write in the audit log inside its transaction and
// commits both.
func (s *Server) commit(c echo.Context, tx *db.Write, p *auth.Principal, a access, status int, before any, after json.RawMessage) error {
	ctx := c.Request().Context()
	if err := s.auth.Record(ctx, s.entry(c, p, a, status, before, after)); err != nil {
		return fmt.Errorf("api: audit record: %w", err)
	}
	return tx.Commit(ctx)
}

// record appends one entry to the audit log on its own (a refused or
// failed write); failing to do so is logged.
func (s *Server) record(c echo.Context, p *auth.Principal, a access, status int, before any, after json.RawMessage) {
	e := s.entry(c, p, a, status, before, after)
	ctx, cancel := context.WithTimeout(db.Detached(context.WithoutCancel(c.Request().Context())), 10*time.Second)
	defer cancel()
	if err := s.auth.Record(ctx, e); err != nil {
		s.log.Error("audit log: write not recorded", "route", e.Route, "actor", e.Actor, "status", status, "err", err)
	}
}

// entry is the audit entry of a write.
func (s *Server) entry(c echo.Context, p *auth.Principal, a access, status int, before any, after json.RawMessage) auth.Entry {
	e := auth.EntryFor(p)
	e.Address, e.Action, e.Route, e.Status = c.RealIP(), c.Request().Method, c.Request().Method+" "+c.Path(), status
	e.Resource = a.resource
	if e.Resource == "" {
		e.Resource = c.Path()
	}
	if a.idParam != "" {
		e.ResourceID = c.Param(a.idParam)
	} else {
		e.ResourceID = answerID(after, c.Response().Header().Get(echo.HeaderLocation))
	}
	e.Reserve, _ = c.Get(reserveKey).(string)
	if before != nil {
		if b, err := json.Marshal(before); err == nil && len(b) <= maxAuditAnswer {
			e.Before = b
		} else if err == nil {
			e.Before, _ = json.Marshal(map[string]any{"bytes": len(b), "id": e.ResourceID})
		}
	}
	e.After = after
	return e
}

// answerID finds the id of what a write made: the answer's "id" or "code",
// else the last segment of its Location.
func answerID(doc json.RawMessage, location string) string {
	var v struct {
		ID   json.RawMessage `json:"id"`
		Code string          `json:"code"`
	}
	if json.Unmarshal(doc, &v) == nil {
		if len(v.ID) > 0 && string(v.ID) != "null" {
			return strings.Trim(string(v.ID), `"`)
		}
		if v.Code != "" {
			return v.Code
		}
	}
	if location != "" {
		loc, _, _ := strings.Cut(location, "?")
		return loc[strings.LastIndex(loc, "/")+1:]
	}
	return ""
}

// statusOf is the status a handler's answer has (or will have, when it
// returned an error for handleError to write).
func statusOf(c echo.Context, err error) int {
	if err == nil {
		return c.Response().Status
	}
	if p, ok := problem.As(err); ok {
		return p.Status
	}
	if he := (*echo.HTTPError)(nil); errors.As(err, &he) {
		return he.Code
	}
	return http.StatusInternalServerError
}

// maxAuditAnswer is the largest answer kept whole as the "after" of an
// audit entry; a larger one is summarised.
const maxAuditAnswer = 64 << 10

// captureWriter holds a write's answer back until its transaction is
// committed (send), and keeps the start of it for the audit log.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	total  int
}

func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.total += len(b)
	return w.body.Write(b)
}

// Flush is a no-op: nothing leaves before the commit.
func (w *captureWriter) Flush() {}

// send writes the held answer.
func (w *captureWriter) send() error {
	if w.status == 0 {
		return nil
	}
	w.ResponseWriter.WriteHeader(w.status)
	_, err := w.ResponseWriter.Write(w.body.Bytes())
	return err
}

// secretFields never go into the audit log.
var secretFields = []string{"token", "password", "csrf_token"}

// document is the captured answer as JSON for the audit log: the answer
// itself (without secrets) when it is JSON and small, else what it was.
func (w *captureWriter) document(h http.Header) json.RawMessage {
	if w.total == 0 {
		return nil
	}
	if w.total <= maxAuditAnswer && json.Valid(w.body.Bytes()) {
		var m map[string]json.RawMessage
		if json.Unmarshal(w.body.Bytes(), &m) == nil {
			for _, f := range secretFields {
				delete(m, f)
			}
			b, _ := json.Marshal(m)
			return b
		}
		return bytes.Clone(w.body.Bytes())
	}
	var id json.RawMessage
	if json.Valid(w.body.Bytes()) {
		id = w.body.Bytes()
	}
	b, _ := json.Marshal(map[string]any{"bytes": w.total, "content_type": h.Get(echo.HeaderContentType),
		"location": h.Get(echo.HeaderLocation), "id": answerID(id, h.Get(echo.HeaderLocation))})
	return b
}

// AccessRule is a route's rule as the tests and the OpenAPI document see it.
type AccessRule struct {
	// Open routes serve anyone; Public reads serve anonymous visitors under
	// this server's configuration; Write is a route that changes data.
	Open, Public, Write bool
	Class               string
	Perm, Own           auth.Permission
	// Scope is how the reserve and subject are found: "", "path", "query",
	// "body", "lookup", "handler" or "global" (beyond reserves).
	Scope string
}

// AccessRule returns the rule of the route (method and Echo path); ok is
// false for a route without one.
func (s *Server) AccessRule(method, path string) (r AccessRule, ok bool) {
	a, ok := s.accessOf[method+" "+path]
	scopes := map[scopeKind]string{noScope: "", pathScope: "path", queryScope: "query", bodyScope: "body", lookupScope: "lookup", handlerScope: "handler",
		globalScope: "global"}
	return AccessRule{Open: a.open, Public: s.public[a.class], Write: !a.open && a.class == "" && !safeMethod(method), Class: a.class, Perm: a.perm, Own: a.own,
		Scope: scopes[a.scope.kind]}, ok
}

// AccessRuleKeys lists every "METHOD path" that has a rule.
func (s *Server) AccessRuleKeys() []string {
	keys := make([]string, 0, len(s.accessOf))
	for k := range s.accessOf {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
