package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"warden/internal/geoio"
	"warden/internal/zoning"
)

// GET /api/v1/reserves: {"reserves": [...]}, by code.
func (s *Server) listReserves(c echo.Context) error {
	rs, err := s.zones.Reserves(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"reserves": rs})
}

// POST /api/v1/reserves, body a reserve: 201 with the reserve; 409 if the code is taken.
func (s *Server) createReserve(c echo.Context) error {
	var in zoning.ReserveInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	r, err := s.zones.CreateReserve(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/reserves/"+r.Code)
	return c.JSON(http.StatusCreated, r)
}

// GET /api/v1/reserves/{code}: the reserve with its current zoning (zones, kinds, area_ha).
func (s *Server) getReserve(c echo.Context) error {
	r, err := s.zones.Reserve(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// GET /api/v1/reserves/{code}/versions: {"versions": [...]}, newest first.
func (s *Server) listVersions(c echo.Context) error {
	vs, err := s.zones.Versions(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"versions": vs})
}

// GET /api/v1/reserves/{code}/zones[?version=N]: a GeoJSON FeatureCollection
// of the current (or Nth) version's zones.
func (s *Server) getZones(c echo.Context) error {
	version, err := intParam(c.QueryParams(), "version", 0, 1, 0)
	if err != nil {
		return err
	}
	fc, err := s.zones.Zones(c.Request().Context(), c.Param("code"), version)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, fc)
}

// PUT /api/v1/reserves/{code}/zones[?crs=EPSG:4490&approved_on=YYYY-MM-DD&approval=...&note=...],
// body a GeoJSON FeatureCollection with one feature per zone (properties.kind):
// 201 with the new current version and each zone's area_ha; 422 listing every
// problem by feature, with nothing stored. A body sent as application/zip is
// a zipped shapefile (putZonesShapefile).
func (s *Server) putZones(c echo.Context) error {
	if isZip(c.Request().Header.Get(echo.HeaderContentType)) {
		return s.putZonesShapefile(c)
	}
	crs, err := geoio.ParseCRS(c.QueryParam("crs"))
	if err != nil {
		return err
	}
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	feats, err := geoio.DecodeGeoJSON(body, geoio.GeoJSONOptions{Projected: crs.Projected()})
	if err != nil {
		return err
	}
	if err := geoio.CheckFeatureLimits(feats, maxZoneFeatures, maxZoneVertices); err != nil {
		return err
	}
	v, err := s.zones.PutZones(c.Request().Context(), c.Param("code"), feats, zoning.VersionInput{
		ApprovedOn: c.QueryParam("approved_on"), Approval: c.QueryParam("approval"), Note: c.QueryParam("note"), CRS: crs,
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/reserves/%s/zones?version=%d", c.Param("code"), v.Version))
	return c.JSON(http.StatusCreated, v)
}
