package main_test

import (
	"os"
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
	bin, data, s := startFresh(t)
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
		st, _, _ := call(t, "POST", "http://"+s.addr+"/api/v1/auth/login", "", nil, `{"name":"admin","password":"`+pw+`"}`)
		return st
	}
	if code := login(m[2]); code != 200 {
		t.Fatalf("sign-in with the printed password: %d", code)
	}
	if code := login(m[2] + "x"); code != 401 {
		t.Errorf("sign-in with a wrong password: %d", code)
	}

	out, err := cli(bin, data, "user", "create", "wang", "--role", "viewer")
	if err != nil || !strings.Contains(out, "wang") {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	if strings.Contains(out, "start") || !strings.Contains(out, "joined the running private PostgreSQL cluster") {
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
