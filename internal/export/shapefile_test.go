package export

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"warden/internal/problem"
	"warden/internal/testcorpus"
)

// TestReadZonesShapefileCorpus reads every shapefile of the corpus: each is
// read (GDAL converted it) or refused with a problem saying why.
func TestReadZonesShapefileCorpus(t *testing.T) {
	converted := 0
	for _, rel := range testcorpus.Shapefiles(t) {
		b := testcorpus.ShapefileUpload(t, rel)
		shp, err := ReadZonesShapefile(context.Background(), b, ShapefileOptions{})
		if err == nil {
			converted++
			continue
		}
		p, ok := problem.As(err)
		if !ok || p.Status >= 500 || p.Detail == "" {
			t.Errorf("%s: refused without a problem: %v", rel, err)
			continue
		}
		// Refusals after GDAL's conversion say the zone kind is missing.
		if strings.Contains(p.Detail, "no zone kind attribute") {
			converted++
			if shp.Layer == "" {
				t.Errorf("%s: no layer name", rel)
			}
		}
	}
	if converted < 30 {
		t.Errorf("GDAL converted only %d corpus shapefiles", converted)
	}
}

// FuzzReadZonesShapefile feeds arbitrary zips (seeded with the corpus) to the
// reader: it must answer features or a problem, never panic or fail otherwise.
func FuzzReadZonesShapefile(f *testing.F) {
	for _, rel := range testcorpus.Shapefiles(f) {
		if b := testcorpus.ShapefileUpload(f, rel); len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadZonesShapefile(context.Background(), b, ShapefileOptions{})
		if err == nil {
			return
		}
		if p, ok := problem.As(err); !ok || p.Status >= 500 {
			t.Fatalf("not a client problem: %v", err)
		}
	})
}

func TestDBFEncoding(t *testing.T) {
	dbf := func(ldid byte, text string) []byte {
		b := make([]byte, 32+32+1)
		b[8], b[29] = byte(len(b)), ldid
		copy(b[32:], "NAME")
		b[64] = 0x0D
		return append(b, []byte(text)...)
	}
	gbk := "\xba\xcb\xd0\xc4\xc7\xf8" // 核心区 in GBK
	for _, c := range []struct {
		name   string
		cpg    string
		hasCPG bool
		dbf    []byte
		want   string
		err    string
	}{
		{"cpg utf-8", "UTF-8\r\n", true, dbf(0, gbk), "UTF-8", ""},
		{"cpg gbk", "gbk", true, dbf(0, "x"), "CP936", ""},
		{"cpg 936", "936", true, dbf(0, "x"), "CP936", ""},
		{"cpg ANSI 1250", "ANSI 1250", true, dbf(0, "x"), "CP1250", ""},
		{"cpg unknown", "KLINGON", true, dbf(0, "x"), "", "does not know"},
		{"cpg html", "<!DOCTYPE html>", true, dbf(0, "x"), "", "not an encoding name"},
		{"ldid 936", "", false, dbf(0x4D, gbk), "CP936", ""},
		{"ldid 1252 left to GDAL", "", false, dbf(0x03, "caf\xe9"), "", ""},
		{"no mark, UTF-8 text", "", false, dbf(0, "核心区"), "UTF-8", ""},
		{"no mark, GBK text", "", false, dbf(0, gbk), "CP936", ""},
		{"ANSI mark, GBK text", "", false, dbf(0x57, gbk), "CP936", ""},
	} {
		got, err := dbfEncoding("x", []byte(c.cpg), c.hasCPG, c.dbf)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestGDALCRS(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4522"}},"features":[]}`: "urn:ogc:def:crs:EPSG::4522",
		`{"type":"FeatureCollection","name":"x","features":[],"crs":{"properties":{"name":"late"}}}`:                          "",
		`{"type":"FeatureCollection","features":[]}`:                                                                          "",
		`[1,2]`: "",
	} {
		if got := gdalCRS([]byte(in)); got != want {
			t.Errorf("gdalCRS(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestReadZonesShapefileZipProblems(t *testing.T) {
	mk := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range files {
			w, _ := zw.Create(name)
			if _, err := w.Write([]byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	header := string(append(append([]byte{0, 0, 0x27, 0x0A}, make([]byte, 24)...), append([]byte{0xE8, 0x03, 0, 0}, make([]byte, 72)...)...))
	for name, c := range map[string]struct {
		body []byte
		want string
	}{
		"not a zip":      {[]byte("hello"), "not a readable zip"},
		"empty zip":      {mk(nil), "holds no .shp file (it holds nothing)"},
		"two layers":     {mk(map[string]string{"a.shp": header, "a.dbf": "", "b/B.SHP": header}), "holds 2 shapefiles (a, b/B)"},
		"no dbf":         {mk(map[string]string{"zones.shp": header, "zones.shx": ""}), "has no .dbf"},
		"garbage shp":    {mk(map[string]string{"zones.shp": "GIF89a", "zones.dbf": ""}), "is not a shapefile"},
		"macos junk":     {mk(map[string]string{"__MACOSX/._zones.shp": header, "._zones.shp": header}), "holds no .shp file"},
		"parent entry":   {mk(map[string]string{"../zones.shp": header, "../zones.dbf": ""}), `entry "../zones.`},
		"nested parent":  {mk(map[string]string{"zones.shp": header, "zones.dbf": "", "a/../../x.txt": ""}), `entry "a/../../x.txt" leaves the archive`},
		"absolute entry": {mk(map[string]string{"/tmp/zones.shp": header, "/tmp/zones.dbf": ""}), `entry "/tmp/zones.`},
		"windows entry":  {mk(map[string]string{`C:\zones.shp`: header, "zones.dbf": ""}), "leaves the archive"},
	} {
		_, err := ReadZonesShapefile(context.Background(), c.body, ShapefileOptions{})
		p, ok := problem.As(err)
		if !ok || !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %v, want a problem saying %q", name, err, c.want)
		}
	}
}
