package cases

import (
	"context"
	"fmt"
	"warden/internal/db"
)

// overdueSQL is true for a case c whose deadline has passed (the deadline
// is a whole day in the case's time zone) while it is being worked; %s is
// the placeholder of the reference time.
const overdueSQL = `(c.deadline IS NOT NULL AND c.status IN ('transferred', 'rectifying', 'interviewed', 'special_inspection')
	AND %s >= ((c.deadline + 1)::timestamp AT TIME ZONE c.timezone))`

// OverdueAt is the SQL condition, on a violation_case aliased c, that the
// case is overdue at the time bound to placeholder (such as "$1").
func OverdueAt(placeholder string) string { return fmt.Sprintf(overdueSQL, placeholder) }

// Sweep marks the cases whose deadline has passed as overdue, once per
// deadline, with an 'overdue' event that records the proposed next step
// (public interview, special inspection, accountability). It returns how
// many it marked.
func (s *Store) Sweep(ctx context.Context) (_ int, err error) {
	defer db.Wrap(&err, "cases: sweep")
	var n int
	err = s.pool.QueryRow(ctx, `WITH due AS (
			SELECT c.id FROM violation_case c WHERE `+OverdueAt("$1")+` AND c.overdue_at IS NULL FOR UPDATE SKIP LOCKED),
		up AS (
			UPDATE violation_case c SET overdue_at = $1, version = c.version + 1, updated_at = now() FROM due WHERE c.id = due.id
			RETURNING c.id, c.version, c.status, c.deadline, ($1::timestamptz AT TIME ZONE c.timezone)::date - c.deadline AS days),
		ev AS (
			INSERT INTO case_event (case_id, version, actor, kind, comment, data)
			SELECT up.id, up.version, 'system', 'overdue', format('整改期限%s已过', up.deadline),
			       jsonb_build_object('deadline', to_char(up.deadline, 'YYYY-MM-DD'), 'status', up.status, 'days_overdue', up.days,
			                          'proposed_next_step', CASE WHEN up.status IN ('transferred', 'rectifying') THEN 'interviewed'
			                                                     WHEN up.status = 'interviewed' THEN 'special_inspection' ELSE 'accountability' END)
			FROM up RETURNING 1)
		SELECT count(*) FROM ev`, s.opts.Now()).Scan(&n)
	return n, err
}
