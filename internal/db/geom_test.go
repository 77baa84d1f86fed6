package db_test

import (
	"testing"

	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestGeomSeam: geometry goes to PostGIS and back through the seam as it
// was, one value or many (unnest of a bytea[]); a column of the wrong type
// for the Go value is an error, not a silent zero geometry.
func TestGeomSeam(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	poly := orb.Polygon{{{86, 34.5}, {86.02, 34.5}, {86.02, 34.52}, {86, 34.5}}}
	var area float64
	var back orb.Polygon
	if err := pool.QueryRow(ctx, `SELECT ST_Area(ST_GeomFromWKB($1, 4326)::geography), ST_AsBinary(ST_GeomFromWKB($1, 4326))`, db.Geom(poly)).
		Scan(&area, db.Scan(&back)); err != nil {
		t.Fatal(err)
	}
	if area < 2e6 || area > 3e6 || !orb.Equal(back, poly) {
		t.Errorf("polygon: area %.0f m², read back %v", area, back)
	}
	pts := []orb.Point{{1, 2}, {3, 4}, {5, 6}}
	rows, err := pool.Query(ctx, `SELECT ST_AsBinary(ST_GeomFromWKB(w, 4326)) FROM unnest($1::bytea[]) WITH ORDINALITY AS u(w, i) ORDER BY i`, db.Geoms(pts))
	if err != nil {
		t.Fatal(err)
	}
	var got []orb.Point
	for rows.Next() {
		var g orb.Geometry
		if err := rows.Scan(db.Scan(&g)); err != nil {
			t.Fatal(err)
		}
		got = append(got, g.(orb.Point))
	}
	if rows.Err() != nil || len(got) != 3 || got[2] != pts[2] {
		t.Errorf("points: %v (%v)", got, rows.Err())
	}
	var mp orb.MultiPolygon
	if err := pool.QueryRow(ctx, `SELECT ST_AsBinary(ST_MakePoint(1, 2))`).Scan(db.Scan(&mp)); err == nil {
		t.Errorf("a point scanned into a multipolygon: %v, want an error", mp)
	}
	var null bool
	if err := pool.QueryRow(ctx, `SELECT ST_GeomFromWKB($1, 4326) IS NULL`, db.Geom(nil)).Scan(&null); err != nil || !null {
		t.Errorf("a nil geometry: NULL %v (%v), want NULL", null, err)
	}
}
