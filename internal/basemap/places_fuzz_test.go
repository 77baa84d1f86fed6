package basemap

import (
	"testing"

	"github.com/paulmach/orb"

	"warden/geodata"
)

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
