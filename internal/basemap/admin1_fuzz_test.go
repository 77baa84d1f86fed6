package basemap

import (
	"testing"

	"github.com/paulmach/orb"

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

// FuzzPlaceRows: any CSV decodes into named places on the globe, or is
// refused with an error; never a panic.
func FuzzPlaceRows(f *testing.F) {
	f.Add(geodata.Places[:2000])
	f.Add([]byte("country,name_en,name_zh,lon,lat,population\nCN,Lhasa,拉萨,91.1,29.65,118721\n"))
	f.Add([]byte("country,name_en,name_zh,lon,lat,population\nCN,,,NaN,95,x\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := placeRows(b)
		if err != nil {
			return
		}
		for _, r := range rows {
			p, ok := r.Geometry.(orb.Point)
			if r.Kind != "place" || r.NameEN == "" || r.NameZH == "" || !ok || !(p.Lon() >= -180 && p.Lon() <= 180 && p.Lat() >= -90 && p.Lat() <= 90) {
				t.Fatalf("row %+v", r)
			}
		}
	})
}
