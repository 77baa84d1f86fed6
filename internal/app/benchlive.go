package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"warden/internal/live"
)

// BenchLiveOptions are the flags of `warden bench live`.
type BenchLiveOptions struct {
	URL      string // the running warden serve
	Token    string // an admin token (the event stream)
	Reserve  string // whose core zone boundary the devices walk across
	Devices  int
	Duration time.Duration
	Workers  int // concurrent HTTP connections
}

// benchDevice is one simulated device walking between a and b (either
// side of a core zone boundary) every 10 s.
type benchDevice struct {
	id, key string
	a, b    [2]float64
}

// BenchLive registers Devices vehicle loggers (in the database, directly:
// the API's write rate limit is for people), each reporting once a second
// over the OsmAnd protocol to a running warden serve while driving back and
// forth across its reserve's core zone boundary, and prints the sustained
// fixes a second, the latency from a fix's arrival to its event on the SSE
// stream (p50, p99), and the service's resident memory. Events appear only
// when the serve's debounce lets 10-second stays count (WARDEN_LIVE_DEBOUNCE
// vehicle=2s/5, say).
func BenchLive(ctx context.Context, env *Env, o BenchLiveOptions, out io.Writer) error {
	base := strings.TrimRight(o.URL, "/")
	edges, err := coreEdges(ctx, base, o.Reserve)
	if err != nil {
		return err
	}
	devs, prefix, err := benchDevices(ctx, env, o, edges)
	if err != nil {
		return err
	}
	streamLat, answerLat := &latencies{}, &latencies{}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	streamed, err := benchStream(sctx, base, o.Token, o.Reserve, streamLat)
	if err != nil {
		return err
	}
	conns := "one connection per device"
	if o.Workers > 0 {
		conns = fmt.Sprintf("at most %d connections", o.Workers)
	}
	fmt.Fprintf(out, "bench live: %d devices at 1 Hz for %s against %s, %s\n", len(devs), o.Duration, base, conns)
	clock := newCPUClock(ctx, env.Pool, base, o.Token)
	cpu0 := clock.read(ctx)
	sent, failed := benchSend(ctx, base, devs, o, answerLat)
	time.Sleep(2 * time.Second) // the last events' way to the stream
	stop()
	cpu1 := clock.read(ctx)
	secs := o.Duration.Seconds()
	fmt.Fprintf(out, "fixes answered  %d (%.0f/s sustained, target %d/s); not answered 200: %v\n", sent, float64(sent)/secs, len(devs), failed)
	a50, a99, _ := answerLat.quantiles()
	fmt.Fprintf(out, "answer          p50 %s, p99 %s\n", a50, a99)
	var stored int64
	if err := env.Pool.QueryRow(ctx, `SELECT count(*) FROM live_event WHERE device_id LIKE $1`, prefix+"%").Scan(&stored); err != nil {
		return fmt.Errorf("bench: events stored: %w", err)
	}
	p50, p99, n := streamLat.quantiles()
	fmt.Fprintf(out, "events on SSE   %d of %d stored (lost %d); fix arrival → SSE p50 %s, p99 %s (%d measured)\n", streamed.Load(), stored, stored-streamed.Load(), p50, p99, n)
	client, service, database := cpu0.perFix(cpu1, sent)
	fmt.Fprintf(out, "CPU per fix     service %s, database %s, bench client %s\n", cpuText(service), cpuText(database), cpuText(client))
	if m, err := serveMetrics(ctx, base, o.Token); err == nil {
		fmt.Fprintf(out, "service memory  %.0f MiB resident; stream events dropped %v\n", m["process_resident_memory_bytes"]/(1<<20), m["warden_live_stream_dropped_total"])
	} else {
		fmt.Fprintf(out, "service memory  unknown: %v\n", err)
	}
	return nil
}

// cpuText is a CPU time per fix, or "unknown".
func cpuText(d time.Duration) string {
	if d < 0 {
		return "unknown"
	}
	return d.Round(time.Microsecond).String()
}

// coreEdges are edges of the reserve's core (or core protection) zones.
func coreEdges(ctx context.Context, base, reserve string) ([][2][2]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/reserves/"+url.PathEscape(reserve)+"/zones", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var fc struct {
		Features []struct {
			Properties struct{ Kind string } `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		return nil, fmt.Errorf("bench: zones of %s: %w", reserve, err)
	}
	var edges [][2][2]float64
	for _, f := range fc.Features {
		if f.Properties.Kind != "core" && f.Properties.Kind != "core_protection" {
			continue
		}
		var polys [][][][2]float64
		if f.Geometry.Type == "Polygon" {
			var p [][][2]float64
			_ = json.Unmarshal(f.Geometry.Coordinates, &p)
			polys = append(polys, p)
		} else {
			_ = json.Unmarshal(f.Geometry.Coordinates, &polys)
		}
		for _, p := range polys {
			if len(p) > 0 {
				for i := 0; i+1 < len(p[0]); i++ {
					edges = append(edges, [2][2]float64{p[0][i], p[0][i+1]})
				}
			}
		}
	}
	if len(edges) == 0 {
		return nil, fmt.Errorf("bench: reserve %s has no core zone to walk across", reserve)
	}
	return edges, nil
}

// benchDevices registers the devices, each across the middle of an edge,
// and returns them with the prefix of their ids.
func benchDevices(ctx context.Context, env *Env, o BenchLiveOptions, edges [][2][2]float64) ([]benchDevice, string, error) {
	s := live.New(env.Pool, nil, live.Options{}, slog.New(slog.DiscardHandler))
	prefix := fmt.Sprintf("bench-%d-", time.Now().Unix())
	devs := make([]benchDevice, o.Devices)
	for i := range devs {
		e := edges[(i*7919)%len(edges)]
		mx, my := (e[0][0]+e[1][0])/2, (e[0][1]+e[1][1])/2
		dx, dy := e[1][0]-e[0][0], e[1][1]-e[0][1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			l = 1
		}
		// 30 m either side of the boundary, across it
		k := 30.0 / 111320
		nx, ny := -dy/l*k/math.Cos(my*math.Pi/180), dx/l*k
		id := fmt.Sprintf("%s%d", prefix, i)
		d, err := s.CreateDevice(ctx, live.DeviceInput{ID: &id, Kind: ptrTo("vehicle_logger"), Subject: &id, SubjectKind: ptrTo("vehicle"), Reserves: []string{o.Reserve}})
		if err != nil {
			return nil, "", err
		}
		devs[i] = benchDevice{id: id, key: d.Token, a: [2]float64{mx + nx, my + ny}, b: [2]float64{mx - nx, my - ny}}
	}
	return devs, prefix, nil
}

func ptrTo[T any](v T) *T { return &v }

// benchSend sends each device's fix once a second for the duration, each
// on time whatever the others wait for (as many phones do), over at most
// o.Workers connections (0: no limit), and counts what was answered 200
// and how long the answers took.
func benchSend(ctx context.Context, base string, devs []benchDevice, o BenchLiveOptions, answered *latencies) (sent int64, failed map[string]int64) {
	tr := &http.Transport{MaxIdleConnsPerHost: len(devs), MaxConnsPerHost: o.Workers, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	var ok atomic.Int64
	var mu sync.Mutex
	failed = map[string]int64{}
	fail := func(why string) { mu.Lock(); failed[why]++; mu.Unlock() }
	var wg sync.WaitGroup
	send := func(d *benchDevice, t time.Time) {
		defer wg.Done()
		t0 := time.Now()
		res, err := client.Get(base + "/ingest/osmand?" + d.query(t))
		if err != nil {
			fail("error")
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			fail(res.Status)
			return
		}
		answered.add(time.Since(t0))
		ok.Add(1)
	}
	tick := time.NewTicker(time.Second / 20)
	defer tick.Stop()
	end := time.Now().Add(o.Duration)
	slot := 0
	for now := time.Now(); now.Before(end) && ctx.Err() == nil; now = <-tick.C {
		// a twentieth of the devices every 50 ms: each once a second
		for i := slot; i < len(devs); i += 20 {
			wg.Add(1)
			go send(&devs[i], now)
		}
		slot = (slot + 1) % 20
	}
	wg.Wait()
	return ok.Load(), failed
}

// query is the OsmAnd request of the device's fix at t: 10 s from a to b,
// 10 s back.
func (d *benchDevice) query(t time.Time) string {
	ph := math.Mod(float64(t.UnixMilli())/1000, 20) / 10
	f := ph
	if ph > 1 {
		f = 2 - ph
	}
	lon, lat := d.a[0]+f*(d.b[0]-d.a[0]), d.a[1]+f*(d.b[1]-d.a[1])
	return url.Values{"id": {d.id}, "lat": {strconv.FormatFloat(lat, 'f', 7, 64)}, "lon": {strconv.FormatFloat(lon, 'f', 7, 64)},
		"timestamp": {strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)}, "key": {d.key}}.Encode()
}

// latencies collects fix-arrival-to-stream latencies.
type latencies struct {
	mu sync.Mutex
	ds []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.ds = append(l.ds, d); l.mu.Unlock() }

func (l *latencies) quantiles() (p50, p99 time.Duration, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(l.ds)
	at := func(q float64) time.Duration { return l.ds[min(len(l.ds)-1, int(q*float64(len(l.ds))))] }
	return at(0.5).Round(time.Microsecond), at(0.99).Round(time.Microsecond), len(l.ds)
}

// benchStream reads the reserve's event stream until ctx ends, measuring
// each event from its fix's arrival (received_at) to now.
func benchStream(ctx context.Context, base, token, reserve string, lat *latencies) (*atomic.Int64, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events/stream?reserve="+url.QueryEscape(reserve), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		return nil, fmt.Errorf("bench: event stream: %s", res.Status)
	}
	var n atomic.Int64
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var e struct {
				ReceivedAt time.Time `json:"received_at"`
			}
			if json.Unmarshal([]byte(data), &e) == nil && !e.ReceivedAt.IsZero() {
				lat.add(time.Since(e.ReceivedAt))
				n.Add(1)
			}
		}
	}()
	return &n, nil
}

// serveMetrics reads the service's unlabelled metrics (resident memory,
// CPU seconds, dropped stream events) from /metrics.
func serveMetrics(ctx context.Context, base, token string) (map[string]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			m[f[0]] = v
		}
	}
	if _, ok := m["process_resident_memory_bytes"]; !ok {
		return nil, fmt.Errorf("no process_resident_memory_bytes in /metrics")
	}
	return m, sc.Err()
}
