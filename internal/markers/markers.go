// Package markers keeps boundary markers — 界桩 posts, 界碑 monuments and signs
// set on surveyed zone boundaries — with the coordinates announced for them.
package markers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// Kinds and statuses a marker may have.
var (
	Kinds    = map[string]string{"post": "界桩", "monument": "界碑", "sign": "标识牌"}
	Statuses = map[string]string{"intact": "完好", "damaged": "损坏", "missing": "缺失", "moved": "移位"}
)

// Survey is a marker's coordinates as announced. For a geographic CRS
// (EPSG:4326, EPSG:4490) X is the longitude and Y the latitude. For a
// Gauss-Krüger CRS they follow Chinese surveying: X is the northing (纵坐标)
// and Y the easting (横坐标, with the zone number where the CRS has it).
type Survey struct {
	CRS string  `json:"crs"`
	X   float64 `json:"x"`
	Y   float64 `json:"y"`
}

// Marker is a stored boundary marker.
type Marker struct {
	ID              int64     `json:"id"`
	Reserve         string    `json:"reserve"`
	Code            string    `json:"code"`
	Kind            string    `json:"kind"`
	KindZH          string    `json:"kind_zh"`
	Status          string    `json:"status"`
	StatusZH        string    `json:"status_zh"`
	Lon             float64   `json:"lon"`
	Lat             float64   `json:"lat"`
	Survey          *Survey   `json:"survey"`
	SurveyOffsetM   *float64  `json:"survey_offset_m"`
	InstalledOn     *string   `json:"installed_on"`
	LastInspectedOn *string   `json:"last_inspected_on"`
	Note            string    `json:"note"`
	Revision        int       `json:"revision"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Input is a new marker: its location as a point (lon/lat) or as announced
// survey coordinates, or both.
type Input struct {
	Code            string
	Kind            string
	Status          string
	Point           *orb.Point
	Survey          *Survey
	InstalledOn     string
	LastInspectedOn string
	Note            string
}

// Patch changes some of a marker's fields; nil fields stay as they are.
// Revision, if set, must equal the stored revision (optimistic concurrency).
type Patch struct {
	Kind            *string   `json:"kind"`
	Status          *string   `json:"status"`
	Geometry        *geoPoint `json:"geometry"`
	Survey          *Survey   `json:"survey"`
	InstalledOn     *string   `json:"installed_on"`
	LastInspectedOn *string   `json:"last_inspected_on"`
	Note            *string   `json:"note"`
	Revision        *int      `json:"revision"`
}

type geoPoint struct {
	Type        string    `json:"type"`
	Coordinates []float64 `json:"coordinates"`
}

// Store reads and writes markers.
type Store struct{ pool db.Pool }

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: db.Scoped(pool)} }

func checkDate(field, v string) *problem.Detail {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		d := problem.At(-1, field, fmt.Sprintf("%s %q must be a date YYYY-MM-DD", field, v))
		return &d
	}
	return nil
}

// surveyParams checks a survey and returns its SRID and the x, y to give
// ST_MakePoint (easting/longitude first).
func surveyParams(sv *Survey) (srid int, ex, ny float64, reason string) {
	crs, err := geoio.ParseCRS(sv.CRS)
	if err != nil {
		return 0, 0, 0, err.Error()
	}
	if !crs.Projected() {
		if d := zoning.CheckLonLat(0, orb.Point{sv.X, sv.Y}); d != nil {
			return 0, 0, 0, fmt.Sprintf("survey x (longitude) %v / y (latitude) %v are not lon/lat degrees for %s", sv.X, sv.Y, crs)
		}
		return crs.SRID(), sv.X, sv.Y, ""
	}
	if r := crs.CheckXY(sv.Y, sv.X); r != "" {
		return 0, 0, 0, "survey (x = northing 纵坐标, y = easting 横坐标): " + r
	}
	return crs.SRID(), sv.Y, sv.X, ""
}

func (in *Input) validate(i int) []problem.Detail {
	var ps []problem.Detail
	add := func(ptr, format string, args ...any) {
		ps = append(ps, problem.At(i, ptr, fmt.Sprintf(format, args...)))
	}
	if in.Code == "" {
		add("properties.code", "a marker needs a code")
	}
	if in.Kind == "" {
		in.Kind = "post"
	}
	if _, ok := Kinds[in.Kind]; !ok {
		add("properties.kind", "kind %q must be post (界桩), monument (界碑) or sign (标识牌)", in.Kind)
	}
	if in.Status == "" {
		in.Status = "intact"
	}
	if _, ok := Statuses[in.Status]; !ok {
		add("properties.status", "status %q must be intact, damaged, missing or moved", in.Status)
	}
	if in.Point == nil && in.Survey == nil {
		add("geometry", "a marker needs a Point geometry or survey coordinates (survey_crs, survey_x, survey_y)")
	}
	if in.Point != nil {
		if d := zoning.CheckLonLat(0, *in.Point); d != nil {
			add("geometry", "%s", d.Reason)
		}
	}
	if in.Survey != nil {
		if _, _, _, r := surveyParams(in.Survey); r != "" {
			add("properties.survey_crs", "%s", r)
		}
	}
	for _, d := range []*problem.Detail{checkDate("installed_on", in.InstalledOn), checkDate("last_inspected_on", in.LastInspectedOn)} {
		if d != nil {
			add("properties."+d.Pointer, "%s", d.Reason)
		}
	}
	return ps
}

const insertSQL = `
	INSERT INTO marker (reserve_id, code, kind, status, geom, survey_crs, survey_x, survey_y, installed_on, last_inspected_on, note)
	VALUES ($1, $2, $3, $4,
	        CASE WHEN $5::float8 IS NOT NULL THEN ST_SetSRID(ST_MakePoint($5, $6), 4326)
	             ELSE ST_Transform(ST_SetSRID(ST_MakePoint($8::float8, $9::float8), $7::int), 4326) END,
	        $7, $10, $11, nullif($12, '')::date, nullif($13, '')::date, $14)
	RETURNING id`

// Create stores markers in one reserve, all or none. A code already used in
// the reserve is a conflict.
func (s *Store) Create(ctx context.Context, reserve string, ins []Input) (_ []Marker, err error) {
	defer wrap(&err, "create markers of %s", reserve)
	var ps []problem.Detail
	for i := range ins {
		ps = append(ps, ins[i].validate(i)...)
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-marker", ps[0].Reason, ps...)
	}
	var ids []int64
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		var rid int64
		if err := tx.QueryRow(ctx, `SELECT id FROM reserve WHERE code = $1`, reserve).Scan(&rid); errors.Is(err, pgx.ErrNoRows) {
			return problem.NotFound("reserve", reserve)
		} else if err != nil {
			return err
		}
		for i, in := range ins {
			var lon, lat, ex, ny *float64
			var srid *int
			var sx, sy *float64
			if in.Point != nil {
				lon, lat = &in.Point[0], &in.Point[1]
			}
			if in.Survey != nil {
				s, e, n, _ := surveyParams(in.Survey)
				srid, ex, ny, sx, sy = &s, &e, &n, &in.Survey.X, &in.Survey.Y
			}
			var id int64
			err := tx.QueryRow(ctx, insertSQL, rid, in.Code, in.Kind, in.Status, lon, lat, srid, ex, ny, sx, sy,
				in.InstalledOn, in.LastInspectedOn, in.Note).Scan(&id)
			if db.IsUniqueViolation(err) {
				return problem.Conflict("marker-exists", fmt.Sprintf("marker %d: code %q is already used in reserve %s", i, in.Code, reserve))
			}
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.list(ctx, `m.id = ANY($1)`, ids)
}

const selectSQL = `
	SELECT m.id, r.code, m.code, m.kind, m.status, ST_X(m.geom), ST_Y(m.geom),
	       m.survey_crs, m.survey_x::float8, m.survey_y::float8,
	       CASE WHEN m.survey_crs IS NULL THEN NULL
	            ELSE ST_Distance(m.geom::geography, ST_Transform(ST_SetSRID(
	                 CASE WHEN m.survey_crs IN (4326, 4490) THEN ST_MakePoint(m.survey_x, m.survey_y)
	                      ELSE ST_MakePoint(m.survey_y, m.survey_x) END, m.survey_crs), 4326)::geography) END,
	       to_char(m.installed_on, 'YYYY-MM-DD'), to_char(m.last_inspected_on, 'YYYY-MM-DD'), m.note, m.revision, m.updated_at
	FROM marker m JOIN reserve r ON r.id = m.reserve_id`

func (s *Store) list(ctx context.Context, where string, args ...any) ([]Marker, error) {
	rows, err := s.pool.Query(ctx, selectSQL+` WHERE `+where+` ORDER BY r.code, m.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Marker{}
	for rows.Next() {
		var m Marker
		var crs *int
		var x, y *float64
		if err := rows.Scan(&m.ID, &m.Reserve, &m.Code, &m.Kind, &m.Status, &m.Lon, &m.Lat, &crs, &x, &y,
			&m.SurveyOffsetM, &m.InstalledOn, &m.LastInspectedOn, &m.Note, &m.Revision, &m.UpdatedAt); err != nil {
			return nil, err
		}
		if crs != nil {
			m.Survey = &Survey{CRS: geoio.CRS(*crs).String(), X: *x, Y: *y}
		}
		m.KindZH, m.StatusZH = Kinds[m.Kind], Statuses[m.Status]
		out = append(out, m)
	}
	return out, rows.Err()
}

// Filter narrows a marker listing.
type Filter struct {
	Status string
	Kind   string
}

// List returns a reserve's markers by code.
func (s *Store) List(ctx context.Context, reserve string, f Filter) (_ []Marker, err error) {
	defer wrap(&err, "list markers of %s", reserve)
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reserve WHERE code = $1)`, reserve).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, problem.NotFound("reserve", reserve)
	}
	if f.Status != "" {
		if _, ok := Statuses[f.Status]; !ok {
			return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("status %q must be intact, damaged, missing or moved", f.Status))
		}
	}
	if f.Kind != "" {
		if _, ok := Kinds[f.Kind]; !ok {
			return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("kind %q must be post, monument or sign", f.Kind))
		}
	}
	return s.list(ctx, `r.code = $1 AND ($2 = '' OR m.status = $2) AND ($3 = '' OR m.kind = $3)`, reserve, f.Status, f.Kind)
}

// Get returns one marker.
func (s *Store) Get(ctx context.Context, id int64) (_ Marker, err error) {
	defer wrap(&err, "marker %d", id)
	ms, err := s.list(ctx, `m.id = $1`, id)
	if err != nil {
		return Marker{}, err
	}
	if len(ms) == 0 {
		return Marker{}, problem.NotFound("marker", fmt.Sprint(id))
	}
	return ms[0], nil
}

// Update applies a patch and returns the marker as stored.
func (s *Store) Update(ctx context.Context, id int64, p Patch) (_ Marker, err error) {
	defer wrap(&err, "update marker %d", id)
	var ps []problem.Detail
	bad := func(ptr, format string, args ...any) {
		ps = append(ps, problem.At(-1, ptr, fmt.Sprintf(format, args...)))
	}
	if p.Kind != nil {
		if _, ok := Kinds[*p.Kind]; !ok {
			bad("kind", "kind %q must be post, monument or sign", *p.Kind)
		}
	}
	if p.Status != nil {
		if _, ok := Statuses[*p.Status]; !ok {
			bad("status", "status %q must be intact, damaged, missing or moved", *p.Status)
		}
	}
	var lon, lat *float64
	if g := p.Geometry; g != nil {
		if g.Type != "Point" || len(g.Coordinates) < 2 || len(g.Coordinates) > 3 {
			bad("geometry", "geometry must be a GeoJSON Point [lon, lat]")
		} else if d := zoning.CheckLonLat(0, orb.Point{g.Coordinates[0], g.Coordinates[1]}); d != nil {
			bad("geometry", "%s", d.Reason)
		} else {
			lon, lat = &g.Coordinates[0], &g.Coordinates[1]
		}
	}
	var srid *int
	var sx, sy *float64
	if p.Survey != nil {
		if s, _, _, r := surveyParams(p.Survey); r != "" {
			bad("survey", "%s", r)
		} else {
			srid, sx, sy = &s, &p.Survey.X, &p.Survey.Y
		}
	}
	for _, d := range []*problem.Detail{opt(checkDate, "installed_on", p.InstalledOn), opt(checkDate, "last_inspected_on", p.LastInspectedOn)} {
		if d != nil {
			ps = append(ps, *d)
		}
	}
	if len(ps) > 0 {
		return Marker{}, problem.Invalid("invalid-marker", ps[0].Reason, ps...)
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE marker SET
			kind = coalesce($2, kind),
			status = coalesce($3, status),
			geom = CASE WHEN $4::float8 IS NULL THEN geom ELSE ST_SetSRID(ST_MakePoint($4, $5::float8), 4326) END,
			survey_crs = coalesce($6, survey_crs),
			survey_x = coalesce($7, survey_x),
			survey_y = coalesce($8, survey_y),
			installed_on = CASE WHEN $9::text IS NULL THEN installed_on ELSE nullif($9, '')::date END,
			last_inspected_on = CASE WHEN $10::text IS NULL THEN last_inspected_on ELSE nullif($10, '')::date END,
			note = coalesce($11, note),
			revision = revision + 1,
			updated_at = now()
		WHERE id = $1 AND ($12::int IS NULL OR revision = $12)`,
		id, p.Kind, p.Status, lon, lat, srid, sx, sy, p.InstalledOn, p.LastInspectedOn, p.Note, p.Revision)
	if err != nil {
		return Marker{}, err
	}
	if tag.RowsAffected() == 0 {
		m, err := s.Get(ctx, id)
		if err != nil {
			return Marker{}, err
		}
		return Marker{}, problem.Conflict("stale-revision", fmt.Sprintf("marker %d is at revision %d, not %d: it was changed since you read it", id, m.Revision, *p.Revision))
	}
	return s.Get(ctx, id)
}

func opt(f func(string, string) *problem.Detail, field string, v *string) *problem.Detail {
	if v == nil {
		return nil
	}
	return f(field, *v)
}

// wrap says where an error of the store arose: "markers: " and the
// operation. Problems (4xx) pass unchanged, since their detail already
// says what and where.
func wrap(err *error, format string, args ...any) {
	if *err == nil {
		return
	}
	if _, ok := problem.As(*err); ok {
		return
	}
	*err = fmt.Errorf("markers: %s: %w", fmt.Sprintf(format, args...), *err)
}
