package api_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"warden/internal/api"
)

// TestTrackDecodeCap: with every decode slot taken by an upload still
// streaming in, another upload is refused at once with 429 and Retry-After,
// not queued in memory; once the slow upload is done, uploads go through.
func TestTrackDecodeCap(t *testing.T) {
	w := newBareEnv(t, api.Config{MaxTrackDecodes: 1, MaxHeavy: 4})
	w.do("POST", "/api/v1/reserves", map[string]any{"code": targetReserve, "name_zh": targetReserve, "level": "county", "zoning_scheme": "three_zone"}, true).expect(201)
	w.do("PUT", "/api/v1/reserves/"+targetReserve+"/zones", threeZones(100), true).expect(201)

	slow := w.trackForm("ranger")
	pr, pw := io.Pipe()
	// closed before the server is (cleanups run last first), so that a
	// failure below ends the slow upload instead of hanging the server's Close
	t.Cleanup(func() { pw.CloseWithError(io.ErrUnexpectedEOF) })
	req, err := http.NewRequest("POST", w.srv.URL+"/api/v1/tracks", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", slow.contentType)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	done := make(chan *http.Response, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			done <- nil
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		done <- res
	}()
	head := len(slow.body) - 200 // the fields and most of the file: decoding has begun
	if _, err := pw.Write(slow.body[:head]); err != nil {
		t.Fatal(err)
	}
	// Wait on the server's side, not a timer: the slow upload has taken
	// the only decode slot when the service's gauge says so.
	deadline := time.Now().Add(time.Minute)
	for !bytes.Contains(w.do("GET", "/metrics", nil, true).expect(200).Raw, []byte("warden_track_decodes_running 1")) {
		if time.Now().After(deadline) {
			t.Fatal("the slow upload never took the decode slot")
		}
		time.Sleep(20 * time.Millisecond)
	}
	admin := caller{token: adminToken}
	r := w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), admin)
	r.problem(http.StatusTooManyRequests, "decoded at once")
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if _, err := pw.Write(slow.body[head:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if res := <-done; res == nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("the slow upload: %v", res)
	}
	w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), admin).expect(201)
}
