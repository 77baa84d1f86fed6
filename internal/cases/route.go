package cases

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Routing is what a case is routed to by where it lies.
type Routing string

// Routings.
const (
	// ByArea routes to the administrative area, whose government is the
	// responsible unit once the case is handed over.
	ByArea Routing = "area"
	// ByCell routes to the grid cell of grid supervision.
	ByCell Routing = "cell"
)

// Reroute routes every open case again to the area or grid cell its point
// lies in, recording a 'routed' event on each case whose routing changed. It
// runs in tx, the transaction that changed the areas or cells, and returns
// how many cases it routed again.
func Reroute(ctx context.Context, tx pgx.Tx, by Routing, actor string) (int, error) {
	col, table, field := "area_id", "admin_area", "area"
	if by == ByCell {
		col, table, field = "cell_id", "grid_cell", "cell"
	}
	var n int
	err := tx.QueryRow(ctx, `WITH r AS (
			SELECT c.id, (case_route(c.point, c.reserve_id)).`+field+` AS target FROM violation_case c WHERE c.status NOT IN ('dismissed', 'closed')),
		ch AS (
			UPDATE violation_case c SET `+col+` = r.target, version = c.version + 1, updated_at = now()
			FROM r WHERE r.id = c.id AND c.`+col+` IS DISTINCT FROM r.target RETURNING c.id, c.version, r.target),
		ev AS (
			INSERT INTO case_event (case_id, version, actor, kind, data)
			SELECT ch.id, ch.version, $1, 'routed', jsonb_build_object($2::text, (SELECT t.code FROM `+table+` t WHERE t.id = ch.target))
			FROM ch RETURNING 1)
		SELECT count(*) FROM ev`, actor, map[Routing]string{ByArea: "area", ByCell: "grid_cell"}[by]).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("cases: route by %s: %w", by, err)
	}
	return n, nil
}
