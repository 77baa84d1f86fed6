package api

import (
	"encoding/json"
	"testing"

	"warden/internal/zoning"
)

// TestStreamedLocationsAreEncodingJSON: the batch answer, written by hand for
// speed, is byte for byte what encoding/json writes for the same results.
func TestStreamedLocationsAreEncodingJSON(t *testing.T) {
	d1, d2 := 0.0, 1234.5678
	ls := []zoning.Location{
		{Lon: 86, Lat: 34.5},
		{Lon: 1e-7, Lat: -2.5e-9, Inside: true, Reserve: "qiangtang", ZoneID: 3, ZoneKind: zoning.Core, ZoneName: `核心区 <a&b> "q" \ end`,
			BoundaryDistanceM: &d2, Nearest: &zoning.ZoneRef{Reserve: "qiangtang", ZoneID: 3, ZoneKind: zoning.Core}},
		{Lon: -179.99999999999997, Lat: 89.123456789012345, BoundaryDistanceM: &d1, Nearest: &zoning.ZoneRef{Reserve: "x", ZoneID: 9, ZoneKind: zoning.GeneralControl}},
		{Lon: 123456789e13, Lat: 1e21},
	}
	names := map[string][]byte{}
	for i := range ls {
		want, err := json.Marshal(ls[i])
		if err != nil {
			t.Fatal(err)
		}
		if got := appendLocation(nil, &ls[i], names); string(got) != string(want) {
			t.Errorf("location %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
