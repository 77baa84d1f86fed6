package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"warden/internal/db"
	"warden/internal/problem"
)

// problemBase prefixes problem type slugs to form their type URIs (relative
// references, as RFC 9457 allows).
const problemBase = "/problems/"

// retryAfterSeconds is the Retry-After of a 503: about how long a restarting
// database or a busy one takes to answer again.
const retryAfterSeconds = "5"

// problemDoc is an RFC 9457 problem document.
type problemDoc struct {
	Type     string           `json:"type"`
	Title    string           `json:"title"`
	Status   int              `json:"status"`
	Detail   string           `json:"detail"`
	Instance string           `json:"instance,omitempty"`
	Problems []problem.Detail `json:"problems,omitempty"`
}

// handleError is Echo's one error handler: every error a handler returns is
// written here as application/problem+json. 500s are logged and their detail
// is never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	doc := problemDoc{Instance: c.Request().URL.Path}
	var extra map[string]any
	var he *echo.HTTPError
	var pe *pgconn.PgError
	switch p, ok := problem.As(err); {
	case ok:
		doc.Type, doc.Title, doc.Status, doc.Detail, doc.Problems = p.Type, p.Title, p.Status, p.Detail, p.Problems
		extra = p.Extra
		if p.Status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="warden"`)
		}
	case errors.As(err, &he):
		doc.Status = he.Code
		doc.Title = http.StatusText(he.Code)
		doc.Type = slugFor(he.Code)
		doc.Detail = detailFor(he)
	case errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05"):
		// Input validation refuses NUL characters where it knows the field;
		// this catches any text that still reaches PostgreSQL with one.
		doc.Status, doc.Type, doc.Title = http.StatusBadRequest, "invalid-text", "Bad request"
		doc.Detail = "a text value contains a NUL character (U+0000) or an invalid byte sequence, which cannot be stored"
	case pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &pe) && pe.Code == "57014"):
		doc.Status, doc.Type, doc.Title = http.StatusServiceUnavailable, "timeout", "Service unavailable"
		doc.Detail = "the database did not answer in time; try again, or with a smaller request"
		c.Response().Header().Set("Retry-After", retryAfterSeconds)
		s.log.Warn("request timed out", "path", c.Path(), "err", err)
	case errors.As(err, &pe) && pe.Code == "XX000" && strings.HasPrefix(pe.Message, "GEOS "):
		// PostGIS reports GEOS's validity checks failing or being
		// interrupted by the statement timeout as an internal error: the
		// geometry was too costly to check within the limits.
		doc.Status, doc.Type, doc.Title = http.StatusServiceUnavailable, "timeout", "Service unavailable"
		doc.Detail = "the database could not finish checking this geometry within its limits; try again, or send a simpler geometry"
		c.Response().Header().Set("Retry-After", retryAfterSeconds)
		s.log.Warn("geometry check failed", "path", c.Path(), "err", err)
	case db.Unavailable(err):
		doc.Status, doc.Type, doc.Title = http.StatusServiceUnavailable, "database-unavailable", "Service unavailable"
		doc.Detail = "the database cannot be reached or is restarting; try again shortly"
		c.Response().Header().Set("Retry-After", retryAfterSeconds)
		s.log.Warn("database unavailable", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	default:
		doc.Status, doc.Type, doc.Title = http.StatusInternalServerError, "internal", "Internal server error"
		doc.Detail = "an unexpected error occurred; it has been logged"
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	doc.Type = problemBase + doc.Type
	body := map[string]any{}
	b, _ := json.Marshal(doc)
	_ = json.Unmarshal(b, &body)
	for k, v := range extra {
		body[k] = v
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(doc.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	if err := json.NewEncoder(c.Response()).Encode(body); err != nil {
		s.log.Debug("write problem", "err", err)
	}
}

func slugFor(code int) string {
	switch code {
	case http.StatusNotFound:
		return "not-found"
	case http.StatusMethodNotAllowed:
		return "method-not-allowed"
	case http.StatusRequestEntityTooLarge:
		return "too-large"
	case http.StatusUnsupportedMediaType:
		return "unsupported-media-type"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	}
	if code >= 500 {
		return "internal"
	}
	return "bad-request"
}

func detailFor(he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusNotFound:
		return "no such resource or route"
	case http.StatusMethodNotAllowed:
		return "this route does not take that method"
	case http.StatusRequestEntityTooLarge:
		return "the request body exceeds this route's size limit"
	}
	if m, ok := he.Message.(string); ok && he.Code < 500 {
		return m
	}
	return http.StatusText(he.Code)
}

// GET /api/v1/problem-types: {"type": {"zh", "en"}} — every problem type slug (the last
// segment of a problem's type URI) with its title in Chinese and English, for pages that
// show refusals in their own language.
func problemTypes(c echo.Context) error {
	return c.JSON(http.StatusOK, problem.Types)
}
