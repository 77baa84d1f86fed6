package screening

import (
	"encoding/json"
	"path"
	"strings"

	"warden/internal/geoio"
)

// FileOptions says how to read a footprint file.
type FileOptions struct {
	// CRS of the coordinates; zero lets the file say (an EWKT SRID), else
	// WGS 84. A file that names another CRS than a given one is refused.
	CRS geoio.CRS
	// Shape says what a CSV coordinate table draws: polygon (default), line or points.
	Shape       string
	MaxBytes    int64
	MaxVertices int
}

// DecodeFile reads an uploaded footprint file — GeoJSON, KML, KMZ, WKT or
// EWKT, a CSV coordinate table, each possibly gzip-compressed — with
// geoio.ReadFootprintCRS into a Request's Features, CRS, Doc, Format and
// FileName (the caller adds activity and project).
func DecodeFile(name string, data []byte, opts FileOptions) (Request, error) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if base == "." || base == "/" {
		base = ""
	}
	req := Request{FileName: base}
	feats, crs, err := geoio.ReadFootprintCRS(base, data, geoio.FootprintOptions{
		CRS: opts.CRS, Shape: opts.Shape, MaxBytes: opts.MaxBytes, MaxVertices: opts.MaxVertices,
	})
	if err != nil {
		return req, err
	}
	req.Features, req.CRS = feats, crs
	req.Format = string(geoio.DetectFormat(base, data[:min(len(data), 4096)]))
	if req.Format == string(geoio.FormatGeoJSON) {
		req.Doc = GeoJSONDoc(data)
	}
	return req, nil
}

// GeoJSONDoc is the "type" of a GeoJSON document ("FeatureCollection",
// "Feature", a geometry type), or "" if it has none.
func GeoJSONDoc(data []byte) string {
	var v struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	return v.Type
}
