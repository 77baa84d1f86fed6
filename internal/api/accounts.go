package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"warden/internal/auth"
	"warden/internal/problem"
)

// authRoutes mounts login, sessions, users, tokens and the audit log.
func (s *Server) authRoutes(v1 *echo.Group, write echo.MiddlewareFunc) {
	v1.POST("/auth/login", s.login)
	v1.GET("/auth/me", s.me)
	v1.POST("/auth/logout", s.logout, write)
	v1.POST("/auth/password", s.changePassword, write)
	v1.GET("/users", s.listUsers)
	v1.POST("/users", s.createUser, write)
	v1.GET("/users/:name", s.getUser)
	v1.PATCH("/users/:name", s.patchUser, write)
	v1.GET("/tokens", s.listTokens)
	v1.POST("/tokens", s.createToken, write)
	v1.DELETE("/tokens/:id", s.revokeToken, write)
	v1.GET("/audit", s.listAudit)
}

// loginBody is POST /api/v1/auth/login's body.
type loginBody struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// POST /api/v1/auth/login, body {"name", "password"} (application/json only):
// 200 {"user", "csrf_token", "expires_at"} and an HttpOnly, SameSite=Lax
// session cookie; 401 for a wrong name or password; 429 when throttled.
func (s *Server) login(c echo.Context) error {
	r := c.Request()
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return forbidden("a login from another site is refused")
	}
	if ct := r.Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-media-type", Title: "Unsupported media type",
			Detail: `send the login as application/json: {"name": ..., "password": ...}`}
	}
	addr := c.RealIP()
	if ok, retry := s.loginsByAddress.Allow(addr); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.999)))
		return tooMany("too many login attempts from this address", retry)
	}
	var in loginBody
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	name := strings.ToLower(strings.TrimSpace(in.Name))
	if blocked, retry := s.failedLogins.Blocked(name); blocked {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.999)))
		return tooMany(fmt.Sprintf("too many failed logins for %q", name), retry)
	}
	if len(in.Password) > 4*auth.MaxPasswordLen {
		in.Password = in.Password[:4*auth.MaxPasswordLen] // wrong anyway; bounds the work
	}
	ses, p, err := s.auth.Login(r.Context(), name, in.Password, addr, r.UserAgent(), s.cfg.Auth.SessionTTL)
	entry := auth.Entry{Actor: name, Via: auth.ViaPassword, Address: addr, Action: "login", Route: "POST " + c.Path(), Resource: "session"}
	if err != nil {
		if pe, ok := problem.As(err); ok && pe.Status == http.StatusUnauthorized {
			s.failedLogins.Allow(name)
			entry.Status = http.StatusUnauthorized
			if rerr := s.auth.Record(r.Context(), entry); rerr != nil {
				s.log.Error("audit log: failed login not recorded", "err", rerr)
			}
		}
		return err
	}
	s.failedLogins.Reset(name)
	entry.ActorID, entry.Status = &p.UserID, http.StatusOK
	if err := s.auth.Record(r.Context(), entry); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: ses.Secret, Path: "/", Expires: ses.Expires, MaxAge: int(time.Until(ses.Expires).Seconds()),
		HttpOnly: true, Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
	return c.JSON(http.StatusOK, map[string]any{"user": meDoc(p), "csrf_token": ses.CSRF, "expires_at": ses.Expires.UTC()})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
}

// principalDoc is who a principal is, as /auth/me shows it.
type principalDoc struct {
	Name        string      `json:"name"`
	Roles       []auth.Role `json:"roles"`
	AllReserves bool        `json:"all_reserves"`
	Reserves    []string    `json:"reserves"`
	Via         auth.Via    `json:"via"`
}

func meDoc(p *auth.Principal) principalDoc {
	rs := p.Reserves
	if rs == nil {
		rs = []string{}
	}
	return principalDoc{Name: p.Name, Roles: p.Roles, AllReserves: p.AllReserves, Reserves: rs, Via: p.Via}
}

// GET /api/v1/auth/me: {"authenticated": false} for an anonymous caller, else
// {"authenticated": true, "user": {"name", "roles", "all_reserves",
// "reserves", "via"}} and, for a session, its "csrf_token".
func (s *Server) me(c echo.Context) error {
	p := principalOf(c)
	if p == nil {
		return c.JSON(http.StatusOK, map[string]any{"authenticated": false})
	}
	doc := map[string]any{"authenticated": true, "user": meDoc(p)}
	if p.Via == auth.ViaSession {
		doc["csrf_token"] = p.CSRF
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, doc)
}

// POST /api/v1/auth/logout: 204; the session ends and its cookie is cleared.
func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.auth.Logout(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

// POST /api/v1/auth/password, body {"current_password", "new_password"}: 204;
// the user's other sessions end. 403 if the current password is wrong.
func (s *Server) changePassword(c echo.Context) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	p := principalOf(c)
	if p.UserID == 0 {
		return problem.Invalid("no-user", "the bootstrap token belongs to no user, so it has no password")
	}
	keep := ""
	if ck, err := c.Cookie(sessionCookie); err == nil && p.Via == auth.ViaSession {
		keep = ck.Value
	}
	if err := s.auth.ChangePassword(c.Request().Context(), p.UserID, in.Current, in.New, keep); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// GET /api/v1/users: {"users": [...]}, by name.
func (s *Server) listUsers(c echo.Context) error {
	us, err := s.auth.Users(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"users": us})
}

// POST /api/v1/users, body {"name", "display_name", "roles", "reserves",
// "password"}: 201 with the user; 409 if the name is taken; 422 for a bad
// name, role, reserve or password. reserves empty: every reserve.
func (s *Server) createUser(c echo.Context) error {
	var in auth.UserInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	u, err := s.auth.CreateUser(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+u.Name)
	return c.JSON(http.StatusCreated, u)
}

// GET /api/v1/users/{name}: one user.
func (s *Server) getUser(c echo.Context) error {
	u, err := s.auth.User(c.Request().Context(), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// PATCH /api/v1/users/{name}, body with any of {"display_name", "roles",
// "reserves", "password", "disabled"}: 200 with the user. A new password or
// disabling ends the user's sessions (their tokens stay until revoked, but a
// disabled user's tokens are refused).
func (s *Server) patchUser(c echo.Context) error {
	var in auth.UserPatch
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	u, err := s.auth.UpdateUser(c.Request().Context(), c.Param("name"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// GET /api/v1/tokens[?user=]: {"tokens": [...]}, newest first: one's own
// tokens; an admin sees everyone's, or one user's.
func (s *Server) listTokens(c echo.Context) error {
	ts, err := s.auth.Tokens(c.Request().Context(), c.QueryParam("user"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": ts})
}

// POST /api/v1/tokens, body {"name", "user", "expires_at" (RFC 3339) or
// "expires_in" (a duration such as "720h")}: 201 with the token and, this
// once, its secret in "token". user defaults to oneself; only an admin makes
// tokens for others.
func (s *Server) createToken(c echo.Context) error {
	var in struct {
		Name      string     `json:"name"`
		User      string     `json:"user"`
		ExpiresAt *time.Time `json:"expires_at"`
		ExpiresIn string     `json:"expires_in"`
	}
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	if in.User == "" {
		p := principalOf(c)
		if p.UserID == 0 {
			return problem.Invalid("invalid-token-request", "the bootstrap token belongs to no user: name the token's user in \"user\"",
				problem.At(-1, "user", "missing"))
		}
		in.User = p.Name
	}
	expires := in.ExpiresAt
	if in.ExpiresIn != "" {
		d, err := time.ParseDuration(in.ExpiresIn)
		if err != nil || d <= 0 || in.ExpiresAt != nil {
			return problem.Invalid("invalid-token-request", fmt.Sprintf("expires_in %q must be a positive duration such as \"720h\", and not given with expires_at", in.ExpiresIn),
				problem.At(-1, "expires_in", "not a positive duration"))
		}
		t := time.Now().Add(d)
		expires = &t
	}
	t, err := s.auth.CreateToken(c.Request().Context(), in.User, in.Name, expires)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/tokens/%d", t.ID))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, t)
}

// DELETE /api/v1/tokens/{id}: 200 with the revoked token; one's own, or
// anyone's for an admin.
func (s *Server) revokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return problem.NotFound("token", c.Param("id"))
	}
	t, err := s.auth.RevokeToken(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// GET /api/v1/audit[?actor=&action=&resource=&resource_id=&reserve=&status=&from=&to=&limit=&offset=]:
// {"total", "limit", "offset", "entries": [...]}, newest first.
func (s *Server) listAudit(c echo.Context) error {
	q := c.QueryParams()
	f := auth.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Resource: q.Get("resource"),
		ResourceID: q.Get("resource_id"), Reserve: q.Get("reserve")}
	if err := listParams(q, &f.From, &f.To, &f.Limit, &f.Offset); err != nil {
		return err
	}
	if err := wholeNumbers(q, map[string]*int{"status": &f.Status}); err != nil {
		return err
	}
	p, err := s.auth.Audit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
