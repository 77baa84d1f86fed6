package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/jackc/pgx/v5"

	"warden/internal/mqtttest"
)

// TestLiveAcrossProcesses runs two `warden serve` processes on one database
// with one MQTT broker: an SOS a device sends to one process appears on an
// event stream opened on the other; the MQTT subscription runs in one
// process only (each fix stored once); when that process is killed the other
// takes the subscription over and stores the fix sent meanwhile; the
// survivor stops at once on Ctrl-C although a stream is open on it.
func TestLiveAcrossProcesses(t *testing.T) {
	bin := build(t)
	c := startCluster(t)
	broker := mqtttest.Broker(t)
	const token = "live-scale-admin-token-0123456789"
	env := []string{"DATABASE_URL=" + c.RuntimeURL(), "WARDEN_MIGRATE_URL=" + c.URL(), "WARDEN_ADMIN_TOKEN=" + token,
		"WARDEN_JOB_LEASE=2s", "WARDEN_LIVE_MQTT_URL=" + broker}
	a := start(t, bin, dataDir(t), env...)
	b := start(t, bin, dataDir(t), env...)

	st, body, _ := call(t, "POST", "http://"+a.addr+"/api/v1/devices", token, nil,
		`{"id":"collar-7","kind":"collar","subject":"yak-7","subject_kind":"unknown","reserves":["qiangtang"]}`)
	if st != 201 {
		t.Fatalf("register device: %d %s", st, body)
	}
	var dev struct{ Token string }
	_ = json.Unmarshal([]byte(body), &dev)

	query := func(sql string, args ...any) (v any) {
		conn, err := pgx.Connect(context.Background(), c.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		_ = conn.QueryRow(context.Background(), sql, args...).Scan(&v)
		return v
	}
	// an SOS sent to A shows on B's stream
	waitFor(t, 30*time.Second, "both processes following the others' events", func() bool {
		n, _ := query(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'warden live follower'`).(int64)
		return n == 2
	})
	events := stream(t, "http://"+b.addr, token)
	url := fmt.Sprintf("http://%s/ingest/osmand?id=collar-7&lat=34.5&lon=86&timestamp=%d&alarm=sos&key=%s", a.addr, time.Now().Unix()-5, dev.Token)
	if st, body, _ := call(t, "GET", url, "", nil, ""); st != 200 {
		t.Fatalf("OsmAnd fix to A: %d %s", st, body)
	}
	select {
	case e := <-events:
		if !strings.Contains(e, `"kind":"sos"`) || !strings.Contains(e, `"device":"collar-7"`) {
			t.Errorf("B's stream: %s, want collar-7's SOS", e)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the SOS sent to A did not appear on B's stream within 15 s\nA:\n%s\nB:\n%s", a.log, b.log)
	}

	// MQTT: one subscriber at a time, taken over when it dies
	holder := func() *service {
		h, _ := query(`SELECT holder FROM job_lease WHERE name = 'live_mqtt' AND expires_at > now()`).(string)
		for _, s := range []*service{a, b} {
			if strings.Contains(h, fmt.Sprintf(":%d:", s.cmd.Process.Pid)) {
				return s
			}
		}
		return nil
	}
	var held *service
	waitFor(t, 15*time.Second, "a process holding the MQTT subscription", func() bool { held = holder(); return held != nil })
	pub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID("collar-7-gateway"))
	if tok := pub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer pub.Disconnect(0)
	publish := func(at time.Time) {
		msg := fmt.Sprintf(`{"key":%q,"time":%q,"lon":86.0001,"lat":34.5}`, dev.Token, at.Format(time.RFC3339))
		if tok := pub.Publish("warden/fixes/collar-7", 1, false, msg); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatal(tok.Error())
		}
	}
	stored := func(n int64) func() bool {
		return func() bool {
			got, _ := query(`SELECT count(*) FROM live_position WHERE device_id = 'collar-7' AND protocol = 'mqtt'`).(int64)
			return got >= n
		}
	}
	publish(time.Now().Add(-3 * time.Second))
	waitFor(t, 15*time.Second, "the MQTT fix stored", stored(1))
	time.Sleep(time.Second)
	if stored(2)() {
		t.Error("one MQTT fix was stored twice: both processes subscribed")
	}
	if err := held.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-held.done
	publish(time.Now().Add(-time.Second)) // while no process is subscribed
	other := a
	if held == a {
		other = b
	}
	waitFor(t, 20*time.Second, "the survivor taking the MQTT subscription over", func() bool { return holder() == other })
	waitFor(t, 15*time.Second, "the fix sent while no process was subscribed", stored(2))
	if n, _ := query(`SELECT count(*) FROM live_position WHERE device_id = 'collar-7' AND protocol = 'mqtt' AND status = 'accepted'`).(int64); n != 2 {
		t.Errorf("%d MQTT fixes accepted, want 2: %v", n, query(`SELECT string_agg(fixed_at || ' ' || status || ' ' || received_at, '; ' ORDER BY received_at) FROM live_position WHERE device_id = 'collar-7'`))
	}
	stream(t, "http://"+other.addr, token)
	other.stop(t) // exits 0: a stream still open would hold the shutdown until its deadline
}

// stream opens the event stream of the service at base and returns its
// events' data lines as they come.
func stream(t *testing.T, base, token string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events/stream?max_seconds=120", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("event stream: %s", res.Status)
	}
	out := make(chan string, 16)
	connected := make(chan struct{})
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if sc.Text() == ": connected" {
				close(connected)
			}
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- data
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("the event stream did not connect within 10 s")
	}
	return out
}
