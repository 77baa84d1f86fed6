package zoning

import (
	"context"
	"fmt"
)

// SetRuleFamily chooses the rule family (internal/law) a reserve is judged
// under; "" is the Chinese nature-reserve family, by the date of the act.
func (s *Store) SetRuleFamily(ctx context.Context, code, family string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE reserve SET rule_family = nullif($2, '') WHERE code = $1`, code, family)
	if err != nil {
		return fmt.Errorf("zoning: reserve %s rule family %s: %w", code, family, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("zoning: no reserve %s", code)
	}
	return nil
}
