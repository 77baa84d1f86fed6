package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"warden/internal/problem"
)

// Querier runs statements: a pool, a Pool, a transaction or a connection.
// Store helpers that may run inside or outside a transaction take one.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Args collects a statement's bound values and hands out their $n
// placeholders, so SQL built from optional parts never counts by hand and
// never writes a value into the text.
type Args []any

// Bind adds v and returns its placeholder.
func (a *Args) Bind(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// A Filter is the WHERE clause of a list, built condition by condition,
// with its bound values, and then its page.
type Filter struct {
	Args
	conds []string
}

// And adds a condition, written with placeholders from Bind.
func (f *Filter) And(cond string) { f.conds = append(f.conds, cond) }

// Equal adds the condition expr = v, v bound, unless v is empty: the
// filters a list leaves out when their parameter is.
func (f *Filter) Equal(expr, v string) {
	if v != "" {
		f.And(expr + " = " + f.Bind(v))
	}
}

// Where is " WHERE c1 AND c2 ...", or "" when there is no condition.
func (f *Filter) Where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// Page binds limit and offset and returns " LIMIT $n OFFSET $m". Count the
// rows with Args before calling it.
func (f *Filter) Page(limit, offset int) string {
	return " LIMIT " + f.Bind(limit) + " OFFSET " + f.Bind(offset)
}

// CheckPage puts the default in a zero limit and refuses a limit beyond
// 1..most or a negative offset with a 400 invalid-parameter.
func CheckPage(limit *int, offset, def, most int) error {
	if *limit == 0 {
		*limit = def
	}
	if *limit < 1 || *limit > most || offset < 0 {
		return problem.BadRequest("invalid-parameter", fmt.Sprintf("limit must be 1..%d and offset 0 or more", most))
	}
	return nil
}

// Wrap prefixes *errp, when it is an error, with where it happened: a
// store's package and operation (defer db.Wrap(&err, "cases: transition
// %d", id)), so that a 500 in the log names the store and the call rather
// than a bare database message. errors.Is and errors.As see through it, and
// a problem's answer is unchanged. (The pattern of pkgsite's derrors.Wrap.)
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
