package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"warden/internal/patrol"
	"warden/internal/problem"
)

// UploadOptions are the flags of `warden upload`.
type UploadOptions struct {
	// URL is the service's base URL; Token its bearer token.
	URL, Token string
	// The form fields of POST /api/v1/tracks; empty ones are not sent.
	Reserve, Subject, SubjectKind, Timezone, Coords string
	Permit                                          int64
	MaxSpeedKmh                                     float64
	// Progress receives the progress bar (nil: none).
	Progress io.Writer
}

// Upload sends each file to POST /api/v1/tracks, streaming it with a
// progress bar, and prints each answer's analysis to out. A refused file is
// printed as its problem and the others still go; the error then says how
// many failed.
func Upload(ctx context.Context, files []string, o UploadOptions, out io.Writer) error {
	failed := 0
	for _, f := range files {
		t, created, err := uploadFile(ctx, f, o)
		if err != nil {
			fmt.Fprintf(out, "%s: refused\n", f)
			PrintProblem(out, err)
			failed++
			continue
		}
		PrintTrack(out, f, t, created)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not uploaded", failed, len(files))
	}
	return nil
}

func uploadFile(ctx context.Context, file string, o UploadOptions) (patrol.Track, bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return patrol.Track{}, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return patrol.Track{}, false, err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeForm(mw, f, fi.Size(), filepath.Base(file), o))
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(o.URL, "/")+"/api/v1/tracks", pr)
	if err != nil {
		pr.Close()
		return patrol.Track{}, false, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if o.Token != "" {
		req.Header.Set("Authorization", "Bearer "+o.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		pr.Close()
		return patrol.Track{}, false, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return patrol.Track{}, false, err
	}
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
		return patrol.Track{}, false, answerProblem(res, body)
	}
	var t patrol.Track
	if err := json.Unmarshal(body, &t); err != nil {
		return t, false, fmt.Errorf("the answer is not a track: %w", err)
	}
	return t, res.StatusCode == http.StatusCreated, nil
}

// writeForm writes the form fields, then the file through a progress bar.
func writeForm(mw *multipart.Writer, f io.Reader, size int64, name string, o UploadOptions) error {
	fields := [][2]string{{"reserve", o.Reserve}, {"subject", o.Subject}, {"subject_kind", o.SubjectKind}, {"timezone", o.Timezone}, {"coords", o.Coords}}
	if o.Permit != 0 {
		fields = append(fields, [2]string{"permit", strconv.FormatInt(o.Permit, 10)})
	}
	if o.MaxSpeedKmh != 0 {
		fields = append(fields, [2]string{"max_speed_kmh", strconv.FormatFloat(o.MaxSpeedKmh, 'f', -1, 64)})
	}
	for _, kv := range fields {
		if kv[1] == "" {
			continue
		}
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		return err
	}
	src := f
	if o.Progress != nil {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(o.Progress), progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true), progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(o.Progress) }))
		r := progressbar.NewReader(f, bar)
		src = &r
		defer bar.Finish()
	}
	if _, err := io.Copy(fw, src); err != nil {
		return err
	}
	return mw.Close()
}

// answerProblem turns a problem+json answer into a *problem.Error.
func answerProblem(res *http.Response, body []byte) error {
	var doc struct {
		Type     string           `json:"type"`
		Title    string           `json:"title"`
		Detail   string           `json:"detail"`
		Problems []problem.Detail `json:"problems"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Detail == "" {
		return fmt.Errorf("the service answered %s", res.Status)
	}
	return &problem.Error{Status: res.StatusCode, Type: strings.TrimPrefix(doc.Type, "/problems/"), Title: doc.Title,
		Detail: fmt.Sprintf("%s (%s)", doc.Detail, res.Status), Problems: doc.Problems}
}

// PrintTrack writes an upload's analysis for a person.
func PrintTrack(w io.Writer, file string, t patrol.Track, created bool) {
	state := "stored"
	if !created {
		state = "already stored: the same file was uploaded before"
	}
	fmt.Fprintf(w, "%s: track %d %s (%s)\n", file, t.ID, state, t.Links.Self)
	c := t.Cleaning
	fmt.Fprintf(w, "  %s, %s: %d points read, %d kept", t.File.Format, humanSize(t.File.Bytes), t.Totals.PointsRead, t.Totals.PointsKept)
	var why []string
	for _, d := range []struct {
		n    int
		what string
	}{{c.Dropped.InvalidCoordinates, "invalid"}, {c.Dropped.Duplicates, "duplicates"}, {c.Dropped.TimeBackwards, "time backwards"}, {c.Dropped.SpeedOutliers, "speed outliers"}} {
		if d.n > 0 {
			why = append(why, fmt.Sprintf("%d %s", d.n, d.what))
		}
	}
	if len(why) > 0 {
		fmt.Fprintf(w, " (dropped: %s)", strings.Join(why, ", "))
	}
	fmt.Fprintf(w, ", %d segments, %d waypoints\n", t.Totals.Segments, t.Totals.Waypoints)
	reserve := "outside every reserve"
	if t.Reserve != nil {
		reserve = "reserve " + *t.Reserve
	}
	fmt.Fprintf(w, "  %s, %.2f km", reserve, t.Totals.LengthM/1000)
	if t.StartedAt != nil && t.Totals.DurationS != nil {
		fmt.Fprintf(w, ", %s to %s, %s (moving %s)", t.StartedAt.Format(time.RFC3339), t.EndedAt.Format(time.RFC3339),
			seconds(*t.Totals.DurationS), seconds(*t.Totals.MovingS))
	} else {
		fmt.Fprint(w, ", no times")
	}
	fmt.Fprintln(w)
	if tc := t.TimeCheck; tc != nil {
		fmt.Fprintf(w, "  time check (%s): %s\n", tc.Timezone, tc.Reason)
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if len(t.Visits) > 0 {
		fmt.Fprintf(w, "  zone visits (%d, %d boundary jitter):\n", len(t.Visits), t.Counts.JitterVisits)
	}
	for _, v := range t.Visits {
		when := "no times"
		if v.EnteredAt != nil && v.ExitedAt != nil {
			when = fmt.Sprintf("%s – %s (%s)", v.EnteredAt.Format(time.RFC3339), v.ExitedAt.Format(time.RFC3339), seconds(*v.DurationS))
		}
		fmt.Fprintf(w, "    %-12s %s %s %s, %.2f km, up to %.0f m inside", v.ZoneKind, v.ZoneKindZH, v.Reserve, when, v.LengthM/1000, v.MaxDepthM)
		if v.BoundaryJitter {
			fmt.Fprintf(w, " — boundary jitter: %s", v.JitterReason)
		}
		fmt.Fprintln(w)
	}
	if len(t.Observations) > 0 {
		fmt.Fprintf(w, "  observations (%d):\n", len(t.Observations))
	}
	for _, o := range t.Observations {
		where := "outside every zone"
		if o.ZoneID != 0 {
			where = fmt.Sprintf("%s %s", o.Reserve, o.ZoneKind)
		}
		fmt.Fprintf(w, "    %s %s %q, %s\n", o.Category, o.CategoryZH, o.Name, where)
	}
	if len(t.Findings) > 0 {
		fmt.Fprintf(w, "  findings (%d):\n", len(t.Findings))
	}
	for _, f := range t.Findings {
		fmt.Fprintf(w, "    %s in %s %s: %s\n", f.Kind, f.Reserve, f.ZoneKind, f.BasisEN)
	}
}

func seconds(s float64) string {
	return (time.Duration(s) * time.Second).Round(time.Second).String()
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// TokenFrom returns token, or the admin token saved in dataDir by `warden
// serve` when token is empty.
func TokenFrom(token, dataDir string) (string, error) {
	if token != "" {
		return token, nil
	}
	b, err := os.ReadFile(filepath.Join(dataDir, "admin-token"))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}
