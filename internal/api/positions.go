package api

import (
	"runtime"
	"strconv"
	"sync"
	"unsafe"

	"github.com/paulmach/orb"
)

// fastPositions reads a JSON array of [lon, lat] or [lon, lat, elevation]
// positions without reflection: a batch locate may hold a million. It
// accepts only the plain form (numbers as JSON writes them, whitespace
// anywhere JSON allows it) and says ok only when encoding/json would decode
// the same numbers into [][]float64 without error; on anything else (null,
// strings, other lengths, numbers out of float64's range, trailing data) it
// says !ok and the caller decodes with encoding/json, which words the error.
func fastPositions(b []byte) (pts []orb.Point, ok bool) {
	p := &posScanner{b: b}
	if !p.byte('[') {
		return nil, false
	}
	if p.byte(']') {
		return []orb.Point{}, p.end()
	}
	// The positions lie between here and the closing bracket, the last
	// byte but whitespace.
	last := len(b) - 1
	for last > p.i && isSpace(b[last]) {
		last--
	}
	if b[last] != ']' {
		return nil, false
	}
	parts := splitPositions(b, p.i, last, runtime.GOMAXPROCS(0))
	got := make([][]orb.Point, len(parts)-1)
	oks := make([]bool, len(got))
	var wg sync.WaitGroup
	for k := range got {
		wg.Go(func() { got[k], oks[k] = positionList(b[parts[k][1]:parts[k+1][0]]) })
	}
	wg.Wait()
	n := 0
	for k := range got {
		if !oks[k] {
			return nil, false
		}
		n += len(got[k])
	}
	if len(got) == 1 {
		return got[0], true
	}
	pts = make([]orb.Point, 0, n)
	for _, g := range got {
		pts = append(pts, g...)
	}
	return pts, true
}

// splitPositions cuts the list of positions in b[lo:hi] into about n parts
// (a part for each 256 KiB at most), each at a bracket that closes a
// position and is followed by a comma: part k is b[cuts[k][1]:cuts[k+1][0]].
// A bracket not followed by a comma is never cut at, so the parts read
// as lists of positions exactly when the whole does.
func splitPositions(b []byte, lo, hi, n int) [][2]int {
	cuts := [][2]int{{lo, lo}}
	n = min(n, max(1, (hi-lo)>>18))
	for k := 1; k < n; k++ {
		i := max(cuts[len(cuts)-1][1], lo+(hi-lo)*k/n)
		for ; i < hi; i++ {
			if b[i] != ']' {
				continue
			}
			j := i + 1
			for j < hi && isSpace(b[j]) {
				j++
			}
			if j < hi && b[j] == ',' {
				cuts = append(cuts, [2]int{i + 1, j + 1})
				break
			}
		}
	}
	return append(cuts, [2]int{hi, hi})
}

// positionList reads b as positions separated by commas, with whitespace
// anywhere JSON allows it.
func positionList(b []byte) (pts []orb.Point, ok bool) {
	p := &posScanner{b: b}
	pts = make([]orb.Point, 0, len(b)/24+1)
	for {
		if !p.byte('[') {
			return nil, false
		}
		var pt orb.Point
		n := 0
		for {
			f, ok := p.number()
			if !ok {
				return nil, false
			}
			if n < 2 {
				pt[n] = f
			}
			n++
			if p.byte(']') {
				break
			}
			if !p.byte(',') || n == 3 {
				return nil, false
			}
		}
		if n < 2 {
			return nil, false
		}
		pts = append(pts, pt)
		if p.end() {
			return pts, true
		}
		if !p.byte(',') {
			return nil, false
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// posScanner walks a JSON text.
type posScanner struct {
	b []byte
	i int
}

func (p *posScanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c after optional whitespace, if it is next.
func (p *posScanner) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports whether only whitespace is left.
func (p *posScanner) end() bool {
	p.space()
	return p.i == len(p.b)
}

// number reads a JSON number (RFC 8259 grammar) as float64.
func (p *posScanner) number() (float64, bool) {
	p.space()
	start, b := p.i, p.b
	i := p.i
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	p.i = i
	// The bytes are only read while ParseFloat runs, and a JSON number is
	// within what ParseFloat accepts; out of range is refused, as
	// encoding/json refuses it.
	f, err := strconv.ParseFloat(unsafe.String(&b[start], i-start), 64)
	return f, err == nil
}
