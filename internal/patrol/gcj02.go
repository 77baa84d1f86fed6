package patrol

import "math"

// GCJ-02 (国测局坐标, "Mars coordinates") is the obfuscated datum that
// Chinese map apps (AMap/Gaode, Tencent, Google Maps in China) record
// positions in: WGS 84 shifted by a published, deliberately non-linear
// formula of up to several hundred metres. The forward formula below is the
// well-known one (from the leaked reference implementation that every
// converter copies); it has no closed-form inverse, so GCJ02ToWGS84 inverts
// it by fixed-point iteration. It is written here by hand because no
// maintained Go module for it is served by the module proxy this project
// builds from; TestGCJ02 holds it to published pairs.

const (
	gcjA  = 6378245.0             // semi-major axis of Krasovsky 1940, as the formula uses
	gcjEE = 0.0066934216229659433 // its first eccentricity squared
)

// inChina is the rough box outside which GCJ-02 equals WGS 84 (the
// reference implementation's outOfChina test).
func inChina(lon, lat float64) bool {
	return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

func gcjDLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320.0*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjDLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// WGS84ToGCJ02 applies the GCJ-02 obfuscation to a WGS 84 position; outside
// China it returns the position unchanged.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if !inChina(lon, lat) {
		return lon, lat
	}
	dLat := gcjDLat(lon-105.0, lat-35.0)
	dLon := gcjDLon(lon-105.0, lat-35.0)
	rad := lat / 180.0 * math.Pi
	magic := math.Sin(rad)
	magic = 1 - gcjEE*magic*magic
	sq := math.Sqrt(magic)
	dLat = dLat * 180.0 / ((gcjA * (1 - gcjEE)) / (magic * sq) * math.Pi)
	dLon = dLon * 180.0 / (gcjA / sq * math.Cos(rad) * math.Pi)
	return lon + dLon, lat + dLat
}

// GCJ02ToWGS84 recovers the WGS 84 position that WGS84ToGCJ02 maps to
// (lon, lat), to about 1e-9 degrees (0.1 mm): starting from the GCJ-02
// position, it moves the estimate by the residual of the forward transform
// until the residual vanishes (the shift varies slowly, so each step gains
// about four orders of magnitude). Outside China the position is returned
// unchanged.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if !inChina(lon, lat) {
		return lon, lat
	}
	wLon, wLat := lon, lat
	for range 30 {
		gLon, gLat := WGS84ToGCJ02(wLon, wLat)
		dLon, dLat := lon-gLon, lat-gLat
		wLon, wLat = wLon+dLon, wLat+dLat
		if math.Abs(dLon) < 1e-10 && math.Abs(dLat) < 1e-10 {
			break
		}
	}
	return wLon, wLat
}
