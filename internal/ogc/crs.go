package ogc

import (
	"fmt"
	"strconv"
	"strings"

	"warden/internal/geoio"
	"warden/internal/problem"
)

// CRS is a coordinate reference system of OGC API - Features Part 2: CRS84
// (lon/lat, the default) or one of the EPSG systems Warden knows (EPSG:4326,
// EPSG:4490 and the CGCS2000 Gauss-Krüger systems EPSG:4491-4554).
//
// Coordinates are written in the axis order the CRS defines (Part 2,
// /req/crs/crs-axis-order): lon/lat for CRS84; lat/lon for EPSG:4326 and
// EPSG:4490; northing/easting (X/Y of Chinese surveying) for the
// Gauss-Krüger systems. PostGIS always holds easting/longitude first, so every
// EPSG system here is written with the two axes swapped.
type CRS struct {
	// EPSG is the code; 0 is CRS84.
	EPSG int
}

// CRS84 is WGS 84 longitude/latitude, the default of OGC API - Features.
var CRS84 = CRS{}

const (
	crs84URI   = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	epsgPrefix = "http://www.opengis.net/def/crs/EPSG/0/"
)

// URI is the CRS's OGC URI, as used in crs, bbox-crs and Content-Crs.
func (c CRS) URI() string {
	if c.EPSG == 0 {
		return crs84URI
	}
	return epsgPrefix + strconv.Itoa(c.EPSG)
}

// SRID is the PostGIS SRID to transform to.
func (c CRS) SRID() int {
	if c.EPSG == 0 {
		return 4326
	}
	return c.EPSG
}

// Swapped reports whether the CRS's first axis is latitude or northing, so
// PostGIS's x/y must be swapped (ST_FlipCoordinates) on the way out and in.
func (c CRS) Swapped() bool { return c.EPSG != 0 }

// Projected reports whether coordinates are metres.
func (c CRS) Projected() bool { return geoio.CRS(c.SRID()).Projected() }

// Decimals is the number of decimals written: 7 for degrees (about 1 cm), 3
// for metres.
func (c CRS) Decimals() int {
	if c.Projected() {
		return 3
	}
	return 7
}

func (c CRS) String() string {
	if c.EPSG == 0 {
		return "CRS84"
	}
	return "EPSG:" + strconv.Itoa(c.EPSG)
}

// SupportedCRS lists every CRS the API answers in, CRS84 first.
func SupportedCRS() []CRS {
	out := []CRS{CRS84, {4326}, {4490}}
	for n := 4491; n <= 4554; n++ {
		out = append(out, CRS{n})
	}
	return out
}

// ParseCRS reads a crs or bbox-crs value: an OGC URI
// (http://www.opengis.net/def/crs/EPSG/0/4490, .../OGC/1.3/CRS84), a safe
// CURIE ([EPSG:4490], [OGC:CRS84]), a URN or a plain EPSG:4490. Empty is CRS84.
func ParseCRS(param, s string) (CRS, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimPrefix(t, "["), "]")
	switch strings.ToUpper(t) {
	case "", "CRS84", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:OGC::CRS84",
		"HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84", "HTTPS://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84":
		return CRS84, nil
	}
	c, err := geoio.ParseCRS(t)
	if err != nil {
		return CRS{}, problem.BadRequest("unknown-crs", fmt.Sprintf(
			"%s %q is not a CRS this API serves: use %s, %s4326, %s4490 or a CGCS2000 Gauss-Krüger code %s4491 to %s4554",
			param, s, crs84URI, epsgPrefix, epsgPrefix, epsgPrefix, epsgPrefix))
	}
	return CRS{c.SRID()}, nil
}
