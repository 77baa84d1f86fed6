package app_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"warden/internal/app"
	"warden/internal/db"
	"warden/internal/testdb"
)

// TestSlowClientsAreCutOff: a client that never finishes its headers, or
// never sends the body it announced, loses its connection once the server's
// timeout passes (the test waits at most 30 s for that; the timeouts are
// made short for it).
func TestSlowClientsAreCutOff(t *testing.T) {
	def := app.NewHTTPServer(":0", nil, app.HTTPTimeouts{})
	if def.ReadHeaderTimeout != 10*time.Second || def.ReadTimeout != 5*time.Minute || def.WriteTimeout != 5*time.Minute ||
		def.IdleTimeout != 2*time.Minute || def.MaxHeaderBytes != 64<<10 {
		t.Errorf("default timeouts %v %v %v %v, header limit %d", def.ReadHeaderTimeout, def.ReadTimeout, def.WriteTimeout, def.IdleTimeout, def.MaxHeaderBytes)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "slow body", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := app.NewHTTPServer("127.0.0.1:0", h, app.HTTPTimeouts{ReadHeader: 300 * time.Millisecond, Read: time.Second, Write: time.Second, Idle: time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })

	for name, send := range map[string]string{
		"headers never finished": "GET / HTTP/1.1\r\nHost: warden\r\nX-Slow: ",
		"body never sent":        "POST / HTTP/1.1\r\nHost: warden\r\nContent-Length: 1000\r\n\r\n{",
		"idle after an answer":   "GET / HTTP/1.1\r\nHost: warden\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write([]byte(send)); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		got, err := io.ReadAll(conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("%s: the server still holds the connection after 30 s (read %q)", name, got)
		}
		conn.Close()
		t.Logf("%s: cut off after answering %q", name, strings.SplitN(string(got), "\r\n", 2)[0])
	}
}

// TestStatementTimeout: no statement runs longer than the pool's timeout.
func TestStatementTimeout(t *testing.T) {
	base := testdb.New(t)
	pool, err := db.Open(t.Context(), base.Config().ConnString(), db.Options{StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pool.Exec(t.Context(), `SELECT pg_sleep(20)`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" {
		t.Errorf("a 20 s statement under a 200 ms timeout: %v, want canceled (57014)", err)
	}
}
