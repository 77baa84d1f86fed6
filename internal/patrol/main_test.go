package patrol

import (
	"testing"

	"warden/internal/testdb"
)

// TestMain gives this package's tests and benchmarks a private PostGIS cluster.
func TestMain(m *testing.M) { testdb.Main(m) }
