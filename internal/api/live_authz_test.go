package api_test

import (
	"fmt"
	"net/url"
	"time"
)

// walkDevice is the live device the authorization walk's probes act on.
const walkDevice = "walk-phone"

// liveDevice registers the walk's device in the target reserve and raises
// an SOS alert of it, once.
func (w *walkEnv) liveDevice() {
	w.t.Helper()
	if w.deviceToken != "" {
		return
	}
	r := w.do("POST", "/api/v1/devices", map[string]any{"id": walkDevice, "kind": "phone", "subject": "ranger", "subject_kind": "patrol",
		"reserves": []string{targetReserve}}, true).expect(201)
	w.deviceToken = r.get("token").(string)
	w.send("GET", "/ingest/osmand?"+w.osmandQuery(false).Encode(), nil, caller{anonymous: true}).expect(200)
	w.send("GET", "/ingest/osmand?"+w.osmandQuery(true).Encode(), nil, caller{anonymous: true}).expect(200)
	if err := w.pool.QueryRow(w.t.Context(), `SELECT id FROM live_event WHERE device_id = $1 AND kind = 'sos'`, walkDevice).Scan(&w.alert); err != nil {
		w.t.Fatal(err)
	}
}

// osmandQuery is a fix of the walk's device, a second later each time.
func (w *walkEnv) osmandQuery(sos bool) url.Values {
	w.n++
	q := url.Values{"id": {walkDevice}, "lat": {"30.05"}, "lon": {"100.05"}, "key": {w.deviceToken},
		"timestamp": {fmt.Sprint(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix() + int64(w.n))}}
	if sos {
		q.Set("alarm", "sos")
	}
	return q
}

// liveProbes are the probes of the live positions routes.
func (w *walkEnv) liveProbes() map[string]func(caller) probe {
	in := func(p probe) func(caller) probe {
		return func(caller) probe { w.liveDevice(); p.reserve = targetReserve; return p }
	}
	dev := "/api/v1/devices/" + walkDevice
	return map[string]func(caller) probe{
		"GET /ingest/osmand": func(caller) probe {
			w.liveDevice()
			return probe{method: "GET", path: "/ingest/osmand?" + w.osmandQuery(false).Encode()}
		},
		"POST /ingest/osmand": func(caller) probe {
			w.liveDevice()
			return probe{method: "POST", path: "/ingest/osmand?" + w.osmandQuery(false).Encode()}
		},
		"POST /api/v1/devices": func(caller) probe {
			w.n++
			return probe{method: "POST", path: "/api/v1/devices", reserve: targetReserve, body: map[string]any{"id": fmt.Sprint("probe-", w.n),
				"kind": "collar", "subject": "yak 7", "subject_kind": "unknown", "reserves": []string{targetReserve}}}
		},
		"GET /api/v1/devices":       func(caller) probe { return probe{method: "GET", path: "/api/v1/devices"} },
		"GET /api/v1/devices/:id":   in(probe{method: "GET", path: dev}),
		"PATCH /api/v1/devices/:id": in(probe{method: "PATCH", path: dev, body: map[string]any{"name": "巡护手机"}}),
		"DELETE /api/v1/devices/:id": func(caller) probe {
			w.n++
			id := fmt.Sprint("gone-", w.n)
			w.do("POST", "/api/v1/devices", map[string]any{"id": id, "kind": "phone", "subject": "x", "reserves": []string{targetReserve}}, true).expect(201)
			return probe{method: "DELETE", path: "/api/v1/devices/" + id, reserve: targetReserve}
		},
		"POST /api/v1/devices/:id/tracks": in(probe{method: "POST", path: dev + "/tracks?day=2026-01-01"}),
		"GET /api/v1/devices/:id/trail":   in(probe{method: "GET", path: dev + "/trail?hours=2"}),
		"POST /api/v1/positions": func(caller) probe {
			w.liveDevice()
			w.n++
			at := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC).Add(time.Duration(w.n) * time.Second).Format(time.RFC3339)
			return probe{method: "POST", path: "/api/v1/positions", reserve: targetReserve,
				body: map[string]any{"fixes": []any{map[string]any{"device": walkDevice, "time": at, "lon": 100.05, "lat": 30.05}}}}
		},
		"GET /api/v1/events":        func(caller) probe { return probe{method: "GET", path: "/api/v1/events"} },
		"GET /api/v1/events/stream": func(caller) probe { return probe{method: "GET", path: "/api/v1/events/stream?max_seconds=0.05"} },
		"POST /api/v1/events/:id/acknowledge": func(caller) probe {
			w.liveDevice()
			return probe{method: "POST", path: fmt.Sprintf("/api/v1/events/%d/acknowledge", w.alert), reserve: targetReserve}
		},
		"GET /api/v1/webhook-deliveries": func(caller) probe { return probe{method: "GET", path: "/api/v1/webhook-deliveries?status=dead"} },
	}
}
