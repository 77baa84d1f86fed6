package geoio

import (
	"fmt"
	"io"

	"warden/internal/problem"
)

// Defaults for TrackOptions and FootprintOptions.
const (
	DefaultTrackMaxBytes = 50 << 20
	DefaultMaxPoints     = 2_000_000
	DefaultMaxXMLDepth   = 64
	// DefaultMaxXMLElements bounds the elements of one XML file (GPX, KML,
	// TCX): a full track of DefaultMaxPoints fixes with elevation and time
	// has about three per fix.
	DefaultMaxXMLElements      = 8_000_000
	DefaultMaxCompressionRatio = 100
	DefaultFootprintMaxBytes   = 64 << 20
	DefaultMaxVertices         = 200_000
)

// ratioFloor is how much a compressed stream must have produced before its
// compression ratio is judged: small files of repetitive XML may compress
// very well, and the first reads of a stream say little.
const ratioFloor = 1 << 20

// limitReader fails with a 413 problem once more than max bytes have been read
// through it, so that a stream is never read past its limit.
type limitReader struct {
	r    io.Reader
	n    int64 // bytes read so far
	max  int64
	what string // "the file", "the uncompressed content"...
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, l.tooLarge()
	}
	if int64(len(p)) > l.max-l.n+1 {
		p = p[:l.max-l.n+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, l.tooLarge()
	}
	return n, err
}

func (l *limitReader) tooLarge() error {
	return problem.TooLarge(fmt.Sprintf("%s is larger than the limit of %s", l.what, byteSize(l.max)))
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ratioReader reads decompressed data and fails with a 413 problem when the
// output grows beyond ratio times the compressed input read so far (a
// compression bomb), once the output exceeds ratioFloor.
type ratioReader struct {
	r     io.Reader
	in    *countReader
	out   int64
	ratio float64
	what  string
}

func (z *ratioReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.out += int64(n)
	if z.out > ratioFloor && float64(z.out) > z.ratio*float64(max(z.in.n, 1)) {
		return n, problem.TooLarge(fmt.Sprintf(
			"%s expands more than %g times (%s from %s compressed so far): refused as a compression bomb",
			z.what, z.ratio, byteSize(z.out), byteSize(z.in.n)))
	}
	return n, err
}

// byteSize writes n bytes for people: "50 MiB", "1.5 KiB", "17 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
