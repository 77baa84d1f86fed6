package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"warden/internal/api"
)

// TestTrackDecodeCap: with every decode slot taken by an upload still
// streaming in, another upload is refused at once with 429 and Retry-After,
// not queued in memory; once the slow upload is done, uploads go through.
func TestTrackDecodeCap(t *testing.T) {
	w := newBareEnv(t, api.Config{MaxTrackDecodes: 1})
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
	admin := caller{token: adminToken}
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := w.send("POST", "/api/v1/tracks", w.trackForm("ranger"), admin)
		if r.Status == http.StatusTooManyRequests && strings.Contains(string(r.Raw), "decoded at once") {
			if r.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			break
		}
		// until the slow upload has reached its file part, uploads go
		// through (or meet the write rate limit): try again a little later
		if (r.Status != http.StatusCreated && r.Status != http.StatusTooManyRequests) || time.Now().After(deadline) {
			t.Fatalf("while a slow upload holds the only decode slot: status %d, want 429; %.300s", r.Status, r.Raw)
		}
		time.Sleep(100 * time.Millisecond)
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
