package ogc

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"warden/internal/geoio"
	"warden/internal/problem"
)

// Paging limits of /items.
const (
	DefaultLimit = 10
	MaxLimit     = 10000
)

// Query is a parsed /items request.
type Query struct {
	Limit, Offset int
	// BBox is minx, miny, maxx, maxy in BBoxCRS's axis order, or nil.
	BBox    []float64
	BBoxCRS CRS
	// CRS is the CRS of the answer.
	CRS CRS
	// From and To bound the datetime filter (nil: open); Time says one was given.
	Time     bool
	From, To *time.Time
	// Filters maps property names to the value they must equal.
	Filters map[string]string
}

// ParseItemsQuery reads /items query parameters for collection c. Unknown
// parameters are refused (Part 1, /req/core/query-param-unknown), and so are
// malformed values, with a 400 that says which and why. A limit above
// MaxLimit is lowered to it (/req/core/fc-limit-response-2 permits that).
func ParseItemsQuery(c *Collection, v url.Values) (Query, error) {
	q := Query{Limit: DefaultLimit, Filters: map[string]string{}}
	var err error
	if err := known(v, c); err != nil {
		return q, err
	}
	if s := single(v, "limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, badParam("limit %q must be a whole number from 1 (at most %d are returned)", s, MaxLimit)
		}
		q.Limit = min(n, MaxLimit)
	}
	if s := single(v, "offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, badParam("offset %q must be a whole number from 0", s)
		}
		q.Offset = n
	}
	if q.CRS, err = ParseCRS("crs", single(v, "crs")); err != nil {
		return q, err
	}
	if q.BBoxCRS, err = ParseCRS("bbox-crs", single(v, "bbox-crs")); err != nil {
		return q, err
	}
	if single(v, "bbox-crs") != "" && single(v, "bbox") == "" {
		return q, badParam("bbox-crs needs a bbox")
	}
	if s := single(v, "bbox"); s != "" {
		if q.BBox, err = parseBBox(s, q.BBoxCRS); err != nil {
			return q, err
		}
	}
	if s := single(v, "datetime"); s != "" {
		if c.Time == nil {
			return q, badParam("collection %s has no time: datetime cannot be used with it", c.ID)
		}
		q.Time = true
		if q.From, q.To, err = ParseDatetime(s); err != nil {
			return q, err
		}
	}
	for _, p := range c.Properties {
		s, ok := v[p.Name]
		if !p.Filter || !ok {
			continue
		}
		if len(s) != 1 || s[0] == "" {
			return q, badParam("%s must be given once, with a value", p.Name)
		}
		val := s[0]
		if p.Parse != nil {
			if val, err = p.Parse(val); err != nil {
				return q, err
			}
		}
		q.Filters[p.Name] = val
	}
	return q, nil
}

// known refuses parameters that the API definition does not name for c.
func known(v url.Values, c *Collection) error {
	allowed := []string{"f", "limit", "offset", "bbox", "bbox-crs", "crs"}
	if c.Time != nil {
		allowed = append(allowed, "datetime")
	}
	for _, p := range c.Properties {
		if p.Filter {
			allowed = append(allowed, p.Name)
		}
	}
	var unknown []string
	for k := range v {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return badParam("unknown query parameter %s for collection %s (known: %s)", strings.Join(unknown, ", "), c.ID, strings.Join(allowed, ", "))
	}
	for _, k := range []string{"f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime"} {
		if len(v[k]) > 1 {
			return badParam("%s is given %d times: give it once", k, len(v[k]))
		}
	}
	return nil
}

// OnlyParams refuses any parameter but those named (for the routes without
// filters: the landing page, collections, a single feature).
func OnlyParams(v url.Values, names ...string) error {
	for k := range v {
		if !slices.Contains(names, k) {
			return badParam("unknown query parameter %s (known here: %s)", k, strings.Join(names, ", "))
		}
		if len(v[k]) > 1 {
			return badParam("%s is given %d times: give it once", k, len(v[k]))
		}
	}
	return nil
}

func single(v url.Values, k string) string { return strings.TrimSpace(v.Get(k)) }

func badParam(format string, args ...any) error {
	return problem.BadRequest("invalid-parameter", fmt.Sprintf(format, args...))
}

// parseBBox reads "minx,miny,maxx,maxy" (or six numbers with heights, which
// are ignored) in the axis order of crs.
func parseBBox(s string, crs CRS) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, badParam("bbox %q must be 4 numbers (lower corner, upper corner in the axis order of bbox-crs) or 6 with heights", s)
	}
	var n []float64
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, badParam("bbox %q: %q is not a number", s, p)
		}
		n = append(n, f)
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	if n[1] > n[3] {
		return nil, badParam("bbox %q: the lower corner's second coordinate is above the upper corner's", s)
	}
	if n[0] > n[2] {
		if !crs.Projected() {
			return nil, badParam("bbox %q: the lower corner's first coordinate is beyond the upper corner's (a box across the antimeridian is not supported: split it in two)", s)
		}
		return nil, badParam("bbox %q: the lower corner's first coordinate is beyond the upper corner's", s)
	}
	if crs.Projected() {
		// Northing, easting: each corner must be a plausible point of the
		// zone (PROJ cannot invert points far outside it).
		for _, c := range [][2]float64{{n[1], n[0]}, {n[3], n[2]}} {
			if r := geoio.CRS(crs.SRID()).CheckXY(c[0], c[1]); r != "" {
				return nil, badParam("bbox %q (northing,easting in %s): %s", s, crs, r)
			}
		}
	} else {
		lon0, lat0, lon1, lat1 := n[0], n[1], n[2], n[3]
		if crs.Swapped() {
			lat0, lon0, lat1, lon1 = n[0], n[1], n[2], n[3]
		}
		if lon0 < -180 || lon1 > 180 || lat0 < -90 || lat1 > 90 {
			axes := "lon,lat"
			if crs.Swapped() {
				axes = "lat,lon"
			}
			return nil, badParam("bbox %q is outside the range of %s (axis order %s)", s, crs, axes)
		}
	}
	return n, nil
}

// ParseDatetime reads a datetime parameter: an instant (RFC 3339 date-time, or
// a date for that whole day in UTC) or an interval start/end where either end
// may be open ("..", or empty). It returns the bounds (nil when open).
func ParseDatetime(s string) (from, to *time.Time, err error) {
	if !strings.Contains(s, "/") {
		t, end, err := instant(s)
		if err != nil {
			return nil, nil, err
		}
		return &t, &end, nil
	}
	a, b, _ := strings.Cut(s, "/")
	if strings.Contains(b, "/") {
		return nil, nil, badParam("datetime %q has more than one '/'", s)
	}
	if a != "" && a != ".." {
		t, _, err := instant(a)
		if err != nil {
			return nil, nil, err
		}
		from = &t
	}
	if b != "" && b != ".." {
		_, t, err := instant(b)
		if err != nil {
			return nil, nil, err
		}
		to = &t
	}
	if from == nil && to == nil {
		return nil, nil, badParam("datetime %q is open at both ends: leave it out instead", s)
	}
	if from != nil && to != nil && from.After(*to) {
		return nil, nil, badParam("datetime %q ends before it starts", s)
	}
	return from, to, nil
}

// instant reads a date-time (start = end) or a date (its first and last
// instant in UTC).
func instant(s string) (start, end time.Time, err error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, d.AddDate(0, 0, 1).Add(-time.Microsecond), nil
	}
	return start, end, badParam("datetime %q must be an RFC 3339 date-time such as 2024-05-01T08:00:00Z, a date such as 2024-05-01, or an interval start/end with .. for an open end", s)
}
