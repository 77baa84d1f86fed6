package live

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/problem/problemtest"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// TestMain gives this package's tests a private PostGIS cluster.
func TestMain(m *testing.M) { testdb.Main(m) }

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// plateau is a fresh database with the plateau reserve, the zone engine
// over it and the service.
func plateau(t *testing.T, opts Options) (*pgxpool.Pool, *Service, *clock) {
	t.Helper()
	pool := testdb.New(t)
	ctx := t.Context()
	sampletest.AddPlateau(t, pool)
	log := slog.New(slog.DiscardHandler)
	eng, err := zoning.StartEngine(ctx, pool, log)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)}
	opts.Now = c.now
	return pool, New(pool, eng, opts, log), c
}

func register(t *testing.T, s *Service, id, kind string) Device {
	t.Helper()
	d, err := s.CreateDevice(t.Context(), DeviceInput{ID: &id, Kind: ptr("phone"), Subject: ptr(id + " person"), SubjectKind: &kind, Reserves: []string{"plateau"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

// TestDevices: the registry gives the token once, keeps only its hash,
// refuses what it cannot use, and a rotated or deleted device's old token
// stops working.
func TestDevices(t *testing.T) {
	pool, s, c := plateau(t, Options{})
	ctx := t.Context()
	d := register(t, s, "ph-1", "patrol")
	if !strings.HasPrefix(d.Token, TokenPrefix) || len(d.Token) < 30 {
		t.Fatalf("token %q", d.Token)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM live_device WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, d.Token).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the token is not stored as its SHA-256 (%d, %v)", n, err)
	}
	got, err := s.Device(ctx, "ph-1")
	if err != nil || got.Token != "" || got.SubjectKind != "patrol" || !slices.Equal(got.Reserves, []string{"plateau"}) {
		t.Fatalf("device %+v, %v: want it without token", got, err)
	}
	for _, c := range []struct {
		in  DeviceInput
		typ string
	}{
		{DeviceInput{ID: ptr("a b"), Kind: ptr("phone"), Subject: ptr("x")}, "invalid-device"},
		{DeviceInput{ID: ptr("c-1"), Kind: ptr("drone"), Subject: ptr("x")}, "invalid-device"},
		{DeviceInput{ID: ptr("c-1"), Kind: ptr("collar")}, "invalid-device"},
		{DeviceInput{ID: ptr("c-1"), Kind: ptr("collar"), Subject: ptr("x"), SubjectKind: ptr("tourist")}, "invalid-device"},
		{DeviceInput{ID: ptr("c-1"), Kind: ptr("collar"), Subject: ptr("x"), Reserves: []string{"atlantis"}}, "unknown-reserve"},
	} {
		_, err := s.CreateDevice(ctx, c.in)
		problemtest.WantType(t, err, 422, c.typ)
	}
	_, err = s.CreateDevice(ctx, DeviceInput{ID: ptr("ph-1"), Kind: ptr("phone"), Subject: ptr("x")})
	problemtest.WantType(t, err, 409, "device-exists")

	fix := func(tok string, sec int) error {
		_, err := s.Ingest(ctx, Ingest{Protocol: "osmand", Token: &tok, Fixes: []Fix{{Device: "ph-1", Time: c.now().Add(time.Duration(sec) * time.Second), Lon: 100.02, Lat: 30.02}}})
		return err
	}
	if err := fix(d.Token, -10); err != nil {
		t.Fatal(err)
	}
	problemtest.WantType(t, fix("wdv_wrong", -9), http.StatusUnauthorized, "invalid-device-token")
	rot, err := s.UpdateDevice(ctx, "ph-1", DeviceInput{Name: ptr("巡护手机"), RotateToken: true})
	if err != nil || rot.Token == "" || rot.Token == d.Token || rot.Name != "巡护手机" {
		t.Fatalf("rotate: %+v %v", rot, err)
	}
	problemtest.WantType(t, fix(d.Token, -8), http.StatusUnauthorized, "invalid-device-token")
	if err := fix(rot.Token, -7); err != nil {
		t.Fatal(err)
	}
	if ds, err := s.Devices(ctx, "plateau"); err != nil || len(ds) != 1 || ds[0].LastFix == nil || ds[0].LastFix.Lon != 100.02 {
		t.Fatalf("devices %+v %v: want ph-1 with its last fix", ds, err)
	}
	if err := s.DeleteDevice(ctx, "ph-1"); err != nil {
		t.Fatal(err)
	}
	problemtest.WantType(t, fix(rot.Token, -6), http.StatusNotFound, "unknown-device")
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM live_position WHERE device_id = 'ph-1'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d fixes kept after the device went, want 2 (%v)", n, err)
	}
}

// TestFixChecks: every fix is stored with its status; refused and marked
// ones say why and move nothing on.
func TestFixChecks(t *testing.T) {
	pool, s, c := plateau(t, Options{})
	ctx := t.Context()
	d := register(t, s, "walker", "visitor")
	t0 := c.now().Add(-time.Hour)
	acc := func(v float64) *float64 { return &v }
	fixes := []Fix{
		{Time: t0, Lon: 100.02, Lat: 30.02},
		{Time: t0.Add(10 * time.Second), Lon: 100.0201, Lat: 30.02},
		{Time: t0.Add(10 * time.Second), Lon: 100.0201, Lat: 30.02},                    // duplicate
		{Time: t0.Add(5 * time.Second), Lon: 100.02005, Lat: 30.02},                    // out of order
		{Time: t0.Add(20 * time.Second), Lon: 100.03, Lat: 30.02},                      // ~960 m in 10 s
		{Time: t0.Add(30 * time.Second), Lon: 100.0202, Lat: 30.02, Accuracy: acc(80)}, // low accuracy
		{Time: c.now().Add(time.Hour), Lon: 100.0202, Lat: 30.02},                      // future
		{Time: t0.Add(40 * time.Second), Lon: 100.0202, Lat: 30.02},
	}
	for i := range fixes {
		fixes[i].Device = "walker"
	}
	res, err := s.Ingest(ctx, Ingest{Protocol: "json", Token: &d.Token, Fixes: fixes})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{Accepted, Accepted, Duplicate, OutOfOrder, Speed, LowAccuracy, Future, Accepted}
	for i, r := range res {
		if r.Status != want[i] || (r.Status != Accepted && r.Reason == "") {
			t.Errorf("fix %d: %s (%s), want %s with a reason", i, r.Status, r.Reason, want[i])
		}
	}
	var stored []string
	if err := pool.QueryRow(ctx, `SELECT array_agg(status ORDER BY fixed_at, status) FROM live_position WHERE device_id = 'walker'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(fixes) {
		t.Errorf("stored %v, want all %d fixes kept", stored, len(fixes))
	}
	got, _ := s.Device(ctx, "walker")
	if got.LastFix == nil || !got.LastFix.At.Equal(t0.Add(40*time.Second)) {
		t.Errorf("last fix %+v, want the last accepted one", got.LastFix)
	}
}

// walk is fixes of a device every step from t0, along lat 30.05 through
// the given longitudes.
func walk(dev string, t0 time.Time, step time.Duration, lons ...float64) []Fix {
	out := make([]Fix, len(lons))
	for i, lon := range lons {
		out[i] = Fix{Device: dev, Time: t0.Add(time.Duration(i) * step), Lon: lon, Lat: 30.05}
	}
	return out
}

// span is n longitudes from a by d.
func span(a, d float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = a + d*float64(i)
	}
	return out
}

func repeat(v float64, n int) []float64 { return span(v, 0, n) }

// send ingests fixes one request each, as a phone does.
func send(t *testing.T, s *Service, tok string, fixes []Fix) []Event {
	t.Helper()
	sub := s.Hub().Subscribe(nil)
	defer sub.Close()
	for _, f := range fixes {
		res, err := s.Ingest(t.Context(), Ingest{Protocol: "osmand", Token: &tok, Fixes: []Fix{f}})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Status != Accepted {
			t.Fatalf("fix %+v: %s %s", f, res[0].Status, res[0].Reason)
		}
	}
	var out []Event
	for {
		select {
		case e := <-sub.C:
			out = append(out, e)
		default:
			return out
		}
	}
}

// coreEvents are the events of the core protection zone.
func coreEvents(es []Event) []Event {
	var out []Event
	for _, e := range es {
		if e.ZoneKind == "core_protection" {
			out = append(out, e)
		}
	}
	return out
}

// TestGeofence: a visitor jittering along the core protection zone's
// boundary raises nothing; walking in gives one enter after the dwell,
// dated at the interpolated crossing, an alert judged under the 2026
// Regulations that becomes a finding and a case; walking out one exit. A
// second entry the same day extends the same case. A ranger on patrol
// walking the same way enters without an alert.
func TestGeofence(t *testing.T) {
	pool, s, c := plateau(t, Options{})
	ctx := context.Background()
	v := register(t, s, "visitor-1", "visitor")
	t0 := c.now().Add(-2 * time.Hour)
	// 100.0399 / 100.0401: about 10 m either side of the boundary at 100.04.
	var jitter []float64
	for i := range 24 {
		jitter = append(jitter, []float64{100.0399, 100.0401}[i%2])
	}
	es := send(t, s, v.Token, walk("visitor-1", t0, 5*time.Second, append(repeat(100.0398, 3), jitter...)...))
	if ce := coreEvents(es); len(ce) != 0 {
		t.Fatalf("boundary jitter raised %d core events: %+v", len(ce), ce[0])
	}
	// In: 19 m every 10 s from 100.0391, crossing 100.04 halfway between
	// fixes 4 and 5 (45 s); then 30 fixes deep inside, then out.
	t1 := t0.Add(10 * time.Minute)
	in := append(span(100.0391, 0.0002, 12), repeat(100.0413, 30)...)
	out := append(append(in, span(100.0411, -0.0002, 12)...), repeat(100.0389, 6)...)
	es = coreEvents(send(t, s, v.Token, walk("visitor-1", t1, 10*time.Second, out...)))
	if len(es) != 2 || es[0].Kind != "enter" || es[1].Kind != "exit" {
		t.Fatalf("core events %+v, want one enter and one exit", es)
	}
	enter := es[0]
	if d := enter.At.Sub(t1.Add(45 * time.Second)); d < -time.Second || d > time.Second {
		t.Errorf("enter at %s, want the crossing at %s", enter.At, t1.Add(45*time.Second))
	}
	if !enter.Alert || !strings.Contains(enter.TextZH, "2026-06-01 08:10:45+08:00") || !strings.Contains(enter.TextZH, "（高原保护区）") {
		t.Errorf("enter: alert %v text %q: want an alert, in local time", enter.Alert, enter.TextZH)
	}
	// Its finding is filed once the event is out.
	s.settle(ctx)
	var rs, title string
	if err := pool.QueryRow(ctx, `SELECT f.rule_set, c.title FROM finding f JOIN case_evidence e ON e.finding_id = f.id
		JOIN violation_case c ON c.id = e.case_id WHERE f.live_event_id = $1`, enter.ID).Scan(&rs, &title); err != nil {
		t.Fatalf("the entry alert's finding and case: %v", err)
	}
	if rs != "cn-nrr-2026" || title != "访客进入核心保护区" {
		t.Errorf("finding under %s, case %q: want cn-nrr-2026 and 访客进入核心保护区", rs, title)
	}
	// Again an hour later: a second alert and finding, the same case.
	es = coreEvents(send(t, s, v.Token, walk("visitor-1", t1.Add(time.Hour), 10*time.Second, out...)))
	if len(es) != 2 || !es[0].Alert {
		t.Fatalf("second walk: %+v", es)
	}
	s.settle(ctx)
	var cases, findings int
	if err := pool.QueryRow(ctx, `SELECT count(DISTINCT e.case_id), count(*) FROM case_evidence e JOIN finding f ON f.id = e.finding_id WHERE f.source = 'live'`).Scan(&cases, &findings); err != nil {
		t.Fatal(err)
	}
	if cases != 1 || findings != 2 {
		t.Errorf("%d cases for %d live findings, want 1 for 2", cases, findings)
	}
	r := register(t, s, "ranger-1", "patrol")
	es = coreEvents(send(t, s, r.Token, walk("ranger-1", t1, 10*time.Second, out...)))
	s.settle(ctx)
	var rangerFindings int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM finding f JOIN live_event e ON e.id = f.live_event_id WHERE e.device_id = 'ranger-1'`).Scan(&rangerFindings); err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Alert || rangerFindings != 0 {
		t.Errorf("ranger: %+v and %d findings, want an enter and an exit without alert or finding", es, rangerFindings)
	}
}

// TestSafetyAlerts: an SOS, a low battery (once until charged) and a device
// silent past its expected interval are alerts.
func TestSafetyAlerts(t *testing.T) {
	_, s, c := plateau(t, Options{})
	ctx := t.Context()
	d, err := s.CreateDevice(ctx, DeviceInput{ID: ptr("lone"), Kind: ptr("phone"), Subject: ptr("王五"), SubjectKind: ptr("patrol"),
		Reserves: []string{"plateau"}, ExpectedIntervalS: ptr(60)})
	if err != nil {
		t.Fatal(err)
	}
	batt := func(v float64) *float64 { return &v }
	t0 := c.now().Add(-time.Minute)
	fixes := []Fix{
		{Time: t0, Battery: batt(50)},
		{Time: t0.Add(5 * time.Second), Battery: batt(12)},
		{Time: t0.Add(10 * time.Second), Battery: batt(11), SOS: true},
		{Time: t0.Add(15 * time.Second), Battery: batt(10)},
	}
	sub := s.Hub().Subscribe(nil)
	defer sub.Close()
	for _, f := range fixes {
		f.Device, f.Lon, f.Lat = "lone", 100.02, 30.02
		if _, err := s.Ingest(ctx, Ingest{Protocol: "osmand", Token: &d.Token, Fixes: []Fix{f}}); err != nil {
			t.Fatal(err)
		}
	}
	c.set(c.now().Add(3*time.Minute + 30*time.Second))
	if err := s.checkSilent(ctx); err != nil {
		t.Fatal(err)
	}
	c.set(c.now().Add(time.Minute))
	if err := s.checkSilent(ctx); err != nil { // still the same silence: no second alert
		t.Fatal(err)
	}
	var kinds []string
	for len(sub.C) > 0 {
		e := <-sub.C
		if !e.Alert {
			t.Errorf("%s is not an alert", e.Kind)
		}
		kinds = append(kinds, e.Kind)
	}
	if !slices.Equal(kinds, []string{"low_battery", "sos", "silent"}) {
		t.Errorf("alerts %v, want low_battery, sos, silent", kinds)
	}
}
