package live

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	dto "github.com/prometheus/client_model/go"
)

// broker starts a private mosquitto on a free port and returns its URL.
func broker(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
			if _, err := os.Stat(p); err == nil {
				bin = p
			}
		}
	}
	if bin == "" {
		t.Fatal("mosquitto is not installed (scripts/setup.sh test installs it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n", port), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "tcp://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatal("mosquitto did not listen in 10 s")
		}
	}
}

// TestMQTT: a tracker publishing to a real mosquitto broker reports through
// the subscription; a message with a wrong key is refused and counted.
func TestMQTT(t *testing.T) {
	url := broker(t)
	pool, s, c := plateau(t, Options{})
	d := register(t, s, "collar-9", "unknown")
	if err := s.RunMQTT(t.Context(), MQTT{Broker: url}); err != nil {
		t.Fatal(err)
	}
	pub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("tracker"))
	if tok := pub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer pub.Disconnect(0)
	at := c.now().Add(-time.Minute).Format(time.RFC3339)
	for _, key := range []string{"wdv_wrong", d.Token} {
		msg := fmt.Sprintf(`{"key":%q,"time":%q,"lon":100.03,"lat":30.03,"battery":64,"accuracy":4}`, key, at)
		if tok := pub.Publish("warden/fixes/collar-9", 1, false, msg); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatal(tok.Error())
		}
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var n int
		if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM live_position WHERE device_id = 'collar-9' AND protocol = 'mqtt' AND status = 'accepted'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d MQTT fixes stored after 20 s, want 1", n)
		}
	}
	var m dto.Metric
	if err := s.metrics.mqttRefused.Write(&m); err != nil || m.GetCounter().GetValue() != 1 {
		t.Errorf("refused MQTT messages counted %v (%v), want 1", m.GetCounter().GetValue(), err)
	}
}
