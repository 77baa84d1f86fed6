package api

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"warden/internal/auth"
)

// AuthConfig is how the API guards itself: what is public, CORS, rate
// limits, sessions, and which proxies to believe about client addresses.
type AuthConfig struct {
	// PublicRead lists the read classes anonymous visitors may read
	// (nil: DefaultPublicRead; see ParsePublicRead).
	PublicRead []string
	// CORSOrigins may call the API from their pages (bearer tokens only,
	// never the session cookie). Empty: no CORS headers at all.
	CORSOrigins []string
	// TrustedProxies are the networks whose X-Forwarded-For is believed for
	// the client's address (rate limits, audit). Empty: the peer address.
	TrustedProxies []*net.IPNet
	// WritesPerMinute limits writes per principal and per address; 0: no
	// limit. LoginsPerMinute limits login attempts per address, and
	// LoginFailures failed logins per user name in 15 minutes.
	WritesPerMinute, LoginsPerMinute, LoginFailures int
	// AnonymousLocatePoints is how many points a minute one address may
	// locate in batches without credentials (0: 100,000; negative: no
	// limit), so anonymous callers cannot hold the service's work for long.
	AnonymousLocatePoints int
	// SessionTTL is how long a browser session lasts (default 12 h).
	SessionTTL time.Duration
	// CSPOrigins are more origins the pages may fetch from (a base map
	// style's tiles, sprites and glyphs); the base map URL's origin is
	// always allowed.
	CSPOrigins []string
}

// accounts is the Server's part for accounts and authorization.
type accounts struct {
	auth *auth.Store
	// accessOf is accessRules(); routed holds every registered "METHOD path".
	accessOf map[string]access
	routed   map[string]bool
	public   map[string]bool
	// limiters of writes (per address, per principal) and logins.
	writesByAddress, writesByPrincipal, loginsByAddress, failedLogins *auth.Limiter
	// anonymousPoints is the per-address budget of anonymous batch locates.
	anonymousPoints *auth.Limiter
	// pageCSP is the Content-Security-Policy of the map pages.
	pageCSP string
}

// setupAuth wires the guards, after the routes are registered: security
// headers, CORS, the write limit per address and authorize.
func (s *Server) setupAuth() {
	cfg := s.cfg.Auth
	s.accessOf = s.accessRules()
	s.routed = map[string]bool{}
	for _, r := range s.e.Routes() {
		if !strings.HasPrefix(r.Method, "echo_") {
			s.routed[r.Method+" "+r.Path] = true
		}
	}
	for key := range s.routed {
		if _, ok := s.accessOf[key]; !ok {
			s.log.Warn("route has no access rule: admins only until internal/api/auth.go gives it one", "route", key)
		}
	}
	pub := cfg.PublicRead
	if pub == nil {
		pub = DefaultPublicRead
	}
	s.public = map[string]bool{}
	for _, c := range pub {
		s.public[c] = true
	}
	// Counts live in PostgreSQL, so every process on the database limits together.
	s.writesByAddress = auth.NewSharedLimiter(s.pool, "writes_by_address", cfg.WritesPerMinute, time.Minute)
	s.writesByPrincipal = auth.NewSharedLimiter(s.pool, "writes_by_principal", cfg.WritesPerMinute, time.Minute)
	s.loginsByAddress = auth.NewSharedLimiter(s.pool, "logins_by_address", cfg.LoginsPerMinute, time.Minute)
	s.failedLogins = auth.NewSharedLimiter(s.pool, "failed_logins", cfg.LoginFailures, 15*time.Minute)
	switch n := cfg.AnonymousLocatePoints; {
	case n == 0:
		s.anonymousPoints = auth.NewSharedLimiter(s.pool, "anonymous_points", 100_000, time.Minute)
	case n > 0:
		s.anonymousPoints = auth.NewSharedLimiter(s.pool, "anonymous_points", n, time.Minute)
	}
	if s.cfg.Auth.SessionTTL == 0 {
		s.cfg.Auth.SessionTTL = 12 * time.Hour
	}
	s.pageCSP = pageCSP(append([]string{s.cfg.Web.BasemapURL}, cfg.CSPOrigins...))

	s.e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		s.e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	s.e.Use(s.securityHeaders)
	if len(cfg.CORSOrigins) > 0 {
		s.e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  cfg.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-None-Match"},
			ExposeHeaders: []string{echo.HeaderLocation, "ETag", "Content-Crs", "Retry-After", echo.HeaderContentDisposition},
			MaxAge:        600,
		}))
	}
	s.e.Use(s.limitAddress, s.authorize)
}

// pageCSP is the Content-Security-Policy of the map pages: Warden's own
// scripts and styles only; MapLibre's needs (its worker from this origin or a
// blob:, images from data: and blob: URLs, WebGL needs nothing); and the
// base map's origin for tiles.
func pageCSP(extra []string) string {
	origins := ""
	for _, o := range extra {
		if u, err := url.Parse(o); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			origins += " " + u.Scheme + "://" + u.Host
		}
	}
	return "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; style-src 'self'; " +
		"img-src 'self' data: blob:" + origins + "; connect-src 'self'" + origins + "; font-src 'self'; object-src 'none'; " +
		"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

// otherCSP is the Content-Security-Policy of every other answer: no scripts
// at all; inline styles and data: images for the OGC pages and reports.
const otherCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// mapPages are the routes that get pageCSP: the pages and their assets (a
// worker runs under the policy its script came with, and MapLibre's worker
// fetches the tiles).
var mapPages = map[string]bool{"/": true, "/markers": true, "/screening": true, "/tracks": true, "/cases": true, "/cases/:id": true, "/rules": true, "/clues": true, "/live": true, "/devices": true, "/assets/*": true}

// securityHeaders sets the security headers of every answer.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if mapPages[c.Path()] {
			h.Set("Content-Security-Policy", s.pageCSP)
		} else {
			h.Set("Content-Security-Policy", otherCSP)
		}
		return next(c)
	}
}
