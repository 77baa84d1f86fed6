// Package pgcluster runs a private PostgreSQL + PostGIS cluster: Warden's
// embedded default when no DATABASE_URL is given, and the tests' fixture.
//
// The cluster lives in a data directory of its own, listens only on a Unix
// socket in a fresh private directory (no TCP port, so it cannot clash with
// another server), and is stopped with the process. As root, PostgreSQL refuses
// to run, so initdb and pg_ctl are run as the "postgres" system user, which
// then owns the data directory.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options for Start.
type Options struct {
	// DataDir holds the cluster; it is created and initialised if empty.
	DataDir string
	// BinDir holds initdb and pg_ctl; empty means: find them.
	BinDir string
	// Database is created if missing (default "warden").
	Database string
	// Ephemeral trades durability for speed (fsync off) and stops the
	// cluster when this process ends, however it ends: for tests.
	Ephemeral bool
}

// Cluster is a running private cluster.
type Cluster struct {
	opts    Options
	bin     string
	sockDir string
	port    string
	// serverOpts are the postgres options it was started with.
	serverOpts string
	asUser     string // "postgres" when run by root, else ""
	// attached is true when another process had already started the
	// cluster: it is used, not stopped.
	attached bool
}

// ErrNoPostgres says PostgreSQL's server binaries are not installed.
var ErrNoPostgres = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found")

// FindBinDir returns the directory with initdb and pg_ctl: dir if given, else
// the newest /usr/lib/postgresql/N/bin, else the PATH.
func FindBinDir(dir string) (string, error) {
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("%w in %s", ErrNoPostgres, dir)
		}
		return dir, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return pgMajor(matches[i]) > pgMajor(matches[j]) })
	if len(matches) > 0 {
		return filepath.Dir(matches[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoPostgres
}

func pgMajor(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Start initialises the cluster if needed, starts it and creates the database.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Database == "" {
		opts.Database = "warden"
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, err
	}
	opts.DataDir = dir
	bin, err := FindBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, bin: bin, port: "5432"}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
		if _, err := user.Lookup(c.asUser); err != nil {
			return nil, fmt.Errorf("running as root needs the %q system user (installed with PostgreSQL): %w", c.asUser, err)
		}
	}
	if err := c.prepareDir(ctx); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.run(ctx, "initdb", "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"); err != nil {
			return nil, fmt.Errorf("initdb %s: %w", dir, err)
		}
	}
	if c.attach(ctx) {
		return c, c.createDatabase(ctx)
	}
	sock, err := os.MkdirTemp("", "warden-pg-")
	if err != nil {
		return nil, err
	}
	c.sockDir = sock
	if err := c.chown(sock); err != nil {
		os.RemoveAll(sock)
		return nil, err
	}
	c.serverOpts = fmt.Sprintf("-c listen_addresses='' -k %s -p 5432", sock)
	if opts.Ephemeral {
		c.serverOpts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	c.watch() // first: a start that times out may still leave a server
	if err := c.start(ctx); err != nil {
		os.RemoveAll(sock)
		return nil, fmt.Errorf("start PostgreSQL in %s (see %s): %w", dir, filepath.Join(dir, "server.log"), err)
	}
	if err := c.createDatabase(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// watch makes an ephemeral cluster stop when this process ends: a watchdog
// in a session of its own waits for this process and then stops the server
// (immediate mode) and removes its socket directory. A test binary killed,
// or ended by its -timeout, runs no cleanup, and would otherwise leave its
// clusters running. Once the cluster is stopped in order, the watchdog
// finds no server and does nothing.
func (c *Cluster) watch() {
	if !c.opts.Ephemeral {
		return
	}
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	stop := q(filepath.Join(c.bin, "pg_ctl")) + " -D " + q(c.opts.DataDir) + " -m immediate stop"
	if c.asUser != "" {
		stop = "runuser -u " + q(c.asUser) + " -- " + stop
	}
	script := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 2; done; if [ -f %s ]; then %s; fi; rm -rf %s",
		os.Getpid(), q(filepath.Join(c.opts.DataDir, "postmaster.pid")), stop, q(c.sockDir))
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = os.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if cmd.Start() == nil {
		go func() { _ = cmd.Wait() }()
	}
}

func (c *Cluster) start(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "-w", "-t", "60", "-l", filepath.Join(c.opts.DataDir, "server.log"), "-o", c.serverOpts, "start")
}

// Restart stops the server (fast mode: open sessions are ended with 57P01),
// waits pause, and starts it again on the same socket: an outage, for the
// tests of how the service rides one out. A cluster attached to is refused.
func (c *Cluster) Restart(ctx context.Context, pause time.Duration) error {
	if c.attached {
		return errors.New("pgcluster: will not restart a cluster another process started")
	}
	if err := c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "-w", "-m", "fast", "stop"); err != nil {
		return err
	}
	select {
	case <-time.After(pause):
	case <-ctx.Done():
	}
	return c.start(ctx)
}

// prepareDir creates the data directory and, as root, gives it to postgres,
// checking that the postgres user can reach it.
func (c *Cluster) prepareDir(ctx context.Context) error {
	dir := c.opts.DataDir
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	if err := c.chown(dir); err != nil {
		return err
	}
	if c.asUser != "" {
		if err := exec.CommandContext(ctx, "runuser", "-u", c.asUser, "--", "test", "-w", dir).Run(); err != nil {
			return fmt.Errorf("the %s user cannot write %s (a parent directory is closed to it); set WARDEN_DATA_DIR to a directory it can reach", c.asUser, dir)
		}
	}
	return nil
}

func (c *Cluster) chown(path string) error {
	if c.asUser == "" {
		return nil
	}
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func (c *Cluster) run(ctx context.Context, prog string, args ...string) error {
	name := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", name}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, name, args...)
	}
	cmd.Dir = os.TempDir()
	// A session of its own keeps the server out of the terminal's process group,
	// so Ctrl-C reaches Warden, which then stops the cluster in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", prog, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// RuntimeRole is the role the service runs as on a private cluster: it logs
// in over the socket and owns nothing (db.GrantRuntime gives it its
// privileges); migrations run as the cluster's superuser, the schema's owner.
const RuntimeRole = "warden"

func (c *Cluster) createDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+RuntimeRole+`') THEN CREATE ROLE `+RuntimeRole+` LOGIN; END IF;
	END $$`); err != nil {
		return fmt.Errorf("create the runtime role: %w", err)
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", c.opts.Database).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{c.opts.Database}.Sanitize())
	return err
}

func (c *Cluster) url(db string) string { return c.urlAs("postgres", db) }

func (c *Cluster) urlAs(role, db string) string {
	return fmt.Sprintf("host=%s port=%s user=%s dbname=%s sslmode=disable", c.sockDir, c.port, role, db)
}

// attach uses a cluster already running in the data directory (say, a
// `warden serve` in another terminal): postmaster.pid names its port (line 4)
// and socket directory (line 5).
func (c *Cluster) attach(ctx context.Context) bool {
	raw, err := os.ReadFile(filepath.Join(c.opts.DataDir, "postmaster.pid"))
	if err != nil {
		return false
	}
	if c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "status") != nil {
		return false
	}
	lines := strings.Split(string(raw), "\n")
	if len(lines) < 5 || lines[4] == "" {
		return false
	}
	c.port, c.sockDir, c.attached = strings.TrimSpace(lines[3]), strings.TrimSpace(lines[4]), true
	return true
}

// Attached says whether another process had started the cluster and this one
// joined it (and so will leave it running).
func (c *Cluster) Attached() bool { return c.attached }

// URL is the connection string of the cluster's database as its owner, the
// superuser: for migrations and set-up.
func (c *Cluster) URL() string { return c.url(c.opts.Database) }

// URLFor is the owner's connection string of another database in the cluster.
func (c *Cluster) URLFor(db string) string { return c.url(db) }

// RuntimeURL is the connection string of the cluster's database as
// RuntimeRole, for serving.
func (c *Cluster) RuntimeURL() string { return c.urlAs(RuntimeRole, c.opts.Database) }

// RuntimeURLFor is RuntimeRole's connection string of another database.
func (c *Cluster) RuntimeURLFor(db string) string { return c.urlAs(RuntimeRole, db) }

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string { return c.opts.DataDir }

// Stop shuts the cluster down (fast mode: open sessions are ended) and removes
// its socket directory; a cluster this process attached to is left running.
func (c *Cluster) Stop() error {
	if c.attached {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "-w", "-m", "fast", "stop")
	os.RemoveAll(c.sockDir)
	return err
}
