package main_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestUsersAndTokensCLI makes the first users the two documented ways: with
// `warden user create` on the server, and through the API with the
// bootstrap admin token; then a token by `warden token create`, used and
// revoked.
func TestUsersAndTokensCLI(t *testing.T) {
	bin, data, s := startFresh(t)
	warden := func(args ...string) string {
		t.Helper()
		out, err := cli(bin, data, args...)
		if err != nil {
			t.Fatalf("warden %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	status := func(method, path, token, body string) int {
		t.Helper()
		st, _, _ := call(t, method, "http://"+s.addr+path, token, nil, body)
		return st
	}

	out := warden("user", "create", "li.ming", "--role", "ranger", "--reserve", "qiangtang", "--display-name", "李明", "--password")
	pw := regexp.MustCompile(`password for li.ming \(shown only now\): (\S+)`).FindStringSubmatch(out)
	if pw == nil || !strings.Contains(out, "ranger") || !strings.Contains(out, "qiangtang") {
		t.Fatalf("user create:\n%s", out)
	}
	if code := status("POST", "/api/v1/auth/login", "", `{"name":"li.ming","password":"`+pw[1]+`"}`); code != 200 {
		t.Errorf("login with the generated password: %d", code)
	}
	out = warden("token", "create", "--user", "li.ming", "--name", "gps logger", "--expires", "720h")
	tok := regexp.MustCompile(`\n\s+(wdn_\S+)\n`).FindStringSubmatch(out)
	if tok == nil {
		t.Fatalf("token create:\n%s", out)
	}
	if code := status("GET", "/api/v1/tracks", tok[1], ""); code != 200 {
		t.Errorf("the ranger's token reading tracks: %d", code)
	}
	if code := status("POST", "/api/v1/reserves", tok[1], `{"code":"x","name_zh":"x","level":"county","zoning_scheme":"three_zone"}`); code != 403 {
		t.Errorf("the ranger's token creating a reserve: %d", code)
	}
	list := warden("token", "list", "--user", "li.ming")
	if !strings.Contains(list, "gps logger") || strings.Contains(list, tok[1]) || !strings.Contains(list, "valid") {
		t.Errorf("token list:\n%s", list)
	}
	id := regexp.MustCompile(`token (\d+) for li.ming`).FindStringSubmatch(out)[1]
	warden("token", "revoke", id)
	if code := status("GET", "/api/v1/tracks", tok[1], ""); code != 401 {
		t.Errorf("a revoked token: %d", code)
	}

	// The bootstrap token still works, and makes users through the API.
	if code := status("POST", "/api/v1/users", readToken(t, data), `{"name":"gis","roles":["gis"],"password":"a long password"}`); code != 201 {
		t.Errorf("POST /api/v1/users with the bootstrap token: %d", code)
	}
	if users := warden("user", "list"); !strings.Contains(users, "li.ming") || !strings.Contains(users, "gis") {
		t.Errorf("user list:\n%s", users)
	}
	checkDeviceCLI(t, warden, s.addr)
	warden("user", "set", "li.ming", "--disable")
	if code := status("POST", "/api/v1/auth/login", "", `{"name":"li.ming","password":"`+pw[1]+`"}`); code != 401 {
		t.Errorf("a disabled user's login: %d", code)
	}
	s.stop(t)

	// A bad security flag stops serve before it starts.
	if out, err := cli(bin, data, "serve", "--public-read", "zones,secrets", "--addr", freeAddr(t)); err == nil || !strings.Contains(out, "secrets") {
		t.Errorf("serve --public-read zones,secrets: %v\n%s", err, out)
	}
}
