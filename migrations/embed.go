// Package migrations holds Warden's database schema as numbered SQL files,
// embedded in the binary and applied by goose (see internal/db).
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
