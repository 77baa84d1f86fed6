package grid_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"warden/internal/cases/casetest"
)

// TestCoverageSurvivesBadGeometry: a stored track whose geometry PostGIS
// cannot measure or buffer (coordinates outside longitude/latitude, not a
// number, a line across the antimeridian) is left out of the coverage report, which says so, instead of
// failing the whole reserve's report; the good tracks still count.
func TestCoverageSurvivesBadGeometry(t *testing.T) {
	f := casetest.New(t)
	ctx := t.Context()
	var sx, sy float64
	if err := f.Pool.QueryRow(ctx, `SELECT ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)) FROM grid_cell g
		JOIN reserve r ON r.id = g.reserve_id WHERE r.code = 'alt-pirineu' ORDER BY g.area_ha DESC LIMIT 1`).Scan(&sx, &sy); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 5, 8, 0, 0, 0, time.UTC)
	store := func(subject, wkt string) int64 {
		t.Helper()
		sum := make([]byte, 32)
		rand.Read(sum)
		var id int64
		if err := f.Pool.QueryRow(ctx, `WITH t AS (
				INSERT INTO track (sha256, subject, subject_kind, format, started_at, ended_at, points, length_m) VALUES ($1, $2, 'patrol', 'gpx', $3, $4, 3, 100)
				RETURNING id, fixes_end)
			INSERT INTO track_segment (track_id, ordinal, points, geom, fixes_end) SELECT t.id, 0, 3, ST_GeomFromText($5, 4326), t.fixes_end FROM t RETURNING track_id`,
			sum, subject, start, start.Add(time.Hour), wkt).Scan(&id); err != nil {
			t.Fatalf("%s: %v", wkt, err)
		}
		return id
	}
	line := func(pts ...[2]float64) string {
		var s []string
		for i, p := range pts {
			s = append(s, fmt.Sprintf("%.7f %.7f 0 %d", p[0], p[1], start.Unix()+int64(i)*600))
		}
		return "LINESTRING ZM (" + strings.Join(s, ",") + ")"
	}
	good := store("ranger good", line([2]float64{sx - 0.005, sy}, [2]float64{sx, sy}, [2]float64{sx + 0.005, sy}))
	// a fix beyond the antimeridian's range, as a broken logger writes it
	outside := store("ranger outside", line([2]float64{sx, sy}, [2]float64{sx + 0.001, sy}, [2]float64{200, sy}))
	notANumber := store("ranger nan", fmt.Sprintf("LINESTRING ZM (%f %f 0 %d, NaN %f 0 %d, %f %f 0 %d)",
		sx, sy, start.Unix(), sy, start.Unix()+600, sx+0.001, sy, start.Unix()+1200))

	// a logger whose longitude sign flips: the line crosses the antimeridian
	// and back, and its buffer folds over itself (a GEOS topology error)
	antimeridian := store("ranger antimeridian", line([2]float64{sx, sy}, [2]float64{179.99, sy}, [2]float64{-179.99, sy}))

	cv, err := f.Grid.Coverage(ctx, "alt-pirineu", start.Add(-time.Hour), start.Add(2*time.Hour))
	if err != nil {
		t.Fatalf("one bad track broke the coverage report: %v", err)
	}
	if cv.Visited < 1 || cv.AreaCovered <= 0 {
		t.Errorf("the good track %d does not count: %d cells visited, area %.4f", good, cv.Visited, cv.AreaCovered)
	}
	said := strings.Join(cv.Skipped, "\n")
	for _, id := range []int64{outside, notANumber, antimeridian} {
		if !strings.Contains(said, fmt.Sprintf("track %d", id)) {
			t.Errorf("the report does not say it left out track %d: %q", id, cv.Skipped)
		}
	}
	if strings.Contains(said, fmt.Sprintf("track %d", good)) {
		t.Errorf("the good track is said to be left out: %q", cv.Skipped)
	}
}
