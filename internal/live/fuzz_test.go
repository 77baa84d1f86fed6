package live

import (
	"net/url"
	"testing"

	"warden/internal/problem"
)

// Every decoder either returns a fix that passes the checks or a problem
// with a 4xx status: never a panic, never a plain error.

func fuzzWant(t *testing.T, err error, fs ...Fix) {
	t.Helper()
	if err != nil {
		if p, ok := problem.As(err); !ok || p.Status < 400 || p.Status > 499 {
			t.Fatalf("error %v is not a 4xx problem", err)
		}
		return
	}
	for _, f := range fs {
		if f.Device == "" || checkFix("", f) != nil {
			t.Fatalf("decoded an unusable fix %+v", f)
		}
	}
}

func FuzzDecodeOsmAnd(f *testing.F) {
	for _, s := range []string{
		"id=123456&lat=30.05&lon=100.05&timestamp=1780279200&speed=2.5&bearing=90&altitude=4500&accuracy=8&batt=77",
		"deviceid=ph-1&lat=-90&lon=180&timestamp=2026-06-01T10:05:00%2B08:00&alarm=sos",
		"id=x&lat=NaN&lon=1&timestamp=1", "id=x&lat=1&lon=1&timestamp=1780279200000&hdop=1e309", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		fix, _, err := DecodeOsmAnd(q)
		fuzzWant(t, err, fix)
	})
}

func FuzzDecodeTraccarJSON(f *testing.F) {
	for _, s := range []string{
		`{"device_id":"ph-1","location":{"timestamp":"2026-06-01T02:05:00.000Z","coords":{"latitude":30.05,"longitude":100.05,"accuracy":5,"speed":1.2,"heading":10,"altitude":4500},"battery":{"level":0.5},"event":"motionchange"}}`,
		`{"device_id":"","location":{}}`, `[]`, `{"location":{"coords":{"latitude":1e400}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fix, err := DecodeTraccarJSON(b)
		fuzzWant(t, err, fix)
	})
}

func FuzzDecodeBatch(f *testing.F) {
	for _, s := range []string{
		`{"fixes":[{"device":"a","time":"2026-06-01T02:05:00Z","lon":100,"lat":30,"speed":1,"battery":50,"sos":true},{"device":"b","time":1780279200,"lon":-1,"lat":2}]}`,
		`{"fixes":[]}`, `{"fixes":[{"device":"a","time":null,"lon":1,"lat":1}]}`, `{"fixes":[{"device":"a","lon":1}]}`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := DecodeBatch(b)
		fuzzWant(t, err, fs...)
	})
}

func FuzzDecodeMQTT(f *testing.F) {
	f.Add("warden/fixes/collar-9", []byte(`{"key":"wdv_x","time":"2026-06-01T02:05:00Z","lon":100,"lat":30,"battery":64}`))
	f.Add("warden/fixes/", []byte(`{"lon":1}`))
	f.Add("x", []byte(`null`))
	f.Fuzz(func(t *testing.T, topic string, b []byte) {
		fix, _, err := DecodeMQTT(topic, b)
		fuzzWant(t, err, fix)
	})
}
