// Package migrations holds Warden's database schema: numbered SQL files
// applied once each by goose, and one repeatable file per PL/pgSQL function
// (functions/NAME.sql, CREATE OR REPLACE with the current body) applied after
// them at every migrate (see internal/db).
package migrations

import "embed"

// FS holds the numbered migration files.
//
//go:embed *.sql
var FS embed.FS

// Functions holds functions/NAME.sql, one file per PL/pgSQL function: the
// only place its body is written. A numbered migration that creates the
// function (because a trigger it creates needs one) gives it a stub body.
//
//go:embed functions/*.sql
var Functions embed.FS
