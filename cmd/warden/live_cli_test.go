package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// checkDeviceCLI registers a phone with `warden device create` on a running
// service (addr), reports fixes the way Traccar Client does (GET
// /ingest/osmand with the token as key), and checks that a wrong key, an
// unknown device, a rotated and a removed device are refused.
func checkDeviceCLI(t *testing.T, warden func(args ...string) string, addr string) {
	t.Helper()
	out := warden("device", "create", "ranger-phone-7", "--subject", "李明", "--subject-kind", "patrol", "--reserve", "qiangtang",
		"--interval", "30s", "--public-url", "http://"+addr)
	m := regexp.MustCompile(`\n\s+(wdv_\S+)\n`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "http://"+addr+"/ingest/osmand?key=") {
		t.Fatalf("device create:\n%s", out)
	}
	key := m[1]
	n := 0
	report := func(id, key string) (int, string) {
		t.Helper()
		n++
		q := url.Values{"id": {id}, "lat": {"34.5"}, "lon": {"86"}, "speed": {"2"}, "batt": {"80"}, "key": {key},
			"timestamp": {fmt.Sprint(time.Now().Add(time.Duration(n-10) * time.Second).Unix())}}
		res, err := http.Get("http://" + addr + "/ingest/osmand?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct{ Status, Type string }
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body.Status + body.Type
	}
	for _, c := range []struct {
		id, key string
		code    int
		what    string
	}{
		{"ranger-phone-7", key, 200, "accepted"},
		{"ranger-phone-7", "wdv_not-its-key", 401, "/problems/invalid-device-token"},
		{"no-such-phone", key, 404, "/problems/unknown-device"},
	} {
		if code, what := report(c.id, c.key); code != c.code || !strings.HasSuffix(what, c.what) {
			t.Errorf("report as %s: %d %s, want %d %s", c.id, code, what, c.code, c.what)
		}
	}
	if list := warden("device", "list"); !strings.Contains(list, "ranger-phone-7") || !strings.Contains(list, "86.00000,34.50000") || !strings.Contains(list, "80%") {
		t.Errorf("device list:\n%s", list)
	}
	warden("device", "rotate", "ranger-phone-7")
	if code, _ := report("ranger-phone-7", key); code != 401 {
		t.Errorf("the old key after rotate: %d", code)
	}
	warden("device", "delete", "ranger-phone-7")
	if code, _ := report("ranger-phone-7", key); code != 404 {
		t.Errorf("a removed device: %d", code)
	}
}
