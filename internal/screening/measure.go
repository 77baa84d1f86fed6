package screening

import (
	"context"
	"fmt"
	"math"
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

// zoningOn says which zones a screening is measured against: those in force
// on its day (the start of construction, or the screening date).
type zoningOn struct {
	day time.Time
}

func zoningOf(on law.Date) zoningOn { return zoningOn{day: on.Time} }

// compute measures the footprint against the zones of its day: zoning's
// MeasureFootprint gives the area, length and points inside each zone kind
// it touches and the distances to those within the search distance (and,
// from the engine, to the other kinds of their reserves); the zone kinds of
// these reserves still without a distance are measured on the zones
// themselves.
func compute(ctx context.Context, tx pgx.Tx, eng *zoning.Engine, fp footprint, distance float64, zo zoningOn) (computed, error) {
	c := computed{m: map[zoneKey]*measured{}}
	ms, err := eng.MeasureFootprint(ctx, tx, fp.zoning(), distance, zo.day)
	if err != nil {
		return c, fmt.Errorf("screening: %w", err)
	}
	within := map[zoneKey]float64{}
	for k, o := range ms {
		key := zoneKey{k.Reserve, k.Kind}
		switch {
		case o.Meets:
			m := c.get(key)
			m.areaM2, m.lengthM, m.points, m.hit = o.AreaM2, o.LengthM, o.Points, true
		case o.DistanceM <= distance:
			d := o.DistanceM
			c.get(key).dist = &d
		case !math.IsNaN(o.DistanceM) && !math.IsInf(o.DistanceM, 1):
			within[key] = o.DistanceM // beyond the search distance
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
// distance (within holds those already measured beyond it): ST_Distance between
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
			if d, ok := within[zoneKey{r.id, k.kind}]; ok { // measured beyond the search distance
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
