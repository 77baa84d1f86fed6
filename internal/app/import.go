package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"warden/internal/export"
	"warden/internal/geoio"
	"warden/internal/markers"
	"warden/internal/problem"
	"warden/internal/sample"
	"warden/internal/zoning"
)

// ImportZones reads a GeoJSON FeatureCollection of zones from file (or a
// zipped shapefile, FILE.zip, whose .prj gives the CRS; v.CRS is assumed only
// without one) and stores it as the reserve's new current zoning version.
func ImportZones(ctx context.Context, env *Env, reserve, file string, v zoning.VersionInput) (zoning.VersionSummary, error) {
	body, err := os.ReadFile(file)
	if err != nil {
		return zoning.VersionSummary{}, err
	}
	if strings.EqualFold(filepath.Ext(file), ".zip") {
		shp, err := export.ReadZonesShapefile(ctx, body, export.ShapefileOptions{CRS: v.CRS})
		if err != nil {
			return zoning.VersionSummary{}, err
		}
		v.CRS = shp.CRS
		return env.Zones.PutZones(ctx, reserve, shp.Features, v)
	}
	feats, err := geoio.DecodeGeoJSON(body, geoio.GeoJSONOptions{Projected: v.CRS.Projected()})
	if err != nil {
		return zoning.VersionSummary{}, err
	}
	return env.Zones.PutZones(ctx, reserve, feats, v)
}

// ImportMarkers reads a GeoJSON file of markers and stores them in the reserve.
func ImportMarkers(ctx context.Context, env *Env, reserve, file string) ([]markers.Marker, error) {
	body, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	feats, err := geoio.DecodeGeoJSON(body, geoio.GeoJSONOptions{})
	if err != nil {
		return nil, err
	}
	ins, err := markers.FromFeatures(feats)
	if err != nil {
		return nil, err
	}
	return env.Markers.Create(ctx, reserve, ins)
}

// ImportReserve loads a reserve folder laid out like geodata/ (reserve.json,
// zones.geojson, markers.geojson).
func ImportReserve(ctx context.Context, env *Env, dir string) error {
	return sample.Load(ctx, env.Zones, env.Markers, os.DirFS(filepath.Dir(dir)), filepath.Base(dir), env.Grid.LoadSample)
}

// LoadSamples loads the embedded sample reserves if the database has none.
func LoadSamples(ctx context.Context, env *Env) ([]string, error) {
	return sample.LoadIfEmpty(ctx, env.Zones, env.Markers, env.Grid.LoadSample)
}

// PrintProblem writes an error for a person at a terminal, with each problem
// of a refused input on its own line.
func PrintProblem(w io.Writer, err error) {
	p, ok := problem.As(err)
	if !ok {
		fmt.Fprintln(w, "warden:", err)
		return
	}
	fmt.Fprintf(w, "warden: %s\n", p.Detail)
	for _, d := range p.Problems {
		loc := ""
		if d.Line > 0 {
			loc = fmt.Sprintf(" (line %d, column %d)", d.Line, d.Column)
		}
		if d.Location != nil {
			loc += fmt.Sprintf(" at %v", d.Location)
		}
		fmt.Fprintf(w, "  - %s%s\n", d.Reason, loc)
	}
}
