package screening_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/benchzones"
	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/problem/problemtest"
	"warden/internal/sample/sampletest"
	"warden/internal/screening"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// sampleDB is a fresh database with the sample reserves (qiangtang, three
// zones, then from 2026-06-01 the two zones derived from them, its current
// zoning; alt-pirineu, two zones).
func sampleDB(t *testing.T) (*pgxpool.Pool, *screening.Store) {
	t.Helper()
	pool := sampletest.New(t)
	s, err := engineStore(t.Context(), pool, screening.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pool, s
}

// point runs a query that returns one point (x, y).
func point(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) orb.Point {
	t.Helper()
	var p orb.Point
	if err := pool.QueryRow(t.Context(), sql, args...).Scan(&p[0], &p[1]); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return p
}

// zoneOf picks a reserve's zone of a kind: in the samples each kind is in
// one zoning version (Qiangtang's core, buffer and experimental zones in
// version 1, its core protection and general control zones in version 2).
const zoneOf = `FROM zone z JOIN reserve r ON r.id = z.reserve_id
	WHERE r.code = $1 AND z.kind = $2`

// inside is a point well inside the reserve's zone of that kind.
func inside(t *testing.T, pool *pgxpool.Pool, reserve string, kind zoning.Kind) orb.Point {
	t.Helper()
	return point(t, pool, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(z.geom) AS p `+zoneOf+`) s`, reserve, string(kind))
}

// square is a polygon of side 2h metres centred on c.
func square(c orb.Point, h float64) orb.Polygon {
	dy := h / 111_320
	dx := dy / math.Cos(c[1]*math.Pi/180)
	return orb.Polygon{{{c[0] - dx, c[1] - dy}, {c[0] + dx, c[1] - dy}, {c[0] + dx, c[1] + dy}, {c[0] - dx, c[1] + dy}, {c[0] - dx, c[1] - dy}}}
}

func screen(t *testing.T, s *screening.Store, g orb.Geometry, activity string, status screening.Status) screening.Screening {
	t.Helper()
	sc, err := s.Screen(t.Context(), screening.Request{
		Features: []geoio.Feature{{Geometry: g}}, Activity: activity,
		Project: screening.Project{Name: "test project", Status: status},
	})
	if err != nil {
		t.Fatalf("Screen: %v", err)
	}
	return sc
}

func zoneResult(t *testing.T, sc screening.Screening, reserve string, kind zoning.Kind) screening.ZoneResult {
	t.Helper()
	for _, r := range sc.Reserves {
		if r.Code != reserve {
			continue
		}
		for _, z := range r.Zones {
			if z.Kind == kind {
				return z
			}
		}
	}
	t.Fatalf("no %s zone of %s in the result: %+v", kind, reserve, sc.Reserves)
	return screening.ZoneResult{}
}

// reference measures g against each current zone kind of reserve the plain
// way, on the raw zone table: ST_Intersection with zone.geom, geodesic area
// and length of that, and ST_Distance on geography.
type reference struct{ areaM2, lengthM, distM float64 }

func referenceFor(t *testing.T, pool *pgxpool.Pool, g orb.Geometry, reserve string) map[zoning.Kind]reference {
	t.Helper()
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(t.Context(), `
		SELECT z.kind,
		       sum(ST_Area(ST_Intersection(ST_GeomFromWKB($1, 4326), z.geom)::geography)),
		       sum(ST_Length(ST_Intersection(ST_GeomFromWKB($1, 4326), z.geom)::geography)),
		       min(ST_Distance(z.geom::geography, ST_GeomFromWKB($1, 4326)::geography))
		FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = $2 GROUP BY z.kind`, b, reserve)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[zoning.Kind]reference{}
	for rows.Next() {
		var k zoning.Kind
		var r reference
		if err := rows.Scan(&k, &r.areaM2, &r.lengthM, &r.distM); err != nil {
			t.Fatal(err)
		}
		out[k] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// close0_5 holds got to want within 0.5 % (and 1e-6 absolute for zeros).
func close0_5(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > math.Max(0.005*math.Abs(want), 1e-6) {
		t.Errorf("%s: got %.3f, PostGIS reference %.3f (%.3f%% off)", what, got, want, 100*math.Abs(got-want)/math.Max(want, 1e-9))
	}
}

// checkAgainstReference compares every zone kind of reserve in sc with the plain PostGIS reference.
func checkAgainstReference(t *testing.T, pool *pgxpool.Pool, sc screening.Screening, g orb.Geometry, reserve string) {
	t.Helper()
	ref := referenceFor(t, pool, g, reserve)
	if len(ref) == 0 {
		t.Fatalf("reserve %s has no zones", reserve)
	}
	for k, r := range ref {
		z := zoneResult(t, sc, reserve, k)
		close0_5(t, string(k)+" area m²", z.AreaM2, r.areaM2)
		close0_5(t, string(k)+" length m", z.LengthM, r.lengthM)
		close0_5(t, string(k)+" distance m", z.DistanceM, r.distM)
		if z.AreaHa != z.AreaM2/1e4 {
			t.Errorf("%s: area_ha %v is not area_m2/10,000", k, z.AreaHa)
		}
	}
}

func TestRuleTable(t *testing.T) {
	pool := testdb.New(t)
	rt, err := screening.NewStore(pool, screening.Options{}).Rules(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"entry", "research_observation", "research_sampling", "teaching", "tourism", "production_facility",
		"non_production_facility", "polluting_facility", "logging", "grazing", "hunting", "fishing", "herb_gathering",
		"land_clearing", "burning", "mining", "quarrying", "sand_digging"}
	if len(rt.Activities) != len(want) {
		t.Fatalf("%d activities, want %d", len(rt.Activities), len(want))
	}
	arts := map[string]bool{}
	for _, a := range rt.Articles {
		arts[a.Code] = true
		if a.TextZH == "" || a.TextEN == "" || a.TitleZH == "" || a.TitleEN == "" {
			t.Errorf("article %s lacks text or title", a.Code)
		}
	}
	for i, a := range rt.Activities {
		if a.Code != want[i] {
			t.Errorf("activity %d is %s, want %s", i, a.Code, want[i])
		}
		if a.NameZH == "" || a.NameEN == "" {
			t.Errorf("activity %s lacks a name", a.Code)
		}
		if len(a.Rules) != 6 {
			t.Errorf("activity %s has rules for %d zone kinds, want all 6", a.Code, len(a.Rules))
		}
		for k, r := range a.Rules {
			if r.Verdict != screening.Prohibited && r.Verdict != screening.NeedsApproval && r.Verdict != screening.Allowed {
				t.Errorf("%s in %s: verdict %q", a.Code, k, r.Verdict)
			}
			for _, c := range r.Articles {
				if !arts[c] {
					t.Errorf("%s in %s cites unknown article %s", a.Code, k, c)
				}
			}
		}
	}
	// Art. 26: the listed activities are prohibited everywhere in a reserve.
	for _, a := range rt.Activities[8:] {
		for _, k := range []zoning.Kind{zoning.Core, zoning.Buffer, zoning.Experimental, zoning.CoreProtection, zoning.GeneralControl} {
			if r := a.Rules[k]; r.Verdict != screening.Prohibited || !strings.Contains(strings.Join(r.Articles, ","), "NRR-26") {
				t.Errorf("%s in %s: %+v, want prohibited under NRR-26", a.Code, k, r)
			}
		}
	}
}

func TestVerdicts(t *testing.T) {
	pool, s := sampleDB(t)
	// screened today: in Qiangtang's current, two-zone zoning
	core := inside(t, pool, "qiangtang", zoning.CoreProtection)
	exp := inside(t, pool, "qiangtang", zoning.GeneralControl)
	cases := []struct {
		name     string
		g        orb.Geometry
		activity string
		want     screening.Verdict
		zh, en   string
	}{
		{"quarry in the core protection zone", square(core, 400), "采石", screening.Prohibited, "第二十六条，核心保护区内禁止采石；罚则：《自然保护区条例》（2026年修订）第四十条，10万元以上100万元以下",
			"Quarrying: prohibited in the core protection zone; penalty: Regulations on Nature Reserves (2026), Art. 40, 100,000 to 1,000,000 yuan"},
		{"tourism in the general control zone", square(exp, 400), "tourism", screening.NeedsApproval, "第三十四条第三款", "Art. 34 ¶3"},
		{"research in the general control zone", square(exp, 400), "research_observation", screening.Allowed, "一般控制区内科研观测：允许", "allowed in the general control zone"},
		{"quarry in the sea", square(orb.Point{150, -40}, 400), "quarrying", screening.Outside, "没有自然保护区", "No reserve lies within 5.00 km"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := screen(t, s, c.g, c.activity, screening.Proposed)
			if sc.Verdict != c.want {
				t.Fatalf("verdict %s, want %s; reasons %+v", sc.Verdict, c.want, sc.Reasons)
			}
			if sc.VerdictZH == "" || sc.VerdictEN == "" || len(sc.Reasons) == 0 {
				t.Fatalf("verdict without names or reasons: %+v", sc.Result)
			}
			if !strings.Contains(sc.Reasons[0].ZH, c.zh) || !strings.Contains(sc.Reasons[0].EN, c.en) {
				t.Errorf("reason %q / %q does not say %q / %q", sc.Reasons[0].ZH, sc.Reasons[0].EN, c.zh, c.en)
			}
			if c.want != screening.Outside {
				checkAgainstReference(t, pool, sc, c.g, "qiangtang")
				z := zoneResult(t, sc, "qiangtang", map[bool]zoning.Kind{true: zoning.CoreProtection, false: zoning.GeneralControl}[c.want == screening.Prohibited])
				close0_5(t, "footprint share", z.FootprintShare, 1)
				if len(sc.Articles) == 0 {
					t.Error("no articles quoted")
				}
			} else if len(sc.Reserves) != 0 {
				t.Errorf("reserves near the Tasman Sea: %+v", sc.Reserves)
			}
			got, err := s.Get(t.Context(), sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Verdict != sc.Verdict || len(got.Reserves) != len(sc.Reserves) || len(got.Footprint.Geometry) == 0 {
				t.Errorf("stored screening differs: %+v", got.Result)
			}
		})
	}
}

// TestAcrossTwoZones: a footprint across the boundary of Qiangtang's core
// protection and general control zones has both areas, each matching
// PostGIS on the raw zones, summing to the footprint, with zone shares
// against the zones' areas; a production facility is outside the closed
// lists of both (2026 Arts. 26 and 27).
func TestAcrossTwoZones(t *testing.T) {
	pool, s := sampleDB(t)
	v := point(t, pool, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(z.geom, 1)), 1) AS p `+zoneOf+`) s`, "qiangtang", "core_protection")
	g := square(v, 3000)
	sc := screen(t, s, g, "production_facility", screening.Proposed)
	if sc.Verdict != screening.Prohibited {
		t.Fatalf("verdict %s, want prohibited (2026 Arts. 26 and 27)", sc.Verdict)
	}
	checkAgainstReference(t, pool, sc, g, "qiangtang")
	c, b := zoneResult(t, sc, "qiangtang", zoning.CoreProtection), zoneResult(t, sc, "qiangtang", zoning.GeneralControl)
	if !c.Intersects || !b.Intersects || c.AreaM2 < 1e6 || b.AreaM2 < 1e6 {
		t.Fatalf("core protection %+v, general control %+v: both should hold part of the 36 km² square", c, b)
	}
	close0_5(t, "core protection + general control area", c.AreaM2+b.AreaM2, sc.Footprint.AreaM2)
	close0_5(t, "shares", c.FootprintShare+b.FootprintShare, 1)
	close0_5(t, "core protection zone share", c.ZoneShare, c.AreaM2/(c.ZoneAreaHa*1e4))
	if len(sc.Reasons) != 2 || !strings.Contains(sc.Reasons[0].ZH, "核心保护区内禁止") || !strings.Contains(sc.Reasons[0].ZH, "第二十六条") ||
		!strings.Contains(sc.Reasons[1].ZH, "一般控制区内禁止") || !strings.Contains(sc.Reasons[1].ZH, "第二十七条") {
		t.Errorf("reasons: %+v", sc.Reasons)
	}
}

// TestLinearProject: a road from outside the reserve through the general
// control zone into the core protection zone.
func TestLinearProject(t *testing.T) {
	pool, s := sampleDB(t)
	// from a point of the core protection zone to the nearest point of the
	// reserve's outline and 10 % on: every point of the road nearer the
	// point than the outline is inside the reserve
	c := inside(t, pool, "qiangtang", zoning.CoreProtection)
	b := point(t, pool, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_ClosestPoint(ST_Boundary(ST_Union(z.geom)), ST_SetSRID(ST_MakePoint($2, $3), 4326)) AS p
		FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current JOIN reserve r ON r.id = z.reserve_id WHERE r.code = $1) s`, "qiangtang", c[0], c[1])
	dx, dy := c[0]-b[0], c[1]-b[1]
	road := orb.LineString{{b[0] - 0.1*dx, b[1] - 0.1*dy}, {(b[0] + c[0]) / 2, (b[1] + c[1]) / 2}, {c[0], c[1]}}
	sc := screen(t, s, road, "non_production_facility", screening.Proposed)
	if sc.Verdict != screening.Prohibited || sc.Footprint.Measure != "length" || sc.Footprint.AreaM2 != 0 {
		t.Fatalf("verdict %s, measure %s: %+v", sc.Verdict, sc.Footprint.Measure, sc.Footprint)
	}
	checkAgainstReference(t, pool, sc, road, "qiangtang")
	var sum float64
	for _, k := range []zoning.Kind{zoning.CoreProtection, zoning.GeneralControl} {
		z := zoneResult(t, sc, "qiangtang", k)
		if !z.Intersects || z.LengthM < 1000 || z.AreaM2 != 0 || z.ZoneShare != 0 {
			t.Errorf("%s: %+v, want a length of road and no area", k, z)
		}
		sum += z.LengthM
	}
	if sum >= sc.Footprint.LengthM || sum < 0.8*sc.Footprint.LengthM {
		t.Errorf("lengths in zones %.0f m of a %.0f m road, part of which lies outside", sum, sc.Footprint.LengthM)
	}
	var ok bool
	for _, r := range sc.Reasons {
		ok = ok || (r.ZoneKind == zoning.GeneralControl && strings.Contains(r.ZH, "线路穿越") && strings.Contains(r.EN, "The line runs"))
	}
	if !ok {
		t.Errorf("no reason about the road through the general control zone: %+v", sc.Reasons)
	}
}

// TestDistanceOutside: a footprint 2 km outside the reserve is outside, with
// geodesic distances to each zone kind that match ST_Distance on geography.
func TestDistanceOutside(t *testing.T) {
	pool, s := sampleDB(t)
	// A vertex of the reserve's 2 km geodesic buffer: 2 km from the reserve.
	p := point(t, pool, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(ST_Buffer(z.geom::geography, 2000)::geometry, 1)), 1) AS p `+zoneOf+`) s`,
		"qiangtang", "general_control")
	// A point, a small square, and a 4,000-vertex star whose nearest tips are
	// about 1.5 km from the reserve (distances found through the simplified
	// footprint and refined on the footprint itself).
	for _, g := range []orb.Geometry{p, square(p, 50), benchzones.Star(p, 500, 4000)} {
		sc := screen(t, s, g, "mining", screening.Proposed)
		if sc.Verdict != screening.Outside || len(sc.Reserves) != 1 || sc.Reserves[0].Intersects {
			t.Fatalf("%s: verdict %s, reserves %+v", g.GeoJSONType(), sc.Verdict, sc.Reserves)
		}
		checkAgainstReference(t, pool, sc, g, "qiangtang")
		e := zoneResult(t, sc, "qiangtang", zoning.GeneralControl)
		if e.DistanceM < 1400 || e.DistanceM > 2010 {
			t.Errorf("%s: %.1f m from the general control zone, want about 2 km", g.GeoJSONType(), e.DistanceM)
		}
		// the core protection zone begins about 15 km inside the boundary
		if c := zoneResult(t, sc, "qiangtang", zoning.CoreProtection); c.DistanceM < 15_000 {
			t.Errorf("core protection zone %.0f m away, want beyond 15 km", c.DistanceM)
		}
		if !strings.Contains(sc.Reasons[0].ZH, "距最近的西藏羌塘国家级自然保护区一般控制区") || !strings.Contains(sc.Reasons[0].EN, "the nearest is the general control zone") {
			t.Errorf("reason: %+v", sc.Reasons[0])
		}
		// 1 km is too short to find the reserve.
		far, err := s.Screen(t.Context(), screening.Request{Features: []geoio.Feature{{Geometry: g}}, Activity: "mining", DistanceM: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(far.Reserves) != 0 || far.SearchDistanceM != 1000 {
			t.Errorf("search distance 1000 m found %+v", far.Reserves)
		}
	}
}

// TestTwoZoneReserve: alt-pirineu is judged under its own illustrative
// rule set, not Chinese law.
func TestTwoZoneReserve(t *testing.T) {
	pool, s := sampleDB(t)
	cp := inside(t, pool, "alt-pirineu", zoning.CoreProtection)
	gc := inside(t, pool, "alt-pirineu", zoning.GeneralControl)
	cases := []struct {
		at       orb.Point
		kind     zoning.Kind
		activity string
		want     screening.Verdict
		article  string
	}{
		{cp, zoning.CoreProtection, "entry", screening.Prohibited, "alt-pirineu-illustrative/3/1"},
		{cp, zoning.CoreProtection, "research_observation", screening.Allowed, "alt-pirineu-illustrative/3/1"},
		{gc, zoning.GeneralControl, "grazing", screening.Prohibited, "alt-pirineu-illustrative/5/1"},
		{gc, zoning.GeneralControl, "housing", screening.NeedsApproval, "alt-pirineu-illustrative/4/2"},
		{gc, zoning.GeneralControl, "eco_tourism", screening.Allowed, "alt-pirineu-illustrative/4/1"},
		{gc, zoning.GeneralControl, "quarrying", screening.Prohibited, "alt-pirineu-illustrative/6"},
	}
	for _, c := range cases {
		sc := screen(t, s, c.at, c.activity, screening.Proposed)
		z := zoneResult(t, sc, "alt-pirineu", c.kind)
		if sc.Verdict != c.want || !z.Intersects || z.Points != 1 || z.FootprintShare != 1 {
			t.Errorf("%s at %v: verdict %s, zone %+v; want %s", c.activity, c.at, sc.Verdict, z, c.want)
		}
		if !strings.Contains(strings.Join(z.Rule.Articles, ","), c.article) {
			t.Errorf("%s in %s rests on %v, want %s among them", c.activity, c.kind, z.Rule.Articles, c.article)
		}
		if sc.Reserves[0].Scheme != zoning.TwoZone || len(sc.Reserves[0].Zones) != 2 {
			t.Errorf("alt-pirineu: %+v", sc.Reserves[0])
		}
	}
}

// TestFindings: only a prohibited project that is under construction or
// existing raises findings, one per reserve and zone kind, with the part of
// the footprint in that zone.
func TestFindings(t *testing.T) {
	pool, s := sampleDB(t)
	v := point(t, pool, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(z.geom, 1)), 1) AS p `+zoneOf+`) s`, "qiangtang", "core_protection")
	g := square(v, 2000)
	exp := square(inside(t, pool, "qiangtang", zoning.GeneralControl), 300)
	for _, c := range []struct {
		g        orb.Geometry
		activity string
		status   screening.Status
		want     int
	}{
		{g, "quarrying", screening.Proposed, 0},
		{g, "quarrying", screening.UnderConstruction, 2},
		{g, "quarrying", screening.Existing, 2},
		{exp, "tourism", screening.Existing, 0}, // needs approval, not prohibited
		{exp, "quarrying", screening.Existing, 1},
	} {
		sc := screen(t, s, c.g, c.activity, c.status)
		if len(sc.Findings) != c.want {
			t.Fatalf("%s, %s: %d findings, want %d: %+v", c.activity, c.status, len(sc.Findings), c.want, sc.Findings)
		}
		var stored int
		if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM finding WHERE screening_id = $1`, sc.ID).Scan(&stored); err != nil || stored != c.want {
			t.Fatalf("%d findings stored (%v), want %d", stored, err, c.want)
		}
		for _, f := range sc.Findings {
			if f.Kind != screening.FindingUnapprovedConstruction || f.Reserve != "qiangtang" || f.ScreeningID != sc.ID || f.Source != "screening" ||
				f.Activity != c.activity || len(f.Articles) == 0 || !strings.Contains(f.BasisZH, "禁止") || len(f.Geometry) == 0 {
				t.Errorf("finding %+v", f)
			}
			// The finding's geometry is the footprint's part in its zone kind.
			var area float64
			if err := pool.QueryRow(t.Context(), `SELECT ST_Area(geom::geography) FROM finding WHERE id = $1`, f.ID).Scan(&area); err != nil {
				t.Fatal(err)
			}
			close0_5(t, "finding area", area, zoneResult(t, sc, "qiangtang", f.ZoneKind).AreaM2)
		}
		got, err := s.Get(t.Context(), sc.ID)
		if err != nil || len(got.Findings) != c.want {
			t.Fatalf("Get: %d findings (%v)", len(got.Findings), err)
		}
	}
}

// TestMixedFootprint: a FeatureCollection of a hotel (polygon), its access
// road (line) and two wells (points), two of the polygons overlapping.
func TestMixedFootprint(t *testing.T) {
	pool, s := sampleDB(t)
	e := inside(t, pool, "qiangtang", zoning.GeneralControl)
	hotel := square(e, 200)
	annex := square(orb.Point{e[0] + 0.002, e[1]}, 200) // overlaps the hotel
	road := orb.LineString{e, {e[0] + 0.05, e[1] + 0.05}}
	wells := orb.MultiPoint{{e[0] - 0.01, e[1]}, {e[0] - 0.01, e[1]}, {e[0] - 0.02, e[1]}}
	sc, err := s.Screen(t.Context(), screening.Request{
		Features: []geoio.Feature{{Index: 0, Geometry: hotel}, {Index: 1, Geometry: annex}, {Index: 2, Geometry: orb.Collection{road, wells}}},
		Activity: "non_production_facility",
	})
	if err != nil {
		t.Fatal(err)
	}
	var wantArea float64
	b, _ := wkb.Marshal(orb.MultiPolygon{hotel, annex})
	if err := pool.QueryRow(t.Context(), `SELECT ST_Area(ST_UnaryUnion(ST_GeomFromWKB($1, 4326))::geography)`, b).Scan(&wantArea); err != nil {
		t.Fatal(err)
	}
	close0_5(t, "footprint area (overlap counted once)", sc.Footprint.AreaM2, wantArea)
	if sc.Footprint.Measure != "area" || sc.Footprint.Points != 2 || sc.Footprint.Features != 3 || sc.Footprint.LengthM < 5000 {
		t.Errorf("footprint %+v", sc.Footprint)
	}
	z := zoneResult(t, sc, "qiangtang", zoning.GeneralControl)
	if z.Points != 2 || sc.Verdict != screening.NeedsApproval {
		t.Errorf("general control zone %+v, verdict %s", z, sc.Verdict)
	}
	close0_5(t, "area in the general control zone", z.AreaM2, wantArea)
	var raw map[string]any
	if err := json.Unmarshal(sc.Footprint.Geometry, &raw); err != nil || raw["type"] != "GeometryCollection" {
		t.Errorf("stored footprint %s (%v)", sc.Footprint.Geometry, err)
	}
}

// TestRefused: bad requests are refused with a clear problem and store nothing.
func TestRefused(t *testing.T) {
	pool, s := sampleDB(t)
	ctx := context.Background()
	e := inside(t, pool, "qiangtang", zoning.GeneralControl)
	bowtie := orb.Polygon{{{e[0], e[1]}, {e[0] + 0.01, e[1] + 0.01}, {e[0] + 0.01, e[1]}, {e[0], e[1] + 0.01}, {e[0], e[1]}}}
	req := func(g orb.Geometry, activity string) screening.Request {
		return screening.Request{Features: []geoio.Feature{{Geometry: g}}, Activity: activity, Doc: "Feature", Pointer: "footprint"}
	}
	_, err := s.Screen(ctx, req(bowtie, "quarrying"))
	p := problemtest.WantType(t, err, 422, "invalid-geometry", "Self-intersection", "ST_MakeValid would give a MultiPolygon of 2 parts", "ha")
	if d := p.Problems[0]; len(d.Location) != 2 || math.Abs(d.Location[0]-(e[0]+0.005)) > 1e-9 || d.Pointer != "footprint.geometry" {
		t.Errorf("problem %+v: want the crossing at %v and pointer footprint.geometry", d, []float64{e[0] + 0.005, e[1] + 0.005})
	}
	_, err = s.Screen(ctx, req(square(e, 100), "dancing"))
	problemtest.WantType(t, err, 422, "unknown-activity", `unknown activity "dancing"`, "quarrying (采石)", "sand_digging")
	_, err = s.Screen(ctx, req(orb.MultiPolygon{}, "quarrying"))
	problemtest.WantType(t, err, 422, "invalid-footprint", "empty")
	_, err = s.Screen(ctx, screening.Request{Activity: "quarrying"})
	problemtest.WantType(t, err, 422, "empty-footprint", "no geometry")
	_, err = s.Screen(ctx, screening.Request{Features: []geoio.Feature{{}}, Activity: "quarrying"})
	problemtest.WantType(t, err, 422, "empty-footprint", "no geometry")
	_, err = s.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: square(e, 100)}}, Activity: "quarrying", DistanceM: 60_000})
	problemtest.WantType(t, err, 422, "invalid-screening", "at most 50000")
	_, err = s.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: square(e, 100)}}, Activity: "quarrying", Project: screening.Project{Status: "planned"}})
	problemtest.WantType(t, err, 422, "invalid-screening", "proposed, under_construction or existing")
	_, err = s.Screen(ctx, req(orb.LineString{{179.9, 0}, {-179.9, 0}}, "entry"))
	problemtest.WantType(t, err, 422, "invalid-footprint", "antimeridian")
	_, err = s.Screen(ctx, screening.Request{Features: []geoio.Feature{{Geometry: orb.Point{86, 34}}}, CRS: 4515, Activity: "entry"})
	problemtest.WantType(t, err, 422, "invalid-footprint", "easting")
	small := screening.NewStore(pool, screening.Options{MaxVertices: 4})
	_, err = small.Screen(ctx, req(square(e, 100), "quarrying"))
	problemtest.WantType(t, err, 413, "too-large", "more than 4 vertices")
	var n int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM screening) + (SELECT count(*) FROM finding)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows stored for refused requests (%v)", n, err)
	}
}

// TestProjectedCRS: a footprint in CGCS2000 3° Gauss-Krüger is transformed
// by PostGIS and screened like its lon/lat twin.
func TestProjectedCRS(t *testing.T) {
	pool, s := sampleDB(t)
	e := inside(t, pool, "qiangtang", zoning.GeneralControl)
	crs, ok := geoio.GaussKrugerZone3(e[0])
	if !ok {
		t.Fatal("no Gauss-Krüger zone")
	}
	ll := square(e, 500)
	b, _ := wkb.Marshal(ll)
	var raw []byte
	if err := pool.QueryRow(t.Context(), `SELECT ST_AsBinary(ST_Transform(ST_GeomFromWKB($1, 4326), $2::int))`, b, crs.SRID()).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	gk, err := wkb.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	a := screen(t, s, ll, "tourism", screening.Proposed)
	g, err := s.Screen(t.Context(), screening.Request{Features: []geoio.Feature{{Geometry: gk}}, CRS: crs, Activity: "tourism"})
	if err != nil {
		t.Fatal(err)
	}
	close0_5(t, "area via "+crs.String(), g.Footprint.AreaM2, a.Footprint.AreaM2)
	if g.Verdict != a.Verdict || g.Footprint.CRS != crs.String() {
		t.Errorf("Gauss-Krüger screening %s in %s, lon/lat %s", g.Verdict, g.Footprint.CRS, a.Verdict)
	}
}

func TestList(t *testing.T) {
	pool, s := sampleDB(t)
	core := square(inside(t, pool, "qiangtang", zoning.CoreProtection), 200)
	gc := inside(t, pool, "alt-pirineu", zoning.GeneralControl)
	screen(t, s, core, "quarrying", screening.Proposed)
	screen(t, s, core, "research_observation", screening.Existing)
	screen(t, s, gc, "tourism", screening.Proposed)
	screen(t, s, orb.Point{0, 0}, "entry", screening.Proposed)
	ctx := t.Context()
	for _, c := range []struct {
		f    screening.Filter
		want int
	}{
		{screening.Filter{}, 4},
		{screening.Filter{Reserve: "qiangtang"}, 2},
		{screening.Filter{Reserve: "alt-pirineu"}, 1},
		{screening.Filter{Verdict: screening.Prohibited}, 2},
		{screening.Filter{Verdict: screening.Outside}, 1},
		{screening.Filter{Activity: "tourism"}, 1},
		{screening.Filter{Status: screening.Existing}, 1},
		{screening.Filter{Reserve: "qiangtang", Verdict: screening.Allowed}, 1},
		{screening.Filter{Limit: 2}, 4},
	} {
		p, err := s.List(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != c.want {
			t.Errorf("filter %+v: total %d, want %d", c.f, p.Total, c.want)
		}
		if c.f.Limit == 2 && (len(p.Screenings) != 2 || p.Screenings[0].ID < p.Screenings[1].ID) {
			t.Errorf("limit 2: %d screenings, want the 2 newest first", len(p.Screenings))
		}
		for _, sc := range p.Screenings {
			if len(sc.Footprint.Geometry) != 0 {
				t.Error("the list carries footprint geometry")
			}
		}
	}
}

// TestJudgedByDay: a quarry under construction in the buffer zone is judged
// under the law in force on the day construction started: the 2017
// Regulations (Art. 26, fine under Art. 35) on 2026-03-14, the 2026
// Regulations through the zone conversion (Art. 26, Art. 40's range for
// facilities) on 2026-03-15; its finding keeps that law.
func TestJudgedByDay(t *testing.T) {
	pool, s := sampleDB(t)
	buf := square(inside(t, pool, "qiangtang", zoning.Buffer), 300)
	run := func(day string) screening.Screening {
		sc, err := s.Screen(t.Context(), screening.Request{Features: []geoio.Feature{{Geometry: buf}}, Activity: "采石",
			Project: screening.Project{Name: "采石场", Status: screening.UnderConstruction, StartedOn: day}})
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	old, nw := run("2026-03-14"), run("2026-03-15")
	zo, zn := zoneResult(t, old, "qiangtang", zoning.Buffer), zoneResult(t, nw, "qiangtang", zoning.Buffer)
	if old.Law == nil || old.Law.On.String() != "2026-03-14" || old.Law.DayOf != "started_on" || old.Law.RuleSets["qiangtang"] != "cn-nrr-2017" ||
		zo.Rule.Verdict != screening.Prohibited || zo.Rule.Penalty == nil || !strings.HasSuffix(zo.Rule.Penalty.CiteEN, "Art. 35") ||
		zo.Rule.LegalBasis[0].Instrument != "nrr-2017" || zo.Rule.LegalBasis[0].Article != 26 || zo.Rule.ZoneLabelZH != "缓冲区" {
		t.Errorf("started 2026-03-14: law %+v rule %+v", old.Law, zo.Rule)
	}
	if nw.Law.RuleSets["qiangtang"] != "cn-nrr-2026" || zn.Rule.LegalBasis[0].Instrument != "nrr-2026" || zn.Rule.Penalty == nil ||
		zn.Rule.Penalty.Circumstance != "facilities" || *zn.Rule.Penalty.MinYuan != 100000 || *zn.Rule.Penalty.MaxYuan != 1000000 ||
		zn.Rule.ZoneLabelZH != "缓冲区（按核心保护区管理）" {
		t.Errorf("started 2026-03-15: law %+v rule %+v", nw.Law, zn.Rule)
	}
	if len(old.Findings) != 1 || len(nw.Findings) != 1 || old.Findings[0].LegalBasis[0].Instrument != "nrr-2017" ||
		nw.Findings[0].LegalBasis[0].Instrument != "nrr-2026" || nw.Findings[0].Penalty == nil || !strings.Contains(nw.Findings[0].BasisZH, "第四十条") {
		t.Errorf("findings %+v / %+v", old.Findings, nw.Findings)
	}
	got, err := s.Get(t.Context(), old.ID)
	if err != nil || got.Law == nil || got.Law.RuleSets["qiangtang"] != "cn-nrr-2017" || got.Findings[0].LegalBasis[0].TextZH == "" {
		t.Errorf("stored screening keeps its law: %+v %v", got.Law, err)
	}
	// the report names the day and the instruments in force on it
	page, err := s.Report(t.Context(), old.ID)
	if err != nil || !strings.Contains(string(page), "判断日期 Judged for 2026-03-14（开工日期") ||
		!strings.Contains(string(page), "国务院令第167号") || strings.Contains(string(page), "国务院令第830号") {
		t.Errorf("report of a project started 2026-03-14: %v\n%.3000s", err, page)
	}
	_, err = s.Screen(t.Context(), screening.Request{Features: []geoio.Feature{{Geometry: buf}}, Activity: "quarrying",
		Project: screening.Project{Status: screening.UnderConstruction, StartedOn: "2999-01-01"}})
	if p, ok := problem.As(err); !ok || p.Status != 422 || !strings.Contains(p.Detail, "started_on") {
		t.Errorf("a start in the future: %v", err)
	}
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM screening`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d screenings stored, want 2 (%v)", n, err)
	}
	// The database refuses a finding citing a provision it lacks.
	_, err = pool.Exec(t.Context(), `UPDATE finding SET legal_basis = '[{"instrument":"nrr-2026","article":26,"paragraph":1,"item":9}]'`)
	if err == nil || !strings.Contains(err.Error(), "law tables lack") {
		t.Errorf("a finding citing Art. 26 item 9: %v", err)
	}
}
