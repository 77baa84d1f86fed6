package app

import (
	"fmt"
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

// maxHeaderBytes bounds the request line and headers (64 KiB): beyond it
// limitHeaders answers 431 as problem+json. net/http's own limit, which
// answers in text/plain before any handler runs, is set far above it
// (hardHeaderBytes), so only a flood past a megabyte meets that one.
const (
	maxHeaderBytes  = 64 << 10
	hardHeaderBytes = 1 << 20
)

// limitHeaders answers 431 with a problem+json body when the request line
// and headers exceed maxHeaderBytes.
func limitHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + len(r.Host) + 4
		for k, vs := range r.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		if n > maxHeaderBytes {
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
			fmt.Fprintf(w, `{"type":"/problems/headers-too-large","title":"Request header fields too large","status":431,"detail":"the request line and headers take %d bytes, more than the %d KiB allowed: send fewer or shorter headers (cookies, tokens)"}`+"\n",
				n, maxHeaderBytes>>10)
			return
		}
		h.ServeHTTP(w, r)
	})
}

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
		Handler:           limitHeaders(h),
		ReadHeaderTimeout: or(t.ReadHeader, 10*time.Second),
		ReadTimeout:       or(t.Read, 5*time.Minute),
		WriteTimeout:      or(t.Write, 5*time.Minute),
		IdleTimeout:       or(t.Idle, 2*time.Minute),
		MaxHeaderBytes:    hardHeaderBytes,
	}
}
