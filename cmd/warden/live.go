package main

import (
	"os"
	"time"

	"warden/internal/app"
	"warden/internal/live"
	"warden/internal/patrol"
)

// liveFlags tune live positions.
type liveFlags struct {
	LiveMaxAccuracyM  float64       `name:"live-max-accuracy-m" env:"WARDEN_LIVE_MAX_ACCURACY_M" default:"50" help:"Live fixes reporting a worse accuracy (metres) are refused."`
	LiveDebounce      string        `name:"live-debounce" env:"WARDEN_LIVE_DEBOUNCE" help:"Geofence debounce by subject kind, e.g. visitor=30s/10,vehicle=20s/30 (dwell/depth in metres); others take the jitter dwell and depth."`
	LiveDwellAlert    time.Duration `name:"live-dwell-after" env:"WARDEN_LIVE_DWELL_AFTER" default:"10m" help:"A dwell event after this long inside a zone."`
	LiveSilentMargin  time.Duration `name:"live-silent-margin" env:"WARDEN_LIVE_SILENT_MARGIN" default:"2m" help:"A device silent for its expected interval plus this is a safety alert."`
	LiveLowBattery    float64       `name:"live-low-battery" env:"WARDEN_LIVE_LOW_BATTERY" default:"15" help:"Battery percentage below which a device raises an alert."`
	LiveRetentionDays int           `name:"live-retention-days" env:"WARDEN_LIVE_RETENTION_DAYS" default:"90" help:"Days of raw live fixes kept (whole days are dropped)."`
	LiveWebhooks      string        `name:"live-webhooks" env:"WARDEN_LIVE_WEBHOOKS" help:"URLs told of every live event, comma-separated, each optionally with timeout=5s attempts=6 backoff=1s."`
	LiveMQTTURL       string        `name:"live-mqtt-url" env:"WARDEN_LIVE_MQTT_URL" help:"MQTT broker to take trackers' fixes from, e.g. tcp://127.0.0.1:1883; empty: none."`
	LiveMQTTTopic     string        `name:"live-mqtt-topic" env:"WARDEN_LIVE_MQTT_TOPIC" default:"warden/fixes/+" help:"Topic filter; its last level is the device id."`
	LiveMQTTUser      string        `name:"live-mqtt-username" env:"WARDEN_LIVE_MQTT_USERNAME" help:"MQTT user name."`
	LiveMQTTPassword  string        `name:"live-mqtt-password" env:"WARDEN_LIVE_MQTT_PASSWORD" help:"MQTT password."`
	LiveMQTTClientID  string        `name:"live-mqtt-client-id" env:"WARDEN_LIVE_MQTT_CLIENT_ID" default:"warden-live" help:"MQTT client id of the subscription, the same in every process (one at a time holds it)."`
}

// mqtt is the broker subscription of the flags.
func (f liveFlags) mqtt() live.MQTT {
	return live.MQTT{Broker: f.LiveMQTTURL, Topic: f.LiveMQTTTopic, Username: f.LiveMQTTUser, Password: f.LiveMQTTPassword, ClientID: f.LiveMQTTClientID}
}

// options are the live options; the default debounce is the tracks' jitter
// rule and the impossible speeds the tracks' outlier speeds.
func (f liveFlags) options(tracks patrol.Options) (live.Options, error) {
	deb, err := live.ParseDebounce(f.LiveDebounce)
	if err != nil {
		return live.Options{}, err
	}
	hooks, err := live.ParseWebhooks(f.LiveWebhooks)
	if err != nil {
		return live.Options{}, err
	}
	return live.Options{MaxAccuracyM: f.LiveMaxAccuracyM, MaxSpeedsKmh: tracks.MaxSpeedsKmh, Debounce: deb,
		DefaultDebounce: live.Debounce{Dwell: tracks.JitterDwell, DepthM: tracks.JitterDepthM}, DwellAfter: f.LiveDwellAlert,
		SilentMargin: f.LiveSilentMargin, LowBattery: f.LiveLowBattery, RetentionDays: f.LiveRetentionDays, Webhooks: hooks}, nil
}

type deviceCmd struct {
	Create deviceCreateCmd `cmd:"" help:"Register a device and print its ingest token once."`
	List   deviceListCmd   `cmd:"" help:"List devices with their last fix."`
	Rotate deviceRotateCmd `cmd:"" help:"Give a device a new token (printed once); the old one stops working."`
	Delete deviceDeleteCmd `cmd:"" help:"Remove a device."`
}

type deviceCreateCmd struct {
	ID          string        `arg:"" help:"The identifier the device's app sends (Traccar Client's device identifier)."`
	Kind        string        `default:"phone" enum:"phone,vehicle_logger,collar,satellite_messenger" help:"What the device is."`
	Name        string        `help:"A name for people."`
	Subject     string        `required:"" help:"Who or what it tracks: a ranger, a plate, a collar's animal."`
	SubjectKind string        `name:"subject-kind" default:"patrol" help:"patrol, research_permit, original_resident, visitor, vehicle or unknown."`
	Reserve     []string      `help:"Reserve codes it works in (repeat)."`
	Interval    time.Duration `help:"How often it should report, e.g. 30s; silent for longer (plus a margin) raises an alert."`
	PublicURL   string        `name:"public-url" env:"WARDEN_PUBLIC_URL" default:"http://127.0.0.1:8080" help:"Base URL devices reach the service at, for the printed app settings."`
}

type deviceListCmd struct {
	Reserve string `help:"Only this reserve's devices."`
}

type deviceRotateCmd struct {
	ID string `arg:"" help:"Device id."`
}

type deviceDeleteCmd struct {
	ID string `arg:"" help:"Device id."`
}

func (d *deviceCreateCmd) Run(rc *runContext) error {
	o := app.DeviceOptions{Kind: d.Kind, Name: d.Name, Subject: d.Subject, SubjectKind: d.SubjectKind, Reserves: d.Reserve, ExpectedInterval: d.Interval}
	return rc.withEnv(func(env *app.Env) error { return app.CreateDevice(rc.ctx, env, d.ID, o, d.PublicURL, os.Stdout) })
}

func (d *deviceListCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.ListDevices(rc.ctx, env, d.Reserve, os.Stdout) })
}

func (d *deviceRotateCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.RotateDevice(rc.ctx, env, d.ID, os.Stdout) })
}

func (d *deviceDeleteCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.DeleteDevice(rc.ctx, env, d.ID, os.Stdout) })
}

type benchCmd struct {
	Live     benchLiveCmd     `cmd:"" help:"Simulate devices reporting at 1 Hz to a running warden serve; print fixes/s, fix→SSE latency and the service's memory."`
	Province benchProvinceCmd `cmd:"" help:"Generate a province's patrol day and upload a sample of it through the API; print tracks and points a second, database growth per million points and the time of a whole day."`
}

type benchLiveCmd struct {
	URL      string        `default:"http://127.0.0.1:8080" help:"The running warden serve."`
	Token    string        `env:"WARDEN_TOKEN" help:"Admin token (default: DATA_DIR/admin-token)."`
	Reserve  string        `default:"qiangtang" help:"Reserve whose core zone boundary the devices drive across."`
	Devices  int           `default:"1000" help:"How many devices."`
	Duration time.Duration `default:"30s" help:"How long they report."`
	Workers  int           `default:"0" help:"Most HTTP connections at once; 0: no limit (each device sends on time, as phones do)."`
}

func (b *benchLiveCmd) Run(rc *runContext) error {
	token, err := app.TokenFrom(b.Token, rc.cfg.DataDir)
	if err != nil {
		return err
	}
	o := app.BenchLiveOptions{URL: b.URL, Token: token, Reserve: b.Reserve, Devices: b.Devices, Duration: b.Duration, Workers: b.Workers}
	return rc.withEnv(func(env *app.Env) error { return app.BenchLive(rc.ctx, env, o, os.Stdout) })
}
