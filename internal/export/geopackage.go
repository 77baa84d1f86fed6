package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"warden/internal/geoio"
	"warden/internal/problem"
)

// MaxGeoPackageBytes caps a GeoPackage upload.
const MaxGeoPackageBytes = 256 << 20

// sqliteMagic starts every SQLite file, so every GeoPackage.
var sqliteMagic = []byte("SQLite format 3\x00")

// IsGeoPackage reports whether data starts like a GeoPackage (an SQLite file).
func IsGeoPackage(data []byte) bool { return bytes.HasPrefix(data, sqliteMagic) }

// ReadGeoPackage reads the one feature table of a GeoPackage through GDAL's
// ogr2ogr, as GeoJSON in the table's own CRS, which must be one Warden
// accepts (EPSG:4326, 4490, 4491-4554; none declared is read as EPSG:4326).
// The features are then read as strictly as any GeoJSON upload. Every
// refusal is a *problem.Error.
func ReadGeoPackage(ctx context.Context, data []byte) (Shapefile, error) {
	out := Shapefile{Layer: "geopackage", CRS: geoio.WGS84}
	if !IsGeoPackage(data) || len(data) < 100 {
		return out, problem.Invalid("invalid-geopackage", "the file is not a GeoPackage: it lacks the SQLite header")
	}
	if len(data) > MaxGeoPackageBytes {
		return out, problem.TooLarge(fmt.Sprintf("the GeoPackage exceeds %d MiB", MaxGeoPackageBytes>>20))
	}
	dir, err := os.MkdirTemp("", "warden-gpkg-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "in.gpkg"), data, 0o600); err != nil {
		return out, err
	}
	_, err = ogr2ogr(ctx, dir, "-f", "GeoJSON", "-dim", "XY", "-lco", "RFC7946=NO", "-lco", "WRITE_NAME=NO", "out.geojson", "in.gpkg")
	if msgs, ok := gdalMessages(err); ok {
		return out, problem.Invalid("invalid-geopackage", "GDAL could not read the GeoPackage (it must hold one feature table): "+strings.Join(msgs, "; "))
	} else if err != nil {
		return out, err
	}
	fi, err := os.Stat(filepath.Join(dir, "out.geojson"))
	if err != nil {
		return out, problem.Invalid("invalid-geopackage", "the GeoPackage holds no feature table")
	}
	if fi.Size() > MaxConvertedBytes {
		return out, problem.TooLarge(fmt.Sprintf("the GeoPackage is too large: as GeoJSON it exceeds %d MiB", MaxConvertedBytes>>20))
	}
	gj, err := os.ReadFile(filepath.Join(dir, "out.geojson"))
	if err != nil {
		return out, err
	}
	if !utf8.Valid(gj) {
		return out, problem.Invalid("invalid-geopackage", "the GeoPackage's text is not valid UTF-8")
	}
	if name := gdalCRS(gj); name != "" {
		c, err := geoio.ParseCRS(name)
		if err != nil {
			return out, problem.Invalid("unsupported-crs", fmt.Sprintf("the GeoPackage's table is in %s, which Warden does not accept: use EPSG:4326 (WGS 84), EPSG:4490 (CGCS2000) or a CGCS2000 Gauss-Krüger zone EPSG:4491-4554", epsgOf(name)))
		}
		out.CRS, out.FromPRJ = c, true
	}
	feats, err := geoio.DecodeGeoJSON(gj, geoio.GeoJSONOptions{Projected: out.CRS.Projected()})
	if err != nil {
		if p, ok := problem.As(err); ok {
			p.Detail = fmt.Sprintf("the GeoPackage (feature n is row n+1), read as %s: %s", out.CRS, p.Detail)
		}
		return out, err
	}
	out.Features = feats
	return out, nil
}
