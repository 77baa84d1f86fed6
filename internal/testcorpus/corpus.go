// Package testcorpus locates the third-party test corpus kept in the
// repository, in testdata/ beside this file: GPX, KML, TCX and CSV tracks,
// GeoJSON and shapefiles written by others, which the decoders, importers and
// API tests of several packages read so that they meet inputs nobody on this
// project wrote. Each folder keeps its upstream licence; testdata/SOURCES.md
// gives every source and licence. Tests need nothing outside the checkout.
package testcorpus

import (
	"os"
	"path/filepath"
	"runtime"
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
