package main_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"warden/internal/sample/sampletest"
)

// maxUploadRSS is the documented memory ceiling of the service: the peak
// resident memory of `warden serve` through a 50 MB track upload (README,
// Security, limits).
const maxUploadRSS = 300 << 20

// TestUploadMemoryCeiling uploads a 50 MB CSV track of about 1.6 million
// fixes walking back and forth through the three zones of a reserve, and
// reads the service process's peak resident memory (VmHWM) afterwards: the
// upload must be stored and analysed (hundreds of zone visits) within the
// ceiling, start-up included.
func TestUploadMemoryCeiling(t *testing.T) {
	_, data, s := startFresh(t)
	token := readToken(t, data)
	send := func(method, path, contentType string, body io.Reader) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+s.addr+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", contentType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	if code, b := send("POST", "/api/v1/reserves", "application/json",
		strings.NewReader(`{"code":"squares","name_en":"Nested squares","level":"county","zoning_scheme":"three_zone"}`)); code != 201 {
		t.Fatalf("create reserve: %d %s", code, b)
	}
	if code, b := send("PUT", "/api/v1/reserves/squares/zones?approved_on=2020-01-01", "application/geo+json", strings.NewReader(sampletest.SquaresZones)); code != 201 {
		t.Fatalf("put zones: %d %s", code, b)
	}
	before := peakRSS(t, s.cmd.Process.Pid)

	file := filepath.Join(t.TempDir(), "walk.csv")
	points := writeWalk(t, file, 50<<20-4096)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		f, err := os.Open(file)
		if err == nil {
			defer f.Close()
			for k, v := range map[string]string{"subject": "ranger-07", "subject_kind": "patrol"} {
				mw.WriteField(k, v)
			}
			var part io.Writer
			if part, err = mw.CreateFormFile("file", "walk.csv"); err == nil {
				if _, err = io.Copy(part, f); err == nil {
					err = mw.Close()
				}
			}
		}
		pw.CloseWithError(err)
	}()
	code, b := send("POST", "/api/v1/tracks", mw.FormDataContentType(), pr)
	if code != 201 {
		t.Fatalf("upload: %d %.500s", code, b)
	}
	var tr struct {
		Totals struct {
			PointsKept int `json:"points_kept"`
		} `json:"totals"`
		Counts struct {
			Visits int `json:"visits"`
		} `json:"counts"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Totals.PointsKept != points || tr.Counts.Visits < 100 {
		t.Fatalf("stored %d of %d fixes, %d visits", tr.Totals.PointsKept, points, tr.Counts.Visits)
	}
	peak := peakRSS(t, s.cmd.Process.Pid)
	t.Logf("%d fixes, %d visits: peak RSS %d MiB (%d MiB before the upload)", points, tr.Counts.Visits, peak>>20, before>>20)
	if peak > maxUploadRSS {
		t.Errorf("peak RSS %d MiB through a 50 MB upload, over the %d MiB ceiling", peak>>20, maxUploadRSS>>20)
	}
}

// writeWalk writes a CSV track of about size bytes to path: a fix a second
// moving 1 m a second east and west across the squares at 30.05°N (10 km,
// six boundary crossings, a pass), and returns the number of fixes.
func writeWalk(t *testing.T, path string, size int) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	n, _ := w.WriteString("lon,lat,time\n")
	i := 0
	const t0 = 1_777_622_400 // 2026-05-01
	for ; n < size; i++ {
		p := i % 20_000
		x := min(p, 20_000-p)
		line := fmt.Sprintf("%.6f,%.6f,%s\n", 100+float64(x)*1e-5, 30.05+float64(i%7)*1e-6, strconv.Itoa(t0+i))
		w.WriteString(line)
		n += len(line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return i
}

// peakRSS is the peak resident memory of process pid (VmHWM).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
