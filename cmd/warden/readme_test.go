package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlocks returns the README's ```sh blocks that talk to a running
// service, in order; the build commands (make ...) are left to CI itself, and
// blocks that start a service of their own (bin/warden serve with another
// configuration) to the tests of that configuration, since the test's own
// service already holds the port.
func readmeBlocks(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(raw), -1) {
		if regexp.MustCompile(`(?m)^make |bin/warden serve`).MatchString(m[1]) {
			continue
		}
		out = append(out, m[1])
	}
	if len(out) < 3 {
		t.Fatalf("only %d command blocks in the README", len(out))
	}
	return out
}

// TestReadmeCommands runs every command block of the README, word for word,
// against a service started as `make run` starts it, from a directory laid
// out like the repository root (bin/warden, var/, geodata/). curl is made to
// fail on an HTTP error, so a documented request that the service refuses,
// or a file the README names that the repository lacks, fails the test.
func TestReadmeCommands(t *testing.T) {
	blocks := readmeBlocks(t)
	bin := build(t)
	root := dataDir(t)
	geodata, err := filepath.Abs("../../geodata")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{bin, "bin/warden"}, {geodata, "geodata"}} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(l[1])), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l[0], filepath.Join(root, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t, bin, filepath.Join(root, "var"))
	for i, b := range blocks {
		script := strings.NewReplacer("localhost:8080", s.addr, "127.0.0.1:8080", s.addr).Replace(b)
		name := strings.SplitN(strings.TrimSpace(b), "\n", 2)[0]
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+
				"curl() { command curl --fail-with-body --show-error \"$@\"; echo; }\n"+script)
			cmd.Dir = root
			// the defaults, as in a fresh shell: WARDEN_DATA_DIR=var and no DATABASE_URL
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "WARDEN_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("README block %d failed: %v\n%s\n--- output:\n%s", i+1, err, b, out)
			}
			t.Logf("%s", out)
		})
	}
}
