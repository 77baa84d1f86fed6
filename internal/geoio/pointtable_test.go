package geoio_test

import (
	"testing"

	"github.com/paulmach/orb"

	"warden/internal/geoio"
	"warden/internal/problem"
)

// TestReadPointTable: an alert feed's rows become point features with their
// other columns as properties; a row without a usable point is refused with
// its line, and nothing is returned.
func TestReadPointTable(t *testing.T) {
	feats, err := geoio.ReadPointTable([]byte("\ufeffid,经度,纬度,变化类型,confidence\nA1,86.1,34.5,采石,0.9\nA2,86°12'00\"E,34.6,road,0.7\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 2 || feats[1].Geometry.(orb.Point) != (orb.Point{86.2, 34.6}) || feats[0].Properties["变化类型"] != "采石" || feats[1].Properties["id"] != "A2" {
		t.Fatalf("features %+v", feats)
	}
	_, err = geoio.ReadPointTable([]byte("lon,lat,type\n86.1,34.5,road\n86.2,,road\n200,34,x\n"))
	pe, ok := problem.As(err)
	if !ok || pe.Status != 422 || pe.Type != "invalid-point" || len(pe.Problems) != 2 || pe.Problems[0].Line != 3 || pe.Problems[1].Line != 4 {
		t.Fatalf("bad rows: %v %+v", err, pe)
	}
	if _, err := geoio.ReadPointTable([]byte("a,b\n1,2\n")); err == nil {
		t.Fatal("a table without lon/lat columns was read")
	}
}

func FuzzReadPointTable(f *testing.F) {
	f.Add([]byte("lon,lat,type\n86.1,34.5,road\n"))
	f.Add([]byte("经度\t纬度\t类型\n86°12'00\"\t34.5\t采石\n"))
	f.Add([]byte("lon;lat\n1;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		feats, err := geoio.ReadPointTable(data)
		if err != nil {
			fuzzProblem(t, err)
			return
		}
		for _, ft := range feats {
			p, ok := ft.Geometry.(orb.Point)
			if !ok || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
				t.Fatalf("feature %+v", ft)
			}
		}
	})
}
