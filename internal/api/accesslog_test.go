package api_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"warden/internal/api"
	"warden/internal/testdb"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccessLogRecordsStatusSent: the access log line of a refused request
// carries the status the client got, not 200.
func TestAccessLogRecordsStatusSent(t *testing.T) {
	var logs syncBuffer
	e := startAPI(t, testdb.New(t), api.Config{}, slog.New(slog.NewTextHandler(&logs, nil)))
	e.do("GET", "/api/v1/reserves/nowhere", nil, false).expect(404)
	e.do("POST", "/api/v1/reserves", map[string]any{"code": "x"}, false).expect(401)
	e.do("GET", "/api/v1/locate?lon=999&lat=0", nil, false)
	for _, want := range []string{`uri=/api/v1/reserves/nowhere status=404`, `uri=/api/v1/reserves status=401`, `uri="/api/v1/locate?lon=999&lat=0" status=422`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the access log has no %q:\n%s", want, logs.String())
		}
	}
}
