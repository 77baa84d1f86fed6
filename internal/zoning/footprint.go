package zoning

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/zoning/engine"
)

// Footprint is a project's footprint in lon/lat (EPSG:4326), as WKB, to
// measure against the zones: its polygons dissolved into one valid
// MultiPolygon, its lines (a MultiLineString, pieces of at most 128
// vertices), its points (a MultiPoint); nil for a part it has none of.
// Whole is all of it, and Simple the same simplified by at most Tau metres,
// which the SQL path uses to find the nearest boundaries cheaply.
type Footprint struct {
	Polys, Lines, Points []byte
	Whole, Simple        []byte
	Tau                  float64
}

// KindKey names the zones of one kind in one reserve.
type KindKey struct {
	Reserve int64
	Kind    Kind
}

// KindOverlap is what a footprint has in common with the zones of one kind
// in one reserve.
type KindOverlap struct {
	// AreaM2 is the geodesic area of the footprint's polygons inside
	// them, LengthM the length of its lines, Points how many of its
	// points they cover.
	AreaM2, LengthM float64
	Points          int
	// Meets says the footprint touches or enters them; DistanceM is then 0.
	Meets bool
	// DistanceM is the geodesic distance from the footprint to them; NaN
	// where it was not measured.
	DistanceM float64
}

// MeasureFootprint measures f against the zones in force on day: for every
// kind of zone that f meets or that lies within radius metres of it (up to
// radius plus f.Tau on the SQL path), the overlap and the distance.
//
// The engine answers when the day's zonings are the current ones and its
// index is current; it then also gives the distance to every other kind of
// those kinds' reserves. Otherwise (a reserve rezoned since the day, no
// engine, or a stale index) PostGIS answers on the derived tables: the
// footprint cut into pieces joined with zone_piece for the overlaps, and
// zone_edge for the distances (see nearWithin).
func (e *Engine) MeasureFootprint(ctx context.Context, tx pgx.Tx, f Footprint, radius float64, day time.Time) (map[KindKey]KindOverlap, error) {
	var past bool
	if err := tx.QueryRow(ctx, `SELECT zoning_past($1::date, NULL)`, day).Scan(&past); err != nil {
		return nil, fmt.Errorf("zoning: zoning on %s: %w", day.Format(time.DateOnly), err)
	}
	if e != nil && !past {
		if ix := e.Index(ctx); ix != nil {
			return measureIndex(ix, f, radius)
		}
	}
	out, err := measureSQL(ctx, tx, f, radius, day, past)
	if err != nil {
		return nil, fmt.Errorf("zoning: measure a footprint: %w", err)
	}
	return out, nil
}

// measureIndex is MeasureFootprint on the engine's index.
func measureIndex(ix *engine.Index, f Footprint, radius float64) (map[KindKey]KindOverlap, error) {
	var polys orb.MultiPolygon
	var lines orb.MultiLineString
	var points orb.MultiPoint
	for _, part := range []struct {
		b  []byte
		to any
	}{{f.Polys, &polys}, {f.Lines, &lines}, {f.Points, &points}} {
		if part.b == nil {
			continue
		}
		if err := wkb.Scanner(part.to).Scan(part.b); err != nil {
			return nil, fmt.Errorf("zoning: read the footprint: %w", err)
		}
	}
	out := map[KindKey]KindOverlap{}
	for _, o := range ix.Measure(engine.NewFootprint(polys, lines, points), radius) {
		k := KindKey{o.Zone.ReserveID, Kind(o.Zone.Kind)}
		m, ok := out[k]
		if !ok {
			m.DistanceM = math.Inf(1)
		}
		m.AreaM2 += o.AreaM2
		m.LengthM += o.LengthM
		m.Points += o.Points
		m.Meets = m.Meets || o.Meets
		m.DistanceM = math.Min(m.DistanceM, o.DistanceM)
		out[k] = m
	}
	return out, nil
}

// footprintPieces is the footprint cut into pieces of at most 128 vertices
// (zone_piece's size, so that every ST_Intersection is between two small
// geometries) ($1 polygons, $2 lines already cut, $3 points, as WKB), for
// joining with zone_piece through its GiST index.
const footprintPieces = `fp AS (
	SELECT 2 AS dim, (ST_Dump(ST_Subdivide(ST_GeomFromWKB($1::bytea, 4326), 128))).geom AS g
	UNION ALL SELECT 1, (ST_Dump(ST_GeomFromWKB($2::bytea, 4326))).geom
	UNION ALL SELECT 0, (ST_Dump(ST_GeomFromWKB($3::bytea, 4326))).geom)`

// Distances to the zone kinds within the search distance are measured on
// zone_edge in two steps within one statement. Every boundary piece within
// the radius of the simplified footprint is measured against it (cheap: the
// simplified footprint is within tau of the footprint, so each of these
// distances is within tau of the true one); only the pieces that can still be
// the nearest, those within 2·tau of the least, are then measured against the
// footprint itself, so the result per zone kind is exact. Zone kinds listed
// in $5 (reserve ids) and $6 (kinds), which the footprint intersects, are
// left out. ($1 the simplified footprint, $2 the footprint, $3 the radius, $4 tau.)
const nearWithin = `
	WITH c AS (
		SELECT z.reserve_id, z.kind, e.geog, ST_Distance(e.geog, ST_GeogFromWKB($1)) AS d
		FROM %s e JOIN zone z ON z.id = e.zone_id
		WHERE ST_DWithin(e.geog, ST_GeogFromWKB($1), $3::float8 + $4::float8)
		  AND NOT EXISTS (SELECT 1 FROM unnest($5::bigint[], $6::text[]) AS h(r, k) WHERE h.r = z.reserve_id AND h.k = z.kind)
	), b AS (SELECT c.*, min(d) OVER (PARTITION BY reserve_id, kind) AS least FROM c)
	SELECT reserve_id, kind, min(ST_Distance(geog, ST_GeogFromWKB($2))) FROM b WHERE d <= least + 2 * $4::float8 GROUP BY 1, 2`

// measureSQL is MeasureFootprint in PostGIS: the indexed zone_piece and
// zone_edge of the current zones, or, where some reserve has rezoned since
// the day (past), zone_piece_on and zone_edge_on of the day.
func measureSQL(ctx context.Context, tx pgx.Tx, f Footprint, radius float64, day time.Time, past bool) (map[KindKey]KindOverlap, error) {
	pieces, edges, args := "zone_piece", "zone_edge", []any{f.Polys, f.Lines, f.Points}
	if past {
		pieces = "zone_piece_on($4::date, NULL)"
		args = append(args, day)
	}
	out := map[KindKey]KindOverlap{}
	rows, err := tx.Query(ctx, `WITH `+footprintPieces+`
		SELECT zp.reserve_id, zp.kind,
		       coalesce(sum(ST_Area(ST_CollectionExtract(ST_Intersection(zp.geom, fp.g), 3)::geography)) FILTER (WHERE fp.dim = 2), 0),
		       coalesce(sum(ST_Length(ST_CollectionExtract(ST_Intersection(zp.geom, fp.g), 2)::geography)) FILTER (WHERE fp.dim = 1), 0),
		       count(DISTINCT fp.g) FILTER (WHERE fp.dim = 0)
		FROM fp JOIN `+pieces+` zp ON ST_Intersects(zp.geom, fp.g)
		GROUP BY 1, 2`, args...)
	if err != nil {
		return nil, err
	}
	var hitR []int64
	var hitK []string
	for rows.Next() {
		var k KindKey
		m := KindOverlap{Meets: true}
		if err := rows.Scan(&k.Reserve, &k.Kind, &m.AreaM2, &m.LengthM, &m.Points); err != nil {
			rows.Close()
			return nil, err
		}
		out[k] = m
		hitR, hitK = append(hitR, k.Reserve), append(hitK, string(k.Kind))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	args = []any{f.Simple, f.Whole, radius, f.Tau, hitR, hitK}
	if past {
		edges = "zone_edge_on($7::date, NULL)"
		args = append(args, day)
	}
	rows, err = tx.Query(ctx, fmt.Sprintf(nearWithin, edges), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k KindKey
		var d float64
		if err := rows.Scan(&k.Reserve, &k.Kind, &d); err != nil {
			return nil, err
		}
		out[k] = KindOverlap{DistanceM: d}
	}
	return out, rows.Err()
}

// FootprintInside is the part of f inside the zones of one kind of reserve
// in force on day, as WKB: its ST_Intersection with their pieces,
// dissolved; nil where f does not meet them. PostGIS draws it (the engine
// measures, it does not construct geometry).
func FootprintInside(ctx context.Context, tx pgx.Tx, f Footprint, reserve string, kind Kind, day time.Time) ([]byte, error) {
	var past bool
	if err := tx.QueryRow(ctx, `SELECT zoning_past($1::date, NULL)`, day).Scan(&past); err != nil {
		return nil, fmt.Errorf("zoning: zoning on %s: %w", day.Format(time.DateOnly), err)
	}
	pieces, args := "zone_piece", []any{f.Polys, f.Lines, f.Points, reserve, string(kind)}
	if past {
		pieces, args = "zone_piece_on($6::date, NULL)", append(args, day)
	}
	var g []byte
	if err := tx.QueryRow(ctx, `WITH `+footprintPieces+`
		SELECT ST_AsBinary(ST_UnaryUnion(ST_Collect(ST_Intersection(zp.geom, fp.g))))
		FROM fp JOIN `+pieces+` zp ON ST_Intersects(zp.geom, fp.g)
		WHERE zp.reserve_id = (SELECT id FROM reserve WHERE code = $4) AND zp.kind = $5`, args...).Scan(&g); err != nil {
		return nil, fmt.Errorf("zoning: the footprint inside %s %s: %w", reserve, kind, err)
	}
	return g, nil
}

// ReserveTouching is the reserve whose current zones g (WKB, lon/lat)
// meets, the lowest id where several do; ok is false where none does.
func ReserveTouching(ctx context.Context, tx pgx.Tx, g []byte) (id int64, ok bool, err error) {
	err = tx.QueryRow(ctx, `SELECT zp.reserve_id FROM zone_piece zp WHERE ST_Intersects(zp.geom, ST_GeomFromWKB($1, 4326))
		ORDER BY zp.reserve_id LIMIT 1`, g).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("zoning: the reserve at a location: %w", err)
	}
	return id, true, nil
}
