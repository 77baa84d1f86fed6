package zoning_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/zoning/engine"
)

// testFootprints makes n polygon footprints over the zones: star-shaped
// polygons of 5 to 300 vertices, 200 m to 20 km across, anywhere in a
// zone's bounding box (across boundaries, in holes, around small parts),
// and boxes built on one of a zone's own edges, on either side of it (so
// that the footprint's boundary runs along the zone's, the same way or
// the other).
func testFootprints(zones []storedZone, n int) []orb.Polygon {
	rng := rand.New(rand.NewPCG(17, 2026))
	var out []orb.Polygon
	for len(out) < n {
		z := zones[rng.IntN(len(zones))]
		if rng.IntN(3) > 0 {
			bb := z.bbox
			c := orb.Point{bb.Min[0] + rng.Float64()*(bb.Max[0]-bb.Min[0]), bb.Min[1] + rng.Float64()*(bb.Max[1]-bb.Min[1])}
			r := 200 * math.Pow(100, rng.Float64())
			k := 111_320 * math.Cos(c[1]*math.Pi/180)
			verts := 5 + rng.IntN(296)
			ring := make(orb.Ring, 0, verts+1)
			for i := range verts {
				t := 2 * math.Pi * float64(i) / float64(verts)
				ri := r * (0.6 + 0.4*rng.Float64())
				ring = append(ring, orb.Point{c[0] + ri*math.Cos(t)/k, c[1] + ri*math.Sin(t)/111_320})
			}
			out = append(out, orb.Polygon{append(ring, ring[0])})
			continue
		}
		ring := z.geom[rng.IntN(len(z.geom))][0]
		i := rng.IntN(len(ring) - 1)
		a, b := ring[i], ring[i+1]
		if a == b || math.Abs(a[0]-b[0])+math.Abs(a[1]-b[1]) > 0.05 {
			continue
		}
		// The normal, scaled to a depth of 0.1 to 1 times the edge.
		s := (0.1 + 0.9*rng.Float64()) * float64(1-2*rng.IntN(2))
		nx, ny := -(b[1]-a[1])*s, (b[0]-a[0])*s
		box := orb.Ring{a, b, {b[0] + nx, b[1] + ny}, {a[0] + nx, a[1] + ny}, a}
		if rng.IntN(2) == 0 {
			box = orb.Ring{a, {a[0] + nx, a[1] + ny}, {b[0] + nx, b[1] + ny}, b, a}
		}
		out = append(out, orb.Polygon{box})
	}
	return out
}

// testLines makes n lines of 2 to 20 vertices, random walks in steps of up
// to 0.02° from a vertex of a zone (through its boundary), every other one
// starting along the zone's next edge.
func testLines(zones []storedZone, n int) []orb.LineString {
	rng := rand.New(rand.NewPCG(19, 2026))
	var out []orb.LineString
	for len(out) < n {
		z := zones[rng.IntN(len(zones))]
		ring := z.geom[rng.IntN(len(z.geom))][0]
		i := rng.IntN(len(ring) - 1)
		l := orb.LineString{ring[i]}
		if len(out)%2 == 0 {
			l = append(l, ring[i+1])
		}
		for range 1 + rng.IntN(19) {
			p := l[len(l)-1]
			l = append(l, orb.Point{p[0] + (rng.Float64()-0.5)*0.04, p[1] + (rng.Float64()-0.5)*0.04})
		}
		out = append(out, l)
	}
	return out
}

// TestEngineFootprintsEqualPostGIS holds the engine's footprint answers
// (Index.Measure) equal to PostGIS on the sample reserves: the area of a
// polygon inside each zone within 0.1 % (or 1 m²) of
// ST_Area(ST_Intersection(zone, footprint)::geography), the length of a
// line inside each zone within 1e-5 of ST_Length of the same, points
// counted as ST_Covers counts them, meeting as ST_Intersects says, and the
// distance to a zone the footprint does not meet within 0.05 % or 0.5 m of
// ST_Distance on geography between the two cut into pieces of at most
// 0.001° (so that PostGIS's geodesics follow the straight lon/lat edges
// the engine measures to).
// Every zone within the radius is answered.
func TestEngineFootprintsEqualPostGIS(t *testing.T) {
	ctx := t.Context()
	f := sampleEngine(t)
	pool, ix, zones := f.pool, f.eng.Index(ctx), f.zones
	const radius = 5000.0
	type fp struct {
		polys  orb.MultiPolygon
		lines  orb.MultiLineString
		points []orb.Point
	}
	var fps []fp
	for _, p := range testFootprints(zones, 120) {
		fps = append(fps, fp{polys: orb.MultiPolygon{p}})
	}
	for _, l := range testLines(zones, 40) {
		fps = append(fps, fp{lines: orb.MultiLineString{l}})
	}
	pts := testPoints(zones, 400)
	for i := 0; i+20 <= len(pts); i += 20 {
		fps = append(fps, fp{points: pts[i : i+20]})
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// The zones' boundaries cut into pieces of at most 0.001°, one
	// geography each (see postgisBoundaryDistances for why not whole).
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE boundary_piece AS
		SELECT z.id AS zone_id, (ST_DumpSegments(ST_Segmentize(ST_Boundary(z.geom), 0.001))).geom::geography AS g
		FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current;
		CREATE INDEX ON boundary_piece USING gist (g); ANALYZE boundary_piece`); err != nil {
		t.Fatal(err)
	}
	areas, dists := 0, 0
	for n, c := range fps {
		start := time.Now()
		var g orb.Geometry = c.polys
		switch {
		case c.lines != nil:
			g = c.lines
		case c.points != nil:
			g = orb.MultiPoint(c.points)
		}
		w, err := wkb.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]engine.Overlap{}
		for _, o := range ix.Measure(engine.NewFootprint(c.polys, c.lines, c.points), radius) {
			got[o.Zone.ID] = o
		}
		// PostGIS's distances to the zones the engine puts within the
		// radius but not meeting the footprint, over the pieces within the
		// engine's distance and a margin: a nearer piece is found, and if
		// there is none within it the engine's distance is too short. And
		// the zones within the radius less 50 m that the engine leaves out,
		// measured whole (geodesic edges lie within metres of the lon/lat
		// ones on the sample zones): by their pieces, each footprint piece
		// met every piece of the answered zones nearby in the index.
		var ids, answered []int64
		var within []float64
		for id, o := range got {
			answered = append(answered, id)
			if !o.Meets && o.DistanceM <= radius {
				ids, within = append(ids, id), append(within, o.DistanceM*1.001+1)
			}
		}
		near := map[int64]float64{}
		rows, err := conn.Query(ctx, `
			WITH f AS (SELECT ST_GeomFromWKB($1, 4326) AS g),
			fp AS MATERIALIZED (SELECT (ST_DumpSegments(ST_Segmentize(f.g, 0.001))).geom::geography AS g FROM f
			       UNION ALL SELECT d.geom::geography FROM f, ST_Dump(f.g) d WHERE GeometryType(d.geom) = 'POINT')
			SELECT u.z, coalesce((SELECT min(ST_Distance(b.g, fp.g)) FROM boundary_piece b JOIN fp ON ST_DWithin(b.g, fp.g, u.r) WHERE b.zone_id = u.z), 'NaN')
			FROM unnest($2::bigint[], $3::float8[]) u(z, r)
			UNION ALL
			SELECT z.id, -1 FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current, f
			WHERE z.id <> ALL($4) AND ST_DWithin(z.geom::geography, f.g::geography, $5)`, w, ids, within, answered, radius*0.99)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var d float64
			if err := rows.Scan(&id, &d); err != nil {
				t.Fatal(err)
			}
			if d < 0 {
				t.Errorf("footprint %d: zone %d within %.0f m is not answered", n, id, radius)
				continue
			}
			near[id] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatalf("footprint %d: %v", n, err)
		}
		mid := time.Since(start)
		rows, err = conn.Query(ctx, `
			WITH f AS (SELECT ST_GeomFromWKB($1, 4326) AS g)
			SELECT z.id, coalesce(ST_Area(ST_CollectionExtract(i, 3)::geography), 0), coalesce(ST_Length(ST_CollectionExtract(i, 2)::geography), 0),
			       (SELECT count(*) FROM ST_Dump(f.g) d WHERE GeometryType(d.geom) = 'POINT' AND ST_Covers(z.geom, d.geom))
			FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current CROSS JOIN f
			CROSS JOIN LATERAL (SELECT ST_Intersection(z.geom, f.g) AS i) x
			WHERE z.geom && f.g AND ST_Intersects(z.geom, f.g)`, w)
		if err != nil {
			t.Fatal(err)
		}
		meets := map[int64]engine.Overlap{}
		for rows.Next() {
			var id int64
			var o engine.Overlap
			if err := rows.Scan(&id, &o.AreaM2, &o.LengthM, &o.Points); err != nil {
				t.Fatal(err)
			}
			meets[id] = o
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatalf("footprint %d: %v", n, err)
		}
		for id, o := range got {
			if o.Meets {
				near[id] = 0
			}
		}
		for id := range meets {
			if _, ok := got[id]; !ok {
				t.Errorf("footprint %d: zone %d, which it meets, is not answered", n, id)
			}
			near[id] = 0
		}
		for id, dist := range near {
			want, meets := meets[id]
			if c.polys == nil {
				want.AreaM2 = 0
			}
			if c.lines == nil {
				want.LengthM = 0
			}
			o := got[id]
			switch {
			case o.Meets != meets:
				t.Errorf("footprint %d, zone %d: engine meets %v, ST_Intersects %v (%+v)", n, id, o.Meets, meets, o)
			case math.Abs(o.AreaM2-want.AreaM2) > 1e-3*want.AreaM2+1:
				t.Errorf("footprint %d, zone %d: area %.2f m², PostGIS %.2f m²", n, id, o.AreaM2, want.AreaM2)
			case math.Abs(o.LengthM-want.LengthM) > 1e-5*want.LengthM+0.001:
				t.Errorf("footprint %d, zone %d: length %.4f m, PostGIS %.4f m", n, id, o.LengthM, want.LengthM)
			case o.Points != want.Points:
				t.Errorf("footprint %d, zone %d: %d points, PostGIS %d", n, id, o.Points, want.Points)
			case !meets && !(math.Abs(o.DistanceM-dist) <= math.Max(0.5, 5e-4*dist)):
				t.Errorf("footprint %d, zone %d: distance %.3f m, PostGIS %.3f m", n, id, o.DistanceM, dist)
			}
			if want.AreaM2 > 0 {
				areas++
			}
			if !meets {
				dists++
			}
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Logf("footprint %d took %v (distances %v)", n, d, mid)
		}
	}
	t.Logf("%d footprints: %d areas and %d distances agree", len(fps), areas, dists)
}

// currentStoredZones reads the current zones.
func currentStoredZones(t *testing.T, pool *pgxpool.Pool) []storedZone {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT z.id, ST_AsBinary(z.geom) FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current ORDER BY z.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedZone
	for rows.Next() {
		var z storedZone
		if err := rows.Scan(&z.id, &z.wkb); err != nil {
			t.Fatal(err)
		}
		g, err := wkb.Unmarshal(z.wkb)
		if err != nil {
			t.Fatal(err)
		}
		z.geom = g.(orb.MultiPolygon)
		z.bbox = z.geom.Bound()
		out = append(out, z)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
