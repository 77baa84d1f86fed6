package screening_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/screening"
	"warden/internal/testcorpus"
)

// footprintSeeds are corpus files and small hand-written footprints.
func footprintSeeds(tb testing.TB) map[string][]byte {
	tb.Helper()
	seeds := map[string][]byte{
		"site.wkt":     []byte("POLYGON((86 34.5, 86.1 34.5, 86.1 34.6, 86 34.5))"),
		"site.ewkt":    []byte("SRID=4490;POINT(86 34.5)"),
		"site.csv":     []byte("lon,lat\n86,34.5\n86.1,34.5\n86.1,34.6\n"),
		"gk.csv":       []byte("点号,X,Y\nJ1,3658643.18,27538039.95\nJ2,3658943.18,27538039.95\nJ3,3658943.18,27538339.95\n"),
		"site.geojson": []byte(`{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[86,34.5]}}`),
	}
	root := testcorpus.Dir(tb)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".geojson", ".json", ".kml", ".kmz":
			if b, err := os.ReadFile(p); err == nil && len(b) < 256<<10 {
				seeds[filepath.Base(p)] = b
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return seeds
}

// FuzzDecodeFile: any upload decodes into a request with features or is
// refused with a 4xx problem; it never panics. (The geometry checks that need
// PostGIS run in the tests above and in internal/api.)
func FuzzDecodeFile(f *testing.F) {
	for name, b := range footprintSeeds(f) {
		f.Add(name, b)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		req, err := screening.DecodeFile(name, data, screening.FileOptions{MaxBytes: 1 << 20, MaxVertices: 10_000})
		if err != nil {
			var p *problem.Error
			if !errors.As(err, &p) || p.Status < 400 || p.Status >= 500 || p.Detail == "" {
				t.Fatalf("%s: error %v is not a 4xx problem", name, err)
			}
			return
		}
		if len(req.Features) == 0 || req.Format == "" || req.CRS == 0 {
			t.Fatalf("%s: decoded to %d features, format %q, CRS %v", name, len(req.Features), req.Format, req.CRS)
		}
		if req.Format == string(geoio.FormatGeoJSON) && req.Doc == "" {
			t.Fatalf("%s: GeoJSON without a document type", name)
		}
	})
}
