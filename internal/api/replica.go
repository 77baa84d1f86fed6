package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"warden/internal/db"
)

// replicaRoutes are the reads a streaming replica may answer (Config.Replicas):
// tiles, the OGC API, lists and reports. Their handlers only read; a
// principal and its scope are looked up before, on the primary.
var replicaRoutes = map[string]bool{
	"GET /tiles/:layer/:z/:x/:y.mvt": true, "GET /tiles/:layer.json": true,
	"GET /ogc/collections": true, "GET /ogc/collections/:collectionId": true,
	"GET /ogc/collections/:collectionId/items": true, "GET /ogc/collections/:collectionId/items/:featureId": true,
	"GET /api/v1/reserves": true, "GET /api/v1/cases": true, "GET /api/v1/tracks": true, "GET /api/v1/screenings": true,
	"GET /api/v1/clues": true, "GET /api/v1/clue-batches": true, "GET /api/v1/reserves/:code/markers": true,
	"GET /api/v1/reserves/:code/grid-cells": true, "GET /api/v1/reserves/:code/versions": true,
	"GET /api/v1/reports/daily": true, "GET /api/v1/reports/weekly": true, "GET /api/v1/reports/overdue": true,
	"GET /api/v1/reports/units": true, "GET /api/v1/clues/statistics": true, "GET /api/v1/grid-cells/coverage": true,
}

// lsnCookie and lsnHeader carry the primary's WAL position after a client's
// last write: its reads go to a replica only once that replica has
// replayed it (read-your-writes). lsnTTL is how long the cookie is kept,
// longer than any lag a replica is used with.
const (
	lsnCookie = "warden_lsn"
	lsnHeader = "X-Warden-Lsn"
	lsnTTL    = time.Minute
)

// routeReads sends the replicaRoutes to a replica that has replayed the
// client's last write and lags little, else to the primary; the answer's
// X-Warden-Read says which ("replica" or "primary").
func (s *Server) routeReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.cfg.Replicas == nil || !replicaRoutes[c.Request().Method+" "+c.Path()] {
			return next(c)
		}
		var min uint64
		if v := c.Request().Header.Get(lsnHeader); v != "" {
			min, _ = db.ParseLSN(v)
		} else if ck, err := c.Cookie(lsnCookie); err == nil {
			min, _ = db.ParseLSN(ck.Value)
		}
		if pool := s.cfg.Replicas.Pick(min); pool != nil {
			c.SetRequest(c.Request().WithContext(db.ReadFrom(c.Request().Context(), pool)))
			c.Response().Header().Set("X-Warden-Read", "replica")
		} else {
			c.Response().Header().Set("X-Warden-Read", "primary")
		}
		return next(c)
	}
}

// noteWrite tells the client, after its write is committed, the primary's
// WAL position (a cookie for browsers, a header for API clients), so that
// its next reads see the write.
func (s *Server) noteWrite(c echo.Context) {
	if s.cfg.Replicas == nil {
		return
	}
	lsn, err := s.cfg.Replicas.WriteLSN(c.Request().Context())
	if err != nil {
		s.log.Warn("read-your-writes: no WAL position; this client's next reads may miss its write on a replica", "err", err)
		return
	}
	v := db.FormatLSN(lsn)
	c.Response().Header().Set(lsnHeader, v)
	c.SetCookie(&http.Cookie{Name: lsnCookie, Value: v, Path: "/", MaxAge: int(lsnTTL.Seconds()), HttpOnly: true,
		Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
}
