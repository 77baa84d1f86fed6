package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// StartReplica makes a streaming replica of the running cluster c in
// dataDir: pg_basebackup -R copies c's data over its Unix socket and writes
// the standby settings (standby.signal, primary_conninfo), and the replica
// starts on a socket directory of its own, serving reads (hot standby) and
// replaying c's WAL as it streams in. Stop it with Stop, promote it with
// Promote. The cluster c must be one this process started.
func (c *Cluster) StartReplica(ctx context.Context, dataDir string) (*Cluster, error) {
	return c.copyTo(ctx, dataDir, true)
}

// StartCopy copies the running cluster c into dataDir with pg_basebackup
// and starts the copy as a primary of its own, on its own socket: a cluster
// with c's databases (a migrated template) in seconds.
func (c *Cluster) StartCopy(ctx context.Context, dataDir string) (*Cluster, error) {
	return c.copyTo(ctx, dataDir, false)
}

func (c *Cluster) copyTo(ctx context.Context, dataDir string, standby bool) (*Cluster, error) {
	if c.attached {
		return nil, errors.New("pgcluster: will not make a replica of a cluster another process started")
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	r := &Cluster{opts: c.opts, bin: c.bin, port: c.port, asUser: c.asUser}
	r.opts.DataDir = dir
	if err := r.prepareDir(ctx); err != nil {
		return nil, err
	}
	args := []string{"-D", dir, "-X", "stream", "-c", "fast", "-h", c.sockDir, "-p", c.port, "-U", "postgres"}
	if standby {
		args = append(args, "-R")
	}
	if err := r.run(ctx, "pg_basebackup", args...); err != nil {
		return nil, fmt.Errorf("pg_basebackup into %s: %w", dir, err)
	}
	_ = os.Remove(filepath.Join(dir, "postmaster.pid"))
	sock, err := os.MkdirTemp("", "warden-pg-")
	if err != nil {
		return nil, err
	}
	r.sockDir = sock
	if err := r.chown(sock); err != nil {
		os.RemoveAll(sock)
		return nil, err
	}
	r.serverOpts = fmt.Sprintf("-c listen_addresses='' -k %s -p %s -c hot_standby=on", sock, r.port)
	if r.opts.Ephemeral {
		r.serverOpts += " -c fsync=off -c synchronous_commit=off"
	}
	r.watch() // first: a start that times out may still leave a server
	if err := r.start(ctx); err != nil {
		os.RemoveAll(sock)
		return nil, fmt.Errorf("start the copy in %s (see %s): %w", dir, filepath.Join(dir, "server.log"), err)
	}
	return r, nil
}

// Promote makes a replica the primary (pg_ctl promote, waiting until it
// accepts writes).
func (c *Cluster) Promote(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "-w", "-t", "60", "promote")
}

// SocketDir is the directory of the cluster's Unix socket: the host of its
// connection strings.
func (c *Cluster) SocketDir() string { return c.sockDir }
