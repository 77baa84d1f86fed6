package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"warden/internal/db"
	"warden/internal/law"
)

// ImportRules reads an agency's rule set from file (JSON, or CSV when the
// name ends in .csv: law.CSVColumns) and imports it as POST
// /api/v1/rulesets does, choosing its family for reserve when one is given.
// All or nothing: a fault is a problem naming where (for CSV, the line and
// column), and nothing is stored.
func ImportRules(ctx context.Context, env *Env, file, reserve string, out io.Writer) error {
	if err := db.CheckSchema(ctx, env.Pool); err != nil {
		return err
	}
	if err := law.Sync(ctx, env.Pool); err != nil {
		return err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	rs, src, err := law.DecodeRuleSetDocument(b, strings.EqualFold(filepath.Ext(file), ".csv"))
	if err != nil {
		return err
	}
	issues, err := env.Law.Import(ctx, rs, reserve)
	if err != nil {
		return err
	}
	if len(issues) > 0 {
		return law.IssuesProblem(issues, src)
	}
	fmt.Fprintf(out, "rule set %s (family %s, %s, in force from %s) imported\n", rs.Code, rs.Family, rs.ZoneScheme, rs.InForceFrom)
	if reserve != "" {
		fmt.Fprintf(out, "reserve %s is judged under family %s\n", reserve, rs.Family)
	}
	return nil
}
