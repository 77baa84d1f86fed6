package patrol_test

import (
	"fmt"

	"warden/internal/patrol"
)

// Chinese phone map apps show GCJ-02 positions, offset from the WGS 84 ones
// a GPS gives by a few hundred metres; outside China nothing changes.
func ExampleWGS84ToGCJ02() {
	lon, lat := patrol.WGS84ToGCJ02(116.397, 39.909) // Tiananmen
	fmt.Printf("%.6f, %.6f\n", lon, lat)
	lon, lat = patrol.WGS84ToGCJ02(1.2, 42.5) // the Pyrenees
	fmt.Printf("%.6f, %.6f\n", lon, lat)
	// Output:
	// 116.403244, 39.910403
	// 1.200000, 42.500000
}
