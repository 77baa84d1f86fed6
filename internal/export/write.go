package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"warden/internal/geoio"
	"warden/internal/markers"
)

// Layer is a table of features to write: its name, CRS, OGR geometry type,
// field names (at most 10 characters, the limit of a shapefile's DBF) and rows.
type Layer struct {
	Name         string
	CRS          geoio.CRS
	GeometryType string // MULTIPOLYGON or POINT
	Fields       []string
	Rows         []Row
}

// Row is one feature: its geometry and a value per field (string, float64,
// int, *string, *float64 or nil).
type Row struct {
	Geom   orb.Geometry
	Values []any
}

// ZonesLayer is the table of zones exported as reserve code's "CODE_zones".
func ZonesLayer(code string, zs []Zone, crs geoio.CRS) Layer {
	l := Layer{Name: code + "_zones", CRS: crs, GeometryType: "MULTIPOLYGON",
		Fields: []string{"reserve", "version", "kind", "kind_zh", "kind_en", "name", "name_en", "area_ha", "approved", "approval"}}
	for _, z := range zs {
		l.Rows = append(l.Rows, Row{Geom: z.Geom, Values: []any{z.Reserve, z.Version, string(z.Kind), z.Kind.ZH(), z.Kind.EN(),
			z.Name, z.NameEN, z.AreaHa, z.ApprovedOn, z.Approval}})
	}
	return l
}

// MarkersLayer is the table of markers exported as "CODE_markers".
func MarkersLayer(code string, ms []Marker, crs geoio.CRS) Layer {
	l := Layer{Name: code + "_markers", CRS: crs, GeometryType: "POINT",
		Fields: []string{"reserve", "code", "kind", "kind_zh", "status", "status_zh", "survey_crs", "survey_x", "survey_y", "installed", "inspected", "note"}}
	for _, m := range ms {
		l.Rows = append(l.Rows, Row{Geom: m.Geom, Values: []any{m.Reserve, m.Code, m.Kind, markers.Kinds[m.Kind], m.Status, markers.Statuses[m.Status],
			m.SurveyCRS, m.SurveyX, m.SurveyY, m.InstalledOn, m.LastInspectedOn, m.Note}})
	}
	return l
}

// WriteGeoJSON writes the layer as a GeoJSON FeatureCollection, its
// properties in field order. In EPSG:4326 it is RFC 7946 GeoJSON; other CRSs
// are only for GDAL's input.
func (l Layer) WriteGeoJSON(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","name":`)
	name, _ := json.Marshal(l.Name)
	b.Write(name)
	b.WriteString(`,"features":[`)
	for i, r := range l.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		g, err := geojson.NewGeometry(r.Geom).MarshalJSON()
		if err != nil {
			return err
		}
		b.WriteString(`{"type":"Feature","geometry":`)
		b.Write(g)
		b.WriteString(`,"properties":{`)
		for j, f := range l.Fields {
			if j > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(f)
			v, err := json.Marshal(r.Values[j])
			if err != nil {
				return err
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteString(`}}`)
		if b.Len() > 1<<20 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	b.WriteString("]}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// gdalWrite writes the layer as GeoJSON into a temporary directory and has
// ogr2ogr convert it to driver's format at out (relative to the directory),
// with the layer's CRS assigned (the coordinates already are in it: PostGIS
// transformed them). It calls read with the directory before removing it.
func (l Layer) gdalWrite(ctx context.Context, driver, out string, lco []string, read func(dir string) error) error {
	dir, err := os.MkdirTemp("", "warden-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in, err := os.Create(filepath.Join(dir, "in.geojson"))
	if err != nil {
		return err
	}
	if err := l.WriteGeoJSON(in); err != nil {
		in.Close()
		return err
	}
	if err := in.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(out)), 0o755); err != nil {
		return err
	}
	args := []string{"-f", driver, "-a_srs", l.CRS.String(), "-nlt", l.GeometryType, "-nln", l.Name}
	for _, o := range lco {
		args = append(args, "-lco", o)
	}
	if _, err := ogr2ogr(ctx, dir, append(args, out, "in.geojson")...); err != nil {
		if msgs, ok := gdalMessages(err); ok {
			return fmt.Errorf("export %s as %s: %v", l.Name, driver, msgs)
		}
		return err
	}
	return read(dir)
}

// Shapefile returns the layer as a zipped shapefile: NAME.shp, .shx, .dbf,
// .prj (the CRS, ESRI WKT) and .cpg (UTF-8, so Chinese text survives).
func (l Layer) Shapefile(ctx context.Context) ([]byte, error) {
	var buf bytes.Buffer
	err := l.gdalWrite(ctx, "ESRI Shapefile", filepath.Join("out", l.Name+".shp"), []string{"ENCODING=UTF-8"}, func(dir string) error {
		zw := zip.NewWriter(&buf)
		for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
			b, err := os.ReadFile(filepath.Join(dir, "out", l.Name+ext))
			if err != nil {
				return fmt.Errorf("export %s as shapefile: %w", l.Name, err)
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: l.Name + ext, Method: zip.Deflate, Modified: time.Now()})
			if err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return zw.Close()
	})
	return buf.Bytes(), err
}

// GeoPackage returns the layer as a GeoPackage file with one table.
func (l Layer) GeoPackage(ctx context.Context) ([]byte, error) {
	var out []byte
	err := l.gdalWrite(ctx, "GPKG", l.Name+".gpkg", nil, func(dir string) error {
		var err error
		out, err = os.ReadFile(filepath.Join(dir, l.Name+".gpkg"))
		return err
	})
	return out, err
}
