package tiles_test

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"warden/internal/patrol"
	"warden/internal/tiles"
)

// patrolGPX is a GPX track along 34.5°N from 85.5°E to 86.5°E through
// Qiangtang's core, a fix every 30 minutes 0.05° (4.6 km) apart, with
// elevations, and a logging waypoint at 86°E; or, with lon0 = 100, the same
// shape far from any reserve.
func patrolGPX(lon0 float64, start time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">`)
	fmt.Fprintf(&b, `<wpt lat="34.5" lon="%v"><time>%s</time><name>盗伐</name><type>logging</type></wpt><trk><trkseg>`, lon0+0.5, start.Add(5*time.Hour).Format(time.RFC3339))
	for i := 0; i <= 20; i++ {
		fmt.Fprintf(&b, `<trkpt lat="34.5" lon="%.2f"><ele>%d</ele><time>%s</time></trkpt>`, lon0+0.05*float64(i), 4700+i, start.Add(time.Duration(i)*30*time.Minute).Format(time.RFC3339))
	}
	b.WriteString(`</trkseg></trk></gpx>`)
	return b.Bytes()
}

func storeTrack(t *testing.T, ps *patrol.Store, in patrol.Input, data []byte) patrol.Track {
	t.Helper()
	u, err := ps.Read(in, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr, _, err := ps.Save(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestTrackTiles: a stored track is one feature of the tracks layer with its
// id, subject kind, reserve and start, drawn where its fixes are; its
// waypoint is in the observations layer; and a reader sees only what their
// Scope allows (their reserves, their own subject), in tiles and bounds.
func TestTrackTiles(t *testing.T) {
	s, pool := withSample(t)
	ps := patrol.NewStore(pool, patrol.Options{})
	start := time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)
	in := storeTrack(t, ps, patrol.Input{FileName: "in.gpx", Subject: "ranger-1", SubjectKind: patrol.Patrol}, patrolGPX(85.5, start))
	if in.Reserve == nil || *in.Reserve != "qiangtang" || len(in.Observations) != 1 {
		t.Fatalf("the track's reserve %v, observations %v", in.Reserve, in.Observations)
	}
	out := storeTrack(t, ps, patrol.Input{FileName: "out.gpx", Subject: "ranger-1", SubjectKind: patrol.Patrol}, patrolGPX(100, start))
	if out.Reserve != nil {
		t.Fatalf("the far track is in reserve %v", *out.Reserve)
	}

	tracks, obs := layer(t, "tracks"), layer(t, "observations")
	tile := maptile.At(orb.Point{86, 34.5}, 6)
	f := onlyFeature(t, s, tracks, tile)
	p := f.Properties
	if fid, _ := f.ID.(float64); int64(fid) != in.ID || p["track"] != float64(in.ID) || p["subject_kind"] != "patrol" ||
		p["reserve"] != "qiangtang" || p["started_at"] != "2024-05-01T01:00:00Z" {
		t.Errorf("track feature id %v properties %v, want track %d, patrol, qiangtang, 2024-05-01T01:00:00Z", f.ID, p, in.ID)
	}
	var pts []orb.Point
	switch g := f.Geometry.(type) {
	case orb.LineString:
		pts = g
	case orb.MultiLineString:
		for _, l := range g {
			pts = append(pts, l...)
		}
	default:
		t.Fatalf("track geometry is a %s, want a line", f.Geometry.GeoJSONType())
	}
	// One tile unit at zoom 6 is 360/64/4096 ≈ 0.0014°; the tile plus its
	// buffer spans 84.375-90 °E.
	west, east := 180.0, -180.0
	for _, q := range pts {
		if math.Abs(q[1]-34.5) > 0.002 || q[0] < 85.5-0.002 || q[0] > 86.5+0.002 {
			t.Errorf("track vertex %v is off the track (34.5°N, 85.5-86.5°E)", q)
		}
		west, east = min(west, q[0]), max(east, q[0])
	}
	if west > 85.502 || east < 86.498 {
		t.Errorf("the drawn track spans %.3f-%.3f°E, want 85.5-86.5", west, east)
	}
	og := decode(t, obs, tile, get(t, s, obs, tile))
	if len(og.Features) != 1 {
		t.Fatalf("%d observation features, want 1", len(og.Features))
	}
	op := og.Features[0].Properties
	if op["track"] != float64(in.ID) || op["category"] != "logging" || op["activity"] != "logging" || op["zone_kind"] != "core" ||
		op["observed_at"] != "2024-05-01T06:00:00Z" || op["name"] != "盗伐" {
		t.Errorf("observation properties %v", op)
	}
	if q, ok := og.Features[0].Geometry.(orb.Point); !ok || math.Abs(q[0]-86) > 0.0015 || math.Abs(q[1]-34.5) > 0.0015 {
		t.Errorf("observation at %v, want 86, 34.5", og.Features[0].Geometry)
	}

	// What each reader sees of the track in Qiangtang, and of all tracks'
	// extent: west edge 85.5 with the Qiangtang one, east edge 101 with the
	// far one.
	far := maptile.At(orb.Point{100.5, 34.5}, 6)
	for _, c := range []struct {
		name      string
		sc        tiles.Scope
		in, out   bool
		westEdges float64
	}{
		{"every reserve", tiles.Scope{AllReserves: true}, true, true, 85.5},
		{"limited to qiangtang", tiles.Scope{Reserves: []string{"qiangtang"}}, true, false, 85.5},
		{"limited to alt-pirineu", tiles.Scope{Reserves: []string{"alt-pirineu"}}, false, false, 0},
		{"limited to no reserve", tiles.Scope{}, false, false, 0},
		{"own tracks of ranger-1", tiles.Scope{AllReserves: true, Subject: "ranger-1"}, true, true, 85.5},
		{"own tracks of ranger-2", tiles.Scope{AllReserves: true, Subject: "ranger-2"}, false, false, 0},
		{"ranger-1 in qiangtang", tiles.Scope{Reserves: []string{"qiangtang"}, Subject: "ranger-1"}, true, false, 85.5},
	} {
		for _, l := range []tiles.Layer{tracks, obs} {
			if b := getFor(t, s, l, tile, c.sc); (b != nil) != c.in {
				t.Errorf("%s, %s: Qiangtang tile has %d bytes, want features %v", c.name, l.Name, len(b), c.in)
			}
			if b := getFor(t, s, l, far, c.sc); (b != nil) != c.out {
				t.Errorf("%s, %s: far tile has %d bytes, want features %v", c.name, l.Name, len(b), c.out)
			}
		}
		bb, err := s.Bounds(t.Context(), tracks, c.sc)
		switch {
		case err != nil:
			t.Errorf("%s: bounds: %v", c.name, err)
		case !c.in && !c.out && bb != nil:
			t.Errorf("%s: bounds %v, want none", c.name, bb)
		case (c.in || c.out) && (len(bb) != 4 || math.Abs(bb[0]-c.westEdges) > 1e-9 || (bb[2] > 99) != c.out):
			t.Errorf("%s: bounds %v", c.name, bb)
		}
	}
	// Below the layer's zoom range there is nothing to draw.
	if b := get(t, s, tracks, maptile.At(orb.Point{86, 34.5}, 4)); b != nil {
		t.Errorf("tracks at zoom 4 (min zoom %d): %d bytes", tracks.MinZoom, len(b))
	}
}
