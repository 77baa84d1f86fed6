package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"warden/internal/geoio"
	"warden/internal/markers"
	"warden/internal/problem"
)

type markerFeature struct {
	Type       string         `json:"type"`
	ID         int64          `json:"id"`
	Geometry   pointGeometry  `json:"geometry"`
	Properties markers.Marker `json:"properties"`
}

type pointGeometry struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func toFeature(m markers.Marker) markerFeature {
	return markerFeature{Type: "Feature", ID: m.ID, Geometry: pointGeometry{"Point", [2]float64{m.Lon, m.Lat}}, Properties: m}
}

func toCollection(ms []markers.Marker) map[string]any {
	fs := make([]markerFeature, len(ms))
	for i, m := range ms {
		fs[i] = toFeature(m)
	}
	return map[string]any{"type": "FeatureCollection", "features": fs}
}

// GET /api/v1/reserves/{code}/markers[?status=&kind=]: a FeatureCollection of the reserve's markers.
func (s *Server) listMarkers(c echo.Context) error {
	ms, err := s.markers.List(c.Request().Context(), c.Param("code"), markers.Filter{Status: c.QueryParam("status"), Kind: c.QueryParam("kind")})
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, toCollection(ms))
}

// POST /api/v1/reserves/{code}/markers, body a GeoJSON Feature or
// FeatureCollection of markers: 201 with the FeatureCollection stored (all or none).
func (s *Server) createMarkers(c echo.Context) error {
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	feats, err := geoio.DecodeGeoJSON(body, geoio.GeoJSONOptions{})
	if err != nil {
		return err
	}
	if err := geoio.CheckFeatureLimits(feats, maxMarkerFeatures, 0); err != nil {
		return err
	}
	ins, err := markers.FromFeatures(feats)
	if err != nil {
		return err
	}
	if len(ins) == 0 {
		return problem.Invalid("invalid-marker", "no markers in the body")
	}
	ms, err := s.markers.Create(c.Request().Context(), c.Param("code"), ins)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusCreated, toCollection(ms))
}

func markerID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, problem.NotFound("marker", c.Param("id"))
	}
	return id, nil
}

// GET /api/v1/markers/{id}: the marker as a GeoJSON Feature.
func (s *Server) getMarker(c echo.Context) error {
	id, err := markerID(c)
	if err != nil {
		return err
	}
	m, err := s.markers.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, toFeature(m))
}

// PATCH /api/v1/markers/{id}, body {"status": "damaged", "last_inspected_on": "...",
// "revision": 3, ...}: 200 with the marker; 409 if revision is stale.
func (s *Server) patchMarker(c echo.Context) error {
	id, err := markerID(c)
	if err != nil {
		return err
	}
	var p markers.Patch
	if err := s.decodeStrict(c, &p); err != nil {
		return err
	}
	m, err := s.markers.Update(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", fmt.Sprintf(`"%d"`, m.Revision))
	return geoJSON(c, http.StatusOK, toFeature(m))
}
