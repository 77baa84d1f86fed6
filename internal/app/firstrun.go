package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"warden/internal/auth"
)

// FirstAdminName is the administrator a first start makes in a database
// without users, so that the browser pages, which sign in with a user name and
// password, can be used at once.
const FirstAdminName = "admin"

// firstAdmin makes the administrator FirstAdminName with a generated password
// when the database has no users at all, prints the name and password once to
// out and keeps the password in DataDir/admin-password (mode 0600) so that a
// lost terminal does not lock the owner out. A database with users is left
// alone: it reports false.
func firstAdmin(ctx context.Context, env *Env, cfg Config, out io.Writer) (bool, error) {
	st := env.Auth
	users, err := st.Users(ctx)
	if err != nil {
		return false, fmt.Errorf("first start: list users: %w", err)
	}
	if len(users) > 0 {
		return false, nil
	}
	pw, err := generatedPassword()
	if err != nil {
		return false, err
	}
	u, err := st.CreateUser(ctx, auth.UserInput{Name: FirstAdminName, DisplayName: "Administrator", Roles: []auth.Role{auth.Admin}, Password: pw})
	if err != nil {
		return false, fmt.Errorf("first start: create the administrator: %w", err)
	}
	if err := record(ctx, st, cliEntry("create", "user", u.Name), nil, u); err != nil {
		return false, err
	}
	path := filepath.Join(cfg.DataDir, "admin-password")
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return false, err
	}
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return false, err
	}
	fmt.Fprintf(out, "\nwarden: first start, no users: created the administrator (shown only now; password saved in %s)\n\n"+
		"    user name: %s\n    password:  %s\n\n  sign in on the pages with them, then change the password (POST /api/v1/auth/password)\n\n",
		path, u.Name, pw)
	return true, nil
}
