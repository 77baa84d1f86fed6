package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"warden/internal/auth"
	"warden/internal/problem"
	"warden/internal/tiles"
)

// layerRules names, for each non-public tile layer, the API route whose
// access rule (accessRules in auth.go) its rows follow: the tracks' and
// observations' are those of the track list, the cases' that of the case
// list. A non-public layer missing
// here is for admins only.
var layerRules = map[string]string{
	"tracks":       "GET /api/v1/tracks",
	"observations": "GET /api/v1/tracks",
	"cases":        "GET /api/v1/cases",
	"clues":        "GET /api/v1/clues",
}

// layerScope says what of layer l the request may see. Public layers are
// for anyone the tiles route admits. A non-public layer follows its rows'
// rule: public if its read class is (Config.PublicRead); else it needs a
// principal with the rule's permission, who sees the rows of their
// reserves, or with its own-only permission, who sees their own rows only;
// anyone else gets a 401 or 403.
func (s *Server) layerScope(c echo.Context, l tiles.Layer) (tiles.Scope, error) {
	if l.Public {
		return tiles.Scope{AllReserves: true}, nil
	}
	a, ok := s.accessOf[layerRules[l.Name]]
	if !ok {
		a = adminOnly
	}
	if a.class != "" && s.public[a.class] {
		return tiles.Scope{AllReserves: true}, nil
	}
	p := principalOf(c)
	if p == nil {
		return tiles.Scope{}, auth.Unauthorized("unauthorized", "tile layer "+l.Name+" is not public: sign in, or send Authorization: Bearer <token>")
	}
	full := p.Has(a.perm)
	if !full && (a.own == "" || !p.Has(a.own)) {
		return tiles.Scope{}, forbidden(p.Name + " (" + joinRoles(p.Roles) + ") may not read tile layer " + l.Name + ": it needs " + string(a.perm))
	}
	sc := tiles.Scope{AllReserves: p.AllReserves, Reserves: p.Reserves}
	if !full {
		sc.Subject = p.Name
	}
	return sc, nil
}

// mvtType is the media type of a Mapbox vector tile.
const mvtType = "application/vnd.mapbox-vector-tile"

// tileBase is the absolute URL under which this request's server serves tiles.
func (s *Server) tileBase(c echo.Context) string {
	return s.publicBase(c) + "/tiles"
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

// GET /tiles: the tile layers the caller may read, each with its TileJSON
// document's URL and whether it is public.
func (s *Server) listTileLayers(c echo.Context) error {
	type entry struct {
		Name          string `json:"name"`
		Description   string `json:"description"`
		DescriptionZH string `json:"description_zh"`
		TileJSON      string `json:"tilejson"`
		Public        bool   `json:"public"`
	}
	out := []entry{}
	for _, l := range tiles.Layers() {
		if _, err := s.layerScope(c, l); err != nil {
			continue
		}
		out = append(out, entry{l.Name, l.Description, l.DescriptionZH, s.tileBase(c) + "/" + l.Name + ".json", l.Public})
	}
	return c.JSON(http.StatusOK, map[string]any{"layers": out})
}

// GET /tiles/{layer}.json: the layer's TileJSON 3.0.0 document (tile URL
// template, zoom range, bounds of the data the caller may see, fields); 404
// for an unknown layer; 401/403 for a non-public one the caller may not read.
func (s *Server) tileJSON(c echo.Context) error {
	name, err := suffixed(c, "layer", ".json")
	if err != nil {
		return err
	}
	l, err := tiles.Find(name)
	if err != nil {
		return err
	}
	sc, err := s.layerScope(c, l)
	if err != nil {
		return err
	}
	bounds, err := s.tiles.Bounds(c.Request().Context(), l, sc)
	if err != nil {
		return err
	}
	if !l.Public { // the bounds are of what this caller may see
		c.Response().Header().Set("Cache-Control", l.CacheControl)
		c.Response().Header().Add("Vary", "Authorization, Cookie")
	}
	return c.JSON(http.StatusOK, l.TileJSON(s.tileBase(c), bounds))
}

// GET /tiles/{layer}/{z}/{x}/{y}.mvt: one vector tile made by PostGIS. 200
// with the tile, an ETag and Cache-Control; 204 when the tile is empty; 304
// when If-None-Match names the current ETag; 400 for a z/x/y outside the
// grid; 404 for an unknown layer; 401/403 for a non-public layer the caller
// may not read (its tiles hold only the rows the caller may see, and are
// cached privately).
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
	sc, err := s.layerScope(c, l)
	if err != nil {
		return err
	}
	b, err := s.tiles.Tile(c.Request().Context(), l, t, sc)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", l.CacheControl)
	if !l.Public {
		h.Add("Vary", "Authorization, Cookie")
	}
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
