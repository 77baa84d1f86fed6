package clues

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"warden/internal/law"
	"warden/internal/zoning"
)

// locator locates the clues of one batch: the law book, the change date and
// every reserve's rule family.
type locator struct {
	book     *law.Book
	on       law.Date
	families map[int64]string
	nearM    float64
	dedupM   float64
	eng      *zoning.Engine
}

func (s *Store) locator(ctx context.Context, tx pgx.Tx, on law.Date) (*locator, error) {
	book, err := s.law.Book(ctx)
	if err != nil {
		return nil, fmt.Errorf("clues: law: %w", err)
	}
	lc := &locator{book: book, on: on, families: map[int64]string{}, nearM: s.opts.NearM, dedupM: 50, eng: s.eng}
	rows, err := tx.Query(ctx, `SELECT id, coalesce(rule_family, '') FROM reserve`)
	if err != nil {
		return nil, fmt.Errorf("clues: rule families: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f string
		if err := rows.Scan(&id, &f); err != nil {
			return nil, fmt.Errorf("clues: rule families: %w", err)
		}
		lc.families[id] = f
	}
	return lc, rows.Err()
}

// share is a clue's overlap with one zone kind of one reserve.
type share struct {
	reserve int64
	kind    zoning.Kind
	legal   zoning.Kind
	areaHa  float64
}

// placed is where a clue was found to lie and what the law says of it.
type placed struct {
	reserve  *int64
	inside   bool
	distance *float64
	legal    *zoning.Kind
	judged   *law.Judgment
	priority string
}

// store inserts one clue, locates it and links it to an earlier clue or an
// open case it repeats.
func (lc *locator) store(ctx context.Context, tx pgx.Tx, batch int64, d detection, geom []byte, before *law.Date) error {
	props, err := json.Marshal(d.props)
	if err != nil {
		return err
	}
	var id int64
	var areaHa float64
	var beforeDay any
	if before != nil {
		beforeDay = before.Time
	}
	if err := tx.QueryRow(ctx, `INSERT INTO clue (number, batch_id, ordinal, external_id, change_type, confidence, reported_area_ha, geom, point,
			area_ha, imaged_before, imaged_after, inside, priority, properties)
		SELECT 'GS' || $1::bigint || '-' || lpad($2::int::text, 4, '0'), $1, $2::int, $3, $4, $5, $6, g, ST_PointOnSurface(g),
		       CASE WHEN ST_Dimension(g) = 2 THEN ST_Area(g::geography) / 10000 ELSE 0 END, $8, $9, false, 'low', $10
		FROM ST_GeomFromEWKB($7) g RETURNING id, area_ha`,
		batch, d.index+1, d.externalID, d.change, d.confidence, d.areaHa, geom, beforeDay, lc.on.Time, props).Scan(&id, &areaHa); err != nil {
		return err
	}
	shares, err := lc.zones(ctx, tx, id)
	if err != nil {
		return err
	}
	p, err := lc.place(ctx, tx, id, d.change, areaHa, shares)
	if err != nil {
		return err
	}
	var legal, activity, verdict, ruleSet *string
	basis, penalty := []byte("[]"), []byte(nil)
	if p.legal != nil {
		legal = ptr(string(*p.legal))
	}
	if j := p.judged; j != nil {
		activity, verdict, ruleSet = ptr(j.Activity), ptr(string(j.Verdict)), ptr(j.RuleSet)
		if len(j.LegalBasis) > 0 {
			basis, _ = json.Marshal(j.LegalBasis)
		}
		if j.Penalty != nil {
			penalty, _ = json.Marshal(j.Penalty)
		}
	}
	_, err = tx.Exec(ctx, `UPDATE clue c SET reserve_id = $2, inside = $3, boundary_distance_m = $4, priority = $5, legal_zone_kind = $6,
			activity = $7, verdict = $8, rule_set = $9, legal_basis = $10, penalty = $11, area_id = r.area, cell_id = r.cell
		FROM clue c2 LEFT JOIN LATERAL case_route(c2.point, $2) r ON $2::bigint IS NOT NULL
		WHERE c.id = $1 AND c2.id = $1`,
		id, p.reserve, p.inside, p.distance, p.priority, legal, activity, verdict, ruleSet, basis, penalty)
	if err != nil {
		return err
	}
	return lc.link(ctx, tx, id, batch)
}

func ptr[T any](v T) *T { return &v }

// zones measures the clue's overlap with every zone it meets in the zoning
// in force on the change date, per reserve and zone kind (geodesic hectares;
// 0 for a point), and stores them with the zone kind the law in force that
// day judges them as.
func (lc *locator) zones(ctx context.Context, tx pgx.Tx, id int64) ([]share, error) {
	var g []byte
	var dim int
	if err := tx.QueryRow(ctx, `SELECT ST_AsBinary(ST_Multi(geom)), ST_Dimension(geom) FROM clue WHERE id = $1`, id).Scan(&g, &dim); err != nil {
		return nil, err
	}
	f := zoning.Footprint{Whole: g, Simple: g}
	switch dim {
	case 2:
		f.Polys = g
	case 1:
		f.Lines = g
	default:
		f.Points = g
	}
	ms, err := lc.eng.MeasureFootprint(ctx, tx, f, 0, lc.on.Time)
	if err != nil {
		return nil, err
	}
	var out []share
	for k, o := range ms {
		if o.Meets {
			out = append(out, share{reserve: k.Reserve, kind: k.Kind, areaHa: o.AreaM2 / 1e4})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].reserve < out[j].reserve || (out[i].reserve == out[j].reserve && out[i].kind < out[j].kind)
	})
	for i := range out {
		out[i].legal = out[i].kind
		if rs, err := lc.book.InForce(lc.families[out[i].reserve], lc.on); err == nil {
			if k, inside := law.Convert(out[i].kind, rs.ZoneScheme); inside {
				out[i].legal = k
			} else {
				out[i].legal = ""
			}
		}
		var legal *string
		if out[i].legal != "" {
			legal = ptr(string(out[i].legal))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO clue_zone (clue_id, reserve_id, zone_kind, legal_zone_kind, area_ha) VALUES ($1, $2, $3, $4, $5)`,
			id, out[i].reserve, out[i].kind, legal, out[i].areaHa); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nearestSQL finds the reserve and distance of the zone nearest to clue $1
// within $2 metres, in the zoning in force on $3 (any version, so the
// zone table, not the current pieces); the geodesic ST_DWithin is served by
// the zone_geog index (migration 00018).
const nearestSQL = `SELECT z.reserve_id, ST_Distance(z.geom::geography, c.geom::geography)
	FROM clue c JOIN zone z ON ST_DWithin(z.geom::geography, c.geom::geography, $2)
	WHERE c.id = $1 AND z.version_id = zoning_version_on(z.reserve_id, $3) ORDER BY 2, 1 LIMIT 1`

// place picks the clue's reserve (where most of it lies; for a clue in none,
// the nearest within NearM, with the distance to its boundary), its
// strictest legal zone, the verdict of the rule set in force for the
// activity the change implies there, and its priority.
func (lc *locator) place(ctx context.Context, tx pgx.Tx, id int64, ct ChangeType, areaHa float64, shares []share) (placed, error) {
	var p placed
	if len(shares) == 0 {
		var res int64
		var dist float64
		err := tx.QueryRow(ctx, nearestSQL, id, lc.nearM, lc.on.Time).Scan(&res, &dist)
		if err == pgx.ErrNoRows {
			p.priority = "low"
			return p, nil
		} else if err != nil {
			return p, err
		}
		p.reserve, p.distance, p.priority = &res, &dist, "low"
		return p, nil
	}
	byReserve := map[int64]float64{}
	for _, sh := range shares {
		byReserve[sh.reserve] += sh.areaHa
	}
	var ids []int64
	for r := range byReserve {
		ids = append(ids, r)
	}
	sort.Slice(ids, func(i, j int) bool {
		if byReserve[ids[i]] != byReserve[ids[j]] {
			return byReserve[ids[i]] > byReserve[ids[j]]
		}
		return ids[i] < ids[j]
	})
	res := ids[0]
	p.reserve, p.inside = &res, true
	var strictest *share
	for i, sh := range shares {
		if sh.reserve != res || sh.legal == "" {
			continue
		}
		if strictest == nil || sh.legal.Rank() < strictest.legal.Rank() {
			strictest = &shares[i]
		}
	}
	if strictest != nil {
		p.legal = &strictest.legal
		if act := ct.Activity(); act != "" {
			j, err := lc.book.Judge(law.Act{Family: lc.families[res], On: lc.on, ZoneKind: strictest.kind, Activity: act})
			if err == nil {
				p.judged = &j
			}
		}
	}
	p.priority = "medium"
	core := p.legal != nil && (*p.legal == zoning.Core || *p.legal == zoning.CoreProtection)
	if core || areaHa >= 10 || ct == QuarryMine || ct == Hydropower {
		p.priority = "high"
	}
	return p, nil
}

// link marks a clue that repeats what is known: one overlapping a clue of an
// earlier batch (not itself a repeat; a point within 50 m of it), or lying
// within 50 m of an open case
// of its reserve, is linked to it and not counted again.
func (lc *locator) link(ctx context.Context, tx pgx.Tx, id, batch int64) error {
	var other int64
	err := tx.QueryRow(ctx, `SELECT e.id FROM clue c JOIN clue e ON e.batch_id < $2 AND e.status <> 'linked'
			AND (ST_Intersects(e.geom, c.geom) OR (least(ST_Dimension(e.geom), ST_Dimension(c.geom)) = 0
			     AND ST_DWithin(e.geom::geography, c.geom::geography, $3)))
		WHERE c.id = $1 ORDER BY e.id LIMIT 1`, id, batch, lc.dedupM).Scan(&other)
	if err == nil {
		_, err = tx.Exec(ctx, `UPDATE clue SET status = 'linked', linked_clue_id = $2 WHERE id = $1`, id, other)
		return err
	} else if err != pgx.ErrNoRows {
		return err
	}
	err = tx.QueryRow(ctx, `SELECT v.id FROM clue c JOIN violation_case v ON v.reserve_id = c.reserve_id
			AND v.status NOT IN ('dismissed', 'closed') AND ST_DWithin(v.geom::geography, c.geom::geography, $2)
		WHERE c.id = $1 ORDER BY v.id LIMIT 1`, id, lc.dedupM).Scan(&other)
	if err == nil {
		_, err = tx.Exec(ctx, `UPDATE clue SET status = 'linked', linked_case_id = $2 WHERE id = $1`, id, other)
		return err
	} else if err != pgx.ErrNoRows {
		return err
	}
	return nil
}
