package api

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzFastPositions: whenever the fast reader of a batch's positions accepts
// a text, encoding/json decodes it into the same numbers without error; and
// the plain texts clients send are accepted.
func FuzzFastPositions(f *testing.F) {
	for _, s := range []string{
		`[[86,34.5],[1e-7,-2.5E+3,4800]]`, ` [ [ -0.0 , 0 ] ] `, `[]`, `[[1,2,3,4]]`, `[[1]]`, `[[1,null]]`,
		`[[1e400,2]]`, `[[01,2]]`, `[[1.,2]]`, `[[+1,2]]`, `[[1,2]] x`, `[[1,2],]`, `[["1",2]]`, `[[0x10,2]]`, `[[1_0,2]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pts, ok := fastPositions(b)
		var raw [][]float64
		err := json.Unmarshal(b, &raw)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("%q: fast reader accepted what encoding/json refuses (%v)", b, err)
		}
		if len(raw) != len(pts) {
			t.Fatalf("%q: %d positions, encoding/json %d", b, len(pts), len(raw))
		}
		for i, r := range raw {
			if len(r) < 2 || len(r) > 3 || math.Float64bits(r[0]) != math.Float64bits(pts[i][0]) || math.Float64bits(r[1]) != math.Float64bits(pts[i][1]) {
				t.Fatalf("%q: position %d is %v, encoding/json %v", b, i, pts[i], r)
			}
		}
	})
}

// TestFastPositionsAcceptsPlainBatches: what clients send takes the fast
// path (the fuzz test alone would pass if it never did).
func TestFastPositionsAcceptsPlainBatches(t *testing.T) {
	for _, s := range []string{`[[86,34.5],[1e-7,-2.5E+3,4800]]`, " [ [ -0.0 , 0 ]\n] ", `[[-179.99999999999997,89.12345678901235]]`} {
		if _, ok := fastPositions([]byte(s)); !ok {
			t.Errorf("%q: not read by the fast path", s)
		}
	}
	for _, s := range []string{`[[1,null]]`, `[[1e400,2]]`, `[[1,2,3,4]]`, `[[1]]`, `[[1,2]] x`} {
		if _, ok := fastPositions([]byte(s)); ok {
			t.Errorf("%q: read by the fast path", s)
		}
	}
}
