package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"warden/internal/problem"
)

// Fix is one position report.
type Fix struct {
	Device string
	Time   time.Time
	Lon    float64
	Lat    float64
	// Optional readings: altitude (m), speed (m/s), bearing (degrees),
	// accuracy (m), battery (percent).
	Altitude, Speed, Bearing, Accuracy, Battery *float64
	// SOS is the app's alarm button.
	SOS bool
}

// MaxBatch is the most fixes one request may carry.
const MaxBatch = 10000

func badFix(pointer, reason string) error {
	return problem.BadRequest("invalid-fix", reason, problem.Detail{Pointer: pointer, Reason: reason})
}

// knots is a speed in knots in metres a second: the OsmAnd protocol, as
// Traccar Client speaks it, gives speeds in knots.
const knots = 1852.0 / 3600

// DecodeOsmAnd reads a fix of the OsmAnd protocol (the query, or a form
// body, of a Traccar Client or OsmAnd request): id (or deviceid), lat, lon,
// timestamp (Unix seconds or milliseconds, or ISO 8601), and optionally
// speed (knots), bearing (or heading), altitude, accuracy, batt (percent)
// and alarm (sos). key is the device's token.
func DecodeOsmAnd(q url.Values) (f Fix, key string, err error) {
	f.Device = first(q, "id", "deviceid")
	if f.Device == "" {
		return f, "", badFix("id", "the device id is missing: send id=<the device's identifier>")
	}
	if len(f.Device) > 64 {
		return f, "", badFix("id", "the device id is longer than 64 characters")
	}
	key = q.Get("key")
	if f.Lat, err = number(q, "lat"); err == nil {
		f.Lon, err = number(q, "lon")
	}
	if err != nil {
		return f, key, err
	}
	if f.Time, err = parseTime("timestamp", first(q, "timestamp")); err != nil {
		return f, key, err
	}
	for _, o := range []struct {
		names []string
		to    **float64
		scale float64
	}{{[]string{"speed"}, &f.Speed, knots}, {[]string{"bearing", "heading"}, &f.Bearing, 1}, {[]string{"altitude"}, &f.Altitude, 1},
		{[]string{"accuracy", "hdop"}, &f.Accuracy, 1}, {[]string{"batt", "battery"}, &f.Battery, 1}} {
		v := first(q, o.names...)
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return f, key, badFix(o.names[0], fmt.Sprintf("%s %q is not a number", o.names[0], v))
		}
		x *= o.scale
		*o.to = &x
	}
	f.SOS = strings.EqualFold(q.Get("alarm"), "sos") || strings.EqualFold(q.Get("event"), "sos")
	return f, key, checkFix("", f)
}

func first(q url.Values, names ...string) string {
	for _, n := range names {
		if v := q.Get(n); v != "" {
			return v
		}
	}
	return ""
}

func number(q url.Values, name string) (float64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, badFix(name, name+" is missing")
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, badFix(name, fmt.Sprintf("%s %q is not a number", name, v))
	}
	return x, nil
}

// parseTime reads Unix seconds (or milliseconds, past 1e12) or ISO 8601.
func parseTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, badFix(field, field+" is missing: Unix seconds or ISO 8601 (2026-03-15T10:05:00+08:00)")
	}
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(x) || x < 0 || x > 1e14 {
			return time.Time{}, badFix(field, fmt.Sprintf("%s %q is not a time", field, v))
		}
		if x > 1e12 {
			x /= 1000
		}
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, badFix(field, fmt.Sprintf("%s %q is neither Unix seconds nor ISO 8601 with a zone", field, v))
}

// checkFix refuses coordinates and readings no device can report.
func checkFix(at string, f Fix) error {
	switch {
	case f.Lat < -90 || f.Lat > 90:
		return badFix(at+"lat", fmt.Sprintf("lat %v is outside -90..90", f.Lat))
	case f.Lon < -180 || f.Lon > 180:
		return badFix(at+"lon", fmt.Sprintf("lon %v is outside -180..180", f.Lon))
	case f.Time.Year() < 2000:
		return badFix(at+"timestamp", fmt.Sprintf("the time %s is before 2000", f.Time.Format(time.RFC3339)))
	}
	for name, v := range map[string]*float64{"speed": f.Speed, "accuracy": f.Accuracy} {
		if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) {
			return badFix(at+name, name+" must not be negative")
		}
	}
	if f.Battery != nil && (*f.Battery < 0 || *f.Battery > 100) {
		return badFix(at+"batt", "batt is a percentage, 0 to 100")
	}
	return nil
}

// traccarJSON is the body newer Traccar Client apps send to the OsmAnd port.
type traccarJSON struct {
	DeviceID string `json:"device_id"`
	Location struct {
		Timestamp string `json:"timestamp"`
		Coords    struct {
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
			Accuracy  *float64 `json:"accuracy"`
			Speed     *float64 `json:"speed"`
			Heading   *float64 `json:"heading"`
			Altitude  *float64 `json:"altitude"`
		} `json:"coords"`
		Battery struct {
			Level *float64 `json:"level"`
		} `json:"battery"`
		Event string `json:"event"`
	} `json:"location"`
}

// DecodeTraccarJSON reads the JSON body of a newer Traccar Client
// ({"device_id", "location": {"timestamp", "coords": {...}, "battery":
// {"level": 0..1}}}); speeds there are in m/s.
func DecodeTraccarJSON(b []byte) (Fix, error) {
	var t traccarJSON
	if err := json.Unmarshal(b, &t); err != nil {
		return Fix{}, problem.BadRequest("malformed-json", "the body is not a Traccar Client JSON position: "+err.Error())
	}
	c := t.Location.Coords
	f := Fix{Device: t.DeviceID, Accuracy: c.Accuracy, Speed: c.Speed, Bearing: c.Heading, Altitude: c.Altitude,
		SOS: strings.EqualFold(t.Location.Event, "sos")}
	if f.Device == "" || len(f.Device) > 64 {
		return f, badFix("device_id", "device_id is missing or longer than 64 characters")
	}
	if c.Latitude == nil || c.Longitude == nil {
		return f, badFix("location.coords", "location.coords needs latitude and longitude")
	}
	f.Lat, f.Lon = *c.Latitude, *c.Longitude
	if l := t.Location.Battery.Level; l != nil && *l >= 0 && *l <= 1 {
		p := *l * 100
		f.Battery = &p
	}
	var err error
	if f.Time, err = parseTime("location.timestamp", t.Location.Timestamp); err != nil {
		return f, err
	}
	return f, checkFix("location.coords.", f)
}

// batchFix is one fix of a JSON batch.
type batchFix struct {
	Device   string          `json:"device"`
	Time     json.RawMessage `json:"time"`
	Lon      *float64        `json:"lon"`
	Lat      *float64        `json:"lat"`
	Altitude *float64        `json:"altitude"`
	Speed    *float64        `json:"speed"`
	Bearing  *float64        `json:"bearing"`
	Accuracy *float64        `json:"accuracy"`
	Battery  *float64        `json:"battery"`
	SOS      bool            `json:"sos"`
}

// DecodeBatch reads POST /api/v1/positions: {"fixes": [{"device", "time"
// (ISO 8601 or Unix seconds), "lon", "lat", "altitude", "speed" (m/s),
// "bearing", "accuracy", "battery", "sos"}, ...]}. Any malformed fix
// refuses the whole batch, naming it.
func DecodeBatch(b []byte) ([]Fix, error) {
	var body struct {
		Fixes []batchFix `json:"fixes"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, problem.BadRequest("malformed-json", "the body is not a batch of fixes ({\"fixes\": [...]}): "+err.Error())
	}
	if len(body.Fixes) == 0 {
		return nil, badFix("fixes", "the batch has no fixes")
	}
	if len(body.Fixes) > MaxBatch {
		return nil, problem.TooLarge(fmt.Sprintf("the batch has %d fixes; send at most %d a request", len(body.Fixes), MaxBatch))
	}
	out := make([]Fix, len(body.Fixes))
	for i, bf := range body.Fixes {
		at := fmt.Sprintf("fixes[%d].", i)
		if bf.Device == "" || len(bf.Device) > 64 {
			return nil, badFix(at+"device", "device is missing or longer than 64 characters")
		}
		if bf.Lon == nil || bf.Lat == nil {
			return nil, badFix(at+"lon", "lon and lat are needed")
		}
		var ts string
		if err := json.Unmarshal(bf.Time, &ts); err != nil {
			ts = string(bf.Time)
		}
		t, err := parseTime(at+"time", ts)
		if err != nil {
			return nil, err
		}
		f := Fix{Device: bf.Device, Time: t, Lon: *bf.Lon, Lat: *bf.Lat, Altitude: bf.Altitude, Speed: bf.Speed,
			Bearing: bf.Bearing, Accuracy: bf.Accuracy, Battery: bf.Battery, SOS: bf.SOS}
		if err := checkFix(at, f); err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}
