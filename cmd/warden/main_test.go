package main_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"warden/internal/pgcluster"
)

// These tests run the real binary as a user would: `warden serve` with its
// private cluster, Ctrl-C, a second start on the same data, the import CLI.

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "warden")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// dataDir is a directory the postgres user can reach when tests run as root.
func dataDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for _, p := range []string{filepath.Dir(d), d} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type service struct {
	cmd  *exec.Cmd
	addr string
	log  *strings.Builder
	done chan error
}

// startFresh builds warden and starts `warden serve` on a fresh data
// directory, as the README's quick start does.
func startFresh(t *testing.T) (bin, data string, s *service) {
	t.Helper()
	bin, data = build(t), dataDir(t)
	return bin, data, start(t, bin, data)
}

func start(t *testing.T, bin, data string, env ...string) *service {
	t.Helper()
	s := &service{addr: freeAddr(t), log: &strings.Builder{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, "serve", "--migrate", "--sample", "--addr", s.addr)
	s.cmd.Env = append(os.Environ(), append([]string{"WARDEN_DATA_DIR=" + data, "WARDEN_ADMIN_TOKEN=", "DATABASE_URL="}, env...)...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.log.WriteString(sc.Text() + "\n")
		}
		close(copied)
	}()
	go func() { <-copied; s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			<-s.done
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + s.addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("warden serve exited early: %v\n%s", err, s.log)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("warden serve not ready in time\n%s", s.log)
	return nil
}

func (s *service) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("warden serve after Ctrl-C: %v\n%s", err, s.log)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("warden serve did not stop after Ctrl-C\n%s", s.log)
	}
}

// readToken is the admin token the first start generated into data.
func readToken(t *testing.T, data string) string {
	t.Helper()
	tok, err := os.ReadFile(filepath.Join(data, "admin-token"))
	if err != nil {
		t.Fatalf("no generated admin token: %v", err)
	}
	return strings.TrimSpace(string(tok))
}

// cli runs the warden binary with args as an administrator on the machine
// does beside the service of data (it joins that service's private
// cluster), and returns what it printed.
func cli(bin, data string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "WARDEN_DATA_DIR="+data, "DATABASE_URL=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return string(b)
}

func TestServeWithPrivateCluster(t *testing.T) {
	bin, data, s := startFresh(t)
	if body := get(t, "http://"+s.addr+"/api/v1/reserves"); !strings.Contains(body, `"qiangtang"`) || !strings.Contains(body, `"alt-pirineu"`) {
		t.Fatalf("sample reserves not served: %s", body)
	}
	tok := readToken(t, data)
	if !strings.Contains(s.log.String(), tok) {
		t.Errorf("the generated token was not printed:\n%s", s.log)
	}
	if st, body, _ := call(t, "POST", "http://"+s.addr+"/api/v1/reserves", tok, nil,
		`{"code":"kept","name_en":"Kept across restarts","level":"county","zoning_scheme":"three_zone"}`); st != 201 {
		t.Fatalf("create reserve with the generated token: %d %s", st, body)
	}
	s.stop(t)
	if _, err := os.Stat(filepath.Join(data, "pgdata", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("PostgreSQL still running after Ctrl-C (postmaster.pid: %v)", err)
	}

	// Second run: same data, same token, samples not loaded twice.
	s = start(t, bin, data)
	body := get(t, "http://"+s.addr+"/api/v1/reserves")
	if !strings.Contains(body, `"kept"`) || strings.Count(body, `"code":"qiangtang"`) != 1 {
		t.Fatalf("data not kept across restarts: %s", body)
	}
	if strings.Contains(s.log.String(), "generated an admin token") {
		t.Errorf("a second token was generated:\n%s", s.log)
	}

	// While it runs, the CLI joins the same cluster.
	zones := filepath.Join(t.TempDir(), "zones.geojson")
	os.WriteFile(zones, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"核心区"},
		"geometry":{"type":"Polygon","coordinates":[[[100,30],[100.1,30],[100.1,30.1],[100,30.1],[100,30]]]}}]}`), 0o644)
	out, err := cli(bin, data, "import", "zones", "--reserve", "kept", zones)
	if err != nil || !strings.Contains(out, "version 1 is now current") || !strings.Contains(out, "core") {
		t.Fatalf("import zones: %v\n%s", err, out)
	}
	if body := get(t, "http://"+s.addr+"/api/v1/reserves/kept"); !strings.Contains(body, `"kind":"core"`) {
		t.Fatalf("imported zone not served: %s", body)
	}
	bad := filepath.Join(t.TempDir(), "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"core"},
		"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}`), 0o644)
	out, err = cli(bin, data, "import", "zones", "--reserve", "kept", bad)
	if err == nil || !strings.Contains(out, "Self-intersection") {
		t.Fatalf("import of a bowtie: %v\n%s", err, out)
	}
	s.stop(t)
}

func TestServeRefusesStaleSchema(t *testing.T) {
	bin := build(t)
	c, err := pgcluster.Start(context.Background(), pgcluster.Options{DataDir: filepath.Join(dataDir(t), "pg"), Database: "empty", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	cmd := exec.Command(bin, "serve", "--addr", freeAddr(t))
	cmd.Env = append(os.Environ(), "DATABASE_URL="+c.URL(), "WARDEN_ADMIN_TOKEN=x")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "warden migrate") {
		t.Fatalf("serve on an unmigrated database: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "migrate")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+c.URL())
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "schema up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "warden ") {
		t.Fatalf("version: %v %s", err, out)
	}
}
