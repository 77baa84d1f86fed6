package live

import (
	"fmt"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	dto "github.com/prometheus/client_model/go"

	"warden/internal/mqtttest"
)

// TestMQTT: a tracker publishing to a real mosquitto broker reports through
// the subscription; a message with a wrong key is refused and counted.
func TestMQTT(t *testing.T) {
	url := mqtttest.Broker(t)
	pool, s, c := plateau(t, Options{})
	d := register(t, s, "collar-9", "unknown")
	sub, err := s.ConnectMQTT(t.Context(), MQTT{Broker: url})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
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
