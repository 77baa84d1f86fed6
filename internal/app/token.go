package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"warden/internal/auth"
)

// The commands `warden user ...` and `warden token ...` work on the database
// directly (like `warden import`), so they also make the first users; each
// change is in the audit log as the CLI's, under the system user's name.

// cliEntry starts an audit entry for a command run by the system user.
func cliEntry(action, resource, id string) auth.Entry {
	who := "cli"
	if u, err := user.Current(); err == nil {
		who = "cli:" + u.Username
	}
	return auth.Entry{Actor: who, Via: auth.ViaCLI, Address: "local", Action: action, Route: "warden " + resource + " " + action,
		Resource: resource, ResourceID: id, Status: 200}
}

func record(ctx context.Context, st *auth.Store, e auth.Entry, before, after any) error {
	if before != nil {
		e.Before, _ = json.Marshal(before)
	}
	if after != nil {
		e.After, _ = json.Marshal(after)
	}
	return st.Record(ctx, e)
}

// UserOptions are the flags of `warden user create` and `warden user set`.
type UserOptions struct {
	DisplayName string
	Roles       []string
	// Reserves limits the user to these reserve codes; AllReserves lifts a limit.
	Reserves    []string
	AllReserves bool
	// Password sets the password; GeneratePassword makes one and prints it.
	Password         string
	GeneratePassword bool
	// Disable and Enable switch the user off and on.
	Disable, Enable bool
}

func parseRoles(names []string) ([]auth.Role, error) {
	var rs []auth.Role
	for _, n := range names {
		for _, part := range strings.Split(n, ",") {
			r, err := auth.ParseRole(part)
			if err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
	}
	return rs, nil
}

// generatedPassword is 18 random bytes in base64url (24 characters).
func generatedPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateUser makes a user and prints it (and a generated password, once).
func CreateUser(ctx context.Context, env *Env, name string, o UserOptions, out io.Writer) error {
	roles, err := parseRoles(o.Roles)
	if err != nil {
		return err
	}
	pw := o.Password
	if o.GeneratePassword {
		if pw, err = generatedPassword(); err != nil {
			return err
		}
	}
	st := env.Auth
	u, err := st.CreateUser(ctx, auth.UserInput{Name: name, DisplayName: o.DisplayName, Roles: roles, Reserves: o.Reserves, Password: pw})
	if err != nil {
		return err
	}
	if err := record(ctx, st, cliEntry("create", "user", u.Name), nil, u); err != nil {
		return err
	}
	printUsers(out, []auth.User{u})
	if o.GeneratePassword {
		fmt.Fprintf(out, "\npassword for %s (shown only now): %s\n", u.Name, pw)
	}
	return nil
}

// SetUser changes a user's roles, reserves, password or state.
func SetUser(ctx context.Context, env *Env, name string, o UserOptions, out io.Writer) error {
	var p auth.UserPatch
	if len(o.Roles) > 0 {
		roles, err := parseRoles(o.Roles)
		if err != nil {
			return err
		}
		p.Roles = &roles
	}
	switch {
	case o.AllReserves && len(o.Reserves) > 0:
		return fmt.Errorf("give --reserve or --all-reserves, not both")
	case o.AllReserves:
		p.Reserves = &[]string{}
	case len(o.Reserves) > 0:
		p.Reserves = &o.Reserves
	}
	if o.DisplayName != "" {
		p.DisplayName = &o.DisplayName
	}
	pw := o.Password
	if o.GeneratePassword {
		var err error
		if pw, err = generatedPassword(); err != nil {
			return err
		}
	}
	if pw != "" {
		p.Password = &pw
	}
	if o.Disable && o.Enable {
		return fmt.Errorf("give --disable or --enable, not both")
	}
	if o.Disable || o.Enable {
		p.Disabled = &o.Disable
	}
	st := env.Auth
	before, err := st.User(ctx, name)
	if err != nil {
		return err
	}
	u, err := st.UpdateUser(ctx, name, p)
	if err != nil {
		return err
	}
	if err := record(ctx, st, cliEntry("set", "user", u.Name), before, u); err != nil {
		return err
	}
	printUsers(out, []auth.User{u})
	if o.GeneratePassword {
		fmt.Fprintf(out, "\npassword for %s (shown only now): %s\n", u.Name, pw)
	}
	return nil
}

// ListUsers prints every user.
func ListUsers(ctx context.Context, env *Env, out io.Writer) error {
	us, err := env.Auth.Users(ctx)
	if err != nil {
		return err
	}
	printUsers(out, us)
	return nil
}

func printUsers(out io.Writer, us []auth.User) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLES\tRESERVES\tPASSWORD\tSTATE\tDISPLAY NAME")
	for _, u := range us {
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		reserves := "all"
		if !u.AllReserves {
			reserves = strings.Join(u.Reserves, ",")
			if reserves == "" {
				reserves = "none"
			}
		}
		pw, state := "no", "active"
		if u.HasPassword {
			pw = "yes"
		}
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, strings.Join(roles, ","), reserves, pw, state, u.DisplayName)
	}
	tw.Flush()
}

// CreateToken makes an API token for user, valid for expiresIn (0: until
// revoked), and prints its secret once.
func CreateToken(ctx context.Context, env *Env, userName, name string, expiresIn time.Duration, out io.Writer) error {
	var expires *time.Time
	if expiresIn < 0 {
		return fmt.Errorf("--expires must be a positive duration")
	}
	if expiresIn > 0 {
		t := time.Now().Add(expiresIn)
		expires = &t
	}
	st := env.Auth
	t, err := st.CreateToken(ctx, userName, name, expires)
	if err != nil {
		return err
	}
	if err := record(ctx, st, cliEntry("create", "token", fmt.Sprint(t.ID)), nil, t.Token); err != nil {
		return err
	}
	until := "until revoked"
	if t.ExpiresAt != nil {
		until = "until " + t.ExpiresAt.Local().Format(time.RFC3339)
	}
	fmt.Fprintf(out, "token %d for %s (%s), valid %s; shown only now:\n\n    %s\n\nuse it as: Authorization: Bearer %s\n",
		t.ID, t.User, t.Name, until, t.Secret, t.Secret)
	return nil
}

// RevokeToken revokes token id.
func RevokeToken(ctx context.Context, env *Env, id int64, out io.Writer) error {
	st := env.Auth
	before, err := st.Token(ctx, id)
	if err != nil {
		return err
	}
	t, err := st.RevokeToken(ctx, id)
	if err != nil {
		return err
	}
	if err := record(ctx, st, cliEntry("revoke", "token", fmt.Sprint(id)), before, t); err != nil {
		return err
	}
	fmt.Fprintf(out, "token %d of %s (%s) revoked\n", t.ID, t.User, t.Name)
	return nil
}

// ListTokens prints the tokens of user ("" for everyone's).
func ListTokens(ctx context.Context, env *Env, userName string, out io.Writer) error {
	ts, err := env.Auth.Tokens(ctx, userName)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tNAME\tPREFIX\tCREATED\tEXPIRES\tSTATE")
	now := time.Now()
	for _, t := range ts {
		expires, state := "never", "valid"
		if t.ExpiresAt != nil {
			expires = t.ExpiresAt.Local().Format(time.DateTime)
			if !t.ExpiresAt.After(now) {
				state = "expired"
			}
		}
		if t.RevokedAt != nil {
			state = "revoked"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.User, t.Name, t.Prefix, t.CreatedAt.Local().Format(time.DateTime), expires, state)
	}
	return tw.Flush()
}
