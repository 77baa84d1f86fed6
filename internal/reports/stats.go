package reports

import (
	"context"
	"math"

	"warden/internal/cases"
	"warden/internal/db"
)

// UnitStats are one unit's statistics over all its cases.
type UnitStats struct {
	Unit     string         `json:"unit"`
	NameZH   string         `json:"name_zh"`
	UnitName string         `json:"unit_name"`
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	Open     int            `json:"open"`
	Overdue  int            `json:"overdue"`
	Closed   int            `json:"closed"`
	// MeanDaysToClose is from registration to 销号, over closed cases.
	MeanDaysToClose *float64 `json:"mean_days_to_close"`
	FinesYuan       float64  `json:"fines_yuan"`
	DailyAccrued    float64  `json:"daily_penalties_accrued_yuan"`
}

// UnitStatistics lists per-unit statistics of all cases (of a reserve).
func (s *Store) UnitStatistics(ctx context.Context, reserve string) (_ []UnitStats, err error) {
	defer db.Wrap(&err, "reports: unit statistics %q", reserve)
	now := s.opts.Now()
	rows, err := s.pool.Query(ctx, `WITH units AS (`+unitScope+`)
		SELECT u.code, u.name_zh, u.unit_name, c.status, count(c.id), count(c.id) FILTER (WHERE `+cases.OverdueAt("$3")+`),
		       sum(extract(epoch FROM c.closed_at - c.reported_at) / 86400) FILTER (WHERE c.status = 'closed')
		FROM units u JOIN violation_case c ON `+caseUnit+` IS NOT DISTINCT FROM u.id JOIN reserve r ON r.id = c.reserve_id
		WHERE $1 = '' OR r.code = $1
		GROUP BY 1, 2, 3, 4 ORDER BY 1`, reserve, s.opts.DefaultTimezone, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitStats{}
	days := map[string]float64{}
	for rows.Next() {
		var code, name, unit string
		var st cases.Status
		var n, od int
		var d *float64
		if err := rows.Scan(&code, &name, &unit, &st, &n, &od, &d); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Unit != code {
			out = append(out, UnitStats{Unit: code, NameZH: name, UnitName: unit, ByStatus: map[string]int{}})
		}
		us := &out[len(out)-1]
		us.Total += n
		us.ByStatus[string(st)] = n
		us.Overdue += od
		if st.Open() {
			us.Open += n
		}
		if st == cases.Closed {
			us.Closed += n
		}
		if d != nil {
			days[code] += *d
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		us := &out[i]
		if us.Closed > 0 {
			m := math.Round(days[us.Unit]/float64(us.Closed)*10) / 10
			us.MeanDaysToClose = &m
		}
		if err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(m.amount), 0)::float8,
				coalesce(sum(m.daily_amount * greatest(0, least(coalesce(m.end_on, ($2::timestamptz AT TIME ZONE c.timezone)::date),
				                                                ($2::timestamptz AT TIME ZONE c.timezone)::date) - m.start_on + 1)), 0)::float8
			FROM case_measure m JOIN violation_case c ON c.id = m.case_id JOIN reserve r ON r.id = c.reserve_id
			LEFT JOIN admin_area u ON u.id = `+caseUnit+`
			WHERE coalesce(u.code, '-') = $1 AND ($3 = '' OR r.code = $3)`, us.Unit, now, reserve).Scan(&us.FinesYuan, &us.DailyAccrued); err != nil {
			return nil, err
		}
	}
	return out, nil
}
