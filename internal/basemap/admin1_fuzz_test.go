package basemap

import (
	"testing"

	"warden/geodata"
)

// FuzzAdmin1Rows: any GeoJSON and names file either decodes into named
// first-order divisions with a geometry, or is refused with an error; never
// a panic.
func FuzzAdmin1Rows(f *testing.F) {
	f.Add(geodata.Admin1[:0], geodata.Admin1Names)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Xizang","adm0_a3":"CHN"},"geometry":{"type":"Polygon","coordinates":[[[80,30],[90,30],[90,35],[80,30]]]}}]}`), geodata.Admin1Names)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`), []byte("country,name\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`), []byte("a,b\nc,d\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`), []byte(""))
	f.Fuzz(func(t *testing.T, collection, names []byte) {
		rows, err := admin1Rows(collection, names)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Kind != "admin1" || r.Code == "" || r.Country == "" || r.Geometry == nil {
				t.Fatalf("row %+v", r)
			}
		}
	})
}
