package engine

import "math"

// WGS 84 ellipsoid.
const (
	wgsA  = 6378137.0
	wgsF  = 1 / 298.257223563
	wgsB  = wgsA * (1 - wgsF)
	wgsE2 = wgsF * (2 - wgsF)
	// mMin is the least meridian radius of curvature (at the equator):
	// no path on the ellipsoid covers a latitude difference Δφ (radians) in
	// less than mMin·Δφ metres.
	mMin = wgsA * (1 - wgsE2)
)

const deg = math.Pi / 180

// Inverse solves the inverse geodesic problem on the WGS 84 ellipsoid by
// Vincenty's iteration: the length s in metres of the shortest geodesic from
// (lat1, lon1) to (lat2, lon2), in degrees, and its forward azimuth az2 at the
// second point (radians, clockwise from north). Vincenty's method agrees with
// Karney's (GeographicLib) to well under a millimetre wherever it converges,
// which is everywhere except between nearly antipodal points, far beyond any
// reserve; there ok is false and s is the spherical distance on the mean
// radius, within 0.5 %.
//
// Why not a library: the Go module proxy serves no maintained Go port of
// GeographicLib (github.com/tidwall/geodesic and
// github.com/pymaxion/geographiclib-go are refused), and github.com/golang/geo
// measures on a sphere (up to 0.5 % off).
func Inverse(lat1, lon1, lat2, lon2 float64) (s, az2 float64, ok bool) {
	L := (lon2 - lon1) * deg
	tanU1 := (1 - wgsF) * math.Tan(lat1*deg)
	tanU2 := (1 - wgsF) * math.Tan(lat2*deg)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	cosU2 := 1 / math.Sqrt(1+tanU2*tanU2)
	sinU2 := tanU2 * cosU2
	lambda := L
	var sinL, cosL, sinS, cosS, sigma, cos2A, cos2Sm float64
	for iter := 0; ; iter++ {
		if iter == 100 {
			return sphereDistance(lat1, lon1, lat2, lon2), 0, false
		}
		sinL, cosL = math.Sincos(lambda)
		t1 := cosU2 * sinL
		t2 := cosU1*sinU2 - sinU1*cosU2*cosL
		sinS = math.Sqrt(t1*t1 + t2*t2)
		if sinS == 0 {
			return 0, 0, true // the same point
		}
		cosS = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinS, cosS)
		sinA := cosU1 * cosU2 * sinL / sinS
		cos2A = 1 - sinA*sinA
		cos2Sm = 0.0
		if cos2A != 0 {
			cos2Sm = cosS - 2*sinU1*sinU2/cos2A
		}
		C := wgsF / 16 * cos2A * (4 + wgsF*(4-3*cos2A))
		prev := lambda
		lambda = L + (1-C)*wgsF*sinA*(sigma+C*sinS*(cos2Sm+C*cosS*(-1+2*cos2Sm*cos2Sm)))
		if math.Abs(lambda-prev) < 1e-13 {
			break
		}
	}
	u2 := cos2A * (wgsA*wgsA - wgsB*wgsB) / (wgsB * wgsB)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	dSigma := B * sinS * (cos2Sm + B/4*(cosS*(-1+2*cos2Sm*cos2Sm)-B/6*cos2Sm*(-3+4*sinS*sinS)*(-3+4*cos2Sm*cos2Sm)))
	s = wgsB * A * (sigma - dSigma)
	az2 = math.Atan2(cosU1*sinL, -sinU1*cosU2+cosU1*sinU2*cosL)
	return s, az2, true
}

// sphereDistance is the haversine distance on the mean Earth radius.
func sphereDistance(lat1, lon1, lat2, lon2 float64) float64 {
	p1, p2 := lat1*deg, lat2*deg
	dp, dl := p2-p1, (lon2-lon1)*deg
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * 6371008.8 * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Distance is the geodesic distance in metres between two lon/lat points.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	s, _, _ := Inverse(lat1, lon1, lat2, lon2)
	return s
}

// scale returns the metres per degree of longitude and of latitude at
// latitude lat (degrees), from the radii of curvature of the ellipsoid
// there, and the cosine of the latitude.
func scale(lat float64) (kx, ky, cos float64) {
	s, c := math.Sincos(lat * deg)
	w := 1 - wgsE2*s*s
	n := wgsA / math.Sqrt(w)
	m := wgsA * (1 - wgsE2) / (w * math.Sqrt(w))
	return n * c * deg, m * deg, c
}

// segmentDistance is the geodesic distance in metres from q to the nearest
// point of the segment a-b, a straight line in lon/lat (the same edge that
// point-in-polygon uses). The nearest point is first estimated in the
// tangent plane at q, then moved along the segment by Newton steps until the
// geodesic from q meets the segment at a right angle.
func segmentDistance(qx, qy, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	if dx == 0 && dy == 0 {
		return Distance(qx, qy, ax, ay)
	}
	kx, ky, _ := scale(qy)
	ux, uy := (ax-qx)*kx, (ay-qy)*ky
	vx, vy := dx*kx, dy*ky
	t := -(ux*vx + uy*vy) / (vx*vx + vy*vy)
	for i := 0; ; i++ {
		t = math.Max(0, math.Min(1, t))
		px, py := ax+t*dx, ay+t*dy
		s, az2, ok := Inverse(qy, qx, py, px)
		if !ok || s == 0 || i == 6 {
			return s
		}
		// Unit direction of the segment at p, in metres east and north.
		pkx, pky, _ := scale(py)
		ex, ny := dx*pkx, dy*pky
		l := math.Hypot(ex, ny)
		c := (math.Sin(az2)*ex + math.Cos(az2)*ny) / l // cosine of the angle at p
		step := -c * s / l                             // in units of t
		if (t == 0 && step <= 0) || (t == 1 && step >= 0) || math.Abs(step*l) < 1e-4 {
			return s
		}
		t += step
	}
}

// boxLowerBound is a lower bound of the geodesic distance in metres from q to
// any point of the lon/lat box [x0, x1] × [y0, y1], for paths no longer than
// limit metres: the latitude gap costs at least mMin per radian, and the
// longitude gap at least a·cos φ per radian at the highest latitude such a
// path can reach.
func boxLowerBound(qx, qy, x0, y0, x1, y1, limit float64) float64 {
	var dlat, dlon float64
	if qy < y0 {
		dlat = y0 - qy
	} else if qy > y1 {
		dlat = qy - y1
	}
	if qx < x0 {
		dlon = x0 - qx
	} else if qx > x1 {
		dlon = qx - x1
	}
	lb := mMin * dlat * deg
	if dlon > 0 && !math.IsInf(limit, 1) {
		hi := math.Max(math.Abs(qy), math.Max(math.Abs(y0), math.Abs(y1))) + limit/mMin/deg
		if hi < 90 {
			lb = math.Max(lb, wgsA*math.Cos(hi*deg)*dlon*deg)
		}
	}
	return lb
}
