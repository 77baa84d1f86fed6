package screening

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/law"
	"warden/internal/zoning"
)

// zoneKey identifies the zones of one kind in one reserve.
type zoneKey struct {
	reserve int64
	kind    zoning.Kind
}

type measured struct {
	areaM2, lengthM float64
	points          int
	hit             bool
	dist            *float64
}

type reserveInfo struct {
	id                   int64
	code, nameZH, nameEN string
	scheme               zoning.Scheme
	illustrative         bool
	version              int
	kinds                []kindInfo
}

type kindInfo struct {
	kind   zoning.Kind
	areaHa float64
	ids    []int64
}

type computed struct {
	reserves []reserveInfo
	m        map[zoneKey]*measured
}

// footprintPieces is the footprint cut into pieces of at most 128 vertices
// (zone_piece's size, so that every ST_Intersection is between two small
// geometries) ($1 polygons, $2 lines already cut by LinePieces, $3 points, as
// WKB), for joining with zone_piece through its GiST index. Lines are cut in
// Go: ST_Subdivide halves bounding boxes, which on a zigzag costs seconds and
// leaves one piece per edge.
const footprintPieces = `fp AS (
	SELECT 2 AS dim, (ST_Dump(ST_Subdivide(ST_GeomFromWKB($1::bytea, 4326), 128))).geom AS g
	UNION ALL SELECT 1, (ST_Dump(ST_GeomFromWKB($2::bytea, 4326))).geom
	UNION ALL SELECT 0, (ST_Dump(ST_GeomFromWKB($3::bytea, 4326))).geom)`

// zoningOn says which zones a screening is measured against: those in force
// on its day (the start of construction, or the screening date). Where that
// is every reserve's current zoning, the indexed zone_piece and zone_edge;
// where some reserve has rezoned since, zone_piece_on and zone_edge_on of
// the day (parameter $n of the query).
type zoningOn struct {
	day  time.Time
	past bool
}

func zoningOf(ctx context.Context, tx pgx.Tx, on law.Date) (zoningOn, error) {
	zo := zoningOn{day: on.Time}
	if err := tx.QueryRow(ctx, `SELECT zoning_past($1::date, NULL)`, zo.day).Scan(&zo.past); err != nil {
		return zo, fmt.Errorf("screening: zoning on %s: %w", on, err)
	}
	return zo, nil
}

func (zo zoningOn) pieces(n int) string {
	if !zo.past {
		return "zone_piece"
	}
	return fmt.Sprintf("zone_piece_on($%d::date, NULL)", n)
}

func (zo zoningOn) edges(n int) string {
	if !zo.past {
		return "zone_edge"
	}
	return fmt.Sprintf("zone_edge_on($%d::date, NULL)", n)
}

// args appends the day to a query's arguments when pieces or edges name it.
func (zo zoningOn) args(args ...any) []any {
	if zo.past {
		return append(args, zo.day)
	}
	return args
}

// compute measures the footprint against the zones of its day: intersections
// through zone_piece (both sides subdivided, so every ST_Intersection is
// between two small polygons; areas and lengths geodesic, summed over
// pieces), distances within the search distance through zone_edge (see
// nearWithin), and for the reserves in range the other zone kinds' distances
// on the zones themselves.
func compute(ctx context.Context, tx pgx.Tx, fp footprint, distance float64, zo zoningOn) (computed, error) {
	c := computed{m: map[zoneKey]*measured{}}
	if err := c.overlaps(ctx, tx, fp, zo); err != nil {
		return c, err
	}
	var hitR []int64
	var hitK []string
	for k := range c.m {
		hitR, hitK = append(hitR, k.reserve), append(hitK, string(k.kind))
	}
	within := map[zoneKey]float64{}
	if err := nearest(ctx, tx, fp, distance, within, hitR, hitK, zo); err != nil {
		return c, err
	}
	for k, d := range within {
		if d <= distance {
			c.get(k).dist = &d
		}
	}
	if len(c.m) == 0 {
		return c, nil
	}
	if err := c.readReserves(ctx, tx, zo); err != nil {
		return c, err
	}
	return c, c.farDistances(ctx, tx, fp, within)
}

// get is the measures of a zone kind of a reserve, made on first use.
func (c *computed) get(k zoneKey) *measured {
	if c.m[k] == nil {
		c.m[k] = &measured{}
	}
	return c.m[k]
}

// overlaps measures the footprint's area, length and points inside each
// zone kind it touches.
func (c *computed) overlaps(ctx context.Context, tx pgx.Tx, fp footprint, zo zoningOn) error {
	rows, err := tx.Query(ctx, `WITH `+footprintPieces+`
		SELECT zp.reserve_id, zp.kind,
		       coalesce(sum(ST_Area(ST_CollectionExtract(ST_Intersection(zp.geom, fp.g), 3)::geography)) FILTER (WHERE fp.dim = 2), 0),
		       coalesce(sum(ST_Length(ST_CollectionExtract(ST_Intersection(zp.geom, fp.g), 2)::geography)) FILTER (WHERE fp.dim = 1), 0),
		       count(DISTINCT fp.g) FILTER (WHERE fp.dim = 0)
		FROM fp JOIN `+zo.pieces(4)+` zp ON ST_Intersects(zp.geom, fp.g)
		GROUP BY 1, 2`, zo.args(fp.poly, fp.line, fp.point)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k zoneKey
		var a, l float64
		var n int
		if err := rows.Scan(&k.reserve, &k.kind, &a, &l, &n); err != nil {
			return err
		}
		m := c.get(k)
		m.areaM2, m.lengthM, m.points, m.hit = a, l, n, true
	}
	return rows.Err()
}

// readReserves reads the reserves measured, with the zone kinds of the
// zoning in force on the day and their areas.
func (c *computed) readReserves(ctx context.Context, tx pgx.Tx, zo zoningOn) error {
	ids := map[int64]bool{}
	for k := range c.m {
		ids[k.reserve] = true
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	rows, err := tx.Query(ctx, `
		SELECT r.id, r.code, r.name_zh, r.name_en,
		       (SELECT CASE WHEN bool_and(o.kind IN ('core_protection', 'general_control')) THEN 'two_zone' ELSE 'three_zone' END
		        FROM zone o WHERE o.version_id = v.id),
		       r.illustrative, v.version, z.kind, sum(z.area_ha), array_agg(z.id ORDER BY z.id)
		FROM reserve r JOIN zoning_version v ON v.id = zoning_version_on(r.id, $2::date) JOIN zone z ON z.version_id = v.id
		WHERE r.id = ANY($1)
		GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
		ORDER BY r.code`, list, zo.day)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r reserveInfo
		var k kindInfo
		if err := rows.Scan(&r.id, &r.code, &r.nameZH, &r.nameEN, &r.scheme, &r.illustrative, &r.version, &k.kind, &k.areaHa, &k.ids); err != nil {
			return err
		}
		if n := len(c.reserves); n > 0 && c.reserves[n-1].id == r.id {
			c.reserves[n-1].kinds = append(c.reserves[n-1].kinds, k)
		} else {
			r.kinds = []kindInfo{k}
			c.reserves = append(c.reserves, r)
		}
	}
	return rows.Err()
}

// farDistances measures the zone kinds of these reserves beyond the search
// distance (within holds those found just beyond it): ST_Distance between
// their zones' geography and the footprint's. PostGIS caches the
// footprint's tree across rows, so this costs about a tree build per zone.
func (c *computed) farDistances(ctx context.Context, tx pgx.Tx, fp footprint, within map[zoneKey]float64) error {
	var far []int64
	for _, r := range c.reserves {
		for _, k := range r.kinds {
			m := c.get(zoneKey{r.id, k.kind})
			if m.hit || m.dist != nil {
				continue
			}
			if d, ok := within[zoneKey{r.id, k.kind}]; ok { // just beyond the search distance
				m.dist = &d
				continue
			}
			far = append(far, k.ids...)
		}
	}
	if len(far) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `
		SELECT z.reserve_id, z.kind, min(ST_Distance(z.geom::geography, ST_GeogFromWKB($1)))
		FROM zone z WHERE z.id = ANY($2) GROUP BY 1, 2`, fp.whole, far)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k zoneKey
		var d float64
		if err := rows.Scan(&k.reserve, &k.kind, &d); err != nil {
			return err
		}
		c.get(k).dist = &d
	}
	return rows.Err()
}

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

// nearest runs nearWithin and adds its distances to out.
func nearest(ctx context.Context, tx pgx.Tx, fp footprint, radius float64, out map[zoneKey]float64, hitR []int64, hitK []string, zo zoningOn) error {
	rows, err := tx.Query(ctx, fmt.Sprintf(nearWithin, zo.edges(7)), zo.args(fp.simple, fp.whole, radius, fp.tau, hitR, hitK)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k zoneKey
		var d float64
		if err := rows.Scan(&k.reserve, &k.kind, &d); err != nil {
			return err
		}
		out[k] = d
	}
	return rows.Err()
}
