// Package casetest gives the tests of the packages that work cases (cases,
// grid, reports, notify) one fixture: a fresh database with the sample
// reserves, their illustrative administrative units and grids, stores on a
// clock the test moves, and helpers to open and move cases.
package casetest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/cases"
	"warden/internal/grid"
	"warden/internal/sample/sampletest"
	"warden/internal/testdb"
)

// Clock is the stores' time: the real time (the database stamps events
// with its own) moved by an offset the test sets.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.offset) }

// Set makes it t now.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.offset = time.Until(t); c.mu.Unlock() }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Beijing is the time zone of the sample Chinese reserve's cases.
var Beijing, _ = time.LoadLocation("Asia/Shanghai")

// Day is the date n days from today in Beijing, YYYY-MM-DD.
func Day(n int) string { return time.Now().In(Beijing).AddDate(0, 0, n).Format(time.DateOnly) }

// At is a time on the day n days from today, Beijing time.
func At(n, hour, minute int) time.Time {
	d := time.Now().In(Beijing).AddDate(0, 0, n)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, Beijing)
}

// ThisYear is the current year in Beijing.
func ThisYear() int { return time.Now().In(Beijing).Year() }

// CorePoint is a point well inside the Qiangtang sample's core zone, and in
// its core protection zone from 2026-06-01.
var CorePoint = [2]float64{86, 34.8}

// Fixture is a fresh database with the samples, their illustrative units
// and grids, and the case and grid stores on a settable clock.
type Fixture struct {
	T     *testing.T
	Pool  *pgxpool.Pool
	Cases *cases.Store
	Grid  *grid.Store
	Clock *Clock
}

// New makes a Fixture; the package's TestMain must call testdb.Main.
func New(t *testing.T) *Fixture {
	t.Helper()
	pool := testdb.New(t)
	clk := &Clock{}
	f := &Fixture{T: t, Pool: pool, Cases: cases.NewStore(pool, cases.Options{Now: clk.Now, MaxFileBytes: 1 << 20}), Grid: grid.NewStore(pool), Clock: clk}
	sampletest.Load(t, pool, f.Grid.LoadSample)
	return f
}

// Scalar is the one value sql selects.
func (f *Fixture) Scalar(sql string, args ...any) any {
	f.T.Helper()
	var v any
	if err := f.Pool.QueryRow(f.T.Context(), sql, args...).Scan(&v); err != nil {
		f.T.Fatalf("%s: %v", sql, err)
	}
	return v
}

// Count is the count sql selects.
func (f *Fixture) Count(sql string, args ...any) int {
	f.T.Helper()
	return int(f.Scalar(sql, args...).(int64))
}

// Move is a transition that must succeed.
func (f *Fixture) Move(c cases.Case, in cases.TransitionInput) cases.Case {
	f.T.Helper()
	in.Version = c.Version
	out, err := f.Cases.Transition(f.T.Context(), c.ID, in, "officer")
	if err != nil {
		f.T.Fatalf("%s → %s: %v", c.Status, in.To, err)
	}
	if out.Status != in.To || out.Version != c.Version+1 {
		f.T.Fatalf("%s → %s: now %s version %d", c.Status, in.To, out.Status, out.Version)
	}
	return out
}

// NewCase registers a mining case from a ministry patrol at p.
func (f *Fixture) NewCase(p [2]float64) cases.Case {
	f.T.Helper()
	loc, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": p})
	c, err := f.Cases.Create(f.T.Context(), cases.CreateInput{Source: "ministry_patrol", Location: loc, Activity: "mining", Title: "非法采矿",
		Party: &cases.Party{Name: "某矿业有限公司", Kind: "enterprise", ID: "91540000MA6T000000"}}, "officer")
	if err != nil {
		f.T.Fatal(err)
	}
	return c
}
