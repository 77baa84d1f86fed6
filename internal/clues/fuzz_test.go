package clues

import (
	"bytes"
	"testing"

	"warden/internal/export"
	"warden/internal/problem"
)

// FuzzReadBatch: any GeoJSON or CSV batch file is read into detections or
// refused with a 4xx problem saying what, never a bare error or a panic.
// (Zipped shapefiles and GeoPackages go through GDAL and are left out.)
func FuzzReadBatch(f *testing.F) {
	f.Add("b.geojson", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"变化类型":"采石","confidence":"92%","面积":"1.5"},"geometry":{"type":"Point","coordinates":[86,34.8]}}]}`))
	f.Add("b.geojson", []byte(`{"type":"Feature","properties":{"type":"ufo"},"geometry":{"type":"LineString","coordinates":[[86,34],[87,35]]}}`))
	f.Add("a.csv", []byte("id,lon,lat,change_type,confidence\nA,86.1,34.5,road,0.5\nB,86.2,34.6,毁林,80\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if len(data) == 0 || bytes.HasPrefix(data, []byte("PK")) || export.IsGeoPackage(data) {
			return
		}
		_, feats, _, err := decode(t.Context(), name, data)
		if err == nil {
			var dets []detection
			if dets, err = readDetections(feats); err == nil {
				for _, d := range dets {
					if d.geom == nil || d.change == "" {
						t.Fatalf("detection without geometry or change type: %+v", d)
					}
				}
				return
			}
		}
		pe, ok := problem.As(err)
		if !ok || pe.Status < 400 || pe.Status > 499 || pe.Detail == "" {
			t.Fatalf("unclear refusal: %v", err)
		}
	})
}
