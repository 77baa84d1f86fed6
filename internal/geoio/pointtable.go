package geoio

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"warden/internal/problem"
)

// MaxPointTableRows caps the rows of a point table (one feature each).
const MaxPointTableRows = 100_000

// ReadPointTable reads a table of point features, as alert feeds deliver
// change detections: a header row, then one row per point with its longitude
// and latitude (the column names coordinate tables use: lon, longitude, 经度,
// lat, latitude, 纬度...; decimal degrees or degrees-minutes-seconds) and any
// other columns, which become the feature's properties under their header
// names. Delimiters, encodings and BOMs are sniffed as for footprint tables.
// Every fault is reported together, with its line, as a *problem.Error: a
// table without coordinate columns, a row without a usable point.
func ReadPointTable(data []byte) ([]Feature, error) {
	rows, err := tableRows(decodeText(data))
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, problem.Invalid("empty-collection", "the table is empty: it needs a header row and a row per point", problem.Detail{Line: 1, Reason: "empty table"})
	}
	header := rows[0].fields
	cols := columnRoles(header)
	lonCol, latCol := cols[colLon], cols[colLat]
	if lonCol < 0 || latCol < 0 {
		return nil, noCoordinateColumns(header, "lon, longitude, 经度", "lat, latitude, 纬度")
	}
	data2 := rows[1:]
	if len(data2) == 0 {
		return nil, problem.Invalid("empty-collection", "the table has a header but no rows", problem.Detail{Line: rows[0].line + 1, Reason: "no rows"})
	}
	if len(data2) > MaxPointTableRows {
		return nil, problem.TooLarge(fmt.Sprintf("the table has %d rows; at most %d points are read from one file", len(data2), MaxPointTableRows))
	}
	var feats []Feature
	var ps []problem.Detail
	for i, r := range data2 {
		p, reason := rowPoint(r.fields, lonCol, latCol, header)
		if reason != "" {
			if len(ps) < 50 {
				ps = append(ps, problem.Detail{Feature: &i, Line: r.line, Pointer: fmt.Sprintf("rows[%d]", i), Reason: fmt.Sprintf("line %d: %s", r.line, reason)})
			}
			continue
		}
		props := map[string]any{}
		for j, h := range header {
			h = strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")
			if j == lonCol || j == latCol || h == "" || j >= len(r.fields) {
				continue
			}
			props[h] = r.fields[j]
		}
		feats = append(feats, Feature{Index: i, Geometry: p, Properties: props})
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-point", "the table has rows without a usable point: "+problem.Summary(ps), ps...)
	}
	return feats, nil
}

// rowPoint reads a row's point, or says why it has none.
func rowPoint(fields []string, lonCol, latCol int, header []string) (orb.Point, string) {
	if lonCol >= len(fields) || latCol >= len(fields) {
		return orb.Point{}, fmt.Sprintf("the row has %d fields, fewer than the header's %d", len(fields), len(header))
	}
	lon, ok := parseDegrees(fields[lonCol])
	if !ok {
		return orb.Point{}, fmt.Sprintf("the longitude %q is not a number or an angle", fields[lonCol])
	}
	lat, ok := parseDegrees(fields[latCol])
	if !ok {
		return orb.Point{}, fmt.Sprintf("the latitude %q is not a number or an angle", fields[latCol])
	}
	if reason := lonLatReason(lon, lat); reason != "" {
		return orb.Point{}, reason
	}
	return orb.Point{lon, lat}, ""
}
