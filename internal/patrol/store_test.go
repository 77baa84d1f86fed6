package patrol

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/sample/sampletest"
	"warden/internal/zoning"
)

// squaresDB is a fresh database with the squares reserve and the samples.
func squaresDB(t *testing.T, opts Options) (*pgxpool.Pool, *Store) {
	t.Helper()
	pool := sampletest.New(t)
	sampletest.AddSquares(t, pool)
	return pool, withEngine(t, pool, NewStore(pool, opts))
}

// qiangtangCore is a point of the Qiangtang sample's core zone
// (ST_PointOnSurface), where the tests' drives turn back.
func qiangtangCore(t *testing.T, pool *pgxpool.Pool) (float64, float64) {
	t.Helper()
	var cx, cy float64
	if err := pool.QueryRow(t.Context(), `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(z.geom) p FROM zone z JOIN reserve r ON r.id = z.reserve_id
		WHERE r.code = 'qiangtang' AND z.kind = 'core') x`).Scan(&cx, &cy); err != nil {
		t.Fatal(err)
	}
	return cx, cy
}

// withEngine gives s a zone engine on pool, as the service runs it: tracks
// on days of the current zoning are analysed by the engine.
func withEngine(t *testing.T, pool *pgxpool.Pool, s *Store) *Store {
	t.Helper()
	eng, err := zoning.StartEngine(t.Context(), pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.UseEngine(eng)
	return s
}

// fx is a fix to write into a test GPX file.
type fx struct {
	lon, lat float64
	t        time.Time
}

// wp is a waypoint to write.
type wp struct {
	lon, lat         float64
	t                time.Time
	name, typ, extra string
}

// gpxFile writes a GPX 1.1 file with one trkseg per segment.
func gpxFile(segs [][]fx, wpts ...wp) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">` + "\n")
	for _, w := range wpts {
		fmt.Fprintf(&b, `<wpt lat="%v" lon="%v">`, w.lat, w.lon)
		if !w.t.IsZero() {
			fmt.Fprintf(&b, "<time>%s</time>", w.t.Format(time.RFC3339Nano))
		}
		b.WriteString("<name>")
		_ = xml.EscapeText(&b, []byte(w.name))
		fmt.Fprintf(&b, "</name><type>%s</type>%s</wpt>\n", w.typ, w.extra)
	}
	b.WriteString("<trk><name>test</name>\n")
	for _, s := range segs {
		b.WriteString("<trkseg>\n")
		for _, f := range s {
			fmt.Fprintf(&b, `<trkpt lat="%v" lon="%v"><ele>4700</ele>`, f.lat, f.lon)
			if !f.t.IsZero() {
				fmt.Fprintf(&b, "<time>%s</time>", f.t.Format(time.RFC3339Nano))
			}
			b.WriteString("</trkpt>\n")
		}
		b.WriteString("</trkseg>\n")
	}
	b.WriteString("</trk>\n</gpx>\n")
	return b.Bytes()
}

func upload(t *testing.T, s *Store, in Input, data []byte) Track {
	t.Helper()
	tr, created, err := tryUpload(t.Context(), s, in, data)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Fatal("the upload found an earlier track")
	}
	return tr
}

func tryUpload(ctx context.Context, s *Store, in Input, data []byte) (Track, bool, error) {
	if in.FileName == "" {
		in.FileName = "track.gpx"
	}
	u, err := s.Read(in, bytes.NewReader(data))
	if err != nil {
		return Track{}, false, err
	}
	return s.Save(ctx, u)
}

var t0 = time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)

// eastward is the squares test track: 41 fixes along 30.05°N from 99.99°E
// to 100.11°E, 0.003° (289 m) apart, one every 120 s (8.7 km/h). It
// crosses the boundaries at 100.00, 100.02, 100.04, 100.06, 100.08 and
// 100.10°E: 3⅓, 10, 16⅔, 23⅓, 30 and 36⅔ steps from the start (two of them
// on a fix), so at t0 + 400 s, 1200 s, 2000 s, 2800 s, 3600 s and 4400 s.
func eastward(from time.Time) []fx {
	var s []fx
	for i := 0; i <= 40; i++ {
		s = append(s, fx{99.99 + 0.003*float64(i), 30.05, from.Add(time.Duration(i) * 120 * time.Second)})
	}
	return s
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestVisitsSquares checks the visits of the eastward track against the
// hand-computed crossing times, and their lengths and depths against
// PostGIS queries on the zones written here.
func TestVisitsSquares(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	tr := upload(t, s, Input{Subject: "ranger-7", SubjectKind: Patrol}, gpxFile([][]fx{eastward(t0)}))
	want := []struct {
		kind       zoning.Kind
		from, to   float64 // seconds after t0
		lon0, lon1 float64
		fixes      int // strictly inside: a fix on the boundary is not
	}{
		{zoning.Experimental, 400, 1200, 100.00, 100.02, 6},
		{zoning.Buffer, 1200, 2000, 100.02, 100.04, 6},
		{zoning.Core, 2000, 2800, 100.04, 100.06, 7},
		{zoning.Buffer, 2800, 3600, 100.06, 100.08, 6},
		{zoning.Experimental, 3600, 4400, 100.08, 100.10, 6},
	}
	if len(tr.Visits) != len(want) {
		t.Fatalf("%d visits, want %d: %+v", len(tr.Visits), len(want), tr.Visits)
	}
	if tr.Reserve == nil || *tr.Reserve != "squares" {
		t.Errorf("reserve %v, want squares (found from the track)", tr.Reserve)
	}
	for i, w := range want {
		v := tr.Visits[i]
		ent, ex := t0.Add(time.Duration(w.from*float64(time.Second))), t0.Add(time.Duration(w.to*float64(time.Second)))
		if v.ZoneKind != w.kind || v.Reserve != "squares" || v.EnteredAt == nil || v.ExitedAt == nil ||
			v.EnteredAt.Sub(ent).Abs() > time.Millisecond || v.ExitedAt.Sub(ex).Abs() > time.Millisecond {
			t.Errorf("visit %d: %s %v-%v, want %s %v-%v", i, v.ZoneKind, v.EnteredAt, v.ExitedAt, w.kind, ent, ex)
		}
		if !v.EnteredByCrossing || !v.ExitedByCrossing || v.DurationS == nil || !near(*v.DurationS, 800, 0.01) {
			t.Errorf("visit %d: crossings %v/%v, duration %v", i, v.EnteredByCrossing, v.ExitedByCrossing, v.DurationS)
		}
		if !near(v.Entry[0], w.lon0, 1e-9) || !near(v.Exit[0], w.lon1, 1e-9) || !near(v.Entry[1], 30.05, 1e-9) {
			t.Errorf("visit %d: from %v to %v, want lon %v to %v", i, v.Entry, v.Exit, w.lon0, w.lon1)
		}
		var length, depth float64
		if err := pool.QueryRow(t.Context(), `
			SELECT ST_Length(ST_MakeLine(ST_MakePoint($1, 30.05), ST_MakePoint($2, 30.05))::geography),
			       (SELECT max(ST_Distance(ST_Boundary(z.geom)::geography, ST_SetSRID(ST_MakePoint(99.99 + 0.003 * i, 30.05), 4326)::geography))
			        FROM zone z JOIN reserve r ON r.id = z.reserve_id, generate_series(0, 40) i
			        WHERE r.code = 'squares' AND z.kind = $3 AND 99.99 + 0.003 * i > $1 AND 99.99 + 0.003 * i < $2)`,
			w.lon0, w.lon1, string(w.kind)).Scan(&length, &depth); err != nil {
			t.Fatal(err)
		}
		if !near(v.LengthM, length, 0.01) {
			t.Errorf("visit %d: length %.3f m, PostGIS %.3f m", i, v.LengthM, length)
		}
		if v.MaxDepthM > depth+0.01 || v.MaxDepthM < depth-math.Max(depthTolM, depthTolRel*depth) {
			t.Errorf("visit %d: depth %.2f m, PostGIS %.2f m", i, v.MaxDepthM, depth)
		}
		if v.BoundaryJitter || v.Fixes != w.fixes {
			t.Errorf("visit %d: jitter %v (%s), %d fixes", i, v.BoundaryJitter, v.JitterReason, v.Fixes)
		}
	}
	if len(tr.Findings) != 0 {
		t.Errorf("a patrol on duty raised %d findings", len(tr.Findings))
	}
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM zone_visit WHERE track_id = $1 AND NOT boundary_jitter`, tr.ID).Scan(&n); err != nil || n != 5 {
		t.Errorf("zone_visit rows: %d, %v", n, err)
	}
	// Totals: the whole line, 0.12° along 30.05°N.
	var total float64
	if err := pool.QueryRow(t.Context(), `SELECT ST_Length(ST_MakeLine(ST_MakePoint(99.99, 30.05), ST_MakePoint(100.11, 30.05))::geography)`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if tr.Totals.PointsKept != 41 || !near(tr.Totals.LengthM, total, 0.05) || *tr.Totals.DurationS != 4800 || *tr.Totals.MovingS != 4800 {
		t.Errorf("totals %+v, want 41 points, %.2f m, 4800 s", tr.Totals, total)
	}
}

// TestVisitsQiangtang crosses the sample core zone and checks the entry and
// exit times against an independent PostGIS computation: the pieces of the
// track inside the zone by ST_Intersection with the zone itself (not its
// subdivided copies), and the time at each piece's ends by
// ST_InterpolatePoint on the stored LINESTRINGZM.
func TestVisitsQiangtang(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	ctx := t.Context()
	cx, cy := qiangtangCore(t, pool)
	// A vehicle driving from north of the reserve south to a point of the
	// core and back north, about 1 km a minute, wobbling, on 2024-05-01: in
	// the sample's three zones (version 1; its two zones are approved
	// 2026-06-01).
	var seg []fx
	north := 36.9
	n := int((north - cy) / 0.009)
	for i := 0; i <= 2*n; i++ {
		k := min(i, 2*n-i)
		lon := cx + 0.0004*math.Sin(float64(i)) + 0.05*float64(i)/float64(2*n)
		seg = append(seg, fx{lon, north - float64(k)*0.009 + 0.0002*math.Cos(float64(i)/3), t0.Add(time.Duration(i) * time.Minute)})
	}
	tr := upload(t, s, Input{Subject: "藏A12345", SubjectKind: Vehicle}, gpxFile([][]fx{seg}))
	if tr.Reserve == nil || *tr.Reserve != "qiangtang" {
		t.Errorf("reserve %v, want qiangtang", tr.Reserve)
	}
	type span struct {
		from, to time.Time
		length   float64
	}
	kinds := map[zoning.Kind]int{}
	for _, kind := range []zoning.Kind{zoning.Core, zoning.Buffer, zoning.Experimental} {
		rows, err := pool.Query(ctx, `
			WITH tz AS (SELECT geom FROM track_segment WHERE track_id = $1),
			     piece AS (SELECT (ST_Dump(ST_Intersection(z.geom, ST_Force2D(tz.geom)))).geom AS g
			               FROM zone z JOIN reserve r ON r.id = z.reserve_id JOIN zoning_version v ON v.id = z.version_id AND v.version = 1, tz
			               WHERE r.code = 'qiangtang' AND z.kind = $2)
			SELECT to_timestamp(ST_InterpolatePoint(tz.geom, ST_StartPoint(g))), to_timestamp(ST_InterpolatePoint(tz.geom, ST_EndPoint(g))),
			       ST_Length(g::geography)
			FROM piece, tz WHERE GeometryType(g) = 'LINESTRING' ORDER BY 1`, tr.ID, string(kind))
		if err != nil {
			t.Fatal(err)
		}
		var want []span
		for rows.Next() {
			var sp span
			if err := rows.Scan(&sp.from, &sp.to, &sp.length); err != nil {
				t.Fatal(err)
			}
			want = append(want, sp)
		}
		rows.Close()
		var got []Visit
		for _, v := range tr.Visits {
			if v.ZoneKind == kind {
				got = append(got, v)
			}
		}
		kinds[kind] = len(got)
		if len(want) == 0 || len(got) != len(want) {
			t.Fatalf("%d %s visits, PostGIS finds %d pieces: %+v", len(got), kind, len(want), want)
		}
		for i, w := range want {
			g := got[i]
			if g.EnteredAt.Sub(w.from).Abs() > 10*time.Millisecond || g.ExitedAt.Sub(w.to).Abs() > 10*time.Millisecond || !near(g.LengthM, w.length, 0.5) {
				t.Errorf("%s visit %d: %v-%v, %.2f m; PostGIS %v-%v, %.2f m", kind, i, g.EnteredAt, g.ExitedAt, g.LengthM, w.from, w.to, w.length)
			}
		}
	}
	if kinds[zoning.Core] != 1 || kinds[zoning.Buffer] < 2 || kinds[zoning.Experimental] < 2 {
		t.Errorf("visits by kind %v", kinds)
	}
	// A vehicle in the core and buffer: findings; in the experimental zone: none.
	byKind := map[zoning.Kind]int{}
	for _, f := range tr.Findings {
		if f.Kind != FindingProhibitedEntry || f.Source != "track" || f.Activity != "entry" || f.Subject != "藏A12345" {
			t.Errorf("finding %+v", f)
		}
		byKind[f.ZoneKind]++
	}
	if byKind[zoning.Core] != 1 || byKind[zoning.Buffer] != kinds[zoning.Buffer] || byKind[zoning.Experimental] != 0 {
		t.Errorf("findings by zone kind %v, visits %v", byKind, kinds)
	}
}

// TestBoundaryJitter: stretches shorter than the dwell time or never deeper
// than the noise margin are marked and raise nothing; the margins are
// configurable.
func TestBoundaryJitter(t *testing.T) {
	_, s := squaresDB(t, Options{})
	out := 99.9995
	// In and out within 20 s, 40 m deep; then 5 min at 9.6 m deep; then 10 min 96 m deep.
	seg := []fx{{out, 30.05, t0}, {100.0004, 30.05, t0.Add(10 * time.Second)}, {out, 30.05, t0.Add(20 * time.Second)},
		{100.0001, 30.05, t0.Add(60 * time.Second)}, {100.0001, 30.0501, t0.Add(360 * time.Second)}, {out, 30.05, t0.Add(400 * time.Second)},
		{100.001, 30.05, t0.Add(500 * time.Second)}, {100.001, 30.0502, t0.Add(1100 * time.Second)}, {out, 30.05, t0.Add(1200 * time.Second)}}
	in := Input{Subject: "tourist", SubjectKind: Visitor, MaxSpeedKmh: 100}
	tr := upload(t, s, in, gpxFile([][]fx{seg}))
	if len(tr.Visits) != 3 {
		t.Fatalf("%d visits: %+v", len(tr.Visits), tr.Visits)
	}
	for i, w := range []string{"less than the 60 s dwell time", "within the 15 m GPS noise margin", ""} {
		v := tr.Visits[i]
		if v.BoundaryJitter != (w != "") || !strings.Contains(v.JitterReason, w) {
			t.Errorf("visit %d: jitter %v %q, want %q (%.0f s, %.1f m)", i, v.BoundaryJitter, v.JitterReason, w, *v.DurationS, v.MaxDepthM)
		}
	}
	if len(tr.Findings) != 0 || tr.Counts.JitterVisits != 2 {
		t.Errorf("findings %d (experimental zone: entry allowed), jitter visits %d", len(tr.Findings), tr.Counts.JitterVisits)
	}
	// With a 5 s dwell and a 5 m margin none is jitter.
	_, s = squaresDB(t, Options{JitterDwell: 5 * time.Second, JitterDepthM: 5})
	tr = upload(t, s, in, gpxFile([][]fx{seg}))
	for i, v := range tr.Visits {
		if v.BoundaryJitter {
			t.Errorf("lowered margins: visit %d still jitter: %s", i, v.JitterReason)
		}
	}
}

// TestFindings raises each finding kind and checks permit coverage.
func TestFindings(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	ctx := t.Context()
	track := gpxFile([][]fx{eastward(t0)},
		wp{100.05, 30.05, t0.Add(2400 * time.Second), "发现盗伐", "", ""},         // logging in the core
		wp{100.03, 30.05, t0.Add(1500 * time.Second), "", "construction", ""}, // construction in the buffer
		wp{100.01, 30.05, t0.Add(900 * time.Second), "新建房屋", "", ""},          // construction in the experimental zone: needs approval, no finding
		wp{99.5, 30.05, t0, "grazing", "", ""},                                // outside every zone
		wp{100.09, 30.05, t0.Add(4000 * time.Second), "Lunch", "", ""},        // nothing prohibited
	)
	kinds := func(tr Track) map[string]int {
		m := map[string]int{}
		for _, f := range tr.Findings {
			m[f.Kind+"/"+string(f.ZoneKind)]++
		}
		return m
	}
	// A visitor: prohibited entry into the buffer (twice) and core; the
	// observations of logging in the core and construction in the buffer.
	tr := upload(t, s, Input{Subject: "visitor-1", SubjectKind: Visitor}, track)
	want := map[string]int{"prohibited_entry/buffer": 2, "prohibited_entry/core": 1, "prohibited_activity/core": 1, "prohibited_activity/buffer": 1}
	if fmt.Sprint(kinds(tr)) != fmt.Sprint(want) {
		t.Errorf("visitor findings %v, want %v", kinds(tr), want)
	}
	for _, f := range tr.Findings {
		switch {
		case f.Kind == FindingProhibitedEntry && f.ZoneKind == zoning.Core:
			if fmt.Sprint(f.Articles) != "[nrr-2017/18/2 nrr-2017/27/1]" || !strings.Contains(f.BasisZH, "《自然保护区条例》（2017年修订）第十八条第二款、第二十七条第一款") ||
				f.RuleSet != "cn-nrr-2017" || f.Penalty == nil || *f.Penalty.MaxYuan != 5000 || f.VisitID == nil ||
				f.ObservedAt == nil || !f.ObservedAt.Equal(t0.Add(2000*time.Second)) || !f.ObservedUntil.Equal(t0.Add(2800*time.Second)) {
				t.Errorf("core entry finding %+v", f)
			}
		case f.Kind == FindingProhibitedActivity && f.ZoneKind == zoning.Core:
			if f.Activity != "logging" || fmt.Sprint(f.Articles) != "[nrr-2017/26]" || f.ObservationID == nil || f.Source != "observation" ||
				!strings.Contains(f.BasisEN, "Logging: prohibited in the core zone") || !strings.Contains(f.BasisEN, "(Regulations on Nature Reserves (2017), Art. 26)") {
				t.Errorf("logging finding %+v", f)
			}
		}
	}
	obs := map[string]Observation{}
	for _, o := range tr.Observations {
		obs[o.Category+"/"+string(o.ZoneKind)] = o
	}
	if len(obs) != 5 || obs["logging/core"].Activity != "logging" || obs["grazing/"].Reserve != "" || obs["other/experimental"].Name != "Lunch" {
		t.Errorf("observations %+v", obs)
	}
	var stored int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM finding WHERE track_id = $1 AND subject = 'visitor-1'`, tr.ID).Scan(&stored); err != nil || stored != 5 {
		t.Errorf("finding rows %d, %v", stored, err)
	}

	// A researcher without a permit: unpermitted entry into the buffer and
	// core (research needs approval there), none in the experimental zone.
	research := gpxFile([][]fx{eastward(t0.Add(24 * time.Hour))})
	tr = upload(t, s, Input{Subject: "dr-li", SubjectKind: ResearchPermit}, research)
	if fmt.Sprint(kinds(tr)) != fmt.Sprint(map[string]int{"unpermitted_entry/buffer": 2, "unpermitted_entry/core": 1}) ||
		!strings.Contains(tr.Findings[0].BasisEN, "No permit was given") {
		t.Errorf("researcher without permit: %v %+v", kinds(tr), tr.Findings)
	}
	// With a permit for the core and buffer during the day: nothing.
	day := t0.Add(24 * time.Hour)
	pm, err := s.CreatePermit(ctx, PermitInput{Subject: "dr-li", Reserve: "squares", ZoneKinds: []string{"core", "缓冲区"},
		ValidFrom: day.Format(time.RFC3339), ValidTo: day.Add(3 * time.Hour).Format(time.RFC3339), Approval: "川林保〔2024〕12号"})
	if err != nil {
		t.Fatal(err)
	}
	research2 := gpxFile([][]fx{eastward(day.Add(time.Second))})
	tr = upload(t, s, Input{Subject: "dr-li", SubjectKind: ResearchPermit, Permit: pm.ID}, research2)
	if len(tr.Findings) != 0 || tr.Permit == nil || *tr.Permit != pm.ID {
		t.Errorf("covered research: %v", kinds(tr))
	}
	// A permit for the core only: the buffer visits are findings.
	core, err := s.CreatePermit(ctx, PermitInput{Subject: "dr-li", Reserve: "squares", ZoneKinds: []string{"core"}, ValidFrom: "2024-05-01", ValidTo: "2024-05-31", Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	if !core.ValidFrom.Equal(time.Date(2024, 4, 30, 16, 0, 0, 0, time.UTC)) || !core.ValidTo.Equal(time.Date(2024, 5, 31, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("permit dates in Asia/Shanghai: %v - %v", core.ValidFrom, core.ValidTo)
	}
	tr = upload(t, s, Input{Subject: "dr-li", SubjectKind: ResearchPermit, Permit: core.ID}, gpxFile([][]fx{eastward(day.Add(2 * time.Second))}))
	if fmt.Sprint(kinds(tr)) != fmt.Sprint(map[string]int{"unpermitted_entry/buffer": 2}) || !strings.Contains(tr.Findings[0].BasisEN, "does not cover the buffer zone") {
		t.Errorf("core-only permit: %v", kinds(tr))
	}
	// The day permit, but the trip starts 2½ hours later and outlasts it: the
	// first buffer visit (2h50m-3h03m20s after the start of the day), the
	// core and the second buffer visit are not covered.
	tr = upload(t, s, Input{Subject: "dr-li", SubjectKind: ResearchPermit, Permit: pm.ID}, gpxFile([][]fx{eastward(day.Add(150*time.Minute + 3*time.Second))}))
	if fmt.Sprint(kinds(tr)) != fmt.Sprint(map[string]int{"unpermitted_entry/buffer": 2, "unpermitted_entry/core": 1}) || !strings.Contains(tr.Findings[0].BasisEN, "outside permit") {
		t.Errorf("late trip: %v", kinds(tr))
	}
	// Another subject's permit is refused.
	_, _, err = tryUpload(ctx, s, Input{Subject: "dr-wang", SubjectKind: ResearchPermit, Permit: pm.ID}, gpxFile([][]fx{eastward(day.Add(4 * time.Second))}))
	if pe, ok := problem.As(err); !ok || pe.Status != 422 || !strings.Contains(pe.Detail, "dr-li") {
		t.Errorf("another subject's permit: %v", err)
	}
	// Patrol staff raise no visit findings, but their observations do.
	tr = upload(t, s, Input{Subject: "ranger-7", SubjectKind: Patrol}, gpxFile([][]fx{eastward(day.Add(5 * time.Second))}, wp{100.05, 30.05, day, "盗伐", "", ""}))
	if fmt.Sprint(kinds(tr)) != fmt.Sprint(map[string]int{"prohibited_activity/core": 1}) {
		t.Errorf("patrol: %v", kinds(tr))
	}
}

// isProblem says whether err is a 4xx problem mentioning frag.
func isProblem(err error, frag string) bool {
	pe, ok := problem.As(err)
	return ok && pe.Status/100 == 4 && strings.Contains(pe.Detail+fmt.Sprint(pe.Problems), frag)
}

// TestPermitRefusals: bad permits are 422s naming the field.
func TestPermitRefusals(t *testing.T) {
	_, s := squaresDB(t, Options{})
	ok := PermitInput{Subject: "x", Reserve: "squares", ZoneKinds: []string{"core"}, ValidFrom: "2024-05-01", ValidTo: "2024-05-02"}
	for name, c := range map[string]struct {
		mod  func(*PermitInput)
		frag string
	}{
		"no subject":   {func(p *PermitInput) { p.Subject = " " }, "subject is missing"},
		"reserve":      {func(p *PermitInput) { p.Reserve = "nowhere" }, `"nowhere" does not exist`},
		"kind":         {func(p *PermitInput) { p.ZoneKinds = []string{"core_protection"} }, "has no core_protection zones"},
		"no kinds":     {func(p *PermitInput) { p.ZoneKinds = nil }, "zone_kinds is missing"},
		"bad kind":     {func(p *PermitInput) { p.ZoneKinds = []string{"lawn"} }, "unknown zone kind"},
		"time":         {func(p *PermitInput) { p.ValidFrom = "yesterday" }, "RFC 3339"},
		"order":        {func(p *PermitInput) { p.ValidTo = "2024-04-01" }, "after valid_from"},
		"bad timezone": {func(p *PermitInput) { p.Timezone = "Mars/Olympus" }, "IANA"},
	} {
		in := ok
		c.mod(&in)
		if _, err := s.CreatePermit(t.Context(), in); !isProblem(err, c.frag) {
			t.Errorf("%s: %v, want a 4xx mentioning %q", name, err, c.frag)
		}
	}
	p, err := s.CreatePermit(t.Context(), ok)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Permit(t.Context(), p.ID)
	if err != nil || got.Subject != "x" || !got.ValidTo.Equal(time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("permit %+v, %v", got, err)
	}
	// Qiangtang is two-zone since its zoning approved 2026-06-01; a permit
	// for 2024 names the zones it had then, and still no zone it never had.
	old := PermitInput{Subject: "dr-li", Reserve: "qiangtang", ZoneKinds: []string{"core", "缓冲区"}, ValidFrom: "2024-05-01", ValidTo: "2024-05-02"}
	if _, err := s.CreatePermit(t.Context(), old); err != nil {
		t.Errorf("a 2024 permit for Qiangtang's core and buffer zones: %v", err)
	}
	old.ZoneKinds = []string{"peripheral"}
	if _, err := s.CreatePermit(t.Context(), old); !isProblem(err, "has no peripheral zones") {
		t.Errorf("a permit for a peripheral belt Qiangtang never had: %v", err)
	}
}

// TestDuplicateAndExport: the same bytes give the same track; the GPX
// export reads back, through geoio.ReadTrack, as the stored fixes.
func TestDuplicateAndExport(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	ctx := t.Context()
	seg := eastward(t0)
	seg[5].t = seg[5].t.Add(123456789 * time.Nanosecond) // sub-second: kept to the microsecond
	data := gpxFile([][]fx{seg[:20], seg[20:], {{100.2, 30.2, time.Time{}}}}, wp{100.05, 30.05, t0, "盗伐 & <stump>", "logging", "<sym>Flag</sym>"})
	tr := upload(t, s, Input{Subject: "ranger-7", SubjectKind: Patrol}, data)
	again, created, err := tryUpload(ctx, s, Input{Subject: "someone else", SubjectKind: Visitor, FileName: "copy.gpx"}, data)
	if err != nil || created || again.ID != tr.ID || again.Subject != "ranger-7" {
		t.Errorf("second upload: created %v, id %d (first %d), %v", created, again.ID, tr.ID, err)
	}
	var n, raw int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM track), (SELECT bytes FROM track_file WHERE track_id = $1)`, tr.ID).Scan(&n, &raw); err != nil || n != 1 || raw != len(data) {
		t.Errorf("%d tracks, raw copy %d bytes of %d, %v", n, raw, len(data), err)
	}
	var out bytes.Buffer
	if err := s.WriteGPX(ctx, tr.ID, &out); err != nil {
		t.Fatal(err)
	}
	back, err := geoio.ReadTrack("export.gpx", &out, geoio.TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.stored(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Segments) != 3 || len(st.segments) != 3 {
		t.Fatalf("export has %d segments, stored %d", len(back.Segments), len(st.segments))
	}
	for i, s := range st.segments {
		if back.Segments[i].Len() != s.Len() {
			t.Fatalf("segment %d: %d fixes exported, %d stored", i, back.Segments[i].Len(), s.Len())
		}
		for j, f := range s.Fixes() {
			if !sameFix(back.Segments[i].At(j), f) {
				t.Errorf("segment %d fix %d: exported %+v, stored %+v", i, j, back.Segments[i].At(j), f)
			}
			src := seg[min(i*20+j, len(seg)-1)]
			if i < 2 && (f.Lon != src.lon || !f.Time.Equal(src.t.Truncate(time.Microsecond)) || f.Ele != 4700) {
				t.Errorf("segment %d fix %d: stored %+v, uploaded %+v", i, j, f, src)
			}
		}
	}
	if len(back.Waypoints) != 1 || back.Waypoints[0].Name != "盗伐 & <stump>" || back.Waypoints[0].Type != "logging" || back.Waypoints[0].Sym != "Flag" ||
		!back.Waypoints[0].Time.Equal(t0) {
		t.Errorf("exported waypoints %+v", back.Waypoints)
	}
}

// TestRefusals: nothing usable, nothing stored.
func TestRefusals(t *testing.T) {
	pool, s := squaresDB(t, Options{MaxBytes: 4096})
	ctx := t.Context()
	for name, c := range map[string]struct {
		in     Input
		data   string
		status int
		frag   string
	}{
		"all invalid": {Input{}, string(gpxFile([][]fx{{{0, 0, t0}, {math.NaN(), 3, t0}}})), 422, "no usable points"},
		"too large":   {Input{}, strings.Repeat(" ", 5000), 413, "limit"},
		"malformed":   {Input{}, `<gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"></trkseg></gpx>`, 400, "line 1"},
		"unknown":     {Input{FileName: "photo.png"}, "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", 415, "not recognised"},
		"kind":        {Input{SubjectKind: "ghost"}, "", 400, "subject_kind"},
		"timezone":    {Input{Timezone: "Asia/Atlantis"}, "", 400, "IANA"},
		"coords":      {Input{Coords: "bd09"}, "", 400, "wgs84 or gcj02"},
		"reserve":     {Input{Reserve: "nowhere"}, string(gpxFile([][]fx{eastward(t0)[:3]})), 422, "nowhere"},
		"permit":      {Input{Permit: 99}, string(gpxFile([][]fx{eastward(t0)[:3]})), 422, "permit 99"},
	} {
		_, _, err := tryUpload(ctx, s, c.in, []byte(c.data))
		pe, ok := problem.As(err)
		if !ok || pe.Status != c.status || !strings.Contains(pe.Detail+fmt.Sprint(pe.Problems), c.frag) {
			t.Errorf("%s: %v, want %d mentioning %q", name, err, c.status, c.frag)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM track) + (SELECT count(*) FROM track_file) + (SELECT count(*) FROM observation)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows stored after refusals, %v", n, err)
	}
}

// TestResidentsAndVisitors: grazing in the core and experimental zones of a
// three-zone reserve, by an original resident and by a visitor, under the
// 2017 Regulations (both breach Art. 26) and under the 2026 Regulations
// through the zone conversion (the resident's is no finding; the visitor's
// breaches Art. 26 in the core, Art. 27 in the experimental zone).
func TestResidentsAndVisitors(t *testing.T) {
	_, s := squaresDB(t, Options{})
	for i, c := range []struct {
		day  time.Time
		who  SubjectKind
		want string
		pens string
	}{
		{time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC), OriginalResident, "map[core:1 experimental:1]", "Art. 35 Art. 35"},
		{time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC), Visitor, "map[core:1 experimental:1]", "Art. 35 Art. 35"},
		{time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC), OriginalResident, "map[]", ""},
		{time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC), Visitor, "map[core:1 experimental:1]", "Art. 40 Art. 41"},
	} {
		d := c.day.Add(time.Duration(i) * time.Second)
		tr := upload(t, s, Input{Subject: fmt.Sprint("herder-", i), SubjectKind: c.who}, gpxFile([][]fx{eastward(d)},
			wp{100.05, 30.05, d.Add(2400 * time.Second), "放牧", "", ""}, wp{100.01, 30.05, d.Add(900 * time.Second), "grazing", "", ""}))
		got := map[string]int{}
		var pens []string
		for _, f := range tr.Findings {
			if f.Kind == FindingProhibitedActivity {
				got[string(f.ZoneKind)]++
				if f.Penalty != nil {
					pens = append(pens, f.Penalty.CiteEN[strings.LastIndex(f.Penalty.CiteEN, "Art."):])
				}
			}
		}
		if fmt.Sprint(got) != c.want || strings.Join(pens, " ") != c.pens {
			t.Errorf("%s on %s: grazing findings %v %v, want %s %s", c.who, d.Format("2006-01-02"), got, pens, c.want, c.pens)
		}
	}
}

// TestReserveTimeZone: the day of an act is counted, and the times of a
// finding are written, in the reserve's time zone. Grazing at 17:30 UTC on
// 2026-03-14 is already 15 March in Asia/Shanghai (the 2026 Regulations,
// Art. 40) but still 14 March in Europe/Madrid (the 2017 Regulations, Art. 35).
func TestReserveTimeZone(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	at := time.Date(2026, 3, 14, 17, 30, 0, 0, time.UTC)
	for i, c := range []struct{ tz, local, pen string }{
		{"Asia/Shanghai", "2026-03-15 01:30:00+08:00", "Art. 40"},
		{"Europe/Madrid", "2026-03-14 18:30:00+01:00", "Art. 35"},
	} {
		if _, err := pool.Exec(t.Context(), `UPDATE reserve SET time_zone = $1 WHERE code = 'squares'`, c.tz); err != nil {
			t.Fatal(err)
		}
		d := at.Add(-time.Duration(2400+i) * time.Second)
		tr := upload(t, s, Input{Subject: fmt.Sprint("visitor-", i), SubjectKind: Visitor}, gpxFile([][]fx{eastward(d)},
			wp{100.05, 30.05, at, "放牧", "", ""}))
		var found bool
		for _, f := range tr.Findings {
			if f.Kind != FindingProhibitedActivity {
				continue
			}
			found = true
			if f.Penalty == nil || !strings.HasSuffix(f.Penalty.CiteEN, c.pen) {
				t.Errorf("%s: penalty %+v, want %s", c.tz, f.Penalty, c.pen)
			}
			if !strings.Contains(f.BasisZH, c.local) || !strings.Contains(f.BasisEN, c.local) {
				t.Errorf("%s: finding text does not give the local time %s:\n%s\n%s", c.tz, c.local, f.BasisZH, f.BasisEN)
			}
		}
		if !found {
			t.Errorf("%s: no grazing finding", c.tz)
		}
	}
}

// TestDateBoundaryTrack: the same visitor's walk into the core zone of a
// three-zone reserve on 2026-03-14 and on 2026-03-15 (Beijing time): the
// entry is judged under the 2017 Regulations (Art. 27, fine under Art. 34)
// the first day, and under the 2026 Regulations through the zone conversion
// (Art. 26, fine under Art. 40) the next.
func TestDateBoundaryTrack(t *testing.T) {
	_, s := squaresDB(t, Options{})
	for i, c := range []struct {
		day             time.Time
		set, basis, pen string
	}{
		{time.Date(2026, 3, 14, 1, 0, 0, 0, time.UTC), "cn-nrr-2017", "nrr-2017/27/1", "Art. 34"},
		{time.Date(2026, 3, 15, 1, 0, 0, 0, time.UTC), "cn-nrr-2026", "nrr-2026/26/1", "Art. 40"},
	} {
		tr := upload(t, s, Input{Subject: fmt.Sprint("visitor-", i), SubjectKind: Visitor}, gpxFile([][]fx{eastward(c.day)}))
		var core *Finding
		for k, f := range tr.Findings {
			if f.Kind == FindingProhibitedEntry && f.ZoneKind == zoning.Core {
				core = &tr.Findings[k]
			}
		}
		if core == nil || core.RuleSet != c.set || !slices.Contains(core.Articles, c.basis) || core.Penalty == nil || !strings.Contains(core.Penalty.CiteEN, c.pen) {
			t.Errorf("visitor in the core zone on %s: %+v, want %s citing %s, fined under %s", c.day.Format(time.DateOnly), core, c.set, c.basis, c.pen)
		}
	}
}
