package cases

import (
	"context"
	"fmt"
	"warden/internal/db"
)

// Ref names a case that a track or screening opened or extended, for the
// answer to the upload: where the case is, in the API and on the pages.
type Ref struct {
	ID       int64  `json:"id"`
	Number   string `json:"number"`
	Title    string `json:"title"`
	Status   Status `json:"status"`
	StatusZH string `json:"status_zh"`
	// Opened is true when this upload opened the case, false when it added
	// evidence to a case already open.
	Opened bool   `json:"opened"`
	Link   string `json:"link"`
	Page   string `json:"page"`
}

// RefsFor lists the cases whose evidence includes findings of the track (or,
// with screening true, the screening) id, oldest first.
func (s *Store) RefsFor(ctx context.Context, id int64, screening bool) (_ []Ref, err error) {
	defer db.Wrap(&err, "cases: refs for %d", id)
	col := "track_id"
	if screening {
		col = "screening_id"
	}
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.number, c.title, c.status,
			(SELECT e1.`+col+` FROM case_evidence e1 WHERE e1.case_id = c.id ORDER BY e1.id LIMIT 1) IS NOT DISTINCT FROM $1::bigint
		FROM violation_case c WHERE c.id IN (SELECT e.case_id FROM case_evidence e WHERE e.`+col+` = $1 AND e.kind = 'finding')
		ORDER BY c.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Ref{}
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.ID, &r.Number, &r.Title, &r.Status, &r.Opened); err != nil {
			return nil, err
		}
		r.StatusZH = r.Status.ZH()
		r.Link, r.Page = fmt.Sprintf("/api/v1/cases/%d", r.ID), fmt.Sprintf("/cases/%d", r.ID)
		out = append(out, r)
	}
	return out, rows.Err()
}
