package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"warden/internal/problem"
)

// MQTT is a broker subscription for IoT trackers: each message on Topic (a
// filter ending in +, the device id: warden/fixes/+ by default) is one fix,
// a JSON object {"key", "time", "lon", "lat", "altitude", "speed" (m/s),
// "bearing", "accuracy", "battery", "sos"} with the device's token as key.
type MQTT struct {
	// Broker is tcp://host:1883 (or ssl://, ws://).
	Broker             string
	Topic              string
	Username, Password string
}

// mqttFix is a fix as an MQTT message carries it.
type mqttFix struct {
	Key string `json:"key"`
	batchFix
}

// DecodeMQTT reads a fix from a message on topic (its last level is the
// device id) and returns it with the device's token.
func DecodeMQTT(topic string, payload []byte) (Fix, string, error) {
	dev := topic[strings.LastIndex(topic, "/")+1:]
	var m mqttFix
	if err := json.Unmarshal(payload, &m); err != nil {
		return Fix{}, "", problem.BadRequest("malformed-json", "the message is not a JSON fix: "+err.Error())
	}
	if dev == "" || len(dev) > 64 {
		return Fix{}, "", badFix("topic", "the topic's last level must be the device id")
	}
	m.Device = dev
	b, err := json.Marshal(struct {
		Fixes []batchFix `json:"fixes"`
	}{[]batchFix{m.batchFix}})
	if err != nil {
		return Fix{}, "", err
	}
	fs, err := DecodeBatch(b)
	if err != nil {
		return Fix{}, "", err
	}
	return fs[0], m.Key, nil
}

// RunMQTT subscribes to the broker until ctx ends and ingests every message
// as a fix of the device its topic names; refused messages are logged and
// counted (warden_live_mqtt_refused_total). It returns once subscribed.
func (s *Service) RunMQTT(ctx context.Context, m MQTT) error {
	if m.Topic == "" {
		m.Topic = "warden/fixes/+"
	}
	opts := mqtt.NewClientOptions().AddBroker(m.Broker).SetClientID(fmt.Sprintf("warden-%d", time.Now().UnixNano())).
		SetUsername(m.Username).SetPassword(m.Password).SetAutoReconnect(true).SetCleanSession(false).SetOrderMatters(true)
	handle := func(_ mqtt.Client, msg mqtt.Message) {
		f, key, err := DecodeMQTT(msg.Topic(), msg.Payload())
		if err == nil {
			_, err = s.Ingest(ctx, Ingest{Protocol: "mqtt", Token: &key, Fixes: []Fix{f}})
		}
		if err != nil {
			s.metrics.mqttRefused.Inc()
			s.log.Warn("live: MQTT message refused", "topic", msg.Topic(), "err", err)
		}
	}
	opts.SetOnConnectHandler(func(c mqtt.Client) { c.Subscribe(m.Topic, 1, handle) })
	c := mqtt.NewClient(opts)
	if t := c.Connect(); !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		return fmt.Errorf("live: MQTT broker %s: %v", m.Broker, t.Error())
	}
	if t := c.Subscribe(m.Topic, 1, handle); !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		c.Disconnect(0)
		return fmt.Errorf("live: MQTT subscribe %s: %v", m.Topic, t.Error())
	}
	go func() {
		<-ctx.Done()
		c.Disconnect(250)
	}()
	return nil
}
