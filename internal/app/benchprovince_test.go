package app

import (
	"math/rand/v2"
	"regexp"
	"testing"
	"time"
)

// TestGenTrack: the generated day has rangers walking 3-10 h at a fix each
// 5-10 s, vehicles at a fix each 5 s, and visitors starting at the core.
func TestGenTrack(t *testing.T) {
	a := benchArea{code: "r", minX: 86, minY: 34, maxX: 87, maxY: 35, coreX: 86.5, coreY: 34.5}
	rng := rand.New(rand.NewPCG(1, 2))
	day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	times := regexp.MustCompile(`<time>([^<]+)</time>`)
	first := regexp.MustCompile(`lat="([0-9.]+)" lon="([0-9.]+)"`)
	kinds := map[string]int{}
	for i := range 40 {
		tr := genTrack(rng, a, i, day, "run")
		kinds[tr.kind]++
		ts := times.FindAllStringSubmatch(string(tr.gpx), -1)
		if len(ts) != tr.points || len(ts) < 100 {
			t.Fatalf("track %d: %d times for %d points", i, len(ts), tr.points)
		}
		var prev, start time.Time
		for j, m := range ts {
			at, err := time.Parse(time.RFC3339, m[1])
			if err != nil {
				t.Fatal(err)
			}
			if j == 0 {
				start = at
			} else if d := at.Sub(prev); d < 5*time.Second || d > 10*time.Second || (tr.kind == "vehicle" && d != 5*time.Second) {
				t.Fatalf("track %d (%s): a fix %v after the last", i, tr.kind, d)
			}
			prev = at
		}
		hours := prev.Sub(start).Hours()
		if tr.kind == "patrol" && (hours < 2.9 || hours > 10) || tr.kind != "patrol" && (hours < 0.9 || hours > 3) {
			t.Errorf("track %d (%s) lasts %.1f h", i, tr.kind, hours)
		}
		if tr.kind == "visitor" {
			if m := first.FindStringSubmatch(string(tr.gpx)); m == nil || m[1][:4] != "34.4" && m[1][:4] != "34.5" {
				t.Errorf("visitor %d starts at %v, not at the core", i, m)
			}
		}
	}
	if kinds["patrol"] != 34 || kinds["vehicle"] != 4 || kinds["visitor"] != 2 {
		t.Errorf("kinds %v, want 34 rangers, 4 vehicles, 2 visitors", kinds)
	}
}
