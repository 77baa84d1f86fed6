package geoio_test

import (
	"fmt"

	"warden/internal/geoio"
	"warden/internal/problem"
)

// A zone file decodes into orb geometry with its properties; a fault is
// refused with where it is (the feature and the member) and why.
func ExampleDecodeGeoJSON() {
	feats, err := geoio.DecodeGeoJSON([]byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"kind":"核心区"},
		 "geometry":{"type":"Polygon","coordinates":[[[86,34.5],[86.1,34.5],[86.1,34.6],[86,34.5]]]}}]}`), geoio.GeoJSONOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(feats), feats[0].Geometry.GeoJSONType(), feats[0].Properties["kind"])

	_, err = geoio.DecodeGeoJSON([]byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[86,34.5],[86.1,34.5],[86,34.5]]]}}]}`), geoio.GeoJSONOptions{})
	p, _ := problem.As(err)
	d := p.Problems[0]
	fmt.Println(p.Status, p.Type, d.Pointer)
	fmt.Println(d.Reason)
	// Output:
	// 1 Polygon 核心区
	// 422 invalid-geojson features[0].geometry.coordinates[0]
	// features[0].geometry.coordinates[0]: a linear ring needs at least 4 positions (the first repeated at the end), got 3
}

// ParseCRS reads the ways people write a coordinate system.
func ExampleParseCRS() {
	for _, s := range []string{"", "EPSG:4490", "4539", "urn:ogc:def:crs:EPSG::4326", "EPSG:3857"} {
		c, err := geoio.ParseCRS(s)
		if err != nil {
			fmt.Printf("%q: refused\n", s)
			continue
		}
		fmt.Printf("%q: %s, %s, projected %v\n", s, c, c.Name(), c.Projected())
	}
	// Output:
	// "": EPSG:4326, WGS 84 (lon/lat), projected false
	// "EPSG:4490": EPSG:4490, CGCS2000 (lon/lat), projected false
	// "4539": EPSG:4539, CGCS2000 / 3-degree Gauss-Kruger CM 90E, projected true
	// "urn:ogc:def:crs:EPSG::4326": EPSG:4326, WGS 84 (lon/lat), projected false
	// "EPSG:3857": refused
}
