package patrol

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"warden/internal/geoio"
)

// The stored fixes and the raw file are written with COPY in PostgreSQL's
// binary format, streamed: a segment's EWKB is made a few thousand fixes at
// a time as the connection takes it, and the file is read from its
// temporary copy, so that neither is ever held whole in memory (as a bytea
// parameter it would be, twice).

// copyHeader starts a binary COPY stream: the signature, no flags, no
// header extension.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyTrailer ends a binary COPY stream.
var copyTrailer = []byte{0xff, 0xff}

// copyFile stores the raw file of track id from f, size bytes.
func copyFile(ctx context.Context, tx pgx.Tx, id int64, f *os.File, size int64) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("patrol: rereading the upload: %w", err)
	}
	var row copyRow
	row.start(3).int8(id).int8(size).fieldLen(int(size)) // content follows
	stream := io.MultiReader(bytes.NewReader(copyHeader), bytes.NewReader(row.b), io.LimitReader(f, size), bytes.NewReader(copyTrailer))
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, stream, `COPY track_file (track_id, bytes, content) FROM STDIN (FORMAT binary)`); err != nil {
		return fmt.Errorf("patrol: storing the file of track %d: %w", id, err)
	}
	return nil
}

// EWKB of the stored segments: little-endian, with Z, M and an SRID.
const (
	ewkbZ, ewkbM, ewkbSRID = 0x80000000, 0x40000000, 0x20000000
	ewkbPoint, ewkbLine    = 1, 2
)

// ewkbSize is the length of the EWKB of n positions of dims coordinates: a
// POINT for one, else a LINESTRING.
func ewkbSize(n, dims int) int {
	if n == 1 {
		return 1 + 4 + 4 + 8*dims
	}
	return 1 + 4 + 4 + 4 + 8*dims*n
}

// insertSegments stores the segments of track id, streamed by COPY, under
// the month of the track's fixes_end (migration 00082).
func insertSegments(ctx context.Context, tx pgx.Tx, id int64, fixesEnd time.Time, segs []geoio.Segment) error {
	err := copyIn(ctx, tx, `COPY track_segment (track_id, fixes_end, ordinal, points, geom) FROM STDIN (FORMAT binary)`, func(w io.Writer) error {
		return writeSegments(w, id, fixesEnd, segs)
	})
	if err != nil {
		return fmt.Errorf("patrol: storing the segments of track %d: %w", id, err)
	}
	return nil
}

// copyIn runs a binary COPY whose stream write writes, as the connection
// takes it.
func copyIn(ctx context.Context, tx pgx.Tx, sql string, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go func() {
		b := bufio.NewWriterSize(pw, 64<<10)
		err := write(b)
		if err == nil {
			err = b.Flush()
		}
		pw.CloseWithError(err)
	}()
	_, err := tx.Conn().PgConn().CopyFrom(ctx, pr, sql)
	pr.CloseWithError(io.ErrClosedPipe) // ends the writer if COPY stopped early
	return err
}

// writeSegments writes segs as the rows of a binary COPY into track_segment:
// each a LINESTRING ZM of Z elevation and M Unix time to the microsecond
// (NaN where the file had none), a POINT ZM for a lone fix; every row is
// filed under the track's fixesEnd.
func writeSegments(w io.Writer, id int64, fixesEnd time.Time, segs []geoio.Segment) error {
	if _, err := w.Write(copyHeader); err != nil {
		return err
	}
	var row copyRow
	var buf [32]byte
	for i := range segs {
		s := &segs[i]
		n := s.Len()
		kind := uint32(ewkbLine)
		if n == 1 {
			kind = ewkbPoint
		}
		row.start(5).int8(id).timestamptz(&fixesEnd).int4(int32(i)).int4(int32(n)).fieldLen(ewkbSize(n, 4))
		row.ewkbHead(kind|ewkbZ|ewkbM, n)
		if _, err := w.Write(row.b); err != nil {
			return err
		}
		for k := range n {
			binary.LittleEndian.PutUint64(buf[0:], math.Float64bits(s.XY[k][0]))
			binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(s.XY[k][1]))
			binary.LittleEndian.PutUint64(buf[16:], math.Float64bits(s.Ele[k]))
			binary.LittleEndian.PutUint64(buf[24:], math.Float64bits(microM(s.T[k])))
			if _, err := w.Write(buf[:]); err != nil {
				return err
			}
		}
	}
	_, err := w.Write(copyTrailer)
	return err
}

// copyRow builds the start of a binary COPY row, field by field, in
// network byte order.
type copyRow struct{ b []byte }

// start begins a row of n fields.
func (r *copyRow) start(n int) *copyRow {
	r.b = binary.BigEndian.AppendUint16(r.b[:0], uint16(n))
	return r
}

// fieldLen begins a field of n bytes (-1: NULL).
func (r *copyRow) fieldLen(n int) *copyRow {
	r.b = binary.BigEndian.AppendUint32(r.b, uint32(int32(n)))
	return r
}

func (r *copyRow) int8(v int64) *copyRow {
	r.b = binary.BigEndian.AppendUint64(r.fieldLen(8).b, uint64(v))
	return r
}

func (r *copyRow) int4(v int32) *copyRow {
	r.b = binary.BigEndian.AppendUint32(r.fieldLen(4).b, uint32(v))
	return r
}

func (r *copyRow) float8(v float64) *copyRow {
	r.b = binary.BigEndian.AppendUint64(r.fieldLen(8).b, math.Float64bits(v))
	return r
}

func (r *copyRow) text(v string) *copyRow {
	r.b = append(r.fieldLen(len(v)).b, v...)
	return r
}

func (r *copyRow) bool(v bool) *copyRow {
	var c byte
	if v {
		c = 1
	}
	r.b = append(r.fieldLen(1).b, c)
	return r
}

// nullFloat8 is a float8 field, NULL for nil.
func (r *copyRow) nullFloat8(v *float64) *copyRow {
	if v == nil {
		return r.fieldLen(-1)
	}
	return r.float8(*v)
}

// pgEpoch is PostgreSQL's epoch, 2000-01-01 UTC, in Unix microseconds.
const pgEpoch = 946_684_800_000_000

// timestamptz is a timestamptz field (microseconds since 2000), NULL for nil.
func (r *copyRow) timestamptz(t *time.Time) *copyRow {
	if t == nil {
		return r.fieldLen(-1)
	}
	r.b = binary.BigEndian.AppendUint64(r.fieldLen(8).b, uint64(t.UnixMicro()-pgEpoch))
	return r
}

// ewkbHead starts the EWKB of n positions in SRID 4326, little-endian: a
// point for one, else a line string (whose length comes first).
func (r *copyRow) ewkbHead(flags uint32, n int) *copyRow {
	r.b = append(r.b, 1)
	r.b = binary.LittleEndian.AppendUint32(r.b, flags|ewkbSRID)
	r.b = binary.LittleEndian.AppendUint32(r.b, 4326)
	if n != 1 {
		r.b = binary.LittleEndian.AppendUint32(r.b, uint32(n))
	}
	return r
}

// nullInt8 is an int8 field, NULL for nil.
func (r *copyRow) nullInt8(v *int64) *copyRow {
	if v == nil {
		return r.fieldLen(-1)
	}
	return r.int8(*v)
}

// nullText is a text field, NULL for nil.
func (r *copyRow) nullText(v *string) *copyRow {
	if v == nil {
		return r.fieldLen(-1)
	}
	return r.text(*v)
}

// textOID is the type of text array elements.
const textOID = 25

// textArray is a one-dimensional text[] field.
func (r *copyRow) textArray(vs []string) *copyRow {
	n := 12
	if len(vs) > 0 {
		n += 8
	}
	for _, v := range vs {
		n += 4 + len(v)
	}
	r.fieldLen(n)
	if len(vs) == 0 {
		r.b = binary.BigEndian.AppendUint32(r.b, 0) // no dimensions
		r.b = binary.BigEndian.AppendUint32(r.b, 0)
		r.b = binary.BigEndian.AppendUint32(r.b, textOID)
		return r
	}
	for _, v := range []uint32{1, 0, textOID, uint32(len(vs)), 1} { // dimensions, no NULLs, element type, length, lower bound
		r.b = binary.BigEndian.AppendUint32(r.b, v)
	}
	for _, v := range vs {
		r.b = append(binary.BigEndian.AppendUint32(r.b, uint32(len(v))), v...)
	}
	return r
}

// jsonb is a jsonb field holding the JSON text j (NULL for nil): format
// version 1, then the text.
func (r *copyRow) jsonb(j []byte) *copyRow {
	if j == nil {
		return r.fieldLen(-1)
	}
	r.b = append(append(r.fieldLen(1+len(j)).b, 1), j...)
	return r
}

// geom2D is a geometry field: the EWKB of a point, or of a line string of
// two or more points, in SRID 4326.
func (r *copyRow) geom2D(pts []orb.Point) *copyRow {
	kind := uint32(ewkbLine)
	if len(pts) == 1 {
		kind = ewkbPoint
	}
	r.fieldLen(ewkbSize(len(pts), 2)).ewkbHead(kind, len(pts))
	for _, p := range pts {
		r.b = binary.LittleEndian.AppendUint64(r.b, math.Float64bits(p[0]))
		r.b = binary.LittleEndian.AppendUint64(r.b, math.Float64bits(p[1]))
	}
	return r
}

// copyRows runs a binary COPY of rows built whole in memory (a few rows,
// each small).
func copyRows(ctx context.Context, tx pgx.Tx, sql string, rows [][]byte) error {
	return copyIn(ctx, tx, sql, func(w io.Writer) error {
		if _, err := w.Write(copyHeader); err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := w.Write(r); err != nil {
				return err
			}
		}
		_, err := w.Write(copyTrailer)
		return err
	})
}
