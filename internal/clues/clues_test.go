package clues_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/cases"
	"warden/internal/clues"
	"warden/internal/grid"
	"warden/internal/problem/problemtest"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type fixture struct {
	t    *testing.T
	pool *pgxpool.Pool
	cs   *cases.Store
	st   *clues.Store
}

// newFixture is a fresh database with the samples, their illustrative
// counties and grid cells.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool := testdb.New(t)
	cs := cases.NewStore(pool, cases.Options{MaxFileBytes: 1 << 20})
	sampletest.Load(t, pool, grid.NewStore(pool).LoadSample)
	eng, err := zoning.StartEngine(t.Context(), pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	st := clues.NewStore(pool, cs, clues.Options{})
	st.UseEngine(eng)
	return &fixture{t: t, pool: pool, cs: cs, st: st}
}

func (f *fixture) scalar(sql string, args ...any) any {
	f.t.Helper()
	var v any
	if err := f.pool.QueryRow(f.t.Context(), sql, args...).Scan(&v); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// square is a polygon of half-side h degrees around c.
func square(c [2]float64, h float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
		{c[0] - h, c[1] - h}, {c[0] + h, c[1] - h}, {c[0] + h, c[1] + h}, {c[0] - h, c[1] + h}, {c[0] - h, c[1] - h}}}}
}

func feature(geom map[string]any, props map[string]any) map[string]any {
	return map[string]any{"type": "Feature", "properties": props, "geometry": geom}
}

func collection(fs ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return b
}

// places are points over the Qiangtang sample, found from its zones: well
// inside the core zone, on the core zone's boundary, and 0.02° north of the
// reserve's northernmost vertex.
type places struct{ core, coreEdge, outside [2]float64 }

func (f *fixture) places() places {
	f.t.Helper()
	var p places
	p.core = [2]float64{86, 34.8}
	if err := f.pool.QueryRow(f.t.Context(), `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(z.geom, 1)), 1) p
		FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang' AND z.kind = 'core') x`).Scan(&p.coreEdge[0], &p.coreEdge[1]); err != nil {
		f.t.Fatal(err)
	}
	if err := f.pool.QueryRow(f.t.Context(), `SELECT ST_X(p), ST_Y(p) + 0.02 FROM (SELECT (ST_DumpPoints(z.geom)).geom p
		FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang' AND z.kind = 'experimental') x ORDER BY ST_Y(p) DESC LIMIT 1`).Scan(&p.outside[0], &p.outside[1]); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// TestBatchLocated: a batch over the Qiangtang sample is located clue by
// clue — areas per reserve and zone kind equal to PostGIS on the raw zones,
// the zone kind the 2026 Regulations judge it as, the county, grid cell,
// priority and legal basis, the distance of a clue just outside; a batch
// with one invalid polygon or an unknown change type is refused whole with
// where, storing nothing; the same file again creates nothing; a clue over
// an earlier one is linked, not counted again.
func TestBatchLocated(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := f.places()
	good := []map[string]any{
		feature(square(p.core, 0.003), map[string]any{"change_type": "采石", "confidence": 0.92, "id": "A1"}),
		feature(square(p.coreEdge, 0.01), map[string]any{"变化类型": "新增建筑", "面积": "12.5"}),
		feature(square(p.outside, 0.002), map[string]any{"type": "road"}),
	}
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{86.1, 34.7}, {86.11, 34.71}, {86.11, 34.7}, {86.1, 34.71}, {86.1, 34.7}}}}
	in := clues.UploadInput{FileName: "b.geojson", Source: "省级遥感解译", ImagedBefore: "2026-01-10", ImagedAfter: "2026-05-01"}

	in.Data = collection(append(append([]map[string]any{}, good...), feature(bowtie, map[string]any{"change_type": "road"}))...)
	_, _, err := f.st.Upload(ctx, in, "gis")
	pe := problemtest.WantType(t, err, 422, "invalid-geometry")
	if len(pe.Problems) != 1 || pe.Problems[0].Pointer != "features[3].geometry" || pe.Problems[0].Location == nil {
		t.Errorf("invalid polygon: %+v", pe.Problems)
	}
	in.Data = collection(append(append([]map[string]any{}, good...), feature(square(p.core, 0.001), map[string]any{"change_type": "ufo"}))...)
	_, _, err = f.st.Upload(ctx, in, "gis")
	pe = problemtest.WantType(t, err, 422, "invalid-clue-batch")
	if len(pe.Problems) != 1 || pe.Problems[0].Pointer != "features[3].properties.change_type" {
		t.Errorf("unknown change type: %+v", pe.Problems)
	}
	if n := f.scalar(`SELECT (SELECT count(*) FROM clue) + (SELECT count(*) FROM clue_batch)`).(int64); n != 0 {
		t.Fatalf("refused batches stored %d rows", n)
	}

	in.Data = collection(good...)
	b, created, err := f.st.Upload(ctx, in, "gis")
	if err != nil || !created || b.Clues != 3 || b.Features != 3 {
		t.Fatalf("upload: %+v %v %v", b, created, err)
	}
	cs, err := f.st.List(ctx, clues.Filter{Batch: b.ID})
	if err != nil || len(cs) != 3 {
		t.Fatalf("list: %d %v", len(cs), err)
	}
	core, edge, out := cs[0], cs[1], cs[2]
	if core.Reserve == nil || *core.Reserve != "qiangtang" || !core.Inside || len(core.Zones) != 1 || core.Zones[0].ZoneKind != "core" ||
		core.Zones[0].LegalZoneKind != "core_protection" || core.Priority != "high" || core.ChangeType != clues.QuarryMine ||
		core.County == nil || core.GridCell == nil || core.Verdict == nil || *core.Verdict != "prohibited" || *core.RuleSet != "cn-nrr-2026" {
		t.Errorf("core clue: %+v", core)
	}
	if string(core.LegalBasis) == "[]" || core.Penalty == nil {
		t.Errorf("core clue has no legal basis or penalty: %s %s", core.LegalBasis, core.Penalty)
	}
	kinds := map[string]string{}
	for _, z := range edge.Zones {
		kinds[z.ZoneKind] = z.LegalZoneKind
	}
	if kinds["core"] != "core_protection" || kinds["buffer"] != "core_protection" || edge.Priority != "high" || edge.ChangeType != clues.Construction {
		t.Errorf("straddling clue: %+v", edge.Zones)
	}
	if out.Inside || out.Reserve == nil || out.BoundaryDistanceM == nil || *out.BoundaryDistanceM < 1500 || *out.BoundaryDistanceM > 3000 ||
		out.Priority != "low" || len(out.Zones) != 0 {
		t.Errorf("clue outside: %+v", out)
	}
	// areas per reserve and zone kind against PostGIS on the raw zones of
	// the three-zone version in force on 2026-05-01
	checked := 0
	for _, c := range cs {
		for _, z := range c.Zones {
			want := f.scalar(`SELECT sum(ST_Area(ST_Intersection(z.geom, c.geom)::geography)) / 10000 FROM clue c, zone z
				JOIN zoning_version v ON v.id = z.version_id AND v.version = 1 JOIN reserve r ON r.id = z.reserve_id
				WHERE c.id = $1 AND r.code = $2 AND z.kind = $3`, c.ID, z.Reserve, z.ZoneKind).(float64)
			if math.Abs(z.AreaHa-want) > 1e-4 || want <= 0 {
				t.Errorf("clue %s in %s: %.6f ha, PostGIS %.6f ha", c.Number, z.ZoneKind, z.AreaHa, want)
			}
			checked++
		}
		total := f.scalar(`SELECT ST_Area(geom::geography) / 10000 FROM clue WHERE id = $1`, c.ID).(float64)
		if math.Abs(c.AreaHa-total) > 1e-9 {
			t.Errorf("clue %s area %.6f, PostGIS %.6f", c.Number, c.AreaHa, total)
		}
	}
	if checked != 3 {
		t.Errorf("%d zone shares checked, want 3", checked)
	}

	again, created, err := f.st.Upload(ctx, in, "gis")
	if err != nil || created || again.ID != b.ID {
		t.Fatalf("re-upload: %+v %v %v", again, created, err)
	}
	in.Data = collection(feature(square([2]float64{p.core[0] + 0.002, p.core[1]}, 0.003), map[string]any{"change_type": "quarry"}))
	dup, _, err := f.st.Upload(ctx, in, "gis")
	if err != nil || dup.Clues != 0 || dup.Linked != 1 {
		t.Fatalf("duplicate batch: %+v %v", dup, err)
	}
	if n := f.scalar(`SELECT count(*) FROM clue`).(int64); n != 4 {
		t.Errorf("%d clues stored, want 4", n)
	}
	lc, _ := f.st.List(ctx, clues.Filter{Batch: dup.ID})
	if len(lc) != 1 || lc[0].LinkedClue == nil || *lc[0].LinkedClue != core.ID {
		t.Errorf("duplicate not linked to %d: %+v", core.ID, lc)
	}
}

// TestPointAlerts: a CSV of point alerts with Chinese change types is read,
// and judged under the 2017 Regulations before 2026-03-15 (a buffer zone is
// a buffer zone then).
func TestPointAlerts(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := f.places()
	csv := fmt.Sprintf("alert_id,lon,lat,变化类型,confidence\nG1,%.6f,%.6f,毁林,85\nG2,%.6f,%.6f,道路,0.6\n",
		p.core[0], p.core[1], p.coreEdge[0]+0.02, p.coreEdge[1])
	b, created, err := f.st.Upload(ctx, clues.UploadInput{FileName: "alerts.csv", Data: []byte(csv), Source: "alert feed", ImagedAfter: "2025-09-01"}, "gis")
	if err != nil || !created || b.Format != "csv" || b.Clues != 2 {
		t.Fatalf("csv: %+v %v", b, err)
	}
	cs, _ := f.st.List(ctx, clues.Filter{Batch: b.ID})
	if cs[0].ExternalID != "G1" || cs[0].ChangeType != clues.Deforestation || cs[0].Confidence == nil || *cs[0].Confidence != 0.85 ||
		cs[0].AreaHa != 0 || len(cs[0].Zones) != 1 || cs[0].Zones[0].LegalZoneKind != "core" || *cs[0].RuleSet != "cn-nrr-2017" {
		t.Errorf("point alert: %+v", cs[0])
	}
	bad := "lon,lat,变化类型\n86,34.8,毁林\n86,,道路\n"
	_, _, err = f.st.Upload(ctx, clues.UploadInput{FileName: "bad.csv", Data: []byte(bad), Source: "alert feed", ImagedAfter: "2025-09-01"}, "gis")
	pe := problemtest.WantType(t, err, 422, "invalid-point")
	if pe.Problems[0].Line != 3 {
		t.Errorf("bad row: %+v", pe.Problems)
	}
}

// TestZoningOnChangeDate: a clue is located in the zoning version in force on
// its change date: in the Qiangtang sample, whose two-zone version is
// approved 2026-06-01, a change imaged on 2026-05-01 lies in the core zone,
// one imaged on 2026-07-01 in the core protection zone.
func TestZoningOnChangeDate(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for day, want := range map[string]string{"2026-05-01": "core", "2026-07-01": "core_protection"} {
		doc := collection(feature(square([2]float64{86, 34.8}, 0.002), map[string]any{"change_type": "road", "id": day}))
		b, _, err := f.st.Upload(ctx, clues.UploadInput{FileName: day + ".geojson", Data: doc, Source: day, ImagedAfter: day}, "gis")
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := f.st.List(ctx, clues.Filter{Batch: b.ID})
		if len(cs) != 1 || len(cs[0].Zones) != 1 || cs[0].Zones[0].ZoneKind != want || cs[0].Zones[0].AreaHa <= 0 {
			t.Errorf("imaged %s: %d clues, zones %+v, want %s", day, len(cs), cs[0].Zones, want)
		}
	}
}
