package db_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// TestWrap: a store's error says where it happened, and still is what it
// was: errors.Is finds pgx.ErrNoRows, problem.As the refusal with its type.
func TestWrap(t *testing.T) {
	get := func(id int64, cause error) (err error) {
		defer db.Wrap(&err, "cases: get %d", id)
		return cause
	}
	if err := get(7, nil); err != nil {
		t.Fatalf("nil wrapped: %v", err)
	}
	err := get(7, pgx.ErrNoRows)
	if err.Error() != "cases: get 7: no rows in result set" || !errors.Is(err, pgx.ErrNoRows) {
		t.Errorf("wrapped: %q (is ErrNoRows: %v)", err, errors.Is(err, pgx.ErrNoRows))
	}
	if p, ok := problem.As(get(7, problem.NotFound("case", "7"))); !ok || p.Type != "not-found" || p.Status != 404 {
		t.Errorf("a refusal through Wrap: %+v %v", p, ok)
	}
}
