package app

import (
	"net/http"
	"time"
)

// HTTPTimeouts bound how long one client may hold a connection; zero fields
// take the defaults of NewHTTPServer.
type HTTPTimeouts struct {
	// ReadHeader is the time to send the request line and headers (10 s),
	// Read the whole request with its body (5 min: a 50 MiB track on a slow
	// field connection), Write the answer (5 min), Idle a kept-alive
	// connection between requests (2 min).
	ReadHeader, Read, Write, Idle time.Duration
}

// maxHeaderBytes bounds the request line and headers (64 KiB; Go answers 431
// beyond).
const maxHeaderBytes = 64 << 10

// NewHTTPServer is Warden's HTTP server for h on addr: a client that sends
// its headers or body too slowly, or reads the answer too slowly, is cut off.
// Every SQL statement has its own bound (db.Options.StatementTimeout).
func NewHTTPServer(addr string, h http.Handler, t HTTPTimeouts) *http.Server {
	or := func(d, def time.Duration) time.Duration {
		if d > 0 {
			return d
		}
		return def
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: or(t.ReadHeader, 10*time.Second),
		ReadTimeout:       or(t.Read, 5*time.Minute),
		WriteTimeout:      or(t.Write, 5*time.Minute),
		IdleTimeout:       or(t.Idle, 2*time.Minute),
		MaxHeaderBytes:    maxHeaderBytes,
	}
}
