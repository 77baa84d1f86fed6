package patrol

import (
	"math"
	"testing"
	"time"

	"warden/internal/geoio"
	"warden/internal/zoning"
)

// TestEngineAnalysisEqualsSQL: the zone engine and PostGIS analyse the same
// tracks (the squares track, which crosses boundaries on fixes, and a drive
// into Qiangtang's core and back) into the same visits: zones, crossing
// places and times, fixes, lengths, and depths within the depth search's
// own tolerance (2 m or 1 %).
func TestEngineAnalysisEqualsSQL(t *testing.T) {
	pool, s := squaresDB(t, Options{})
	ctx := t.Context()
	cx, cy := qiangtangCore(t, pool)
	var squares, drive []geoio.Fix
	for _, f := range eastward(t0) {
		squares = append(squares, geoio.Fix{Lon: f.lon, Lat: f.lat, Time: f.t})
	}
	n := int((36.9 - cy) / 0.009)
	for i := 0; i <= 2*n; i++ {
		k := min(i, 2*n-i)
		drive = append(drive, geoio.Fix{Lon: cx + 0.0004*math.Sin(float64(i)) + 0.05*float64(i)/float64(2*n), Lat: 36.9 - float64(k)*0.009, Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	segs := segsOf(squares, drive)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var noEngine *zoning.Engine
	zSQL, err := noEngine.TrackZones(ctx, tx, nil)
	if err != nil {
		t.Fatal(err)
	}
	zEngine, err := s.eng.TrackZones(ctx, tx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !zEngine.FromEngine() || zSQL.FromEngine() {
		t.Fatal("the engine's analysis did not use the index")
	}
	bySQL := &analysis{segs: segs, opts: s.opts, z0: zSQL, parts: parts(segs, zSQL, nil)}
	byEngine := &analysis{segs: segs, opts: s.opts, z0: zEngine, parts: parts(segs, zEngine, nil)}
	for _, a := range []*analysis{bySQL, byEngine} {
		if err := a.run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(byEngine.visits) != len(bySQL.visits) || len(bySQL.visits) < 8 {
		t.Fatalf("engine %d visits, SQL %d", len(byEngine.visits), len(bySQL.visits))
	}
	for i, w := range bySQL.visits {
		g := byEngine.visits[i]
		same := g.ZoneID == w.ZoneID && g.Segment == w.Segment && g.Fixes == w.Fixes &&
			g.EnteredByCrossing == w.EnteredByCrossing && g.ExitedByCrossing == w.ExitedByCrossing &&
			g.EnteredAt.Sub(*w.EnteredAt).Abs() <= time.Microsecond && g.ExitedAt.Sub(*w.ExitedAt).Abs() <= time.Microsecond &&
			math.Abs(g.Entry[0]-w.Entry[0]) < 1e-9 && math.Abs(g.Entry[1]-w.Entry[1]) < 1e-9 &&
			math.Abs(g.Exit[0]-w.Exit[0]) < 1e-9 && math.Abs(g.Exit[1]-w.Exit[1]) < 1e-9 &&
			math.Abs(g.LengthM-w.LengthM) <= 1e-3 && math.Abs(g.MaxDepthM-w.MaxDepthM) <= math.Max(depthTolM, depthTolRel*w.MaxDepthM) &&
			g.BoundaryJitter == w.BoundaryJitter
		if !same {
			t.Errorf("visit %d:\nengine %+v\n   SQL %+v", i, g.Visit, w.Visit)
		}
	}
}
