package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/pgcluster"
)

// startCluster starts a private cluster for processes that share it, stopped
// when the test ends.
func startCluster(t *testing.T) *pgcluster.Cluster {
	t.Helper()
	c, err := pgcluster.Start(context.Background(), pgcluster.Options{DataDir: dataDir(t) + "/pg", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

// call sends one request with a bearer token or a cookie and returns the
// status and body.
func call(t *testing.T, method, url, token string, cookie *http.Cookie, body string) (int, string, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

// TestTwoProcessesOneService runs two `warden serve` processes on one
// database: a session made by one works on the other; failed logins count
// across both; a zoning change made through one reaches the other's zone
// index; the case job runs in one process, and when that process is killed
// the other takes its lease over and delivers the next webhook.
func TestTwoProcessesOneService(t *testing.T) {
	bin := build(t)
	c := startCluster(t)
	var mu sync.Mutex
	hooks := map[string]int{} // case number → deliveries
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct {
			Case  struct{ Number string } `json:"case"`
			Event struct{ Kind string }   `json:"event"`
		}
		_ = json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		hooks[p.Case.Number+" "+p.Event.Kind]++
		mu.Unlock()
	}))
	defer hook.Close()
	const token = "scale-out-admin-token-0123456789"
	env := []string{"DATABASE_URL=" + c.RuntimeURL(), "WARDEN_MIGRATE_URL=" + c.URL(), "WARDEN_ADMIN_TOKEN=" + token,
		"WARDEN_JOB_LEASE=2s", "WARDEN_CASE_JOB_EVERY=300ms", "WARDEN_WEBHOOKS=" + hook.URL, "WARDEN_LOGIN_FAILURES=3",
		"WARDEN_LOG_LEVEL=debug"}
	a := start(t, bin, dataDir(t), env...)
	b := start(t, bin, dataDir(t), env...)
	ua, ub := "http://"+a.addr, "http://"+b.addr

	// sessions: made by one process, good on the other
	if st, body, _ := call(t, "POST", ua+"/api/v1/users", token, nil, `{"name":"ranger1","roles":["viewer"],"password":"patrol-the-ridge-2026"}`); st != 201 {
		t.Fatalf("create user: %d %s", st, body)
	}
	st, body, res := call(t, "POST", ub+"/api/v1/auth/login", "", nil, `{"name":"ranger1","password":"patrol-the-ridge-2026"}`)
	if st != 200 || len(res.Cookies()) == 0 {
		t.Fatalf("login on B: %d %s", st, body)
	}
	if st, body, _ := call(t, "GET", ua+"/api/v1/auth/me", "", res.Cookies()[0], ""); st != 200 || !strings.Contains(body, `"ranger1"`) {
		t.Errorf("B's session on A: %d %s", st, body)
	}

	// failed logins: 3 allowed across both, then the name is throttled on either
	for i, u := range []string{ua, ub, ua} {
		if st, body, _ := call(t, "POST", u+"/api/v1/auth/login", "", nil, `{"name":"ranger1","password":"wrong-password-here"}`); st != 401 {
			t.Fatalf("failed login %d: %d %s", i+1, st, body)
		}
	}
	if st, body, _ := call(t, "POST", ub+"/api/v1/auth/login", "", nil, `{"name":"ranger1","password":"patrol-the-ridge-2026"}`); st != 429 {
		t.Errorf("login after 3 failures spread over both processes: %d %s, want 429", st, body)
	}

	// zoning changed through A reaches B's index
	epoch := func() (e int64) {
		conn, err := pgx.Connect(context.Background(), c.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if err := conn.QueryRow(context.Background(), `SELECT epoch FROM zoning_epoch`).Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	if st, body, _ := call(t, "POST", ua+"/api/v1/reserves", token, nil, `{"code":"twin","name_en":"Twin","level":"county","zoning_scheme":"three_zone"}`); st != 201 {
		t.Fatalf("create reserve: %d %s", st, body)
	}
	if st, body, _ := call(t, "PUT", ua+"/api/v1/reserves/twin/zones", token, nil, `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"core"},
		"geometry":{"type":"Polygon","coordinates":[[[100,30],[100.1,30],[100.1,30.1],[100,30.1],[100,30]]]}}]}`); st/100 != 2 {
		t.Fatalf("put zones: %d %s", st, body)
	}
	built := fmt.Sprintf(`msg="zone index built" epoch=%d `, epoch())
	waitFor(t, 10*time.Second, "B's zone index rebuilt at the new epoch", func() bool { return strings.Contains(b.log.String(), built) })
	if body := get(t, ub+"/api/v1/locate?lon=100.05&lat=30.05"); !strings.Contains(body, `"reserve":"twin"`) {
		t.Errorf("locate on B after A's import: %s", body)
	}

	// the case job runs in one process; killed, the other takes it over
	holder := func() string {
		conn, err := pgx.Connect(context.Background(), c.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var h string
		_ = conn.QueryRow(context.Background(), `SELECT holder FROM job_lease WHERE name = 'cases' AND expires_at > now()`).Scan(&h)
		return h
	}
	owner := map[*service]string{a: fmt.Sprintf(":%d:", a.cmd.Process.Pid), b: fmt.Sprintf(":%d:", b.cmd.Process.Pid)}
	var held, other *service
	waitFor(t, 10*time.Second, "a process holding the case job", func() bool {
		h := holder()
		for s, pid := range owner {
			if strings.Contains(h, pid) {
				held = s
			}
		}
		return held != nil
	})
	other = a
	if held == a {
		other = b
	}
	newCase := func(s *service) string {
		st, body, _ := call(t, "POST", "http://"+s.addr+"/api/v1/cases", token, nil,
			`{"source":"public_report","activity":"grazing","title":"核心区放牧","location":{"type":"Point","coordinates":[86,34.5]}}`)
		if st != 201 {
			t.Fatalf("create case: %d %s", st, body)
		}
		var cs struct{ Number string }
		_ = json.Unmarshal([]byte(body), &cs)
		return cs.Number
	}
	delivered := func(number string) func() bool {
		return func() bool { mu.Lock(); defer mu.Unlock(); return hooks[number+" created"] > 0 }
	}
	first := newCase(other)
	waitFor(t, 10*time.Second, "the webhook of a case made on the process without the job", delivered(first))
	if err := held.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-held.done
	second := newCase(other)
	waitFor(t, 15*time.Second, "the survivor taking the case job over", func() bool { return strings.Contains(holder(), owner[other]) })
	waitFor(t, 10*time.Second, "the webhook of a case made after the holder was killed", delivered(second))
	time.Sleep(time.Second)
	mu.Lock()
	defer mu.Unlock()
	for k, n := range hooks {
		if n != 1 {
			t.Errorf("webhook %q delivered %d times", k, n)
		}
	}
	if !strings.Contains(other.log.String(), `msg="background job: running here" job=cases`) {
		t.Errorf("the survivor never ran the case job:\n%s", other.log)
	}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
