package export

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/markers"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// Store reads what is exported, with geometry transformed by PostGIS.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Zone is a zone as exported.
type Zone struct {
	ID         int64
	Reserve    string
	Version    int
	Kind       zoning.Kind
	Name       string
	NameEN     string
	AreaHa     float64
	ApprovedOn *string
	Approval   string
	Geom       orb.Geometry // MultiPolygon in the export CRS
}

// Marker is a boundary marker as exported.
type Marker struct {
	ID              int64
	Reserve         string
	Code            string
	Kind            string
	Status          string
	SurveyCRS       *string
	SurveyX         *float64
	SurveyY         *float64
	InstalledOn     *string
	LastInspectedOn *string
	Note            string
	Geom            orb.Point // in the export CRS
}

func (s *Store) reserveExists(ctx context.Context, code string) error {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reserve WHERE code = $1)`, code).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return problem.NotFound("reserve", code)
	}
	return nil
}

// Zones returns a reserve's zones of the current version (version 0) or of
// version, in crs.
func (s *Store) Zones(ctx context.Context, code string, version int, crs geoio.CRS) (_ []Zone, err error) {
	defer db.Wrap(&err, "export: zones %q", code)
	if err := s.reserveExists(ctx, code); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `
		SELECT z.id, r.code, v.version, z.kind, z.name, coalesce(z.properties->>'name_en', ''), z.area_ha,
		       to_char(v.approved_on, 'YYYY-MM-DD'), v.approval, ST_AsBinary(ST_Transform(z.geom, $3::int))
		FROM zone z JOIN zoning_version v ON v.id = z.version_id JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = $1 AND (($2 = 0 AND v.is_current) OR v.version = $2)
		ORDER BY z.ordinal`, code, version, crs.SRID())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Zone{}
	for rows.Next() {
		var z Zone
		if err := rows.Scan(&z.ID, &z.Reserve, &z.Version, &z.Kind, &z.Name, &z.NameEN, &z.AreaHa, &z.ApprovedOn, &z.Approval, db.Scan(&z.Geom)); err != nil {
			return nil, fmt.Errorf("read zone: %w", err)
		}
		out = append(out, z)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 && version != 0 {
		return nil, problem.NotFound("zoning version", fmt.Sprint(version))
	}
	return out, nil
}

// Markers returns a reserve's markers (narrowed by f) in crs, by code.
func (s *Store) Markers(ctx context.Context, code string, f markers.Filter, crs geoio.CRS) (_ []Marker, err error) {
	defer db.Wrap(&err, "export: markers %q", code)
	if err := s.reserveExists(ctx, code); err != nil {
		return nil, err
	}
	if _, ok := markers.Statuses[f.Status]; f.Status != "" && !ok {
		return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("status %q must be intact, damaged, missing or moved", f.Status))
	}
	if _, ok := markers.Kinds[f.Kind]; f.Kind != "" && !ok {
		return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("kind %q must be post, monument or sign", f.Kind))
	}
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, r.code, m.code, m.kind, m.status,
		       CASE WHEN m.survey_crs IS NULL THEN NULL ELSE 'EPSG:' || m.survey_crs END, m.survey_x::float8, m.survey_y::float8,
		       to_char(m.installed_on, 'YYYY-MM-DD'), to_char(m.last_inspected_on, 'YYYY-MM-DD'), m.note,
		       ST_X(ST_Transform(m.geom, $4::int)), ST_Y(ST_Transform(m.geom, $4::int))
		FROM marker m JOIN reserve r ON r.id = m.reserve_id
		WHERE r.code = $1 AND ($2 = '' OR m.status = $2) AND ($3 = '' OR m.kind = $3)
		ORDER BY m.code`, code, f.Status, f.Kind, crs.SRID())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Marker{}
	for rows.Next() {
		var m Marker
		if err := rows.Scan(&m.ID, &m.Reserve, &m.Code, &m.Kind, &m.Status, &m.SurveyCRS, &m.SurveyX, &m.SurveyY,
			&m.InstalledOn, &m.LastInspectedOn, &m.Note, &m.Geom[0], &m.Geom[1]); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Announced is one row of the coordinate announcement table: a marker's
// CGCS2000 longitude and latitude and its 3-degree Gauss-Krüger coordinates
// in the zone its longitude falls in.
type Announced struct {
	Code   string
	Kind   string
	Status string
	Lon    float64
	Lat    float64
	// Zone is the 3-degree zone number, n = floor((lon + 1.5) / 3); CRS its
	// system EPSG:4513+n-25 (zone prefix in the easting). Both are zero, and
	// X and Y nil, outside China's zones 25-45.
	Zone int
	CRS  geoio.CRS
	// X is the northing (纵坐标) and Y the easting (横坐标) with the zone
	// number prefixed, in metres.
	X, Y *float64
}

// Announcement returns the reserve's markers for the announcement table, by
// code. PostGIS transforms each point to CGCS2000 and to its zone.
func (s *Store) Announcement(ctx context.Context, code string) (_ []Announced, err error) {
	defer db.Wrap(&err, "export: announcement %q", code)
	if err := s.reserveExists(ctx, code); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `
		WITH p AS (
			SELECT m.code, m.kind, m.status, ST_Transform(m.geom, 4490) AS g
			FROM marker m JOIN reserve r ON r.id = m.reserve_id WHERE r.code = $1),
		z AS (SELECT *, floor((ST_X(g) + 1.5) / 3)::int AS zone FROM p),
		gk AS (SELECT *, CASE WHEN zone BETWEEN 25 AND 45 THEN ST_Transform(g, 4513 + zone - 25) END AS xy FROM z)
		SELECT code, kind, status, ST_X(g), ST_Y(g), CASE WHEN xy IS NULL THEN 0 ELSE zone END,
		       CASE WHEN xy IS NULL THEN 0 ELSE 4513 + zone - 25 END, ST_Y(xy), ST_X(xy)
		FROM gk ORDER BY code`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Announced{}
	for rows.Next() {
		var a Announced
		var srid int
		if err := rows.Scan(&a.Code, &a.Kind, &a.Status, &a.Lon, &a.Lat, &a.Zone, &srid, &a.X, &a.Y); err != nil {
			return nil, err
		}
		a.CRS = geoio.CRS(srid)
		out = append(out, a)
	}
	return out, rows.Err()
}
