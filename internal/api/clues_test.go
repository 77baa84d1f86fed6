package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// multipartBody is a form of fields and one file part "file" (name, data).
func multipartBody(t *testing.T, fields [][2]string, fileField, fileName string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// send is do with a body of its own content type.
func (e *env) send(method, path string, body []byte, contentType string) *resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out := &resp{t: e.t, Status: res.StatusCode, Header: res.Header}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	out.Raw = buf.Bytes()
	if len(out.Raw) > 0 && out.Raw[0] == '{' {
		_ = json.Unmarshal(out.Raw, &out.JSON)
	}
	return out
}

// uploadClues posts a clue batch file with its source and image dates.
func (e *env) uploadClues(name string, data []byte, after string) *resp {
	e.t.Helper()
	body, ct := multipartBody(e.t, [][2]string{{"source", "省级遥感解译"}, {"imaged_before", "2025-10-01"}, {"imaged_after", after}}, "file", name, data)
	return e.send("POST", "/api/v1/clue-batches", body, ct)
}

// ogr converts a GeoJSON file with GDAL's ogr2ogr: to a GeoPackage (its
// bytes) or to a shapefile (zipped with its .prj and .cpg).
func ogr(t *testing.T, gj []byte, gpkg bool) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "in.geojson")
	if err := os.WriteFile(src, gj, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", filepath.Join(dir, "clues.shp"), src}
	if gpkg {
		args = []string{"-f", "GPKG", filepath.Join(dir, "clues.gpkg"), src}
	}
	if b, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v %s", err, b)
	}
	if gpkg {
		b, err := os.ReadFile(filepath.Join(dir, "clues.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		b, err := os.ReadFile(filepath.Join(dir, "clues"+ext))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create("clues" + ext)
		w.Write(b)
	}
	zw.Close()
	return zb.Bytes()
}

// TestClueBatchFormats: a zipped shapefile and a GeoPackage written by GDAL
// are read with their Chinese change types; the GeoPackage's repeats of the
// shapefile's detections are linked, not counted; bad files and forms are
// refused with problem+json saying where, and nothing is stored.
func TestClueBatchFormats(t *testing.T) {
	e := newEnv(t, true)
	gj := []byte(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"类型":"采石场","置信度":0.9},"geometry":{"type":"Polygon","coordinates":[[[86,34.8],[86.004,34.8],[86.004,34.804],[86,34.804],[86,34.8]]]}},
	 {"type":"Feature","properties":{"类型":"道路","置信度":0.7},"geometry":{"type":"Polygon","coordinates":[[[86.1,34.8],[86.104,34.8],[86.104,34.804],[86.1,34.804],[86.1,34.8]]]}}]}`)
	shp := e.uploadClues("clues.zip", ogr(t, gj, false), "2026-05-01").expect(201)
	if shp.get("format") != "shapefile" || shp.get("clues") != 2.0 {
		t.Fatalf("shapefile batch: %s", shp.Raw)
	}
	gp := e.uploadClues("clues.gpkg", ogr(t, gj, true), "2026-06-01").expect(201)
	if gp.get("format") != "gpkg" || gp.get("clues") != 0.0 || gp.get("linked") != 2.0 {
		t.Fatalf("GeoPackage batch: %s", gp.Raw)
	}
	list := e.do("GET", "/api/v1/clues?reserve=qiangtang&zone=core_protection", nil, true).expect(200)
	var cs []map[string]any
	if err := json.Unmarshal(list.Raw, &cs); err != nil || len(cs) != 4 || cs[0]["change_type"] != "quarry_mine" {
		t.Fatalf("clues: %v %.500s", err, list.Raw)
	}

	e.uploadClues("x.zip", []byte("PK\x03\x04 not a zip"), "2026-05-01").problem(400)
	e.uploadClues("x.bin", []byte("\x00\x01\x02 binary"), "2026-05-01").problem(415)
	e.uploadClues("x.geojson", []byte(`{"type":"Feature","properties":{"change_type":"road"},"geometry":{"type":"LineString","coordinates":[[86,34],[86.1,34]]}}`), "2026-05-01").
		problem(422, "feature 0: is a LineString")
	e.uploadClues("x.geojson", gj, "2026-13-01").problem(422, "imaged_after")
	body, ct := multipartBody(t, [][2]string{{"imaged_after", "2026-05-01"}}, "file", "x.geojson", gj)
	e.send("POST", "/api/v1/clue-batches", body, ct).problem(422, "source is required")
	var batches []any
	raw := e.do("GET", "/api/v1/clue-batches", nil, true).expect(200).Raw
	if err := json.Unmarshal(raw, &batches); err != nil || len(batches) != 2 {
		t.Fatalf("refused files stored batches: %s", raw)
	}
}
