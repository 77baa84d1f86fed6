package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"warden/internal/problem"
	"warden/internal/zoning"
)

// GET /api/v1/locate?lon=..&lat=..[&on=YYYY-MM-DD]: which reserve and zone the
// point is in (inside=false if none) and the geodesic distance to the nearest
// zone boundary, in the zoning in force on day on (default: the current one).
func (s *Server) locateOne(c echo.Context) error {
	var p orb.Point
	for i, name := range []string{"lon", "lat"} {
		v := c.QueryParam(name)
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be a number in decimal degrees", name, v))
		}
		p[i] = f
	}
	ls, err := s.zones.LocateOn(c.Request().Context(), []orb.Point{p}, true, c.QueryParam("on"))
	if err != nil {
		return err
	}
	// Written by hand as encoding/json would write it: the single locate
	// is the hot path of live positions and geofencing clients.
	buf := locateBufs.Get().(*[]byte)
	defer locateBufs.Put(buf)
	*buf = append(appendLocation((*buf)[:0], &ls[0], nil), '\n')
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, *buf)
}

var locateBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// POST /api/v1/locate[?distance=true&on=YYYY-MM-DD], body a GeoJSON MultiPoint or a JSON
// array of [lon, lat]: {"count": n, "inside": k, "results": [...]}, one result
// per point in order; boundary distances only when asked.
func (s *Server) locateMany(c echo.Context) error {
	distance := false
	if v := c.QueryParam("distance"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("distance=%q must be true or false", v))
		}
		distance = b
	}
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	pts, err := readPoints(body)
	if err != nil {
		return err
	}
	if principalOf(c) == nil && len(pts) > maxAnonymousLocatePoints {
		return problem.TooLarge(fmt.Sprintf("the batch has %d points; without credentials the limit is %d: send it in parts, or with a token (up to %d)", len(pts), maxAnonymousLocatePoints, maxLocatePoints))
	}
	if len(pts) > maxLocatePoints {
		return problem.TooLarge(fmt.Sprintf("the batch has %d points, more than the limit of %d", len(pts), maxLocatePoints))
	}
	if principalOf(c) == nil {
		if ok, retry := s.anonymousPoints.AllowN(c.RealIP(), len(pts)); !ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.999)))
			return tooMany("this address has located its share of points a minute without credentials; send a token for more", retry)
		}
	}
	b, err := s.zones.LocateBatch(c.Request().Context(), pts, distance, c.QueryParam("on"))
	if err != nil {
		return err
	}
	return writeLocations(c.Response(), b)
}

// writeLocations streams {"count": n, "inside": k, "results": [...]} as
// encoding/json would write it, without building the whole document in
// memory: parts of locateChunk points are encoded on every processor, a few
// ahead of the one being written, and written in order.
func writeLocations(w *echo.Response, b *zoning.Batch) error {
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	head := append([]byte(`{"count":`), strconv.Itoa(b.Count)...)
	head = append(append(head, `,"inside":`...), strconv.Itoa(b.Inside)...)
	if _, err := w.Write(append(head, `,"results":[`...)); err != nil {
		return err
	}
	chunks := (b.Count + locateChunk - 1) / locateChunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	done := make([]chan []byte, chunks)
	for i := range done {
		done[i] = make(chan []byte, 1)
	}
	// A worker takes a slot before it takes the next part, so the part
	// being written always has one and is never waited on in vain.
	slots, stop := make(chan struct{}, 2*workers), make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var ls []zoning.Location
			names := map[string][]byte{}
			for {
				select {
				case slots <- struct{}{}:
				case <-stop:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				lo, hi := k*locateChunk, min((k+1)*locateChunk, b.Count)
				ls = b.Fill(ls[:0], lo, hi)
				buf := (*locateBufs.Get().(*[]byte))[:0]
				for i := range ls {
					if lo+i > 0 {
						buf = append(buf, ',')
					}
					buf = appendLocation(buf, &ls[i], names)
				}
				done[k] <- buf
			}
		})
	}
	defer wg.Wait()
	defer close(stop)
	for k := range chunks {
		buf := <-done[k]
		_, err := w.Write(buf)
		locateBufs.Put(&buf)
		<-slots
		if err != nil {
			return err
		}
	}
	_, err := w.Write([]byte("]}\n"))
	return err
}

// locateChunk is the number of points of a batch answer encoded at a time.
const locateChunk = 2048

// appendLocation appends l as encoding/json marshals a zoning.Location.
func appendLocation(b []byte, l *zoning.Location, names map[string][]byte) []byte {
	b = append(b, `{"lon":`...)
	b = appendJSONFloat(b, l.Lon)
	b = append(b, `,"lat":`...)
	b = appendJSONFloat(b, l.Lat)
	b = append(b, `,"inside":`...)
	b = strconv.AppendBool(b, l.Inside)
	if l.Reserve != "" {
		b = append(b, `,"reserve":`...)
		b = appendJSONString(b, l.Reserve, names)
	}
	if l.ZoneID != 0 {
		b = append(b, `,"zone_id":`...)
		b = strconv.AppendInt(b, l.ZoneID, 10)
	}
	if l.ZoneKind != "" {
		b = append(b, `,"zone_kind":`...)
		b = appendJSONString(b, string(l.ZoneKind), names)
	}
	if l.ZoneName != "" {
		b = append(b, `,"zone_name":`...)
		b = appendJSONString(b, l.ZoneName, names)
	}
	if l.BoundaryDistanceM != nil {
		b = append(b, `,"boundary_distance_m":`...)
		b = appendJSONFloat(b, *l.BoundaryDistanceM)
	}
	if n := l.Nearest; n != nil {
		b = append(b, `,"nearest":{"reserve":`...)
		b = appendJSONString(b, n.Reserve, names)
		b = append(b, `,"zone_id":`...)
		b = strconv.AppendInt(b, n.ZoneID, 10)
		b = append(b, `,"zone_kind":`...)
		b = appendJSONString(b, string(n.ZoneKind), names)
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 becomes e-9, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString appends s encoded by encoding/json, remembering in seen
// (if not nil) the few distinct strings (codes, kinds, zone names) a batch
// repeats.
func appendJSONString(b []byte, s string, seen map[string][]byte) []byte {
	enc, ok := seen[s]
	if !ok {
		enc, _ = json.Marshal(s) // a string always marshals
		if seen != nil {
			seen[s] = enc
		}
	}
	return append(b, enc...)
}

// readPoints reads a GeoJSON MultiPoint or a bare array of positions. It uses
// encoding/json directly (not the validating GeoJSON reader) because a batch
// may hold a million points and only this one shape is accepted.
func readPoints(body []byte) ([]orb.Point, error) {
	var raw [][]float64
	trimmed := bytes.TrimSpace(body)
	if pts, ok := fastPositions(trimmed); ok && len(pts) > 0 {
		return pts, nil
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var mp struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
			BBox        json.RawMessage `json:"bbox"`
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&mp); err != nil {
			return nil, jsonProblem(err)
		}
		if mp.Type != "MultiPoint" {
			return nil, problem.Invalid("invalid-geojson", fmt.Sprintf("type %q: send a GeoJSON MultiPoint or an array of [lon, lat]", mp.Type))
		}
		if err := json.Unmarshal(mp.Coordinates, &raw); err != nil {
			return nil, jsonProblem(err)
		}
	} else if err := json.Unmarshal(trimmed, &raw); err != nil {
		return nil, jsonProblem(err)
	}
	if len(raw) == 0 {
		return nil, problem.Invalid("invalid-point", "no points to locate")
	}
	pts := make([]orb.Point, len(raw))
	for i, r := range raw {
		if len(r) < 2 || len(r) > 3 {
			return nil, problem.Invalid("invalid-point", fmt.Sprintf("position %d has %d numbers: expected [lon, lat] or [lon, lat, elevation]", i, len(r)),
				problem.At(-1, fmt.Sprintf("[%d]", i), "expected [lon, lat]"))
		}
		pts[i] = orb.Point{r[0], r[1]}
	}
	return pts, nil
}
