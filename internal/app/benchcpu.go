package app

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// cpuClock reads CPU time used so far by the bench's three parties: the
// bench client itself, the service (process_cpu_seconds_total of its
// /metrics) and, when the database runs on this machine, PostgreSQL (its
// postmaster's children, from /proc). On a shared machine wall-clock rates
// say more about the neighbours than about Warden; CPU time a fix costs
// does not, and says what two idle cores would carry.
type cpuClock struct {
	base, token string
	postmaster  int // 0: the database is not on this machine
}

// cpuTimes are CPU times at one moment; a negative one is unknown.
type cpuTimes struct{ client, service, database time.Duration }

func newCPUClock(ctx context.Context, pool *pgxpool.Pool, base, token string) *cpuClock {
	c := &cpuClock{base: base, token: token}
	var backend int
	if err := pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err == nil {
		if st, ok := procStat(backend); ok {
			c.postmaster = st.ppid
		}
	}
	return c
}

// read returns the CPU times used so far.
func (c *cpuClock) read(ctx context.Context) cpuTimes {
	t := cpuTimes{client: -1, service: -1, database: -1}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		t.client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if m, err := serveMetrics(ctx, c.base, c.token); err == nil {
		if v, ok := m["process_cpu_seconds_total"]; ok {
			t.service = time.Duration(v * float64(time.Second))
		}
	}
	if c.postmaster > 0 {
		t.database = clusterCPU(c.postmaster)
	}
	return t
}

// perFix is the CPU each party spent per fix between a and b.
func (a cpuTimes) perFix(b cpuTimes, fixes int64) (client, service, database time.Duration) {
	per := func(x, y time.Duration) time.Duration {
		if x < 0 || y < 0 || fixes == 0 {
			return -1
		}
		return (y - x) / time.Duration(fixes)
	}
	return per(a.client, b.client), per(a.service, b.service), per(a.database, b.database)
}

type stat struct {
	ppid int
	cpu  time.Duration
}

// procStat reads a process's parent and CPU time (user + system) from
// /proc/PID/stat.
func procStat(pid int) (stat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, false
	}
	// the command may hold spaces and parentheses: fields follow the last ')'
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return stat{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return stat{ppid: ppid, cpu: time.Duration(utime+stime) * time.Second / hz}, true
}

// clusterCPU is the CPU time of a PostgreSQL cluster's processes alive now:
// the postmaster and its children (backends, WAL writer, checkpointer...).
func clusterCPU(postmaster int) time.Duration {
	total := time.Duration(0)
	if st, ok := procStat(postmaster); ok {
		total += st.cpu
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := procStat(pid); ok && st.ppid == postmaster {
			total += st.cpu
		}
	}
	return total
}
