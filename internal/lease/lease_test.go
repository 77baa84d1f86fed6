package lease

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"warden/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestLeaseOneAtATime: of two processes' runners, one runs the job; when it
// stops the other takes over at once, never both at the same time; a lease
// left by a process that died is taken over once it has expired.
func TestLeaseOneAtATime(t *testing.T) {
	pool := testdb.New(t)
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	// a dead process's lease, expiring in a second
	if _, err := testdb.Owner(t, pool).Exec(ctx, `INSERT INTO job_lease (name, holder, expires_at) VALUES ('sweep', 'gone:1:x', now() + interval '1 s')`); err != nil {
		t.Fatal(err)
	}
	var running, most atomic.Int32
	ran := make(chan string, 10)
	job := func(holder string) func(context.Context) error {
		return func(ctx context.Context) error {
			n := running.Add(1)
			defer running.Add(-1)
			if n > most.Load() {
				most.Store(n)
			}
			ran <- holder
			<-ctx.Done()
			return nil
		}
	}
	a, b := NewRunner(pool, 1500*time.Millisecond, log), NewRunner(pool, 1500*time.Millisecond, log)
	actx, stopA := context.WithCancel(ctx)
	bctx, stopB := context.WithCancel(ctx)
	defer stopB()
	doneA := make(chan struct{})
	go func() { a.Run(actx, "sweep", job(a.Holder())); close(doneA) }()
	go b.Run(bctx, "sweep", job(b.Holder()))

	start := time.Now()
	var first string
	select {
	case first = <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("no runner took the expired lease")
	}
	if waited := time.Since(start); waited < 500*time.Millisecond {
		t.Errorf("the dead process's lease was taken after %v, before it expired", waited)
	}
	if first != a.Holder() {
		// make a the holder's name for what follows
		a, b, stopA, stopB = b, a, stopB, stopA
		doneA = nil
	}
	time.Sleep(2 * time.Second) // several renewals
	stopA()
	if doneA != nil {
		<-doneA
	}
	select {
	case next := <-ran:
		if next != b.Holder() {
			t.Errorf("taken over by %s, want %s", next, b.Holder())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the other runner did not take over a released lease")
	}
	if most.Load() != 1 {
		t.Errorf("%d jobs ran at once", most.Load())
	}
	var holder string
	if err := pool.QueryRow(ctx, `SELECT holder FROM job_lease WHERE name = 'sweep'`).Scan(&holder); err != nil || holder != b.Holder() {
		t.Errorf("job_lease holder %q (%v), want %s", holder, err, b.Holder())
	}
}
