// Package export writes zones and markers in the formats GIS staff exchange
// — GeoJSON, KML styled by zone kind, zipped Shapefile, GeoPackage — and the
// boundary-marker coordinate announcement table (公告坐标点位) as CSV; and it
// reads zones from a zipped shapefile, the form in which survey institutes
// deliver boundaries.
//
// Shapefiles and GeoPackages go through GDAL's ogr2ogr (Debian gdal-bin), on
// purpose: the Go module proxy serves no well-kept pure-Go shapefile reader or
// writer (github.com/jonas-p/go-shp, github.com/twpayne/go-shapefile and
// github.com/everystreet/go-shapefile are refused) and no GeoPackage writer,
// while GDAL is the reference implementation of both formats, handles .prj
// and .cpg and DBF code pages, and is what QGIS itself uses. Each run works in
// a fresh temporary directory, under a time limit, on files this package
// wrote itself, and its output is size-checked before it is read.
package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"warden/internal/problem"
)

// gdalTimeout bounds one ogr2ogr run.
const gdalTimeout = 2 * time.Minute

// ErrNoGDAL says ogr2ogr is not installed on the server.
var ErrNoGDAL = &problem.Error{Status: http.StatusServiceUnavailable, Type: "gdal-missing", Title: "Service unavailable",
	Detail: "this format needs GDAL's ogr2ogr on the server, which is not installed (Debian package gdal-bin; `make setup` installs it)"}

// gdalError is a run of ogr2ogr that failed or warned, with GDAL's messages
// (paths inside the work directory removed).
type gdalError struct {
	msgs []string
	err  error
}

func (e *gdalError) Error() string {
	return "ogr2ogr: " + strings.Join(e.msgs, "; ") + ": " + e.err.Error()
}

func (e *gdalError) Unwrap() error { return e.err }

// ogr2ogr runs ogr2ogr with args in dir. It returns GDAL's warnings (lines
// starting "Warning") and, if it fails, a *gdalError with its error lines.
func ogr2ogr(ctx context.Context, dir string, args ...string) (warnings []string, err error) {
	bin, err := exec.LookPath("ogr2ogr")
	if err != nil {
		return nil, ErrNoGDAL
	}
	ctx, cancel := context.WithTimeout(ctx, gdalTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--config", "CPL_DEBUG", "OFF"}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	var errs []string
	for _, line := range strings.Split(out.String(), "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, dir+"/", ""))
		switch {
		case strings.HasPrefix(line, "ERROR"):
			if _, msg, ok := strings.Cut(line, ": "); ok {
				line = msg
			}
			errs = append(errs, line)
		case strings.HasPrefix(line, "Unable to open"):
			errs = append(errs, strings.TrimSuffix(line, " with the following drivers."))
		case strings.HasPrefix(line, "Warning"):
			if _, msg, ok := strings.Cut(line, ": "); ok {
				line = msg
			}
			warnings = append(warnings, line)
		}
	}
	if ctx.Err() != nil {
		return warnings, &gdalError{msgs: []string{fmt.Sprintf("it took longer than %s", gdalTimeout)}, err: ctx.Err()}
	}
	if runErr != nil {
		if len(errs) == 0 {
			errs = []string{"it failed without a message"}
		}
		return warnings, &gdalError{msgs: errs, err: runErr}
	}
	return warnings, nil
}

// gdalMessages returns the messages of a *gdalError in err, if any.
func gdalMessages(err error) ([]string, bool) {
	var ge *gdalError
	if errors.As(err, &ge) {
		return ge.msgs, true
	}
	return nil, false
}
