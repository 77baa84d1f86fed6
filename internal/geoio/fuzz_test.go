package geoio_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"testing"

	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/testcorpus"
)

// addCorpusSeeds adds the corpus files under dirs (those under 64 KiB, to keep
// fuzzing fast) as seeds, each with its name so every format's reader is
// reached.
func addCorpusSeeds(f *testing.F, dirs ...string) {
	for _, rel := range corpusTree(f, dirs...) {
		data, err := os.ReadFile(filepath.Join(testcorpus.Dir(f), rel))
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 64<<10 {
			f.Add(path.Base(rel), data)
		}
	}
}

// fuzzProblem fails unless err is a 4xx *problem.Error with a detail: bad
// input must never be a bare error (a 500) or a panic.
func fuzzProblem(t *testing.T, err error) {
	t.Helper()
	pe, ok := problem.As(err)
	if !ok {
		t.Fatalf("error %T is not a problem: %v", err, err)
	}
	if pe.Status < 400 || pe.Status > 499 || pe.Detail == "" {
		t.Fatalf("unclear problem %#v", pe)
	}
}

func FuzzReadTrack(f *testing.F) {
	addCorpusSeeds(f, "gpx", "kml", "tcx")
	f.Add("t.csv", []byte("track,lon,lat,time,ele\nA,88.1,31.1,2024-05-01 09:30:00,4700\nB,88.2,31.2,1714527000,\n"))
	f.Add("t.geojson", []byte(`{"type":"Feature","properties":{"coordTimes":["2024-05-01T01:00:00Z","x"]},"geometry":{"type":"LineString","coordinates":[[88.1,31.1,1],[88.2,31.2]]}}`))
	f.Add("t.kmz", []byte(zipOfSeed(f)))
	opts := geoio.TrackOptions{MaxBytes: 1 << 20, MaxPoints: 20_000}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		tr, err := geoio.ReadTrack(name, bytes.NewReader(data), opts)
		if err != nil {
			fuzzProblem(t, err)
			return
		}
		if tr.Points() == 0 && len(tr.Waypoints) == 0 {
			t.Fatal("a track without points")
		}
		hasTime := false
		for _, s := range tr.Segments {
			if s.Len() == 0 {
				t.Fatal("an empty segment")
			}
			if len(s.Ele) != s.Len() || len(s.T) != s.Len() {
				t.Fatalf("segment columns of %d positions, %d elevations, %d times", s.Len(), len(s.Ele), len(s.T))
			}
			for _, fx := range s.Fixes() {
				hasTime = hasTime || !fx.Time.IsZero()
			}
		}
		if hasTime != tr.HasTime {
			t.Fatalf("HasTime %v, fixes with a time %v", tr.HasTime, hasTime)
		}
	})
}

func FuzzReadFootprint(f *testing.F) {
	addCorpusSeeds(f, "kml", "geojson/geojsonhint", "geojson/fiona")
	for _, s := range []string{
		"SRID=4326;POLYGON ((88 31, 88.1 31, 88.1 31.1, 88 31), (88.02 31.02, 88.05 31.02, 88.05 31.05, 88.02 31.02))",
		"GEOMETRYCOLLECTION (POINT Z (88 31 1), MULTILINESTRING ((88 31, 89 32)), MULTIPOINT ((1 2), 3 4))",
		"POINT(88 31)\nLINESTRING(88 31,89 32)\n",
		"点号,X,Y\nJ1,3658643.18,27538039.95\nJ2,3658643.18,27538539.95\nJ3,3659143.18,27538539.95\n",
		"经度,纬度\n88°00'00\",31°00'00\"\n88.1,31\n88.1,31.1\n",
	} {
		f.Add("f.txt", []byte(s))
	}
	f.Add("f.kmz", []byte(zipOfSeed(f)))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for _, opts := range []geoio.FootprintOptions{{}, {CRS: 4515}} {
			opts.MaxBytes, opts.MaxVertices = 1<<20, 50_000
			feats, err := geoio.ReadFootprint(name, data, opts)
			if err != nil {
				fuzzProblem(t, err)
				continue
			}
			withGeom := 0
			for _, ft := range feats {
				if ft.Geometry == nil {
					continue
				}
				withGeom++
				if len(points(ft.Geometry)) == 0 {
					t.Fatalf("an empty geometry was returned: %#v", ft.Geometry)
				}
				if opts.CRS == 0 {
					for _, p := range points(ft.Geometry) {
						if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 || p != p {
							t.Fatalf("lon/lat %v out of range", p)
						}
					}
				}
			}
			if withGeom == 0 {
				t.Fatal("a footprint without geometry")
			}
		}
	})
}

// zipOfSeed is a small KMZ for the fuzz seeds.
func zipOfSeed(tb testing.TB) string {
	return zipOf(tb, map[string]string{"doc.kml": `<kml><Placemark><name>a</name><Polygon><outerBoundaryIs><LinearRing><coordinates>88,31 88.1,31 88.1,31.1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>` +
		`<Placemark><gx:Track><when>2024-05-01T01:00:00Z</when><gx:coord>88 31 1</gx:coord></gx:Track></Placemark></kml>`})
}
