package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
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
	// ClientID names the subscription at the broker (default warden-live).
	// It is the same in every process, and the session persists (clean
	// session off), so that the process that takes the subscription over
	// gets the QoS 1 messages the broker kept while none was connected.
	ClientID string
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

// MQTTSubscription is a live subscription to the broker.
type MQTTSubscription struct {
	client   mqtt.Client
	inflight *sync.WaitGroup
}

// RunMQTT ingests the broker's messages until ctx ends (see ConnectMQTT),
// then disconnects and waits for the messages being ingested. Serve runs it
// in one process of all those on the database, under the job lease
// live_mqtt: a topic subscribed by every process would give each fix to
// each of them.
func (s *Service) RunMQTT(ctx context.Context, m MQTT) error {
	sub, err := s.ConnectMQTT(ctx, m)
	if err != nil {
		return err
	}
	<-ctx.Done()
	sub.Close()
	return nil
}

// ConnectMQTT subscribes (QoS 1) to the broker and ingests every message as
// a fix of the device its topic names; refused messages are logged and
// counted (warden_live_mqtt_refused_total). It returns once subscribed. A
// message taken in is stored even if ctx ends meanwhile.
func (s *Service) ConnectMQTT(ctx context.Context, m MQTT) (*MQTTSubscription, error) {
	if m.Topic == "" {
		m.Topic = "warden/fixes/+"
	}
	if m.ClientID == "" {
		m.ClientID = "warden-live"
	}
	opts := mqtt.NewClientOptions().AddBroker(m.Broker).SetClientID(m.ClientID).
		SetUsername(m.Username).SetPassword(m.Password).SetAutoReconnect(true).SetCleanSession(false).SetOrderMatters(true)
	inflight := &sync.WaitGroup{}
	ictx := context.WithoutCancel(ctx)
	handle := func(_ mqtt.Client, msg mqtt.Message) {
		inflight.Add(1)
		defer inflight.Done()
		f, key, err := DecodeMQTT(msg.Topic(), msg.Payload())
		if err == nil {
			_, err = s.Ingest(ictx, Ingest{Protocol: "mqtt", Token: &key, Fixes: []Fix{f}})
		}
		if err != nil {
			s.metrics.mqttRefused.Inc()
			s.log.Warn("live: MQTT message refused", "topic", msg.Topic(), "err", err)
		}
	}
	// messages the broker kept for the session arrive before the
	// subscription is made again: the default handler takes them
	opts.SetDefaultPublishHandler(handle)
	opts.SetOnConnectHandler(func(c mqtt.Client) { c.Subscribe(m.Topic, 1, handle) })
	c := mqtt.NewClient(opts)
	if t := c.Connect(); !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		return nil, fmt.Errorf("live: MQTT broker %s: %v", m.Broker, t.Error())
	}
	if t := c.Subscribe(m.Topic, 1, handle); !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		c.Disconnect(0)
		return nil, fmt.Errorf("live: MQTT subscribe %s: %v", m.Topic, t.Error())
	}
	return &MQTTSubscription{client: c, inflight: inflight}, nil
}

// Close disconnects from the broker and waits until the messages already
// taken in are stored.
func (sub *MQTTSubscription) Close() {
	sub.client.Disconnect(250)
	sub.inflight.Wait()
}
