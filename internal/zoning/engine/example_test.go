package engine_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"warden/internal/zoning/engine"
)

// square is a lon/lat box as a one-polygon zone geometry.
func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// An index over a core zone inside a buffer zone answers which zone a point
// is in (the stricter one on the boundary they share) and how far the
// nearest boundary is, geodesically, in metres.
func ExampleIndex() {
	ix := engine.Build([]engine.Zone{
		{ID: 1, Reserve: "demo", Kind: "buffer", Rank: 2, Geom: orb.MultiPolygon{{
			{{85, 34}, {87, 34}, {87, 35}, {85, 35}, {85, 34}},
			{{85.5, 34.25}, {85.5, 34.75}, {86.5, 34.75}, {86.5, 34.25}, {85.5, 34.25}}}}},
		{ID: 2, Reserve: "demo", Kind: "core", Rank: 1, Geom: square(85.5, 34.25, 86.5, 34.75)},
	})
	for _, p := range [][2]float64{{86, 34.5}, {85.2, 34.5}, {85.5, 34.5}, {90, 30}} {
		z := ix.Locate(p[0], p[1])
		d, _ := ix.Nearest(p[0], p[1])
		kind := "outside"
		if z != nil {
			kind = z.Kind
		}
		fmt.Printf("%v: %s, boundary %.0f m\n", p, kind, d)
	}
	fmt.Println(ix.Zones(), "zones,", ix.Vertices(), "vertices")
	// Output:
	// [86 34.5]: core, boundary 27732 m
	// [85.2 34.5]: buffer, boundary 18368 m
	// [85.5 34.5]: core, boundary 0 m
	// [90 30]: outside, boundary 526326 m
	// 2 zones, 12 vertices
}

// Distance is the geodesic distance on the WGS 84 ellipsoid.
func ExampleDistance() {
	fmt.Printf("%.1f m\n", engine.Distance(86, 34.5, 86, 35.5))
	// Output:
	// 110940.6 m
}
