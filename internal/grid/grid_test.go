package grid_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"warden/internal/cases/casetest"
	"warden/internal/grid"
	"warden/internal/problem/problemtest"
	"warden/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestSampleAreasAndGrid checks the illustrative units and the generated
// grid of the samples: seven county strips west to east over Qiangtang, two
// over Alt Pirineu, and cells that tile each reserve's zones exactly.
func TestSampleAreasAndGrid(t *testing.T) {
	f := casetest.New(t)
	as, err := f.Grid.Areas(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 9 {
		t.Fatalf("%d areas, want 9", len(as))
	}
	west := f.Scalar(`SELECT code FROM admin_area ORDER BY ST_XMin(geom) LIMIT 1`).(string)
	east := f.Scalar(`SELECT code FROM admin_area WHERE timezone = 'Asia/Shanghai' ORDER BY ST_XMax(geom) DESC LIMIT 1`).(string)
	if west != "es-25-pallars-sobira" || east != "540624" {
		t.Errorf("westmost %s, eastmost Chinese %s; want es-25-pallars-sobira and 540624 (安多县)", west, east)
	}
	for _, a := range as {
		if !a.Illustrative || a.Level != "county" || a.UnitName == "" {
			t.Errorf("area %+v", a)
		}
	}
	for _, r := range []string{"qiangtang", "alt-pirineu"} {
		cells, err := f.Grid.Cells(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) < 20 {
			t.Fatalf("%s: %d cells", r, len(cells))
		}
		diff := f.Scalar(`SELECT abs(1 - (SELECT sum(g.area_ha) FROM grid_cell g JOIN reserve r ON r.id = g.reserve_id WHERE r.code = $1)
			/ (SELECT sum(z.area_ha) FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current JOIN reserve r ON r.id = z.reserve_id WHERE r.code = $1))`, r).(float64)
		if diff > 1e-6 {
			t.Errorf("%s: the cells' area differs from the zones' by %.6f%%", r, diff*100)
		}
		if overlap := f.Scalar(`SELECT coalesce(max(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) FROM grid_cell a JOIN grid_cell b
			ON a.reserve_id = b.reserve_id AND a.id < b.id AND ST_Intersects(a.geom, b.geom) JOIN reserve r ON r.id = a.reserve_id WHERE r.code = $1`, r).(float64); overlap > 1 {
			t.Errorf("%s: cells overlap by %.1f m²", r, overlap)
		}
		t.Logf("%s: %d cells, first %s %.0f ha", r, len(cells), cells[0].Code, cells[0].AreaHa)
	}
	// re-generating keeps a cell's staff
	cells, _ := f.Grid.Cells(t.Context(), "alt-pirineu")
	staff := []grid.Staff{{Name: "王护林", Unit: "保护区管理局", Phone: "+86 891 1234567", Role: "网格长"}}
	if _, err := f.Grid.UpdateCell(t.Context(), cells[0].ID, grid.CellPatch{Staff: &staff}); err != nil {
		t.Fatal(err)
	}
	again, err := f.Grid.GenerateGrid(t.Context(), "alt-pirineu", 5000, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(cells) || again[0].Code != cells[0].Code || len(again[0].Staff) != 1 || again[0].Staff[0].Phone != "+86 891 1234567" {
		t.Errorf("regenerated: %d cells, first %+v", len(again), again[0])
	}
	bad := []grid.Staff{{Name: "", Phone: "call me"}}
	_, err = f.Grid.UpdateCell(t.Context(), cells[0].ID, grid.CellPatch{Staff: &bad})
	problemtest.Want(t, err, 422, "staff[0].name is required", "not a telephone number")
	_, err = f.Grid.GenerateGrid(t.Context(), "qiangtang", 600, "test")
	problemtest.Want(t, err, 422, "cells")
}

// TestCoverage: a patrol track through one grid cell covers part of it; the
// other cells are blind spots; tracks outside the period do not count.
func TestCoverage(t *testing.T) {
	f := casetest.New(t)
	ctx := t.Context()
	cell := f.Scalar(`SELECT g.code FROM grid_cell g JOIN reserve r ON r.id = g.reserve_id WHERE r.code = 'alt-pirineu' ORDER BY g.area_ha DESC LIMIT 1`).(string)
	// a straight 1 Hz walk through the cell's centre, 1.2 m/s for an hour
	var sx, sy float64
	if err := f.Pool.QueryRow(ctx, `SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM grid_cell WHERE code = $1`, cell).Scan(&sx, &sy); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 5, 8, 0, 0, 0, time.UTC)
	var pts []string
	for i := 0; i <= 3600; i += 10 {
		pts = append(pts, fmt.Sprintf("%.7f %.7f 1500 %d", sx-0.01+float64(i)*1.2/81500, sy, start.Unix()+int64(i)))
	}
	sum := make([]byte, 32)
	rand.Read(sum)
	if _, err := f.Pool.Exec(ctx, `WITH t AS (
			INSERT INTO track (sha256, subject, subject_kind, format, started_at, ended_at, points, length_m) VALUES ($1, 'ranger 1', 'patrol', 'gpx', $2, $3, $4, 4320)
			RETURNING id, fixes_end)
		INSERT INTO track_segment (track_id, ordinal, points, geom, fixes_end) SELECT t.id, 0, $4, ST_GeomFromText($5, 4326), t.fixes_end FROM t`,
		sum, start, start.Add(time.Hour), len(pts), "LINESTRING ZM ("+strings.Join(pts, ",")+")"); err != nil {
		t.Fatal(err)
	}
	cv, err := f.Grid.Coverage(ctx, "alt-pirineu", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 8, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var km, hours float64
	for _, c := range cv.Cells {
		km += c.KmPatrolled
		hours += c.HoursSpent
		if c.Code == cell && (c.Tracks != 1 || c.Covered <= 0 || c.BlindSpot) {
			t.Errorf("the walked cell: %+v", c)
		}
	}
	if km < 4.2 || km > 4.4 || hours < 0.99 || hours > 1.01 || cv.Visited < 1 || len(cv.BlindSpots) != len(cv.Cells)-cv.Visited || cv.AreaCovered <= 0 {
		t.Errorf("coverage: %.3f km, %.3f h, %d visited, %d blind spots of %d, area %.4f", km, hours, cv.Visited, len(cv.BlindSpots), len(cv.Cells), cv.AreaCovered)
	}
	// the share of the walked cell near the track: 200 m wide band over 4.3 km of a 25 km² cell is under 4 %
	t.Logf("%d cells, %d visited, area covered %.4f", len(cv.Cells), cv.Visited, cv.AreaCovered)
	before, err := f.Grid.Coverage(ctx, "alt-pirineu", time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if before.Visited != 0 || len(before.BlindSpots) != len(before.Cells) {
		t.Errorf("May: %d visited", before.Visited)
	}
	// half the period: half the walk
	half, err := f.Grid.Coverage(ctx, "alt-pirineu", start, start.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	hk := 0.0
	for _, c := range half.Cells {
		hk += c.KmPatrolled
	}
	if hk < 2.0 || hk > 2.3 {
		t.Errorf("first half hour: %.3f km", hk)
	}
}

// TestCoverageReadsItsMonths: the fixes are partitioned by the month a
// track's fixes end (00082), and the coverage of a period reads only the
// months from its start on: its plan names no older month.
func TestCoverageReadsItsMonths(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	for _, m := range []string{"2031-01-01", "2031-02-01", "2031-03-01"} {
		if _, err := pool.Exec(ctx, `SELECT month_partition('track_segment', $1::date)`, m); err != nil {
			t.Fatal(err)
		}
	}
	from, to := time.Date(2031, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 2, 15, 0, 0, 0, 0, time.UTC)
	p := testdb.Explain(t, pool, grid.CoverageSQL, 1, from, to, 100.0)
	if !strings.Contains(p, "track_segment_203102") || strings.Contains(p, "track_segment_203101") ||
		strings.Contains(p, time.Now().UTC().Format("track_segment_200601")) {
		t.Errorf("the coverage of a February fortnight does not keep to February on:\n%s", p)
	}
}
