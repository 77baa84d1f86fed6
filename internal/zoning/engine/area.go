package engine

import "math"

// vec3 is a point on the unit sphere.
type vec3 struct{ x, y, z float64 }

// The authalic sphere has the WGS 84 ellipsoid's area; mapping latitude φ
// to the authalic latitude β (sin β = q(φ)/q(90°)) keeps areas, so areas on
// the ellipsoid are areas on that sphere times authalicR2.
var (
	wgsE       = math.Sqrt(wgsE2)
	authalicQP = authalicQ(1)
	authalicR2 = wgsA * wgsA * authalicQP / 2
)

// authalicQ is q(φ) of sin φ = s (Snyder, Map Projections: A Working
// Manual, eq. 3-12).
func authalicQ(s float64) float64 {
	return (1 - wgsE2) * (s/(1-wgsE2*s*s) - 1/(2*wgsE)*math.Log((1-wgsE*s)/(1+wgsE*s)))
}

// authalic is the point of the authalic sphere that (lon, lat) maps to.
func authalic(lon, lat float64) vec3 {
	sb := authalicQ(math.Sin(lat*deg)) / authalicQP
	cb := math.Sqrt(max(0, 1-sb*sb))
	sl, cl := math.Sincos(lon * deg)
	return vec3{cb * cl, cb * sl, sb}
}

// triangleArea is the signed area, in steradians of the unit sphere, of the
// spherical triangle o, a, b (positive when it turns anticlockwise seen
// from outside): the formula of Van Oosterom and Strackee (1983),
// tan(E/2) = o·(a×b) / (1 + o·a + a·b + b·o), with the triple product taken
// on a−o and b−o, which keeps its precision for small triangles.
func triangleArea(o, a, b vec3) float64 {
	ax, ay, az := a.x-o.x, a.y-o.y, a.z-o.z
	bx, by, bz := b.x-o.x, b.y-o.y, b.z-o.z
	det := o.x*(ay*bz-az*by) + o.y*(az*bx-ax*bz) + o.z*(ax*by-ay*bx)
	den := 1 + (o.x*a.x + o.y*a.y + o.z*a.z) + (a.x*b.x + a.y*b.y + a.z*b.z) + (b.x*o.x + b.y*o.y + b.z*o.z)
	return 2 * math.Atan2(det, den)
}
