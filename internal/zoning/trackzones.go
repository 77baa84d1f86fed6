package zoning

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/zoning/engine"
)

// TrackZones answers a track's questions about the zoning in force at one
// instant: where its paths cross zone boundaries, which zones points lie in,
// and how far a point is from its zone's boundary. The zone engine answers
// from an index of that zoning: the current one, or for an older day an
// index of that day's versions, built on first use and kept while the
// zoning epoch holds. PostGIS answers (zone_piece and zone_edge, or their
// _on forms for an older zoning) only where the engine cannot: when no
// engine runs, or while its index is stale.
type TrackZones struct {
	ix   *engine.Index // nil: PostGIS answers
	tx   pgx.Tx
	at   *time.Time
	past bool   // some reserve's zoning at `at` is not its current one
	key  string // the zoning versions in force, by id, and the epoch
}

// TrackZone is a zone a track or point lies in.
type TrackZone struct {
	ID, ReserveID int64
	Reserve, Name string
	Kind          Kind
}

// TrackZones returns the zoning in force at `at` (each reserve's day counted
// in its time zone; the current zoning for nil) for questions asked in tx.
// A nil Engine answers everything from PostGIS.
func (e *Engine) TrackZones(ctx context.Context, tx pgx.Tx, at *time.Time) (*TrackZones, error) {
	var ids []int64
	var epoch int64
	t := &TrackZones{tx: tx, at: at}
	err := tx.QueryRow(ctx, `
		SELECT coalesce(array_agg(v.id ORDER BY v.id), '{}'), coalesce(bool_or(v.id <> v.current), false), (SELECT epoch FROM zoning_epoch)
		FROM (SELECT c.id AS current, zoning_version_on(c.reserve_id, zoning_day(c.reserve_id, NULL, $1)) AS id
		      FROM zoning_version c WHERE c.is_current) v`, at).Scan(&ids, &t.past, &epoch)
	if err != nil {
		return nil, fmt.Errorf("zoning: versions in force at %v: %w", at, err)
	}
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	t.key = b.String()
	if e == nil {
		return t, nil
	}
	if !t.past {
		t.ix = e.Index(ctx)
		return t, nil
	}
	t.ix, err = e.pastIndex(ctx, tx, ids, fmt.Sprintf("%s@%d", t.key, epoch))
	return t, err
}

// Key names the zoning versions that answer: two TrackZones with the same
// key give the same answers.
func (t *TrackZones) Key() string { return t.key }

// FromEngine says whether the zone engine answers (else PostGIS).
func (t *TrackZones) FromEngine() bool { return t.ix != nil }

// pastIndexes caches the engine's indexes of older zonings, by versions and
// epoch. A handful is enough: tracks come from the last days.
type pastIndexes struct {
	mu sync.Mutex
	m  map[string]*engine.Index
}

const maxPastIndexes = 8

// pastIndex is the index of the zones of versions ids (key: those and the
// epoch they were read at), built from tx on first use.
func (e *Engine) pastIndex(ctx context.Context, tx pgx.Tx, ids []int64, key string) (*engine.Index, error) {
	e.past.mu.Lock()
	defer e.past.mu.Unlock()
	if ix := e.past.m[key]; ix != nil {
		return ix, nil
	}
	zones, err := readZones(ctx, tx, `v.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("zoning: build the index of versions %v: %w", ids, err)
	}
	if e.past.m == nil || len(e.past.m) >= maxPastIndexes {
		e.past.m = map[string]*engine.Index{}
	}
	ix := engine.Build(zones)
	e.past.m[key] = ix
	return ix, nil
}

// pieces is zone_piece, or for an older zoning zone_piece_on at parameter $n.
func (t *TrackZones) pieces(n int) string {
	if !t.past {
		return "zone_piece"
	}
	return fmt.Sprintf("zone_piece_on(NULL, $%d::timestamptz)", n)
}

// edges is zone_edge, or for an older zoning zone_edge_on (see pieces).
func (t *TrackZones) edges(n int) string {
	if !t.past {
		return "zone_edge"
	}
	return fmt.Sprintf("zone_edge_on(NULL, $%d::timestamptz)", n)
}

// args appends the instant to a query's arguments when pieces or edges name it.
func (t *TrackZones) args(args ...any) []any {
	if t.past {
		return append(args, t.at)
	}
	return args
}

// Crossings returns, for each path, the sorted positions (k+t: the fraction
// t of the way from path[k] to path[k+1]) where it meets a zone boundary,
// planar in lon/lat as the boundary's edges (see engine.Index.Crossings).
func (t *TrackZones) Crossings(ctx context.Context, paths [][]orb.Point) ([][]float64, error) {
	out := make([][]float64, len(paths))
	if t.ix != nil {
		for i, p := range paths {
			out[i] = t.ix.Crossings(p)
		}
		return out, nil
	}
	if err := t.crossingsSQL(ctx, paths, out); err != nil {
		return nil, fmt.Errorf("zoning: boundary crossings: %w", err)
	}
	return out, nil
}

// chunkSegs is the number of path segments per piece sent to PostGIS to
// find boundary crossings: small enough that few boundary pieces share its
// bounding box.
const chunkSegs = 64

// crossingsSQL is Crossings by PostGIS: ST_Intersection of each segment
// with the boundary pieces whose box its chunk of path touches.
func (t *TrackZones) crossingsSQL(ctx context.Context, paths [][]orb.Point, out [][]float64) error {
	type chunk struct{ path, first int }
	var chunks []chunk
	var ws []orb.LineString
	for pi, p := range paths {
		for first := 0; first < len(p)-1; first += chunkSegs {
			last := min(first+chunkSegs, len(p)-1)
			chunks = append(chunks, chunk{pi, first})
			ws = append(ws, orb.LineString(p[first:last+1]))
		}
	}
	if len(ws) == 0 {
		return nil
	}
	rows, err := t.tx.Query(ctx, `
		WITH c AS (
			SELECT t.i, ST_GeomFromWKB(t.w, 4326) AS g FROM unnest($1::bytea[]) WITH ORDINALITY AS t(w, i)
		), hit AS (
			SELECT c.i, c.g, e.geog::geometry AS eg
			FROM c JOIN `+t.edges(2)+` e ON e.geog::geometry && c.g
			WHERE ST_Intersects(e.geog::geometry, c.g)
		)
		SELECT hit.i - 1, s.path[1] - 1, ST_AsBinary(ST_Intersection(hit.eg, s.geom))
		FROM hit CROSS JOIN LATERAL ST_DumpSegments(hit.g) s
		WHERE ST_Intersects(hit.eg, s.geom)`, t.args(db.Geoms(ws))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ci, k int
		var g orb.Geometry
		if err := rows.Scan(&ci, &k, db.Scan(&g)); err != nil {
			return err
		}
		c := chunks[ci]
		p, q := paths[c.path][c.first+k], paths[c.path][c.first+k+1]
		for _, pt := range intersectionPoints(g, nil) {
			out[c.path] = append(out[c.path], float64(c.first+k)+fraction(p, q, pt))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, cs := range out {
		slices.Sort(cs)
		out[i] = slices.CompactFunc(cs, func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })
	}
	return nil
}

// intersectionPoints lists the points of an intersection: its points, and
// the ends of its lines (a path running along a boundary).
func intersectionPoints(g orb.Geometry, out []orb.Point) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.MultiPoint:
		out = append(out, g...)
	case orb.LineString:
		if len(g) > 0 {
			out = append(out, g[0], g[len(g)-1])
		}
	case orb.MultiLineString:
		for _, l := range g {
			out = intersectionPoints(l, out)
		}
	case orb.Collection:
		for _, c := range g {
			out = intersectionPoints(c, out)
		}
	}
	return out
}

// fraction is how far along the segment p-q the point pt (on it) lies.
func fraction(p, q, pt orb.Point) float64 {
	dx, dy := q[0]-p[0], q[1]-p[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return 0
	}
	return math.Min(1, math.Max(0, ((pt[0]-p[0])*dx+(pt[1]-p[1])*dy)/l2))
}

// Covering returns, for each point, the zones that cover it (ST_Covers:
// a point on a shared boundary is in both), by id.
func (t *TrackZones) Covering(ctx context.Context, xs, ys []float64) ([][]TrackZone, error) {
	out := make([][]TrackZone, len(xs))
	if t.ix != nil {
		for i := range xs {
			t.ix.Covering(xs[i], ys[i], func(z *engine.Zone, _ engine.Position) {
				out[i] = append(out[i], TrackZone{ID: z.ID, ReserveID: z.ReserveID, Reserve: z.Reserve, Name: z.Name, Kind: Kind(z.Kind)})
			})
			slices.SortFunc(out[i], func(a, b TrackZone) int { return cmp.Compare(a.ID, b.ID) })
		}
		return out, nil
	}
	if len(xs) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, `
		SELECT DISTINCT t.i - 1, z.id, z.reserve_id, r.code, z.kind, z.name
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
		JOIN `+t.pieces(3)+` zp ON ST_Intersects(zp.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
		JOIN zone z ON z.id = zp.zone_id
		JOIN reserve r ON r.id = z.reserve_id
		ORDER BY 1, 2`, t.args(xs, ys)...)
	if err != nil {
		return nil, fmt.Errorf("zoning: zones of track points: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var z TrackZone
		if err := rows.Scan(&i, &z.ID, &z.ReserveID, &z.Reserve, &z.Kind, &z.Name); err != nil {
			return nil, fmt.Errorf("zoning: zones of track points: %w", err)
		}
		out[i] = append(out[i], z)
	}
	return out, rows.Err()
}

// Depths returns the geodesic distance from each point to the boundary of
// zone zones[i] (0 for a zone not in this zoning). The engine measures to
// the boundary's lon/lat edges (zoning's one boundary); PostGIS, to
// geodesics between the same vertices, up to metres apart on long edges.
func (t *TrackZones) Depths(ctx context.Context, xs, ys []float64, zones []int64) ([]float64, error) {
	out := make([]float64, len(xs))
	if t.ix != nil {
		for i := range xs {
			if d := t.ix.DistanceToBoundary(zones[i], xs[i], ys[i]); !math.IsNaN(d) {
				out[i] = d
			}
		}
		return out, nil
	}
	edgesOf := "zone_edge e WHERE e.zone_id = t.z"
	if t.past {
		edgesOf = "zone_edge_of(t.z) AS e(geog)"
	}
	rows, err := t.tx.Query(ctx, `
		SELECT t.i - 1, coalesce(d.m, 0)
		FROM unnest($1::float8[], $2::float8[], $3::int8[]) WITH ORDINALITY AS t(x, y, z, i)
		CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(t.x, t.y), 4326)::geography AS p) q
		CROSS JOIN LATERAL (
			SELECT min(ST_Distance(c.geog, q.p)) AS m
			FROM (SELECT e.geog FROM `+edgesOf+` ORDER BY e.geog <-> q.p LIMIT 4) c) d`, xs, ys, zones)
	if err != nil {
		return nil, fmt.Errorf("zoning: depths of track points: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var d float64
		if err := rows.Scan(&i, &d); err != nil {
			return nil, fmt.Errorf("zoning: depths of track points: %w", err)
		}
		out[i] = d
	}
	return out, rows.Err()
}
