// Package tiles makes Mapbox vector tiles (MVT) of Warden's layers in PostGIS
// (ST_AsMVT / ST_AsMVTGeom with the tile bound as z, x, y parameters of
// ST_TileEnvelope) and describes each layer as a TileJSON document.
package tiles

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/problem"
)

// MaxZoom is the highest zoom level a tile may be asked for.
const MaxZoom = 22

// Layer is one vector-tile layer: the tiles hold a single MVT layer of the
// same name.
type Layer struct {
	Name          string
	Description   string
	DescriptionZH string
	// MinZoom and MaxZoom are the zooms the layer has data for (TileJSON);
	// below MinZoom tiles are empty, above MaxZoom clients overzoom.
	MinZoom, MaxZoom int
	// Fields describes the feature properties (TileJSON vector_layers).
	Fields map[string]string
	// CacheControl is sent with the layer's tiles.
	CacheControl string
	// Public layers (zones, reserves, markers) are for anyone who may read
	// tiles. The others (tracks, observations) are for those whom the read
	// rule of their rows admits (internal/api/tiles.go), and their tiles and
	// extent are cut to that reader's Scope.
	Public bool

	sql       string // the tile: $1 z, $2 x, $3 y (then the Scope, $4-$6, unless Public); one bytea
	boundsSQL string // the extent: four float8, or no row when empty (the Scope as $1-$3 unless Public)
}

// Scope is the part of a non-public layer one reader may see.
type Scope struct {
	// AllReserves shows rows of every reserve and of none; otherwise only
	// those of Reserves (codes).
	AllReserves bool
	Reserves    []string
	// Subject, if not empty, shows only the rows whose subject it is (a
	// ranger who may read their own tracks).
	Subject string
}

// args are the bound values of the scope, after those of the statement.
func (sc Scope) args(l Layer, before ...any) []any {
	if l.Public {
		return before
	}
	rs := sc.Reserves
	if rs == nil {
		rs = []string{}
	}
	return append(before, sc.AllReserves, rs, sc.Subject)
}

// Find returns the layer called name, or a 404 problem.
func Find(name string) (Layer, error) {
	for _, l := range Layers() {
		if l.Name == name {
			return l, nil
		}
	}
	names := make([]string, 0, len(Layers()))
	for _, l := range Layers() {
		names = append(names, l.Name)
	}
	return Layer{}, &problem.Error{Status: http.StatusNotFound, Type: "not-found", Title: "Not found",
		Detail: fmt.Sprintf("there is no tile layer %q; the layers are %s", name, strings.Join(names, ", "))}
}

// TileID is a tile address in the XYZ scheme (y down from the north).
type TileID struct{ Z, X, Y int }

// ParseTile reads z, x and y from a tile URL; anything that is not a tile of
// the Web Mercator grid at zoom 0-MaxZoom is a 400.
func ParseTile(z, x, y string) (TileID, error) {
	var t TileID
	var ps []problem.Detail
	num := func(name, s string, max int) int {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || strings.HasPrefix(s, "+"):
			ps = append(ps, problem.Detail{Pointer: name, Reason: fmt.Sprintf("%s must be a whole number, got %q", name, s)})
		case n < 0 || n > max:
			ps = append(ps, problem.Detail{Pointer: name, Reason: fmt.Sprintf("%s must be between 0 and %d, got %d", name, max, n)})
		}
		return n
	}
	t.Z = num("z", z, MaxZoom)
	if len(ps) > 0 {
		return t, problem.BadRequest("invalid-tile", ps[0].Reason, ps...)
	}
	last := 1<<t.Z - 1
	t.X = num("x", x, last)
	t.Y = num("y", y, last)
	if len(ps) > 0 {
		return t, problem.BadRequest("invalid-tile", fmt.Sprintf("%s (at zoom %d, x and y run from 0 to %d)", ps[0].Reason, t.Z, last), ps...)
	}
	return t, nil
}

// Store makes tiles from the database.
type Store struct {
	pool db.Pool
}

// NewStore returns a Store on pool (a request's read replica when it has one).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: db.Scoped(pool)} }

// Tile returns the layer's tile t as MVT bytes, with the rows sc may see
// (all of them for a public layer); an empty tile is nil.
func (s *Store) Tile(ctx context.Context, l Layer, t TileID, sc Scope) (_ []byte, err error) {
	defer db.Wrap(&err, "tiles: tile")
	if t.Z < l.MinZoom {
		return nil, nil
	}
	var b []byte
	if err := s.pool.QueryRow(ctx, l.sql, sc.args(l, t.Z, t.X, t.Y)...).Scan(&b); err != nil {
		return nil, fmt.Errorf("tile %s/%d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// Bounds returns the extent of the layer's data that sc may see [minLon,
// minLat, maxLon, maxLat], or nil when there is none.
func (s *Store) Bounds(ctx context.Context, l Layer, sc Scope) (_ []float64, err error) {
	defer db.Wrap(&err, "tiles: bounds")
	bb := make([]float64, 4)
	err = s.pool.QueryRow(ctx, l.boundsSQL, sc.args(l)...).Scan(&bb[0], &bb[1], &bb[2], &bb[3])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bounds of %s: %w", l.Name, err)
	}
	return bb, nil
}

// TileJSON is a TileJSON 3.0.0 document for one layer.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes the MVT layer inside the tiles.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TileJSON describes l, with tile URLs under base (e.g.
// "http://127.0.0.1:8080/tiles") and bounds if known.
func (l Layer) TileJSON(base string, bounds []float64) TileJSON {
	return TileJSON{
		TileJSON:    "3.0.0",
		Name:        l.Name,
		Description: l.Description + " " + l.DescriptionZH,
		Version:     "1.0.0",
		Scheme:      "xyz",
		Tiles:       []string{base + "/" + l.Name + "/{z}/{x}/{y}.mvt"},
		MinZoom:     l.MinZoom,
		MaxZoom:     l.MaxZoom,
		Bounds:      bounds,
		VectorLayers: []VectorLayer{{
			ID: l.Name, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: l.Fields,
		}},
	}
}
