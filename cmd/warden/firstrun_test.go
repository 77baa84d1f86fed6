package main_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFirstStartAdmin follows the README's quick start: the first start on an
// empty database makes the administrator and prints the name and password
// once; they sign in; the CLI joins the running cluster without claiming to
// start one; a restart makes no second administrator.
func TestFirstStartAdmin(t *testing.T) {
	bin := build(t)
	data := dataDir(t)
	s := start(t, bin, data)
	m := regexp.MustCompile(`user name: (\S+)\n\s+password:\s+(\S+)`).FindStringSubmatch(s.log.String())
	if m == nil || m[1] != "admin" {
		t.Fatalf("the first start printed no administrator:\n%s", s.log)
	}
	saved, err := os.ReadFile(filepath.Join(data, "admin-password"))
	if err != nil || strings.TrimSpace(string(saved)) != m[2] {
		t.Fatalf("admin-password %q (%v), printed %q", saved, err, m[2])
	}
	login := func(pw string) int {
		t.Helper()
		res, err := http.Post("http://"+s.addr+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"name":"admin","password":"`+pw+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := login(m[2]); code != 200 {
		t.Fatalf("sign-in with the printed password: %d", code)
	}
	if code := login(m[2] + "x"); code != 401 {
		t.Errorf("sign-in with a wrong password: %d", code)
	}

	cli := exec.Command(bin, "user", "create", "wang", "--role", "viewer")
	cli.Env = append(os.Environ(), "WARDEN_DATA_DIR="+data, "DATABASE_URL=")
	out, err := cli.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "wang") {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "start") || !strings.Contains(string(out), "joined the running private PostgreSQL cluster") {
		t.Errorf("user create beside a running service should say it joined the cluster:\n%s", out)
	}
	s.stop(t)

	s = start(t, bin, data)
	if strings.Contains(s.log.String(), "created the administrator") {
		t.Errorf("a second start made another administrator:\n%s", s.log)
	}
	if code := login(m[2]); code != 200 {
		t.Errorf("the first password after a restart: %d", code)
	}
	s.stop(t)
}
