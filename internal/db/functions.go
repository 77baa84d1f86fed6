package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/migrations"
)

// A function file is one PL/pgSQL function's current definition.
type functionFile struct {
	name, sql, sum string
}

// functionFiles reads migrations/functions, in name order.
func functionFiles() ([]functionFile, error) {
	paths, err := fs.Glob(migrations.Functions, "functions/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var out []functionFile
	for _, p := range paths {
		b, err := fs.ReadFile(migrations.Functions, p)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		out = append(out, functionFile{strings.TrimSuffix(path.Base(p), ".sql"), string(b), hex.EncodeToString(sum[:])})
	}
	return out, nil
}

// schemaFunctionTable records the SHA-256 of each function file as last
// applied, so CheckSchema can tell a database whose functions are older than
// the binary's without comparing bodies.
const schemaFunctionTable = `CREATE TABLE IF NOT EXISTS schema_function (
    name       text PRIMARY KEY,
    sha256     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

// applyFunctions runs every function file (CREATE OR REPLACE) and records
// its hash, all in one transaction. It runs after the numbered migrations at
// every migrate, so a fresh database and one migrated from any version end
// with the same bodies.
func applyFunctions(ctx context.Context, pool *pgxpool.Pool) error {
	files, err := functionFiles()
	if err != nil {
		return fmt.Errorf("migrate functions: %w", err)
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, schemaFunctionTable); err != nil {
			return fmt.Errorf("migrate functions: %w", err)
		}
		names := make([]string, 0, len(files))
		for _, f := range files {
			if _, err := tx.Exec(ctx, f.sql); err != nil {
				return fmt.Errorf("migrate functions: functions/%s.sql: %w", f.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_function (name, sha256) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()
				WHERE schema_function.sha256 <> EXCLUDED.sha256`, f.name, f.sum); err != nil {
				return fmt.Errorf("migrate functions: record %s: %w", f.name, err)
			}
			names = append(names, f.name)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM schema_function WHERE name <> ALL($1)`, names); err != nil {
			return fmt.Errorf("migrate functions: %w", err)
		}
		return nil
	})
}

// staleFunction names a function file whose hash the database has not
// recorded as applied ("" when all are current).
func staleFunction(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	files, err := functionFiles()
	if err != nil {
		return "", err
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('schema_function') IS NOT NULL`).Scan(&exists); err != nil {
		return "", fmt.Errorf("check functions: %w", err)
	}
	if !exists {
		if len(files) == 0 {
			return "", nil
		}
		return files[0].name, nil
	}
	rows, err := pool.Query(ctx, `SELECT name, sha256 FROM schema_function`)
	if err != nil {
		return "", fmt.Errorf("check functions: %w", err)
	}
	applied := map[string]string{}
	var name, sum string
	if _, err := pgx.ForEachRow(rows, []any{&name, &sum}, func() error { applied[name] = sum; return nil }); err != nil {
		return "", fmt.Errorf("check functions: %w", err)
	}
	for _, f := range files {
		if applied[f.name] != f.sum {
			return f.name, nil
		}
	}
	return "", nil
}
