package zoning_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
)

// benchToken is the admin token of the benchmark's servers: a batch of
// 100,000 points needs credentials (anonymous batches stop at 10,000).
const benchToken = "bench-admin-token-0123456789abcdef"

// serveProcess is `warden serve` running in a process of its own on the
// benchmark database, as it runs in production: its own engine, built from
// PostGIS at start, and its own HTTP server.
type serveProcess struct {
	url, addr string
	cmd       *exec.Cmd
	dir       string
}

// startServe builds cmd/warden and starts `warden serve` on the database
// at dsn. Request logging is off (--log-level warn): a geofencing server
// answering tens of thousands of locates a second does not log each one.
func startServe(dsn string) (*serveProcess, error) {
	dir, err := os.MkdirTemp("", "warden-bench-serve")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "warden")
	if out, err := exec.Command("go", "build", "-o", bin, "warden/cmd/warden").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build warden: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &serveProcess{url: "http://" + addr, addr: addr, dir: dir}
	p.cmd = exec.Command(bin, "--database-url", dsn, "--data-dir", dir, "--log-level", "warn",
		"serve", "--addr", addr, "--admin-token", benchToken)
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, os.Stderr
	if err := p.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(p.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("warden serve on %s not ready after 2 minutes: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the process (SIGINT, as an operator would) and removes its files.
func (p *serveProcess) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(p.dir)
}

// rawRate sends n GET /api/v1/locate to addr from singleClients keep-alive
// connections, one request in flight on each (no pipelining), and returns
// requests per second. The client is a few lines of HTTP/1.1 rather than
// net/http's, so that on a shared 2-core machine the client takes little of
// the CPU the server needs (as Tile38's figure was measured with a light
// client).
func rawRate(addr string, pts []orb.Point, n int) (float64, error) {
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range singleClients {
		wg.Go(func() {
			if err := rawClient(addr, pts, n, &next); err != nil {
				firstErr.CompareAndSwap(nil, err)
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func rawClient(addr string, pts []orb.Point, n int, next *atomic.Int64) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	var req []byte
	for {
		i := next.Add(1) - 1
		if i >= int64(n) {
			return nil
		}
		p := pts[int(i)%len(pts)]
		req = append(req[:0], "GET /api/v1/locate?lon="...)
		req = strconv.AppendFloat(req, p[0], 'f', -1, 64)
		req = append(req, "&lat="...)
		req = strconv.AppendFloat(req, p[1], 'f', -1, 64)
		req = append(req, " HTTP/1.1\r\nHost: bench\r\n\r\n"...)
		if _, err := conn.Write(req); err != nil {
			return err
		}
		if err := readResponse(r); err != nil {
			return err
		}
	}
}

// readResponse reads one HTTP/1.1 response with a Content-Length body and
// checks its status is 200.
func readResponse(r *bufio.Reader) error {
	status, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(status, []byte("HTTP/1.1 200 ")) {
		return fmt.Errorf("GET /api/v1/locate: %q", bytes.TrimSpace(status))
	}
	length := -1
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return err
			}
		}
	}
	if length < 0 {
		return errors.New("GET /api/v1/locate: no Content-Length")
	}
	_, err = r.Discard(length)
	return err
}

// authorized adds the benchmark's admin token to a request.
func authorized(ctx context.Context, method, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
