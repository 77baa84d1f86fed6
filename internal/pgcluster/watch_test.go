package pgcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestEphemeralClusterStopsWithItsProcess: a process that starts an
// ephemeral cluster and ends without stopping it (a test binary killed, or
// ended by its -timeout, runs no cleanup) leaves no server behind.
func TestEphemeralClusterStopsWithItsProcess(t *testing.T) {
	if dir := os.Getenv("PGCLUSTER_TEST_ABANDON"); dir != "" {
		if _, err := Start(context.Background(), Options{DataDir: dir, Database: "abandoned", Ephemeral: true}); err != nil {
			fmt.Println(err)
			os.Exit(2)
		}
		os.Exit(0) // without Stop
	}
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} { // the postgres user must reach it
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(base, "pg")
	bin, err := FindBinDir("")
	if err != nil {
		t.Fatal(err)
	}
	left := &Cluster{opts: Options{DataDir: dir}, bin: bin}
	if os.Geteuid() == 0 {
		left.asUser = "postgres"
	}
	t.Cleanup(func() { _ = left.Stop() }) // should the watchdog fail
	child := exec.Command(os.Args[0], "-test.run=^TestEphemeralClusterStopsWithItsProcess$")
	child.Env = append(os.Environ(), "PGCLUSTER_TEST_ABANDON="+dir)
	if out, err := child.CombinedOutput(); err != nil {
		t.Fatalf("the process starting the cluster: %v\n%s", err, out)
	}
	pid := filepath.Join(dir, "postmaster.pid")
	if _, err := os.Stat(pid); err != nil {
		t.Fatalf("the cluster was not running when its process ended: %v", err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if _, err := os.Stat(pid); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the cluster still runs a minute after the process that started it ended")
		}
	}
}
