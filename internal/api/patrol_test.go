package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"warden/internal/api"
	"warden/internal/geoio"
	"warden/internal/patrol"
	"warden/internal/testcorpus"
	"warden/internal/testdb"
)

// upload posts a multipart track upload: fields in order, then the file
// (unless name is empty).
func (e *env) upload(fields [][2]string, name string, data []byte, auth bool) *resp {
	e.t.Helper()
	fileField, token := "", ""
	if name != "" {
		fileField = "file"
	}
	if auth {
		token = adminToken
	}
	body, ct := multipartBody(fields, fileField, name, data)
	return roundTrip(e.t, nil, e.request(http.MethodPost, "/api/v1/tracks", token, ct, body))
}

// track decodes an answer as a track.
func (r *resp) track() patrol.Track {
	r.t.Helper()
	var tr patrol.Track
	if err := json.Unmarshal(r.Raw, &tr); err != nil {
		r.t.Fatalf("not a track: %v", err)
	}
	return tr
}

// coreTrack is a GPX track from north of the Qiangtang sample reserve south
// into its core and back, a fix a minute, with a logging waypoint in the core.
func coreTrack(t *testing.T, e *env, start time.Time) []byte {
	t.Helper()
	// the three zones in force on the track's day (version 1: the sample's
	// two zones are approved 2026-06-01)
	r := e.do("GET", "/api/v1/reserves/qiangtang/zones?version=1", nil, true).expect(200)
	var lon, lat float64
	for _, f := range r.get("features").([]any) {
		p := f.(map[string]any)["properties"].(map[string]any)
		if p["kind"] == "core" {
			// a point of the core: locate it from the zone's first vertex inwards
			ring := f.(map[string]any)["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)
			for _, c := range ring {
				lon += c.([]any)[0].(float64) / float64(len(ring))
				lat += c.([]any)[1].(float64) / float64(len(ring))
			}
		}
	}
	loc := e.do("GET", fmt.Sprintf("/api/v1/locate?lon=%v&lat=%v&on=%s", lon, lat, start.Format(time.DateOnly)), nil, true).expect(200)
	if loc.get("zone_kind") != "core" {
		t.Fatalf("the core's vertex mean %v,%v is in %v, not the core", lon, lat, loc.get("zone_kind"))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">`)
	fmt.Fprintf(&b, `<wpt lat="%v" lon="%v"><time>%s</time><name>发现盗伐</name></wpt><trk><trkseg>`, lat, lon, start.Add(time.Hour).Format(time.RFC3339))
	north := 36.9
	n := int((north - lat) / 0.009)
	for i := 0; i <= 2*n; i++ {
		k := min(i, 2*n-i)
		fmt.Fprintf(&b, `<trkpt lat="%.6f" lon="%.6f"><ele>%d</ele><time>%s</time></trkpt>`, north-float64(k)*0.009, lon+0.05*float64(i)/float64(2*n),
			4800+i%7, start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
	}
	b.WriteString(`</trkseg></trk></gpx>`)
	return b.Bytes()
}

// TestTrackAPI goes through the routes: upload, the same file again, list
// with filters, the analysis, visits, both GPX exports, permits. Reads send
// the admin token too, which every access rule lets through.
func TestTrackAPI(t *testing.T) {
	e := newEnv(t, true)
	start := time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC)
	data := coreTrack(t, e, start)
	fields := [][2]string{{"subject", "藏A12345"}, {"subject_kind", "vehicle"}, {"timezone", "Asia/Shanghai"}}
	e.upload(fields, "patrol.gpx", data, false).problem(401, "Bearer")
	r := e.upload(fields, "patrol.gpx", data, true).expect(201)
	tr := r.track()
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/tracks/%d", tr.ID) {
		t.Errorf("Location %q", loc)
	}
	if tr.Reserve == nil || *tr.Reserve != "qiangtang" || tr.Counts.Visits < 5 || tr.TimeCheck == nil || tr.TimeCheck.Shifted {
		t.Errorf("track: reserve %v, %d visits, time check %+v", tr.Reserve, tr.Counts.Visits, tr.TimeCheck)
	}
	kinds := map[string]int{}
	for _, f := range tr.Findings {
		kinds[f.Kind+"/"+string(f.ZoneKind)]++
	}
	if kinds["prohibited_entry/core"] != 1 || kinds["prohibited_entry/buffer"] != 2 || kinds["prohibited_activity/core"] != 1 {
		t.Errorf("findings %v", kinds)
	}
	// The same bytes again, even with other fields: 200, the same track.
	again := e.upload([][2]string{{"subject", "someone"}}, "copy.gpx", data, true).expect(200).track()
	if again.ID != tr.ID || again.Subject != "藏A12345" {
		t.Errorf("duplicate upload gave track %d (%s), want %d", again.ID, again.Subject, tr.ID)
	}
	list := e.do("GET", "/api/v1/tracks", nil, true).expect(200)
	if list.get("total") != 1.0 {
		t.Errorf("%v tracks after a duplicate upload, want 1", list.get("total"))
	}
	for q, want := range map[string]float64{
		"?reserve=qiangtang": 1, "?reserve=alt-pirineu": 0, "?subject=藏A12345": 1, "?subject=x": 0,
		"?from=2024-07-01&to=2024-07-01": 1, "?from=2024-07-02": 0, "?to=2024-06-30": 0, "?to=2024-07-01T02:30:00Z": 1,
	} {
		if got := e.do("GET", "/api/v1/tracks"+strings.ReplaceAll(q, "藏", "%E8%97%8F"), nil, true).expect(200).get("total"); got != want {
			t.Errorf("GET /api/v1/tracks%s: total %v, want %v", q, got, want)
		}
	}
	e.do("GET", "/api/v1/tracks?from=yesterday", nil, true).problem(400, "from")
	e.do("GET", "/api/v1/tracks?limit=5000", nil, true).problem(400, "limit")

	got := e.do("GET", tr.Links.Self, nil, true).expect(200).track()
	if got.ID != tr.ID || len(got.Visits) != len(tr.Visits) || len(got.Findings) != len(tr.Findings) || !reflect.DeepEqual(got.Totals, tr.Totals) {
		t.Errorf("GET %s differs from the upload's answer", tr.Links.Self)
	}
	vs := e.do("GET", tr.Links.Visits, nil, true).expect(200)
	if n := len(vs.get("visits").([]any)); n != len(tr.Visits) {
		t.Errorf("%d visits from %s, want %d", n, tr.Links.Visits, len(tr.Visits))
	}
	gpx := e.do("GET", tr.Links.GPX, nil, true).expect(200)
	if ct := gpx.Header.Get("Content-Type"); ct != "application/gpx+xml" {
		t.Errorf("GPX Content-Type %q", ct)
	}
	if alt := e.do("GET", fmt.Sprintf("/api/v1/tracks/%d/gpx", tr.ID), nil, true).expect(200); !bytes.Equal(alt.Raw, gpx.Raw) {
		t.Error("/tracks/{id}/gpx and /tracks/{id}.gpx differ")
	}
	back, err := geoio.ReadTrack("back.gpx", bytes.NewReader(gpx.Raw), geoio.TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	orig, err := geoio.ReadTrack("patrol.gpx", bytes.NewReader(data), geoio.TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if back.Points() != tr.Totals.PointsKept || len(back.Waypoints) != 1 || back.Points() != orig.Points() {
		t.Fatalf("export: %d points, %d waypoints; stored %d, uploaded %d", back.Points(), len(back.Waypoints), tr.Totals.PointsKept, orig.Points())
	}
	for i, f := range orig.Segments[0].Fixes() {
		g := back.Segments[0].At(i)
		if g.Lon != f.Lon || g.Lat != f.Lat || g.Ele != f.Ele || !g.Time.Equal(f.Time) {
			t.Fatalf("fix %d: exported %+v, uploaded %+v", i, g, f)
		}
	}
	e.do("GET", "/api/v1/tracks/999", nil, true).problem(404, "track")
	e.do("GET", "/api/v1/tracks/999.gpx", nil, true).problem(404, "track")
	e.do("GET", "/api/v1/tracks/abc/visits", nil, true).problem(404, "track")

	// Permits.
	body := map[string]any{"subject": "dr-li", "reserve": "qiangtang", "zone_kinds": []string{"core", "缓冲区"},
		"valid_from": "2024-07-01", "valid_to": "2024-07-10", "timezone": "Asia/Shanghai", "approval": "藏林保〔2024〕12号"}
	e.do("POST", "/api/v1/permits", body, false).problem(401)
	pr := e.do("POST", "/api/v1/permits", body, true).expect(201)
	id := pr.get("id").(float64)
	if pr.get("valid_from") != "2024-06-30T16:00:00Z" || pr.get("valid_to") != "2024-07-10T16:00:00Z" || fmt.Sprint(pr.get("zone_kinds")) != "[core buffer]" {
		t.Errorf("permit %s", pr.Raw)
	}
	if p := e.do("GET", fmt.Sprintf("/api/v1/permits/%v", id), nil, true).expect(200); p.get("subject") != "dr-li" {
		t.Errorf("GET permit: %s", p.Raw)
	}
	e.do("GET", "/api/v1/permits/77", nil, true).problem(404, "permit")
	e.do("POST", "/api/v1/permits", map[string]any{"subject": "x", "reserve": "qiangtang", "zone_kinds": []string{"peripheral"},
		"valid_from": "2024-07-01", "valid_to": "2024-07-02"}, true).problem(422, "no peripheral zones")
	e.do("POST", "/api/v1/permits", map[string]any{"subject": "x", "colour": "red"}, true).problem(400, "colour")
	// The researcher's trip under the permit, the track shifted in time so it
	// is a different file: covered, no findings but the logging observation.
	res := e.upload([][2]string{{"subject", "dr-li"}, {"subject_kind", "research_permit"}, {"permit", fmt.Sprint(id)}}, "trip.gpx",
		coreTrack(t, e, start.Add(24*time.Hour)), true).expect(201).track()
	if len(res.Findings) != 1 || res.Findings[0].Kind != "prohibited_activity" {
		t.Errorf("covered research trip: findings %+v", res.Findings)
	}
}

// TestTrackUploadRefusals: every bad upload is a 4xx problem and stores
// nothing.
func TestTrackUploadRefusals(t *testing.T) {
	pool := testdb.New(t)
	e := startAPI(t, pool, api.Config{Patrol: patrol.Options{MaxBytes: 4 << 20}}, nil)
	ok := []byte(`<gpx version="1.1"><trk><trkseg><trkpt lat="30" lon="100"><time>2024-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>`)
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`<gpx version="1.1"><trk><trkseg>`))
	zw.Write(bytes.Repeat([]byte(" "), 30<<20))
	zw.Close()
	big := append([]byte(`<gpx version="1.1"><trk><trkseg>`), bytes.Repeat([]byte(`<trkpt lat="30" lon="100"></trkpt>`), (5<<20)/30)...)
	for name, c := range map[string]struct {
		fields [][2]string
		file   string
		data   []byte
		status int
		frags  []string
	}{
		"malformed XML": {nil, "t.gpx", []byte("<gpx version=\"1.1\">\n<trk><trkseg>\n<trkpt lat=\"1\" lon=\"2\"></trkseg>"), 400, []string{"line 3"}},
		"no points":     {nil, "t.gpx", []byte(`<gpx version="1.1"><trk><trkseg><trkpt lat="0" lon="0"/></trkseg></trk></gpx>`), 422, []string{"no usable points", "0,0"}},
		"empty track":   {nil, "t.gpx", []byte(`<gpx version="1.1"><trk/></gpx>`), 422, []string{"no track points"}},
		"unknown":       {nil, "photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), 415, []string{"not recognised"}},
		"oversized":     {nil, "big.gpx", big, 413, []string{"limit"}},
		"gzip bomb":     {nil, "bomb.gpx.gz", bomb.Bytes(), 413, []string{"expands"}},
		"no file":       {[][2]string{{"subject", "x"}}, "", nil, 400, []string{`"file" part`}},
		"field after":   {nil, "t.gpx", ok, 400, []string{"after the file"}},
		"unknown field": {[][2]string{{"colour", "red"}}, "t.gpx", ok, 400, []string{"colour"}},
		"kind":          {[][2]string{{"subject_kind", "alien"}}, "t.gpx", ok, 400, []string{"subject_kind"}},
		"permit":        {[][2]string{{"permit", "abc"}}, "t.gpx", ok, 400, []string{"permit"}},
		"no permit":     {[][2]string{{"permit", "12"}}, "t.gpx", ok, 422, []string{"permit 12 does not exist"}},
		"timezone":      {[][2]string{{"timezone", "Beijing"}}, "t.gpx", ok, 400, []string{"IANA"}},
		"coords":        {[][2]string{{"coords", "bd09"}}, "t.gpx", ok, 400, []string{"gcj02"}},
		"reserve":       {[][2]string{{"reserve", "nowhere"}}, "t.gpx", ok, 422, []string{"nowhere"}},
		"speed":         {[][2]string{{"max_speed_kmh", "-3"}}, "t.gpx", ok, 400, []string{"max_speed_kmh"}},
	} {
		t.Run(name, func(t *testing.T) {
			e.t = t
			if name == "field after" {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				fw, _ := mw.CreateFormFile("file", c.file)
				fw.Write(c.data)
				mw.WriteField("subject", "late")
				mw.Close()
				e.doType("POST", "/api/v1/tracks", mw.FormDataContentType(), b.Bytes()).problem(c.status, c.frags...)
				return
			}
			e.upload(c.fields, c.file, c.data, true).problem(c.status, c.frags...)
		})
	}
	e.t = t
	e.do("POST", "/api/v1/tracks", `{"type":"LineString"}`, true).problem(415, "multipart/form-data")
	// A body cut short in the middle of the file.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "t.gpx")
	fw.Write(bytes.Repeat(ok, 20))
	mw.Close()
	if res := e.doType("POST", "/api/v1/tracks", mw.FormDataContentType(), b.Bytes()[:b.Len()/2]); res.Status != 400 || !strings.Contains(string(res.Raw), "multipart body could not be read") {
		t.Errorf("cut-short body: %d %s", res.Status, res.Raw)
	}
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM track) + (SELECT count(*) FROM track_file) + (SELECT count(*) FROM track_segment)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows stored by refused uploads (%v)", n, err)
	}
}

// trackCorpusDirs are the corpus folders of GPX, KML, TCX and CSV tracks.
var trackCorpusDirs = []string{"gpx", "kml", "tcx", "tracks-csv"}

// TestTrackCorpus uploads every GPX, KML, TCX and CSV file of the test
// corpus: each is stored, with the counts geoio reads and cleaning's counts
// adding up, or refused with a 4xx problem saying why; none is a 500. The
// same file twice (the corpus has copies) is the same track.
func TestTrackCorpus(t *testing.T) {
	e := newEnv(t, true)
	root := testcorpus.Dir(t)
	var files []string
	for _, d := range trackCorpusDirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			base := strings.ToUpper(de.Name())
			if !de.IsDir() && !strings.HasPrefix(base, "LICENSE") && !strings.HasPrefix(base, "README") && !strings.HasPrefix(base, "NOTICE") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(files)
	if len(files) < 100 {
		t.Fatalf("only %d track files in the corpus", len(files))
	}
	stored, dup, refused := 0, 0, map[string]int{}
	seen := map[string]int64{}
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r := e.upload([][2]string{{"subject", "corpus"}}, filepath.Base(p), data, true)
		switch {
		case r.Status >= 500:
			t.Errorf("%s: %d %s", rel, r.Status, r.Raw)
		case r.Status >= 400:
			r.problem(r.Status)
			refused[fmt.Sprint(r.Status, " ", r.JSON["type"])]++
			t.Logf("%s: refused %d %v: %v", rel, r.Status, r.JSON["type"], r.JSON["detail"])
		default:
			tr := r.track()
			want, err := geoio.ReadTrack(filepath.Base(p), bytes.NewReader(data), geoio.TrackOptions{})
			if err != nil {
				t.Errorf("%s: stored, but geoio refuses it: %v", rel, err)
				continue
			}
			c := tr.Cleaning
			if tr.Totals.PointsRead != want.Points() || tr.Totals.PointsKept+c.DroppedTotal != want.Points() ||
				tr.Totals.Waypoints+c.WaypointsDropped != len(want.Waypoints) || tr.File.Format != want.Format {
				t.Errorf("%s: read %d points (kept %d, dropped %d), %d waypoints (%d dropped), %s; geoio reads %d points, %d waypoints, %s",
					rel, tr.Totals.PointsRead, tr.Totals.PointsKept, c.DroppedTotal, tr.Totals.Waypoints, c.WaypointsDropped, tr.File.Format,
					want.Points(), len(want.Waypoints), want.Format)
			}
			if math.IsNaN(tr.Totals.LengthM) || tr.Totals.LengthM < 0 {
				t.Errorf("%s: length %v", rel, tr.Totals.LengthM)
			}
			if r.Status == 200 {
				dup++
				if id, ok := seen[tr.File.SHA256]; !ok || id != tr.ID {
					t.Errorf("%s: 200 for a file not seen before", rel)
				}
				continue
			}
			seen[tr.File.SHA256] = tr.ID
			stored++
			t.Logf("%s: stored %s, %d of %d points kept, %d waypoints, %d visits", rel, tr.File.Format, tr.Totals.PointsKept, tr.Totals.PointsRead, tr.Totals.Waypoints, tr.Counts.Visits)
		}
	}
	t.Logf("%d files: %d stored, %d duplicates of earlier files, refused %v", len(files), stored, dup, refused)
	if stored < len(files)/2 {
		t.Errorf("only %d of %d corpus files stored", stored, len(files))
	}
}
