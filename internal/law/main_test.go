package law_test

import (
	"testing"

	"warden/internal/testdb"
)

// TestMain gives this package's tests a private PostGIS cluster.
func TestMain(m *testing.M) { testdb.Main(m) }
