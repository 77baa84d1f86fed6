package cases

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/testdb"
)

// TestLastAssessmentReturnsDatabaseErrors checks that a failing query is an
// error, not "no assessment": otherwise a timeout would answer 409 "neither
// overdue nor stalled" instead of 503.
func TestLastAssessmentReturnsDatabaseErrors(t *testing.T) {
	pool := testdb.New(t)
	_ = db.Tx(t.Context(), pool, func(tx pgx.Tx) error {
		// A failed statement aborts the transaction: every later one fails.
		_, _ = tx.Exec(t.Context(), `SELECT 1/0`)
		a, err := lastAssessment(t.Context(), tx, 1)
		if err == nil {
			t.Errorf("lastAssessment in an aborted transaction = %q, nil; want the error", a)
		}
		return nil
	})
}
