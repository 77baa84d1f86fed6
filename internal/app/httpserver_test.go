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
		def.IdleTimeout != 2*time.Minute || def.MaxHeaderBytes != 1<<20 {
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

// TestHeadersTooLargeAnswerProblem: headers past 64 KiB answer 431 as
// application/problem+json saying the limit, like every other refusal.
func TestHeadersTooLargeAnswerProblem(t *testing.T) {
	srv := app.NewHTTPServer("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}), app.HTTPTimeouts{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	for _, size := range []int{70 << 10, 500 << 10} {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/api/v1/reserves", nil)
		req.Header.Set("X-Big", strings.Repeat("a", size))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 431 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), "64 KiB") {
			t.Errorf("%d-byte header: %d %q %s", size, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
	req.Header.Set("X-Small", strings.Repeat("a", 1000))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 204 {
		t.Errorf("a 1 KB header: %v %v", res, err)
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
