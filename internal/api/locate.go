package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// GET /api/v1/locate?lon=..&lat=..: which reserve and zone the point is in
// (inside=false if none) and the geodesic distance to the nearest zone boundary.
func (s *Server) locateOne(c echo.Context) error {
	var p orb.Point
	for i, name := range []string{"lon", "lat"} {
		v := c.QueryParam(name)
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be a number in decimal degrees", name, v))
		}
		p[i] = f
	}
	ls, err := s.zones.Locate(c.Request().Context(), []orb.Point{p}, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ls[0])
}

// POST /api/v1/locate[?distance=true], body a GeoJSON MultiPoint or a JSON
// array of [lon, lat]: {"count": n, "inside": k, "results": [...]}, one result
// per point in order; boundary distances only when asked.
func (s *Server) locateMany(c echo.Context) error {
	distance := false
	if v := c.QueryParam("distance"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("distance=%q must be true or false", v))
		}
		distance = b
	}
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	pts, err := readPoints(body)
	if err != nil {
		return err
	}
	if len(pts) > maxLocatePoints {
		return problem.TooLarge(fmt.Sprintf("the batch has %d points, more than the limit of %d", len(pts), maxLocatePoints))
	}
	ls, err := s.zones.Locate(c.Request().Context(), pts, distance)
	if err != nil {
		return err
	}
	inside := 0
	for _, l := range ls {
		if l.Inside {
			inside++
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"count": len(ls), "inside": inside, "results": ls})
}

// readPoints reads a GeoJSON MultiPoint or a bare array of positions. It uses
// encoding/json directly (not the validating GeoJSON reader) because a batch
// may hold a million points and only this one shape is accepted.
func readPoints(body []byte) ([]orb.Point, error) {
	var raw [][]float64
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var mp struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
			BBox        json.RawMessage `json:"bbox"`
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&mp); err != nil {
			return nil, jsonProblem(err)
		}
		if mp.Type != "MultiPoint" {
			return nil, problem.Invalid("invalid-geojson", fmt.Sprintf("type %q: send a GeoJSON MultiPoint or an array of [lon, lat]", mp.Type))
		}
		if err := json.Unmarshal(mp.Coordinates, &raw); err != nil {
			return nil, jsonProblem(err)
		}
	} else if err := json.Unmarshal(trimmed, &raw); err != nil {
		return nil, jsonProblem(err)
	}
	if len(raw) == 0 {
		return nil, problem.Invalid("invalid-point", "no points to locate")
	}
	pts := make([]orb.Point, len(raw))
	for i, r := range raw {
		if len(r) < 2 || len(r) > 3 {
			return nil, problem.Invalid("invalid-point", fmt.Sprintf("position %d has %d numbers: expected [lon, lat] or [lon, lat, elevation]", i, len(r)),
				problem.At(-1, fmt.Sprintf("[%d]", i), "expected [lon, lat]"))
		}
		pts[i] = orb.Point{r[0], r[1]}
	}
	return pts, nil
}
