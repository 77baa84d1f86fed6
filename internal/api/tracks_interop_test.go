package api_test

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"warden/internal/geoio"
	"warden/internal/patrol"
)

// userToken makes a user with roles (limited to reserves, if any) and
// returns an API token of theirs.
func (e *env) userToken(name string, roles []string, reserves ...string) string {
	e.t.Helper()
	body := map[string]any{"name": name, "roles": roles, "password": "correct horse battery"}
	if len(reserves) > 0 {
		body["reserves"] = reserves
	}
	e.do("POST", "/api/v1/users", body, true).expect(201)
	tok, _ := e.do("POST", "/api/v1/tokens", map[string]any{"user": name, "name": "test"}, true).expect(201).get("token").(string)
	if tok == "" {
		e.t.Fatalf("no token for %s", name)
	}
	return tok
}

// patrolFixture is the sample reserves with two patrol tracks into
// Qiangtang's core (ranger-a's and ranger-b's), and tokens of ranger-a, an
// officer limited to Alt Pirineu and a viewer.
type patrolFixture struct {
	*env
	a, b                      patrol.Track
	ranger, officerAP, viewer string
	// tile is a zoom-6 tile that both tracks cross.
	tile maptile.Tile
}

func newPatrolFixture(t *testing.T) *patrolFixture {
	t.Helper()
	e := newEnv(t, true)
	start := time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC)
	f := &patrolFixture{env: e}
	f.a = e.upload([][2]string{{"subject", "ranger-a"}, {"subject_kind", "patrol"}}, "a.gpx", coreTrack(t, e, start), true).expect(201).track()
	f.b = e.upload([][2]string{{"subject", "ranger-b"}, {"subject_kind", "visitor"}}, "b.gpx", coreTrack(t, e, start.Add(48*time.Hour)), true).expect(201).track()
	if len(f.a.Visits) == 0 {
		t.Fatal("the core track has no visits")
	}
	f.tile = maptile.At(orb.Point(f.a.Visits[0].Entry), 6)
	f.ranger = e.userToken("ranger-a", []string{"ranger"})
	f.officerAP = e.userToken("officer-ap", []string{"officer"}, "alt-pirineu")
	f.viewer = e.userToken("viewer-1", []string{"viewer"})
	return f
}

// trackIDs decodes a tracks tile into its track ids.
func trackIDs(t *testing.T, r *resp) []int64 {
	t.Helper()
	if r.Status == http.StatusNoContent {
		return nil
	}
	ls, err := mvt.Unmarshal(r.Raw)
	if err != nil || len(ls) != 1 || ls[0].Name != "tracks" {
		t.Fatalf("not a tracks tile: %v (%d layers)", err, len(ls))
	}
	var ids []int64
	for _, f := range ls[0].Features {
		ids = append(ids, int64(f.Properties["track"].(float64)))
	}
	return ids
}

// TestTrackTilesAccess: the tracks and observations tile layers follow the
// read rule of GET /api/v1/tracks — not for anonymous visitors or viewers,
// every track for an admin, their own for a ranger, their reserves' for a
// limited officer — in the layer list, TileJSON and tiles, cached privately.
func TestTrackTilesAccess(t *testing.T) {
	f := newPatrolFixture(t)
	path := fmt.Sprintf("/tiles/tracks/%d/%d/%d.mvt", f.tile.Z, f.tile.X, f.tile.Y)

	names := func(token string) string {
		var out []string
		for _, l := range f.getAs(token, "/tiles").expect(200).get("layers").([]any) {
			out = append(out, l.(map[string]any)["name"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := names(""); got != "zones,reserves,markers,basemap" {
		t.Errorf("anonymous layer list %s", got)
	}
	if got := names(f.viewer); got != "zones,reserves,markers,cases,clues,basemap" {
		t.Errorf("a viewer's layer list %s", got)
	}
	if got := names(f.ranger); got != "zones,reserves,markers,tracks,observations,basemap" {
		t.Errorf("a ranger's layer list %s", got)
	}
	for _, tok := range []string{adminToken, f.officerAP} {
		if got := names(tok); got != "zones,reserves,markers,tracks,observations,cases,clues,basemap" {
			t.Errorf("layer list %s", got)
		}
	}
	f.getAs("", path).problem(401, "tile layer tracks is not public")
	f.getAs("", "/tiles/observations.json").problem(401, "not public")
	f.getAs(f.viewer, path).problem(403, "tracks:read")
	f.getAs(f.viewer, "/tiles/tracks.json").problem(403, "tracks:read")

	r := f.getAs(adminToken, path).expect(200)
	if cc, vary := r.Header.Get("Cache-Control"), r.Header.Values("Vary"); cc != "private, no-cache" || !strings.Contains(strings.Join(vary, ","), "Authorization") {
		t.Errorf("Cache-Control %q, Vary %v", cc, vary)
	}
	if ids := trackIDs(t, r); fmt.Sprint(ids) != fmt.Sprint([]int64{f.a.ID, f.b.ID}) {
		t.Errorf("admin sees tracks %v, want %d and %d", ids, f.a.ID, f.b.ID)
	}
	if ids := trackIDs(t, f.getAs(f.ranger, path).expect(200)); fmt.Sprint(ids) != fmt.Sprint([]int64{f.a.ID}) {
		t.Errorf("ranger-a sees tracks %v, want only their own %d", ids, f.a.ID)
	}
	f.getAs(f.officerAP, path).expect(204)

	tj := f.getAs(adminToken, "/tiles/tracks.json").expect(200)
	if tj.get("minzoom") != 5.0 || tj.Header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("tracks TileJSON %s (Cache-Control %q)", tj.Raw, tj.Header.Get("Cache-Control"))
	}
	if bb, _ := tj.get("bounds").([]any); len(bb) != 4 || bb[1].(float64) > f.a.Visits[0].Entry[1] || bb[3].(float64) < 36.89 {
		t.Errorf("tracks bounds %v", tj.get("bounds"))
	}
	if strings.Contains(string(f.getAs(f.officerAP, "/tiles/tracks.json").expect(200).Raw), "bounds") {
		t.Error("an officer limited to Alt Pirineu is told the extent of Qiangtang's tracks")
	}
	obs := fmt.Sprintf("/tiles/observations/%d/%d/%d.mvt", f.tile.Z, f.tile.X, f.tile.Y)
	f.getAs(adminToken, obs).expect(200)
	f.getAs(f.officerAP, obs).expect(204)
}

// TestTracksOGCWithGDAL reads the tracks and observations collections with
// GDAL's OAPIF driver, credentials sent as GDAL_HTTP_HEADERS: an admin
// sees both tracks as MultiLineStrings with every kept fix and their
// attributes, a ranger only their own; anonymous clients are not shown the
// collections at all. Filters and datetime go through the API.
func TestTracksOGCWithGDAL(t *testing.T) {
	f := newPatrolFixture(t)
	src := "OAPIF:" + f.srv.URL + "/ogc"
	header := func(tok string) []string {
		return []string{"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + tok}
	}

	anon := gdal(t, "ogrinfo", "-ro", "-so", src)
	if strings.Contains(anon, "tracks") || strings.Contains(anon, "observations") || !strings.Contains(anon, "zones") {
		t.Errorf("anonymous ogrinfo lists:\n%s", anon)
	}
	list := gdal(t, "ogrinfo", append(header(adminToken), "-ro", "-so", src)...)
	for _, want := range []string{"tracks (title: Patrol tracks 巡护轨迹) (Multi Line String)", "observations (title: Patrol observations 巡护观测点) (Point)"} {
		if !strings.Contains(list, want) {
			t.Errorf("ogrinfo with the admin token does not list %q:\n%s", want, list)
		}
	}

	out := gdal(t, "ogrinfo", append(header(adminToken), "-ro", "-al", src, "tracks")...)
	feats := parseOGR(out)
	if n := featureCount(t, out); n != 2 || len(feats) != 2 {
		t.Fatalf("GDAL reads %d tracks (Feature Count %d), want 2:\n%.3000s", len(feats), n, out)
	}
	want := map[string]patrol.Track{"ranger-a": f.a, "ranger-b": f.b}
	for _, g := range feats {
		tr, ok := want[g.fields["subject"]]
		if !ok {
			t.Errorf("track with fields %v", g.fields)
			continue
		}
		delete(want, g.fields["subject"])
		if g.fields["subject_kind"] != string(tr.SubjectKind) || g.fields["reserve"] != "qiangtang" || g.fields["points"] != fmt.Sprint(tr.Totals.PointsKept) {
			t.Errorf("track %d: fields %v", tr.ID, g.fields)
		}
		if !strings.HasPrefix(g.wkt, "MULTILINESTRING ((") {
			t.Errorf("track %d: geometry %.40s, want a MULTILINESTRING", tr.ID, g.wkt)
		}
		if n := strings.Count(g.wkt, ",") + 1; n != tr.Totals.PointsKept {
			t.Errorf("track %d: %d vertices from GDAL, %d fixes kept", tr.ID, n, tr.Totals.PointsKept)
		}
		if strings.Contains(g.wkt, " Z") || strings.Contains(g.wkt, " M") {
			t.Errorf("track %d: geometry has Z or M: %.60s", tr.ID, g.wkt)
		}
	}
	own := gdal(t, "ogrinfo", append(header(f.ranger), "-ro", "-al", "-so", src, "tracks")...)
	if n := featureCount(t, own); n != 1 {
		t.Errorf("ranger-a reads %d tracks, want their own one", n)
	}
	if out := gdal(t, "ogrinfo", append(header(adminToken), "-ro", "-al", src, "observations")...); featureCount(t, out) != 2 || !strings.Contains(out, "category (String) = logging") {
		t.Errorf("observations through GDAL:\n%.2000s", out)
	}

	// The collection is hidden from anonymous callers and viewers; filters,
	// datetime and the limited officer's view through the API.
	f.getAs("", "/ogc/collections/tracks").problem(404)
	f.getAs(f.viewer, "/ogc/collections/tracks/items").problem(404)
	f.getAs("", fmt.Sprintf("/ogc/collections/tracks/items/%d", f.a.ID)).problem(404)
	for q, n := range map[string]float64{
		"": 2, "?subject=ranger-a": 1, "?subject_kind=visitor": 1, "?reserve=alt-pirineu": 0,
		"?datetime=2024-07-01T00:00:00Z/2024-07-02T00:00:00Z": 1, "?datetime=2024-07-03T12:00:00Z": 1, "?datetime=2025-01-01T00:00:00Z/..": 0,
	} {
		if got := f.getAs(adminToken, "/ogc/collections/tracks/items"+q).expect(200).get("numberMatched"); got != n {
			t.Errorf("tracks items%s: numberMatched %v, want %v", q, got, n)
		}
	}
	f.getAs(adminToken, "/ogc/collections/tracks/items?subject_kind=tourist").problem(400, "subject_kind")
	if got := f.getAs(f.officerAP, "/ogc/collections/tracks/items").expect(200).get("numberMatched"); got != 0.0 {
		t.Errorf("an officer limited to Alt Pirineu matches %v Qiangtang tracks", got)
	}
	if got := f.getAs(f.ranger, "/ogc/collections/observations/items").expect(200).get("numberMatched"); got != 1.0 {
		t.Errorf("ranger-a matches %v observations, want their own one", got)
	}
	it := f.getAs(f.ranger, fmt.Sprintf("/ogc/collections/tracks/items/%d", f.a.ID)).expect(200)
	if it.get("geometry", "type") != "MultiLineString" || it.get("properties", "started_at") != "2024-07-01T02:00:00Z" {
		t.Errorf("ranger-a's track item: %.500s", it.Raw)
	}
	f.getAs(f.ranger, fmt.Sprintf("/ogc/collections/tracks/items/%d", f.b.ID)).problem(404)
}

// TestTrackKML: GET /api/v1/tracks/{id}.kml is read back by GDAL (every fix
// of the gx:Track, the observation) and by Warden's own reader with times to
// the second and elevations; a segment without times is a LineString.
func TestTrackKML(t *testing.T) {
	f := newPatrolFixture(t)
	dir := t.TempDir()
	f.getAs("", fmt.Sprintf("/api/v1/tracks/%d.kml", f.a.ID)).problem(401)
	f.getAs(f.viewer, fmt.Sprintf("/api/v1/tracks/%d.kml", f.a.ID)).problem(403)
	f.getAs(f.ranger, fmt.Sprintf("/api/v1/tracks/%d.kml", f.b.ID)).problem(403)
	f.getAs(adminToken, "/api/v1/tracks/999.kml").problem(404, "track")
	r := f.getAs(f.ranger, fmt.Sprintf("/api/v1/tracks/%d.kml", f.a.ID)).expect(200)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "application/vnd.google-earth.kml+xml" || !strings.Contains(cd, fmt.Sprintf("track-%d.kml", f.a.ID)) {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	path := filepath.Join(dir, "a.kml")
	if err := os.WriteFile(path, r.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(r.Raw, []byte("<gx:Track>")) || bytes.Count(r.Raw, []byte("<when>")) != f.a.Totals.PointsKept+1 {
		t.Errorf("the KML has %d when elements, want %d fixes and the observation's", bytes.Count(r.Raw, []byte("<when>")), f.a.Totals.PointsKept)
	}

	out := gdal(t, "ogrinfo", "-ro", "-al", path)
	lines := regexp.MustCompile(`(?m)^  (LINESTRING[^(]*\(([^)]*)\))`).FindAllStringSubmatch(out, -1)
	if len(lines) != 1 {
		t.Fatalf("GDAL reads %d lines from the KML, want 1:\n%.3000s", len(lines), out)
	}
	if n := strings.Count(lines[0][2], ",") + 1; n != f.a.Totals.PointsKept {
		t.Errorf("GDAL reads %d points of the gx:Track, %d were kept", n, f.a.Totals.PointsKept)
	}
	if !regexp.MustCompile(`(?m)^  POINT`).MatchString(out) || !strings.Contains(out, "logging") {
		t.Errorf("GDAL does not read the observation:\n%.3000s", out)
	}

	back, err := geoio.ReadTrack("a.kml", bytes.NewReader(r.Raw), geoio.TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gpx := f.getAs(adminToken, f.a.Links.GPX).expect(200)
	stored, err := geoio.ReadTrack("a.gpx", bytes.NewReader(gpx.Raw), geoio.TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Segments) != 1 || back.Points() != stored.Points() || !back.HasTime || len(back.Waypoints) != 1 {
		t.Fatalf("KML read back: %d segments, %d points (stored %d), times %v, %d waypoints", len(back.Segments), back.Points(), stored.Points(), back.HasTime, len(back.Waypoints))
	}
	for i, g := range back.Segments[0].Fixes() {
		w := stored.Segments[0].At(i)
		if g.Lon != w.Lon || g.Lat != w.Lat || g.Ele != w.Ele || !g.Time.Equal(w.Time.Truncate(time.Second)) {
			t.Fatalf("fix %d: from the KML %+v, stored %+v", i, g, w)
		}
	}
	if wp := back.Waypoints[0]; wp.Name != "发现盗伐" || !wp.Time.Equal(time.Date(2024, 7, 1, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("waypoint from the KML: %+v", wp)
	}

	// Two segments, the second without times or elevations.
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>`)
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, `<trkpt lat="20" lon="%.3f"><ele>12.5</ele><time>2024-08-01T00:0%d:00Z</time></trkpt>`, 100+0.001*float64(i), i)
	}
	b.WriteString(`</trkseg><trkseg>`)
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&b, `<trkpt lat="20.01" lon="%.3f"></trkpt>`, 100+0.001*float64(i))
	}
	b.WriteString(`</trkseg></trk></gpx>`)
	mixed := f.upload([][2]string{{"subject", "ranger-a"}}, "mixed.gpx", b.Bytes(), true).expect(201).track()
	k := f.getAs(adminToken, fmt.Sprintf("/api/v1/tracks/%d.kml", mixed.ID)).expect(200)
	if bytes.Count(k.Raw, []byte("<gx:Track>")) != 1 || bytes.Count(k.Raw, []byte("<LineString>")) != 1 {
		t.Errorf("mixed track KML:\n%s", k.Raw)
	}
	mb, err := geoio.ReadTrack("mixed.kml", bytes.NewReader(k.Raw), geoio.TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(mb.Segments) != 2 || mb.Segments[0].Len() != 5 || mb.Segments[1].Len() != 4 ||
		mb.Segments[0].At(4).Ele != 12.5 || !mb.Segments[0].At(4).Time.Equal(time.Date(2024, 8, 1, 0, 4, 0, 0, time.UTC)) ||
		!mb.Segments[1].At(0).Time.IsZero() || math.Abs(mb.Segments[1].At(3).Lon-100.003) > 1e-9 {
		t.Errorf("mixed track read back: %+v", mb.Segments)
	}
	mixedPath := filepath.Join(dir, "mixed.kml")
	if err := os.WriteFile(mixedPath, k.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`(?m)^  LINESTRING`).FindAllString(gdal(t, "ogrinfo", "-ro", "-al", mixedPath), -1)); n != 2 {
		t.Errorf("GDAL reads %d lines from the mixed track's KML, want 2", n)
	}
}
