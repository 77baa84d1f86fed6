package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/problem"
)

// caseOrders are the orders a case list may be sorted in (the sort
// parameter; a leading '-' reverses): SQL from code, never from the request.
var caseOrders = map[string]string{
	"reported":  "c.reported_at, c.id",
	"-reported": "c.reported_at DESC, c.id DESC",
	"deadline":  "c.deadline ASC NULLS LAST, c.id",
	"-deadline": "c.deadline DESC NULLS LAST, c.id DESC",
	"updated":   "c.updated_at, c.id",
	"-updated":  "c.updated_at DESC, c.id DESC",
	"number":    "r.code, c.year, c.seq",
	"-number":   "r.code DESC, c.year DESC, c.seq DESC",
	"status":    "array_position(ARRAY['reported','verified','transferred','rectifying','interviewed','special_inspection','rectified','closed','dismissed'], c.status), c.id",
	"-status":   "array_position(ARRAY['reported','verified','transferred','rectifying','interviewed','special_inspection','rectified','closed','dismissed'], c.status) DESC, c.id DESC",
}

// DefaultSort is the order of a case list without sort: newest first.
const DefaultSort = "-reported"

// SortKeys lists the sort parameter's values.
func SortKeys() []string {
	keys := make([]string, 0, len(caseOrders))
	for k := range caseOrders {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// order is the ORDER BY of the filter's sort.
func (f Filter) order() (string, error) {
	if f.Sort == "" {
		return caseOrders[DefaultSort], nil
	}
	o, ok := caseOrders[f.Sort]
	if !ok {
		return "", problem.BadRequest("invalid-parameter", fmt.Sprintf("sort=%q must be one of %s", f.Sort, strings.Join(SortKeys(), ", ")))
	}
	return o, nil
}

// deadlineConds are the conditions of the deadline filters: cases whose
// deadline is on or after DeadlineFrom and on or before DeadlineTo (local
// dates); each excludes cases without a deadline.
func (f Filter) deadlineConds(q *db.Filter) error {
	for _, d := range []struct {
		name, v, op string
	}{{"deadline_from", f.DeadlineFrom, " >= "}, {"deadline_to", f.DeadlineTo, " <= "}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be a date YYYY-MM-DD", d.name, d.v))
		}
		q.And("c.deadline" + d.op + q.Bind(d.v) + "::date")
	}
	return nil
}

// activityCode reads an activity given by its code or its Chinese or English
// name (采石, quarrying) or a name the law's vocabulary has for it, and says
// whether it is a case activity (the rule table's, marker_damage, other).
func activityCode(ctx context.Context, q db.Querier, v string) (string, bool, error) {
	t := strings.TrimSpace(v)
	if slices.Contains(extraActivities, t) {
		return t, true, nil
	}
	alias := ""
	if a, ok := law.ResolveActivity(t); ok {
		alias = a.Code
	}
	var code string
	err := q.QueryRow(ctx, `SELECT code FROM screening_activity WHERE code = $1 OR name_zh = $1 OR lower(name_en) = lower($1) OR code = $2
		ORDER BY code = $1 DESC, code = $2 DESC LIMIT 1`, t, alias).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("cases: activity %q: %w", v, err)
	}
	return code, true, nil
}
