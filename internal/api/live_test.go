package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"warden/internal/sample/sampletest"
)

// sseEvent is one live message of the stream.
type sseEvent struct {
	ID       string
	Kind     string    `json:"kind"`
	Alert    bool      `json:"alert"`
	ZoneKind string    `json:"zone_kind"`
	At       time.Time `json:"at"`
}

// stream reads the live event stream of reserve for up to d, sending what
// it reads on the channel.
func stream(t *testing.T, e *env, query, lastID string, d time.Duration) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/v1/events/stream?"+query+fmt.Sprintf("&max_seconds=%g", d.Seconds()), nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 100)
	ready := make(chan struct{})
	go func() {
		defer res.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		var id string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, ": connected"):
				close(ready)
			case strings.HasPrefix(line, "id: "):
				id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				var ev sseEvent
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev)
				ev.ID = id
				out <- ev
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not open")
	}
	return out
}

// TestLiveTraccarToStream: a phone speaking the Traccar Client protocol
// walks into the core protection zone and out again, after jittering along
// its boundary: the stream of the reserve carries exactly one core enter
// (an alert, for a visitor) and one exit; a client reconnecting with
// Last-Event-ID gets what came after it. The day's fixes then become a
// patrol track whose core visit is the live one, and its finding lands on
// the case the live alert opened.
func TestLiveTraccarToStream(t *testing.T) {
	e := newEnv(t, false)
	e.do("POST", "/api/v1/reserves", map[string]any{"code": "plateau", "name_zh": "高原", "level": "national", "zoning_scheme": "two_zone"}, true).expect(201)
	e.do("PUT", "/api/v1/reserves/plateau/zones", sampletest.PlateauZones, true).expect(201)
	tok := e.do("POST", "/api/v1/devices", map[string]any{"id": "357299070000001", "kind": "phone", "subject": "游客甲", "subject_kind": "visitor",
		"reserves": []string{"plateau"}}, true).expect(201).get("token").(string)
	events := stream(t, e, "reserve=plateau", "", 60*time.Second)
	var lons []float64
	for i := range 24 { // ±10 m across the boundary at 100.04
		lons = append(lons, []float64{100.0399, 100.0401}[i%2])
	}
	for i := range 12 { // in, 19 m every 10 s
		lons = append(lons, 100.0397+0.0002*float64(i))
	}
	for range 30 {
		lons = append(lons, 100.0419)
	}
	for i := range 22 {
		lons = append(lons, max(100.0417-0.0002*float64(i), 100.0389))
	}
	// Yesterday at noon in the reserve's time zone (Asia/Shanghai).
	now := time.Now().UTC()
	t0 := time.Date(now.Year(), now.Month(), now.Day()-1, 4, 0, 0, 0, time.UTC)
	for i, lon := range lons {
		q := url.Values{"id": {"357299070000001"}, "lat": {"30.05"}, "lon": {fmt.Sprint(lon)}, "timestamp": {fmt.Sprint(t0.Add(time.Duration(i) * 10 * time.Second).Unix())},
			"speed": {"1.5"}, "bearing": {"90"}, "altitude": {"4510"}, "accuracy": {"6"}, "batt": {"88"}, "key": {tok}}
		r := e.do("GET", "/ingest/osmand?"+q.Encode(), nil, false).expect(200)
		if r.get("status") != "accepted" {
			t.Fatalf("fix %d: %s", i, r.Raw)
		}
	}
	var core []sseEvent
	timeout := time.After(20 * time.Second)
	for len(core) < 2 {
		select {
		case ev := <-events:
			if ev.ZoneKind == "core_protection" {
				core = append(core, ev)
			}
		case <-timeout:
			t.Fatalf("the stream carried %+v in 20 s, want a core enter and exit", core)
		}
	}
	if core[0].Kind != "enter" || !core[0].Alert || core[1].Kind != "exit" {
		t.Fatalf("core events %+v, want enter (alert), exit", core)
	}
	select {
	case ev := <-events:
		if ev.ZoneKind == "core_protection" {
			t.Errorf("a third core event: %+v", ev)
		}
	case <-time.After(500 * time.Millisecond):
	}
	var replayed []string
	for ev := range stream(t, e, "reserve=plateau", core[0].ID, 2*time.Second) {
		replayed = append(replayed, ev.ID)
	}
	if !slices.Contains(replayed, core[1].ID) || slices.Contains(replayed, core[0].ID) {
		t.Errorf("after Last-Event-ID %s the stream replayed %v, want what followed, with the exit %s", core[0].ID, replayed, core[1].ID)
	}

	// The alert's finding is filed just after the event is out: the day's
	// track is made once it is there, so that its finding joins that case
	// rather than racing it.
	for deadline := time.Now().Add(20 * time.Second); ; {
		r := e.do("GET", "/api/v1/events?alerts=true&device=357299070000001", nil, true).expect(200)
		filed := false
		for _, ev := range r.get("events").([]any) {
			ev := ev.(map[string]any)
			filed = filed || (fmt.Sprint(ev["id"]) == core[0].ID && ev["finding"] != nil)
		}
		if filed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the entry alert %s has no finding after 20 s: %s", core[0].ID, r.Raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
	day := t0.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	tr := e.do("POST", "/api/v1/devices/357299070000001/tracks?day="+day, nil, true).expect(201)
	var visit map[string]any
	for _, v := range tr.get("visits").([]any) {
		if v := v.(map[string]any); v["zone_kind"] == "core_protection" && v["boundary_jitter"] == false {
			if visit != nil {
				t.Fatalf("the track has two core visits: %s", tr.Raw)
			}
			visit = v
		}
	}
	if visit == nil {
		t.Fatalf("the day's track has no core visit: %s", tr.Raw)
	}
	entered, _ := time.Parse(time.RFC3339Nano, visit["entered_at"].(string))
	exited, _ := time.Parse(time.RFC3339Nano, visit["exited_at"].(string))
	if d := entered.Sub(core[0].At); d < -time.Second || d > time.Second {
		t.Errorf("the track enters at %s, the live enter was at %s", entered, core[0].At)
	}
	if d := exited.Sub(core[1].At); d < -time.Second || d > time.Second {
		t.Errorf("the track leaves at %s, the live exit was at %s", exited, core[1].At)
	}
	e.do("POST", "/api/v1/devices/357299070000001/tracks?day="+day, nil, true).expect(200)
	cs := e.do("GET", "/api/v1/cases?reserve=plateau", nil, true).expect(200)
	if n := len(cs.get("cases").([]any)); n != 1 {
		t.Errorf("%d cases from the live alert and the day's track, want 1: %s", n, cs.Raw)
	}
}
