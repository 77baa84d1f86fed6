package screening_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/screening"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// TestMain gives this package's tests and benchmarks a private PostGIS cluster.
func TestMain(m *testing.M) { testdb.Main(m) }

// engineStore is a Store on pool that measures footprints with a zone
// engine of its own, as warden serve does; the engine follows the database
// until ctx ends.
func engineStore(ctx context.Context, pool *pgxpool.Pool, opts screening.Options) (*screening.Store, error) {
	eng, err := zoning.StartEngine(ctx, pool, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	s := screening.NewStore(pool, opts)
	s.UseEngine(eng)
	return s, nil
}
