// Package testcorpus locates the third-party test corpus kept in the
// repository, in testdata/ beside this file: GPX, KML, TCX and CSV tracks,
// GeoJSON and shapefiles written by others, which the decoders, importers and
// API tests of several packages read so that they meet inputs nobody on this
// project wrote. Each folder keeps its upstream licence; testdata/SOURCES.md
// gives every source and licence. Tests need nothing outside the checkout.
package testcorpus

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Dir is the absolute path of the corpus. It fails the test when the
// directory is missing (a build with -trimpath, or a partial checkout): the
// corpus tests must never pass vacuously.
func Dir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("testcorpus: cannot tell where the package's source is")
	}
	dir := filepath.Join(filepath.Dir(file), "testdata")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		tb.Fatalf("testcorpus: the corpus %s is missing (it is part of the repository)", dir)
	}
	return dir
}

// Path is the absolute path of the corpus file rel (slash-separated, relative
// to the corpus).
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	return filepath.Join(Dir(tb), filepath.FromSlash(rel))
}

// Glob lists the corpus files matching the patterns (filepath.Match syntax,
// slash-separated, relative to the corpus), relative to the corpus, each
// pattern's matches in order.
func Glob(tb testing.TB, patterns ...string) []string {
	tb.Helper()
	root := Dir(tb)
	var rels []string
	for _, g := range patterns {
		m, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(g)))
		if err != nil {
			tb.Fatal(err)
		}
		sort.Strings(m)
		for _, p := range m {
			rel, _ := filepath.Rel(root, p)
			rels = append(rels, filepath.ToSlash(rel))
		}
	}
	return rels
}

// Shapefiles lists the corpus's shapefiles (.shp) and zipped shapefiles;
// it fails the test when there are fewer than 40 (a partial checkout).
func Shapefiles(tb testing.TB) []string {
	tb.Helper()
	rels := Glob(tb, "shp/*/*.shp", "shp/*/*/*.shp", "shp/*/*.zip", "shp/*/*/*.zip", "protected_areas/*/*.shp", "protected_areas/*/*.zip")
	if len(rels) < 40 {
		tb.Fatalf("testcorpus: only %d shapefiles and zips", len(rels))
	}
	return rels
}

// ShapefileUpload is what a client uploads for the corpus shapefile rel: a
// zip as it is, a .shp zipped with the files that share its name.
func ShapefileUpload(tb testing.TB, rel string) []byte {
	tb.Helper()
	path := Path(tb, rel)
	if strings.HasSuffix(path, ".zip") {
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	stem := strings.TrimSuffix(filepath.Base(path), ".shp") + "."
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, de := range ents {
		if !strings.HasPrefix(de.Name(), stem) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(path), de.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		w, err := zw.Create(de.Name())
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
