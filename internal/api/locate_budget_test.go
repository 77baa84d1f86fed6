package api_test

import (
	"net/http"
	"testing"

	"warden/internal/api"
)

// TestAnonymousLocateBudget: without credentials an address locates at
// most its budget of points a minute in batches (429 with Retry-After
// beyond); a caller with a token is not held to it.
func TestAnonymousLocateBudget(t *testing.T) {
	w := newBareEnv(t, api.Config{Auth: api.AuthConfig{AnonymousLocatePoints: 30}})
	pts := make([][2]float64, 20)
	for i := range pts {
		pts[i] = [2]float64{100 + float64(i)*0.01, 30}
	}
	w.do("POST", "/api/v1/locate", pts, false).expect(200)
	r := w.do("POST", "/api/v1/locate", pts, false).problem(http.StatusTooManyRequests, "without credentials")
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	w.do("POST", "/api/v1/locate", pts, true).expect(200)
	w.do("GET", "/api/v1/locate?lon=100&lat=30", nil, false).expect(200) // single points are not counted
}
