package live

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestGroupCommit: forty phones walking into the core protection zone at
// once, each fix its own request, are stored in group transactions: every
// request is answered, every fix is stored once, and each phone raises
// exactly one core entry, published once.
func TestGroupCommit(t *testing.T) {
	pool, s, c := plateau(t, Options{})
	const n = 40
	toks := make([]string, n)
	for i := range toks {
		toks[i] = register(t, s, fmt.Sprint("visitor-", i), "visitor").Token
	}
	sub := s.Hub().Subscribe(nil)
	defer sub.Close()
	t1 := c.now().Add(-time.Hour)
	lons := append(span(100.0391, 0.0002, 12), repeat(100.0413, 30)...)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range walk(fmt.Sprint("visitor-", i), t1, 10*time.Second, lons...) {
				res, err := s.Ingest(t.Context(), Ingest{Protocol: "osmand", Token: &toks[i], Fixes: []Fix{f}})
				if err == nil && res[0].Status != Accepted {
					err = fmt.Errorf("fix %+v: %s", f, res[0].Status)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	enters := map[string]int{}
	for len(sub.C) > 0 {
		if e := <-sub.C; e.ZoneKind == "core_protection" && e.Kind == "enter" {
			enters[e.Device]++
		}
	}
	for i := range n {
		if id := fmt.Sprint("visitor-", i); enters[id] != 1 {
			t.Errorf("%s: %d core entries published, want 1", id, enters[id])
		}
	}
	var fixes, events int
	if err := pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM live_position), (SELECT count(*) FROM live_event WHERE zone_kind = 'core_protection')`).Scan(&fixes, &events); err != nil {
		t.Fatal(err)
	}
	if fixes != n*len(lons) || events != n {
		t.Errorf("%d fixes and %d core events stored, want %d and %d", fixes, events, n*len(lons), n)
	}
}

// TestDebounceSurvivesRestart: a phone that crossed into the core
// protection zone, but not yet for the dwell, when the process restarts is
// judged on by the new process from where the debounce stood: one entry,
// dated at the crossing the first process saw.
func TestDebounceSurvivesRestart(t *testing.T) {
	pool, s, c := plateau(t, Options{})
	v := register(t, s, "visitor-1", "visitor")
	t1 := c.now().Add(-time.Hour)
	// 19 m every 10 s from 100.0391: the boundary at 100.04 is crossed
	// halfway between fixes 4 and 5 (45 s); fix 6 is 25 s after it.
	fixes := walk("visitor-1", t1, 10*time.Second, append(span(100.0391, 0.0002, 12), repeat(100.0413, 10)...)...)
	if es := coreEvents(send(t, s, v.Token, fixes[:7])); len(es) != 0 {
		t.Fatalf("before the dwell: %+v", es)
	}
	restarted := New(pool, s.engine, s.opts, s.log)
	es := coreEvents(send(t, restarted, v.Token, fixes[7:]))
	if len(es) != 1 || es[0].Kind != "enter" || !es[0].Alert {
		t.Fatalf("after the restart: %+v, want one entry alert", es)
	}
	if d := es[0].At.Sub(t1.Add(45 * time.Second)); d < -time.Second || d > time.Second {
		t.Errorf("entry at %s, want the crossing at %s", es[0].At, t1.Add(45*time.Second))
	}
}

// TestMissingFindingsFiled: an entry alert whose finding was never filed
// (its process stopped first) gets it from the sweep, judged again from the
// event, and only once.
func TestMissingFindingsFiled(t *testing.T) {
	pool, s, c := plateau(t, Options{})
	ctx := t.Context()
	register(t, s, "visitor-1", "visitor")
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO live_event (device_id, kind, alert, reserves, reserve, zone_kind, subject, subject_kind, at, lon, lat, depth_m, text_zh, text_en)
		VALUES ('visitor-1', 'enter', true, '{plateau}', 'plateau', 'core_protection', 'visitor-1 person', 'visitor', $1, 100.0413, 30.05, 120, '进入', 'entered')
		RETURNING id`, c.now().Add(-time.Hour)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.fileMissingFindings(ctx); err != nil {
			t.Fatal(err)
		}
		s.settle(ctx)
	}
	var n int
	var rs *string
	if err := pool.QueryRow(ctx, `SELECT count(*), min(rule_set) FROM finding WHERE live_event_id = $1`, id).Scan(&n, &rs); err != nil {
		t.Fatal(err)
	}
	if n != 1 || rs == nil || *rs != "cn-nrr-2026" {
		t.Errorf("%d findings under %v for the alert, want 1 under cn-nrr-2026", n, rs)
	}
}
