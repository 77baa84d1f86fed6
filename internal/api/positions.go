package api

import (
	"strconv"
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
	pts = make([]orb.Point, 0, len(b)/24)
	if p.byte(']') {
		return pts, p.end()
	}
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
		if p.byte(']') {
			return pts, p.end()
		}
		if !p.byte(',') {
			return nil, false
		}
	}
}

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
