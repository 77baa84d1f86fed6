package geoio_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"warden/internal/geoio"
	"warden/internal/problem"
)

func TestParseCRS(t *testing.T) {
	ok := []struct {
		in   string
		want geoio.CRS
	}{
		{"", geoio.WGS84},
		{"   ", geoio.WGS84},
		{"EPSG:4326", geoio.WGS84},
		{"CRS84", geoio.WGS84},
		{"OGC:CRS84", geoio.WGS84},
		{"urn:ogc:def:crs:OGC:1.3:CRS84", geoio.WGS84},
		{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", geoio.WGS84},
		{"EPSG:4490", geoio.CGCS2000},
		{"epsg:4490", geoio.CGCS2000},
		{" EPSG:4490 ", geoio.CGCS2000},
		{"4490", geoio.CGCS2000},
		{"urn:ogc:def:crs:EPSG::4513", 4513},
		{"urn:ogc:def:crs:EPSG:4513", 4513},
		{"http://www.opengis.net/def/crs/EPSG/0/4549", 4549},
		{"https://www.opengis.net/def/crs/EPSG/0/4549", 4549},
		{"EPSG:4491", 4491},
		{"EPSG:4554", 4554},
		{"EPSG:4515", 4515},
	}
	for _, c := range ok {
		got, err := geoio.ParseCRS(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseCRS(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"EPSG:3857", "foo", "EPSG:", "EPSG:4490.5", "EPSG:4490x", "EPSG:4555", "EPSG:4325", "EPSG:-4326", "EPSG:9999", "urn:ogc:def:crs:EPSG::3857", "CRS83"} {
		got, err := geoio.ParseCRS(in)
		if err == nil {
			t.Errorf("ParseCRS(%q) = %v, want an error", in, got)
			continue
		}
		var pe *problem.Error
		if !errors.As(err, &pe) {
			t.Errorf("ParseCRS(%q): %T is not a *problem.Error", in, err)
			continue
		}
		if pe.Status != 400 || pe.Type != "unknown-crs" {
			t.Errorf("ParseCRS(%q): status %d type %q, want 400 unknown-crs", in, pe.Status, pe.Type)
		}
		for _, f := range []string{in, "EPSG:4326", "EPSG:4490", "EPSG:4491-4554"} {
			if !strings.Contains(pe.Detail, f) {
				t.Errorf("ParseCRS(%q): detail %q does not mention %q", in, pe.Detail, f)
			}
		}
	}
}

func TestCRSNameAndProjected(t *testing.T) {
	cases := []struct {
		c         geoio.CRS
		name      string
		projected bool
	}{
		{geoio.WGS84, "WGS 84 (lon/lat)", false},
		{geoio.CGCS2000, "CGCS2000 (lon/lat)", false},
		{4491, "CGCS2000 / Gauss-Kruger zone 13 (6°, zone prefix in easting)", true},
		{4501, "CGCS2000 / Gauss-Kruger zone 23 (6°, zone prefix in easting)", true},
		{4502, "CGCS2000 / Gauss-Kruger CM 75E (6°)", true},
		{4512, "CGCS2000 / Gauss-Kruger CM 135E (6°)", true},
		{4513, "CGCS2000 / 3-degree Gauss-Kruger zone 25 (zone prefix in easting)", true},
		{4515, "CGCS2000 / 3-degree Gauss-Kruger zone 27 (zone prefix in easting)", true},
		{4527, "CGCS2000 / 3-degree Gauss-Kruger zone 39 (zone prefix in easting)", true},
		{4533, "CGCS2000 / 3-degree Gauss-Kruger zone 45 (zone prefix in easting)", true},
		{4534, "CGCS2000 / 3-degree Gauss-Kruger CM 75E", true},
		{4549, "CGCS2000 / 3-degree Gauss-Kruger CM 120E", true},
		{4554, "CGCS2000 / 3-degree Gauss-Kruger CM 135E", true},
	}
	for _, c := range cases {
		if got := c.c.Name(); got != c.name {
			t.Errorf("%v.Name() = %q, want %q", c.c, got, c.name)
		}
		if got := c.c.Projected(); got != c.projected {
			t.Errorf("%v.Projected() = %v", c.c, got)
		}
		if c.c.SRID() != int(c.c) || c.c.String() != "EPSG:"+strconv.Itoa(int(c.c)) {
			t.Errorf("%v: SRID %d, String %q", int(c.c), c.c.SRID(), c.c.String())
		}
	}
	if got := geoio.CRS(3857).Name(); got != "EPSG:3857" {
		t.Errorf("unknown CRS Name() = %q", got)
	}
}

func TestGaussKrugerZone3(t *testing.T) {
	cases := []struct {
		lon  float64
		want geoio.CRS
		ok   bool
	}{
		{81.4, 4515, true},   // zone 27, CM 81°E (Qiangtang's west)
		{117, 4527, true},    // zone 39, CM 117°E (Beijing)
		{118.49, 4527, true}, // still zone 39
		{118.51, 4528, true}, // zone 40
		{75, 4513, true},     // zone 25, the westmost
		{73.6, 4513, true},   // Xinjiang's western tip
		{135, 4533, true},    // zone 45, the eastmost
		{73.4, 0, false},     // west of zone 25
		{137, 0, false},      // east of zone 45
		{10, 0, false},       // Europe
		{-100, 0, false},     // America
		{0, 0, false},
	}
	for _, c := range cases {
		got, ok := geoio.GaussKrugerZone3(c.lon)
		if ok != c.ok || got != c.want {
			t.Errorf("GaussKrugerZone3(%v) = %v, %v; want %v, %v", c.lon, got, ok, c.want, c.ok)
		}
		if ok && !got.Projected() {
			t.Errorf("GaussKrugerZone3(%v) = %v is not projected", c.lon, got)
		}
	}
}

func TestCheckXY(t *testing.T) {
	cases := []struct {
		name     string
		c        geoio.CRS
		x, y     float64
		fragment string // "" when the pair is plausible
	}{
		{"zone 39 near Beijing", 4527, 39_500_000, 4_400_000, ""},
		{"zone 27 in Tibet", 4515, 27_480_000, 3_900_000, ""},
		{"6° zone 20", 4498, 20_400_000, 4_000_000, ""},
		{"CM 117E near Beijing", 4548, 500_000, 4_400_000, ""},
		{"6° CM 111E", 4508, 450_000, 4_400_000, ""},
		{"lon/lat as metres, zone 39", 4527, 117.2, 39.9, "does not start with the zone number 39"},
		{"swapped, zone 39", 4527, 4_400_000, 39_500_000, "are X and Y swapped"},
		{"wrong zone", 4527, 38_500_000, 4_400_000, "zone number 39"},
		{"swapped, CM 117E", 4548, 4_400_000, 500_000, "easting 4400000.00 is outside 0..1,000,000 m"},
		{"zone prefix on a CM system", 4548, 39_500_000, 4_400_000, "a zone prefix on a CM system"},
		{"negative northing", 4527, 39_500_000, -5, "northing -5.00 is outside"},
		{"lon/lat as metres, CM 117E", 4548, 117.2, 39.9, "lon/lat given as metres"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.c.CheckXY(c.x, c.y)
			if c.fragment == "" {
				if got != "" {
					t.Fatalf("%v.CheckXY(%v, %v) = %q, want plausible", c.c, c.x, c.y, got)
				}
				return
			}
			if !strings.Contains(got, c.fragment) {
				t.Fatalf("%v.CheckXY(%v, %v) = %q, want it to mention %q", c.c, c.x, c.y, got, c.fragment)
			}
			if !strings.Contains(got, c.c.String()) {
				t.Fatalf("%q does not name %v", got, c.c)
			}
		})
	}
	for _, c := range []geoio.CRS{geoio.WGS84, geoio.CGCS2000} {
		if got := c.CheckXY(117, 39); got != "" {
			t.Errorf("%v.CheckXY on lon/lat = %q, want no check", c, got)
		}
	}
}
