package basemap_test

import (
	"fmt"

	"warden/internal/basemap"
)

// A quantized topology: arcs are delta-encoded integers scaled by the
// transform; a negative index (~i) is arc i reversed, and arcs shared by
// two geometries are stored once.
func ExampleDecodeTopoJSON() {
	topo, err := basemap.DecodeTopoJSON([]byte(`{"type":"Topology",
		"transform":{"scale":[0.5,0.5],"translate":[100,30]},
		"arcs":[[[0,0],[2,0],[0,2]],[[2,2],[-2,0],[0,-2]]],
		"objects":{"parcels":{"type":"GeometryCollection","geometries":[
			{"type":"Polygon","id":"A","arcs":[[0,1]]},
			{"type":"LineString","id":"edge","arcs":[-1]}]}}}`))
	if err != nil {
		panic(err)
	}
	for _, f := range topo.Objects["parcels"] {
		fmt.Println(f.ID, f.Geometry.GeoJSONType(), f.Geometry)
	}
	// Output:
	// A Polygon [[[100 30] [101 30] [101 31] [100 31] [100 30]]]
	// edge LineString [[101 31] [101 30] [100 30]]
}
