package geoio

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"warden/internal/problem"
)

// CRS is a coordinate reference system Warden accepts input in, by EPSG code.
// Geometry is stored in EPSG:4326; PostGIS (ST_Transform with PROJ) does the
// transformation, so this type only names and checks the system.
type CRS int

// The systems Warden knows by name.
const (
	WGS84    CRS = 4326 // GPS, GeoJSON (RFC 7946)
	CGCS2000 CRS = 4490 // China Geodetic Coordinate System 2000, geographic
)

// SRID is the PostGIS spatial reference id.
func (c CRS) SRID() int { return int(c) }

// Projected reports whether coordinates are metres (the Gauss-Krüger zones).
func (c CRS) Projected() bool { return c != WGS84 && c != CGCS2000 }

func (c CRS) String() string { return "EPSG:" + strconv.Itoa(int(c)) }

// Name describes the system for people.
func (c CRS) Name() string {
	switch {
	case c == WGS84:
		return "WGS 84 (lon/lat)"
	case c == CGCS2000:
		return "CGCS2000 (lon/lat)"
	case c >= 4491 && c <= 4501:
		return fmt.Sprintf("CGCS2000 / Gauss-Kruger zone %d (6°, zone prefix in easting)", int(c)-4491+13)
	case c >= 4502 && c <= 4512:
		return fmt.Sprintf("CGCS2000 / Gauss-Kruger CM %dE (6°)", 75+6*(int(c)-4502))
	case c >= 4513 && c <= 4533:
		return fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger zone %d (zone prefix in easting)", int(c)-4513+25)
	case c >= 4534 && c <= 4554:
		return fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger CM %dE", 75+3*(int(c)-4534))
	}
	return c.String()
}

// ParseCRS reads a CRS as users write it: "EPSG:4490", "4490",
// "urn:ogc:def:crs:EPSG::4490", "http://www.opengis.net/def/crs/EPSG/0/4490",
// or "CRS84" / OGC CRS84 URIs for WGS 84 lon/lat. An empty string is WGS 84.
// Accepted: EPSG:4326, EPSG:4490, and the CGCS2000 Gauss-Krüger systems
// EPSG:4491-4554 (6° and 3° zones, with and without zone prefix).
func ParseCRS(s string) (CRS, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return WGS84, nil
	}
	u := strings.ToUpper(t)
	switch u {
	case "CRS84", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84":
		return WGS84, nil
	}
	code := u
	for _, prefix := range []string{"EPSG:", "URN:OGC:DEF:CRS:EPSG::", "URN:OGC:DEF:CRS:EPSG:", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "HTTPS://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/"} {
		if strings.HasPrefix(u, prefix) {
			code = strings.TrimPrefix(u, prefix)
			break
		}
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return 0, unknownCRS(s)
	}
	c := CRS(n)
	if c == WGS84 || c == CGCS2000 || (n >= 4491 && n <= 4554) {
		return c, nil
	}
	return 0, unknownCRS(s)
}

func unknownCRS(s string) error {
	return problem.BadRequest("unknown-crs",
		fmt.Sprintf("unknown or unsupported CRS %q: use EPSG:4326 (WGS 84), EPSG:4490 (CGCS2000) or a CGCS2000 Gauss-Krüger code EPSG:4491-4554", s))
}

// GaussKrugerZone3 returns the CGCS2000 3-degree Gauss-Krüger system (with the
// zone number prefixed to the easting, EPSG:4513-4533) for a longitude in
// China's range (73.5°E-136.5°E); ok is false outside it.
func GaussKrugerZone3(lon float64) (CRS, bool) {
	zone := int((lon + 1.5) / 3) // zone n has central meridian 3n
	if zone < 25 || zone > 45 {
		return 0, false
	}
	return CRS(4513 + zone - 25), true
}

// CheckXY says whether a projected coordinate pair is plausible for c, to catch
// the two commonest mistakes with Chinese survey coordinates: lon/lat sent as
// Gauss-Krüger metres, and northing and easting swapped. x is the easting and y
// the northing (the GeoJSON order). It returns "" when the pair is plausible.
func (c CRS) CheckXY(x, y float64) string {
	if !c.Projected() {
		return ""
	}
	withPrefix := (c >= 4491 && c <= 4501) || (c >= 4513 && c <= 4533)
	var zone int
	switch {
	case c >= 4491 && c <= 4501:
		zone = int(c) - 4491 + 13
	case c >= 4513 && c <= 4533:
		zone = int(c) - 4513 + 25
	}
	if y < 0 || y > 10_000_000 {
		return fmt.Sprintf("northing %.2f is outside 0..10,000,000 m for %s (are X and Y swapped? GeoJSON order is easting, northing)", y, c)
	}
	if withPrefix {
		if int(x/1_000_000) != zone {
			return fmt.Sprintf("easting %.2f does not start with the zone number %d of %s (lon/lat given as metres, X and Y swapped, or the wrong zone?)", x, zone, c)
		}
		return ""
	}
	if math.Abs(x) <= 180 && math.Abs(y) <= 90 {
		return fmt.Sprintf("(%v, %v) is lon/lat, not metres of %s (lon/lat given as metres? send CGCS2000 lon/lat with crs=EPSG:4490)", x, y, c)
	}
	if x < 0 || x > 1_000_000 {
		return fmt.Sprintf("easting %.2f is outside 0..1,000,000 m for %s (a zone prefix on a CM system, X and Y swapped, or lon/lat given as metres?)", x, c)
	}
	return ""
}
