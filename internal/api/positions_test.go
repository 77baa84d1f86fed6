package api

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// TestFastPositionsInParts: a batch large enough to be read in parts on
// several processors reads as encoding/json reads it, whitespace and
// elevations included, and a fault anywhere in it (in any part, or where
// the parts meet) sends it to encoding/json.
func TestFastPositionsInParts(t *testing.T) {
	var b []byte
	b = append(b, "[\n"...)
	for i := range 60_000 {
		if i > 0 {
			b = append(b, []string{",", " ,\n", ",\t"}[i%3]...)
		}
		b = fmt.Appendf(b, "[%v, %v", 80+float64(i)*1e-4, 30-float64(i)*1e-5)
		if i%7 == 0 {
			b = append(b, ",4800"...)
		}
		b = append(b, " ]"...)
	}
	b = append(b, "\n] "...)
	if len(b) < 4<<18 {
		t.Fatalf("%d bytes: too few to be read in parts", len(b))
	}
	pts, ok := fastPositions(b)
	var raw [][]float64
	if err := json.Unmarshal(b, &raw); err != nil || !ok || len(pts) != len(raw) {
		t.Fatalf("fast path ok=%v with %d positions, encoding/json %d (%v)", ok, len(pts), len(raw), err)
	}
	for i, r := range raw {
		if r[0] != pts[i][0] || r[1] != pts[i][1] {
			t.Fatalf("position %d is %v, encoding/json %v", i, pts[i], r)
		}
	}
	cuts := splitPositions(b, 1, bytes.LastIndexByte(b, ']'), 4)
	if len(cuts) != 5 {
		t.Fatalf("cut into %d parts, want 4", len(cuts)-1)
	}
	for _, at := range []int{len(b) / 8, cuts[1][1] - 1, len(b) / 2, cuts[3][1] - 1} {
		// the first comma from here: one where parts meet, or within one
		i := at + bytes.IndexByte(b[at:], ',')
		for _, bad := range []string{"", ",,", "]", "x"} {
			broken := append(append(append([]byte(nil), b[:i]...), bad...), b[i+1:]...)
			if _, ok := fastPositions(broken); ok {
				t.Errorf("comma at %d replaced by %q: read by the fast path", i, bad)
			}
		}
	}
}
