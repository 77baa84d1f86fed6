package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// sendFile answers with a built page or asset, or 304 when If-None-Match
// names its ETag.
func (s *Server) sendFile(c echo.Context, name string) error {
	f, err := s.site.Open(name)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", f.CacheControl)
	h.Set("ETag", f.ETag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), f.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, f.ContentType, f.Body)
}

// GET /: the map page (zones, reserve outlines, markers; search, coordinates,
// layer switcher). 503 if the pages were not built.
func (s *Server) mapPage(c echo.Context) error { return s.sendFile(c, "index.html") }

// GET /markers: the markers page (table with status, announcement table as
// CSV). 503 if the pages were not built.
func (s *Server) markersPage(c echo.Context) error { return s.sendFile(c, "markers.html") }

// GET /screening: the screening page (draw or upload a footprint, choose the
// activity, see the verdict of POST /api/v1/screenings and open the report).
// 503 if the pages were not built.
func (s *Server) screeningPage(c echo.Context) error { return s.sendFile(c, "screening.html") }

// GET /tracks: the patrol tracks page (upload a track by drag and drop, see it on the
// map with its zone visits and findings; the recent tracks). The page is public; the
// track routes behind it need rights. 503 if the pages were not built.
func (s *Server) tracksPage(c echo.Context) error { return s.sendFile(c, "tracks.html") }

// GET /cases: the cases page (the problem list with filters: reserve,
// status, unit, grid cell, overdue, source). The page is public; the case
// routes behind it need rights. 503 if the pages were not built.
func (s *Server) casesPage(c echo.Context) error { return s.sendFile(c, "cases.html") }

// GET /cases/{id}: one case's page (its location on the map, the timeline
// of its events, measures and evidence, and the next allowed steps, which
// POST /api/v1/cases/{id}/transitions). The page is public; the case routes
// behind it need rights. 503 if the pages were not built.
func (s *Server) casePage(c echo.Context) error { return s.sendFile(c, "case.html") }

// GET /clues: the clue ledger page (问题线索台账: map and task list of the
// Green Shield clues). The page is public; the clue routes behind it need
// rights. 503 if the pages were not built.
func (s *Server) cluesPage(c echo.Context) error { return s.sendFile(c, "clues.html") }

// GET /live: the live map (实时监控: devices, trails, zones and the alerts of
// the event stream). The page is public; the device and event routes behind
// it need rights. 503 if the pages were not built.
func (s *Server) livePage(c echo.Context) error { return s.sendFile(c, "live.html") }

// GET /devices: the device registry page (定位设备: register, edit and
// remove devices). The page is public; the device routes behind it need
// rights. 503 if the pages were not built.
func (s *Server) devicesPage(c echo.Context) error { return s.sendFile(c, "devices.html") }

// GET /assets/*: the pages' scripts and styles. The query string is ignored
// (MapLibre fetches its worker as maplibre-gl-worker.mjs?v=...).
func (s *Server) asset(c echo.Context) error { return s.sendFile(c, "assets/"+c.Param("*")) }

// GET /config.json: what the pages need to know (the optional base map).
func (s *Server) pageConfig(c echo.Context) error {
	return c.JSON(http.StatusOK, s.site.PageConfig(s.cfg.Version))
}
