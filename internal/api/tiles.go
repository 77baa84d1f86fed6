package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"warden/internal/problem"
	"warden/internal/tiles"
)

// mvtType is the media type of a Mapbox vector tile.
const mvtType = "application/vnd.mapbox-vector-tile"

// tileBase is the absolute URL under which this request's server serves tiles.
func tileBase(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host + "/tiles"
}

// suffixed returns the value of the path parameter that Echo names
// name+suffix (a route such as /tiles/:layer.json), without the suffix; a
// value without it is a 404.
func suffixed(c echo.Context, name, suffix string) (string, error) {
	v, ok := strings.CutSuffix(c.Param(name+suffix), suffix)
	if !ok || v == "" {
		return "", problem.NotFound("resource", c.Request().URL.Path)
	}
	return v, nil
}

// GET /tiles: the tile layers, each with its TileJSON document's URL.
func (s *Server) listTileLayers(c echo.Context) error {
	type entry struct {
		Name          string `json:"name"`
		Description   string `json:"description"`
		DescriptionZH string `json:"description_zh"`
		TileJSON      string `json:"tilejson"`
	}
	out := []entry{}
	for _, l := range tiles.Layers() {
		out = append(out, entry{l.Name, l.Description, l.DescriptionZH, tileBase(c) + "/" + l.Name + ".json"})
	}
	return c.JSON(http.StatusOK, map[string]any{"layers": out})
}

// GET /tiles/{layer}.json: the layer's TileJSON 3.0.0 document (tile URL
// template, zoom range, bounds of the data, fields); 404 for an unknown layer.
func (s *Server) tileJSON(c echo.Context) error {
	name, err := suffixed(c, "layer", ".json")
	if err != nil {
		return err
	}
	l, err := tiles.Find(name)
	if err != nil {
		return err
	}
	bounds, err := s.tiles.Bounds(c.Request().Context(), l)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l.TileJSON(tileBase(c), bounds))
}

// GET /tiles/{layer}/{z}/{x}/{y}.mvt: one vector tile made by PostGIS. 200
// with the tile, an ETag and Cache-Control; 204 when the tile is empty; 304
// when If-None-Match names the current ETag; 400 for a z/x/y outside the
// grid; 404 for an unknown layer.
func (s *Server) tile(c echo.Context) error {
	y, err := suffixed(c, "y", ".mvt")
	if err != nil {
		return err
	}
	l, err := tiles.Find(c.Param("layer"))
	if err != nil {
		return err
	}
	t, err := tiles.ParseTile(c.Param("z"), c.Param("x"), y)
	if err != nil {
		return err
	}
	b, err := s.tiles.Tile(c.Request().Context(), l, t)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", l.CacheControl)
	if b == nil {
		return c.NoContent(http.StatusNoContent)
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, mvtType, b)
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison, RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
