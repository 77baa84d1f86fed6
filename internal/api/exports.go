package api

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"warden/internal/export"
	"warden/internal/geoio"
	"warden/internal/markers"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// exporter serves the file exports of zones and markers.
type exporter struct {
	store *export.Store
}

// exportRoutes mounts the exports under /api/v1 (read only).
func (s *Server) exportRoutes(v1 *echo.Group) {
	x := &exporter{store: s.export}
	v1.GET("/reserves/:code/zones.:format", x.zones)
	v1.GET("/reserves/:code/markers.:format", x.markers)
	v1.GET("/reserves/:code/markers/announcement.csv", x.announcement)
}

// exportFormats are the formats of the exports with their media types.
var exportFormats = map[string]string{
	"geojson": "application/geo+json",
	"kml":     "application/vnd.google-earth.kml+xml",
	"shp.zip": "application/zip",
	"gpkg":    "application/geopackage+sqlite3",
}

// exportRequest reads the format and crs of an export: GeoJSON and KML are
// WGS 84 lon/lat by definition; shapefiles and GeoPackages take any CRS
// Warden knows (default EPSG:4326).
func exportRequest(c echo.Context) (format string, crs geoio.CRS, err error) {
	format = c.Param("format")
	if _, ok := exportFormats[format]; !ok {
		return "", 0, &problem.Error{Status: http.StatusNotFound, Type: "not-found", Title: "Not found",
			Detail: fmt.Sprintf("no export format %q: use geojson, kml, shp.zip or gpkg", format)}
	}
	crs, err = geoio.ParseCRS(c.QueryParam("crs"))
	if err != nil {
		return "", 0, err
	}
	if (format == "geojson" || format == "kml") && crs != geoio.WGS84 {
		return "", 0, problem.BadRequest("invalid-parameter", fmt.Sprintf("%s is WGS 84 lon/lat by definition: leave crs out, or export shp.zip or gpkg in %s", format, crs))
	}
	return format, crs, nil
}

// attach writes an export as a download named name.
func attach(c echo.Context, name, typ string, body []byte) error {
	c.Response().Header().Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, typ, body)
}

// writeLayer encodes layer l (and, for KML, the styled document kmlDoc) in format.
func writeLayer(ctx context.Context, format string, l export.Layer, kmlDoc func(*bytes.Buffer) error) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "geojson":
		err := l.WriteGeoJSON(&buf)
		return buf.Bytes(), err
	case "kml":
		err := kmlDoc(&buf)
		return buf.Bytes(), err
	case "shp.zip":
		return l.Shapefile(ctx)
	}
	return l.GeoPackage(ctx)
}

// GET /api/v1/reserves/{code}/zones.{format}[?version=N&crs=EPSG:4490], format
// geojson, kml (styled by zone kind), shp.zip (with .prj and a UTF-8 .cpg)
// or gpkg: the current (or Nth) zoning as a download; crs only for shp.zip
// and gpkg; 404 for an unknown reserve, version or format.
func (x *exporter) zones(c echo.Context) error {
	format, crs, err := exportRequest(c)
	if err != nil {
		return err
	}
	version := 0
	if v := c.QueryParam("version"); v != "" {
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("version %q must be a positive whole number", v))
		}
	}
	code := c.Param("code")
	zs, err := x.store.Zones(c.Request().Context(), code, version, crs)
	if err != nil {
		return err
	}
	l := export.ZonesLayer(code, zs, crs)
	body, err := writeLayer(c.Request().Context(), format, l, func(b *bytes.Buffer) error { return export.ZonesKML(b, l.Name, zs) })
	if err != nil {
		return err
	}
	return attach(c, l.Name+"."+format, exportFormats[format], body)
}

// GET /api/v1/reserves/{code}/markers.{format}[?status=&kind=&crs=], format
// geojson, kml (styled by status), shp.zip or gpkg: the reserve's markers as a
// download; crs only for shp.zip and gpkg.
func (x *exporter) markers(c echo.Context) error {
	format, crs, err := exportRequest(c)
	if err != nil {
		return err
	}
	code := c.Param("code")
	ms, err := x.store.Markers(c.Request().Context(), code, markers.Filter{Status: c.QueryParam("status"), Kind: c.QueryParam("kind")}, crs)
	if err != nil {
		return err
	}
	l := export.MarkersLayer(code, ms, crs)
	body, err := writeLayer(c.Request().Context(), format, l, func(b *bytes.Buffer) error { return export.MarkersKML(b, l.Name, ms) })
	if err != nil {
		return err
	}
	return attach(c, l.Name+"."+format, exportFormats[format], body)
}

// GET /api/v1/reserves/{code}/markers/announcement.csv: the coordinate
// announcement table (公告坐标点位) as CSV, UTF-8 with a byte-order mark:
// code, kind, CGCS2000 lon/lat in decimal degrees and DMS, and 3-degree
// Gauss-Krüger X (northing) / Y (easting with zone prefix) per marker.
func (x *exporter) announcement(c echo.Context) error {
	code := c.Param("code")
	rows, err := x.store.Announcement(c.Request().Context(), code)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.AnnouncementCSV(&buf, rows); err != nil {
		return err
	}
	return attach(c, code+"_announcement.csv", "text/csv; charset=utf-8", buf.Bytes())
}

// isZip reports whether a Content-Type names a zip archive.
func isZip(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/zip" || mt == "application/x-zip-compressed" || mt == "application/x-zip")
}

// PUT /api/v1/reserves/{code}/zones with Content-Type application/zip, body a
// zipped shapefile (.shp, .shx, .dbf, .prj, .cpg) with one record per zone
// and the kind in an attribute (kind, 功能区, 功能分区, 类型, GNFQ):
// 201 with the new current version, like the GeoJSON upload. The CRS comes
// from the .prj (crs= only when there is none); 422 with every problem, and
// nothing stored, for a refused file.
func (s *Server) putZonesShapefile(c echo.Context) error {
	var given geoio.CRS
	if v := c.QueryParam("crs"); v != "" {
		var err error
		if given, err = geoio.ParseCRS(v); err != nil {
			return err
		}
	}
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	shp, err := export.ReadZonesShapefile(c.Request().Context(), body, export.ShapefileOptions{CRS: given})
	if err != nil {
		return err
	}
	if err := geoio.CheckFeatureLimits(shp.Features, maxZoneFeatures, maxZoneVertices); err != nil {
		return err
	}
	if shp.FromPRJ && given != 0 && given != shp.CRS {
		return problem.BadRequest("crs-mismatch", fmt.Sprintf("crs=%s disagrees with the shapefile's .prj, which says %s: leave crs out (it is only for shapefiles without a .prj)", given, shp.CRS))
	}
	v, err := s.zones.PutZones(c.Request().Context(), c.Param("code"), shp.Features, zoning.VersionInput{
		ApprovedOn: c.QueryParam("approved_on"), Approval: c.QueryParam("approval"), Note: c.QueryParam("note"), CRS: shp.CRS,
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/reserves/%s/zones?version=%d", c.Param("code"), v.Version))
	return c.JSON(http.StatusCreated, v)
}
