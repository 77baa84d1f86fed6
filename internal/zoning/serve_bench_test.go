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
	"strings"
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
	args := []string{"--database-url", dsn, "--data-dir", dir, "--log-level", "warn"}
	if prof := os.Getenv("WARDEN_BENCH_SERVE_PROFILE"); prof != "" {
		args = append(args, "--cpu-profile", prof) // where the server's time goes
	}
	p.cmd = exec.Command(bin, append(args, "serve", "--addr", addr, "--admin-token", benchToken)...)
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

// rate is what a run of single locates measured: requests a second, and
// the CPU time (user and system) each request cost the server process (0
// when it runs in this process) and this process, whose only work then is
// the client.
type rate struct {
	perSec             float64
	serverCPU, selfCPU time.Duration
}

// rawRate sends n GET /api/v1/locate to addr from singleClients keep-alive
// connections, one request in flight on each (no pipelining). The client is
// a few lines of HTTP/1.1 over TCP rather than net/http's, with every
// request line built before the clock starts, so that on a shared 2-core
// machine it takes little of the CPU the server needs (as Tile38's figure
// was measured with a light client). server is the server's process id, or
// 0 when it runs in this process.
func rawRate(addr string, pts []orb.Point, n, server int) (rate, error) {
	reqs := make([][]byte, min(n, len(pts)))
	for i := range reqs {
		p := pts[i]
		req := append([]byte(nil), "GET /api/v1/locate?lon="...)
		req = strconv.AppendFloat(req, p[0], 'f', -1, 64)
		req = append(req, "&lat="...)
		req = strconv.AppendFloat(req, p[1], 'f', -1, 64)
		reqs[i] = append(req, " HTTP/1.1\r\nHost: bench\r\n\r\n"...)
	}
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	server0, self0 := processCPU(server), processCPU(0)
	start := time.Now()
	for range singleClients {
		wg.Go(func() {
			if err := rawClient(addr, reqs, n, &next); err != nil {
				firstErr.CompareAndSwap(nil, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := firstErr.Load().(error); err != nil {
		return rate{}, err
	}
	r := rate{perSec: float64(n) / elapsed.Seconds(), selfCPU: (processCPU(0) - self0) / time.Duration(n)}
	if server != 0 {
		r.serverCPU = (processCPU(server) - server0) / time.Duration(n)
	}
	return r, nil
}

// processCPU is the user and system CPU time process pid (0: this one) has
// used, from /proc (in clock ticks of 10 ms).
func processCPU(pid int) time.Duration {
	if pid == 0 {
		pid = os.Getpid()
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func rawClient(addr string, reqs [][]byte, n int, next *atomic.Int64) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		i := next.Add(1) - 1
		if i >= int64(n) {
			return nil
		}
		if _, err := conn.Write(reqs[int(i)%len(reqs)]); err != nil {
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
