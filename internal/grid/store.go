// Package grid keeps the places cases are routed to: the administrative
// areas whose governments are the responsible units (with the sample
// reserves' illustrative ones), and the grid cells of grid supervision
// (定区域、定职责、定人员、定任务、定考核) with their staff and the patrol
// coverage measured per cell, so that blind spots show. Changing areas or
// cells routes the open cases again (cases.Reroute).
package grid

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/problem"
)

// Store keeps administrative areas and grid cells in PostGIS.
type Store struct {
	pool db.Pool
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: db.Scoped(pool)} }

func reserveRef(ctx context.Context, q db.Querier, code string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM reserve WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, problem.NotFound("reserve", code)
	}
	return id, err
}

// Feature is a GeoJSON Feature with typed properties.
type Feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties any             `json:"properties"`
}

// FeatureCollection is a GeoJSON FeatureCollection.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}
