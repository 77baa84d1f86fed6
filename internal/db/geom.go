package db

import (
	"database/sql"
	"database/sql/driver"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// The seam between orb geometry and PostGIS. A geometry goes to PostGIS as
// WKB in a bytea parameter, read in SQL as ST_GeomFromWKB($n, 4326) (or with
// the SRID of the coordinates the user sent, transformed there); it comes
// back selected as ST_AsBinary(...) and scanned with Scan. Both ends are orb's
// encoding/wkb Valuer and Scanner, so no store marshals WKB by hand.

// Geom is g as a bytea statement argument, in WKB; nil is NULL.
func Geom(g orb.Geometry) driver.Valuer { return wkb.Value(g) }

// Geoms is gs as one bytea[] statement argument, for unnest.
func Geoms[G orb.Geometry](gs []G) []driver.Valuer {
	out := make([]driver.Valuer, len(gs))
	for i, g := range gs {
		out[i] = wkb.Value(g)
	}
	return out
}

// Scan reads a WKB column into g: a *orb.Geometry, or a pointer to the
// orb type the column must hold (a *orb.MultiPolygon refuses a point). A
// NULL leaves g as it is.
func Scan(g any) sql.Scanner { return geomScanner{g} }

type geomScanner struct{ g any }

func (s geomScanner) Scan(src any) error {
	p, ok := s.g.(*orb.Geometry)
	if !ok {
		return wkb.Scanner(s.g).Scan(src)
	}
	sc := wkb.Scanner(nil)
	if err := sc.Scan(src); err != nil {
		return err
	}
	if sc.Valid {
		*p = sc.Geometry
	}
	return nil
}
