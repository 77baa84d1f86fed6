package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/app"
	"warden/internal/testdb"
)

// TestUploadCommand runs `warden upload`'s work against a test server: two
// files, one good (printed with its analysis, progress on its own writer),
// one refused (printed as its problem), then the good one again.
func TestUploadCommand(t *testing.T) {
	pool := testdb.New(t)
	srv := httptest.NewServer(api.New(api.Config{AdminToken: "tok", Version: "test"}, pool, slog.New(slog.DiscardHandler)).Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	var gpx strings.Builder
	gpx.WriteString(`<gpx version="1.1"><wpt lat="30.05" lon="100.05"><name>发现盗伐</name></wpt><trk><trkseg>`)
	t0 := time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)
	for i := range 200 {
		fmt.Fprintf(&gpx, `<trkpt lat="30.05" lon="%.5f"><ele>1200</ele><time>%s</time></trkpt>`, 100+float64(i)*0.0001, t0.Add(time.Duration(i)*5*time.Second).Format(time.RFC3339))
	}
	gpx.WriteString(`<trkpt lat="0" lon="0"><time>2024-05-01T02:00:00Z</time></trkpt></trkseg></trk></gpx>`)
	good, bad := filepath.Join(dir, "patrol.gpx"), filepath.Join(dir, "broken.gpx")
	if err := os.WriteFile(good, []byte(gpx.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("<gpx>\n<trk>\n<trkseg></trk>"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, progress bytes.Buffer
	o := app.UploadOptions{URL: srv.URL, Token: "tok", Subject: "ranger-7", SubjectKind: "patrol", Timezone: "Asia/Shanghai", Progress: &progress}
	err := app.Upload(context.Background(), []string{good, bad}, o, &out)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 files") {
		t.Errorf("error %v, want 1 of 2 files not uploaded", err)
	}
	text := out.String()
	for _, want := range []string{
		"patrol.gpx: track 1 stored (/api/v1/tracks/1)",
		"201 points read, 200 kept (dropped: 1 invalid)",
		"outside every reserve, 1.92 km, 2024-05-01T01:00:00Z to 2024-05-01T01:16:35Z",
		"time check (Asia/Shanghai): the times are plausible",
		"logging 盗伐 \"发现盗伐\", outside every zone",
		"broken.gpx: refused",
		"not well-formed XML", "line 3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(progress.String(), "patrol.gpx") || !strings.Contains(progress.String(), "100%") {
		t.Errorf("progress bar output %q", progress.String())
	}
	out.Reset()
	if err := app.Upload(context.Background(), []string{good}, app.UploadOptions{URL: srv.URL, Token: "tok"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "track 1 already stored: the same file was uploaded before") {
		t.Errorf("second upload:\n%s", out.String())
	}
	out.Reset()
	err = app.Upload(context.Background(), []string{good}, app.UploadOptions{URL: srv.URL, Token: "wrong"}, &out)
	if err == nil || !strings.Contains(out.String(), "not valid") || !strings.Contains(out.String(), "401") {
		t.Errorf("wrong token: %v\n%s", err, out.String())
	}
}
