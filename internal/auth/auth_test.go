package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"warden/internal/auth"
	"warden/internal/problem"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestPasswords(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with its parameters", h)
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !auth.VerifyPassword(h, "correct horse battery") || !auth.VerifyPassword(h2, "correct horse battery") {
		t.Error("the right password is refused")
	}
	for _, bad := range []string{"correct horse batterY", "", "correct horse battery "} {
		if auth.VerifyPassword(h, bad) {
			t.Errorf("%q is accepted", bad)
		}
	}
	for _, broken := range []string{"", "plain", strings.Replace(h, "argon2id", "argon2i", 1), strings.Replace(h, "m=19456", "m=99999999", 1), h[:len(h)-4]} {
		if auth.VerifyPassword(broken, "correct horse battery") {
			t.Errorf("a broken hash %q verifies", broken)
		}
	}
	for pw, ok := range map[string]bool{"short": false, "ten chars!": true, "密码密码密码密码密码": true, strings.Repeat("x", 257): false} {
		if err := auth.CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v", pw, err)
		}
	}
}

func TestGrants(t *testing.T) {
	for _, tc := range []struct {
		role auth.Role
		perm auth.Permission
		want bool
	}{
		{auth.Admin, auth.ManageUsers, true}, {auth.Admin, auth.ReadTracks, true},
		{auth.GIS, auth.WriteZoning, true}, {auth.GIS, auth.WriteGrid, true}, {auth.GIS, auth.ReadTracks, false}, {auth.GIS, auth.WriteScreenings, false},
		{auth.Reviewer, auth.WriteScreenings, true}, {auth.Reviewer, auth.WriteZoning, false},
		{auth.Ranger, auth.ReadOwnTracks, true}, {auth.Ranger, auth.WriteOwnTracks, true}, {auth.Ranger, auth.ReadTracks, false}, {auth.Ranger, auth.WriteTracks, false},
		{auth.Officer, auth.WriteCases, true}, {auth.Officer, auth.ReadTracks, true}, {auth.Officer, auth.WriteZoning, false},
		{auth.Viewer, auth.ReadCases, true}, {auth.Viewer, auth.ReadTracks, false}, {auth.Viewer, auth.WriteCases, false}, {auth.Viewer, auth.ReadAudit, false},
	} {
		if got := auth.Grants(tc.role, tc.perm); got != tc.want {
			t.Errorf("Grants(%s, %s) = %v, want %v", tc.role, tc.perm, got, tc.want)
		}
	}
	p := &auth.Principal{Roles: []auth.Role{auth.Viewer, auth.Ranger}, Reserves: []string{"a"}}
	if !p.Has(auth.ReadCases) || !p.Has(auth.WriteOwnTracks) || p.Has(auth.WriteCases) {
		t.Error("a viewer and ranger has the union of both roles' rights, no more")
	}
	if !p.InReserve("a") || p.InReserve("b") || p.InReserve("") {
		t.Error("a user limited to reserve a may act in a only")
	}
	if _, err := auth.ParseRole("root"); err == nil {
		t.Error("role root is accepted")
	}
}

func status(err error) int {
	if p, ok := problem.As(err); ok {
		return p.Status
	}
	return 0
}

func TestStore(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	if _, err := zoning.NewStore(pool).CreateReserve(ctx, zoning.ReserveInput{Code: "qt", NameZH: "羌塘", Level: "national", ZoningScheme: zoning.ThreeZone}); err != nil {
		t.Fatal(err)
	}
	st := auth.NewStore(pool)
	for _, tc := range []struct {
		in   auth.UserInput
		want int
		says string
	}{
		{auth.UserInput{Name: "Bad Name", Roles: []auth.Role{auth.Viewer}}, 422, "lower-case"},
		{auth.UserInput{Name: "x", Roles: nil}, 422, "at least one role"},
		{auth.UserInput{Name: "x", Roles: []auth.Role{"root"}}, 422, "unknown role"},
		{auth.UserInput{Name: "x", Roles: []auth.Role{auth.Viewer, auth.Viewer}}, 422, "twice"},
		{auth.UserInput{Name: "x", Roles: []auth.Role{auth.Admin}, Reserves: []string{"qt"}}, 422, "every reserve"},
		{auth.UserInput{Name: "x", Roles: []auth.Role{auth.Ranger}, Reserves: []string{"nowhere"}}, 422, "nowhere"},
		{auth.UserInput{Name: "x", Roles: []auth.Role{auth.Ranger}, Password: "short"}, 422, "at least 10"},
	} {
		_, err := st.CreateUser(ctx, tc.in)
		if status(err) != tc.want || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("CreateUser(%+v): %v, want %d saying %q", tc.in, err, tc.want, tc.says)
		}
	}
	u, err := st.CreateUser(ctx, auth.UserInput{Name: "li.ming", Roles: []auth.Role{auth.Ranger}, Reserves: []string{"qt"}, Password: "patrol password"})
	if err != nil {
		t.Fatal(err)
	}
	if u.AllReserves || len(u.Reserves) != 1 || u.Reserves[0] != "qt" || !u.HasPassword {
		t.Errorf("user %+v", u)
	}
	if _, err := st.CreateUser(ctx, auth.UserInput{Name: "li.ming", Roles: []auth.Role{auth.Viewer}}); status(err) != 409 {
		t.Errorf("a second li.ming: %v", err)
	}

	// Tokens.
	exp := time.Now().Add(time.Hour)
	tok, err := st.CreateToken(ctx, "li.ming", "gps", &exp)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.ByToken(ctx, tok.Secret)
	if err != nil || p.Name != "li.ming" || p.AllReserves || p.Reserves[0] != "qt" || p.TokenID != tok.ID || p.Via != auth.ViaToken {
		t.Errorf("ByToken: %+v, %v", p, err)
	}
	if _, err := st.ByToken(ctx, tok.Secret+"x"); status(err) != 401 {
		t.Errorf("an unknown token: %v", err)
	}
	if _, err := pool.Exec(ctx, `UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ByToken(ctx, tok.Secret); status(err) != 401 || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired token: %v", err)
	}
	tok2, _ := st.CreateToken(ctx, "li.ming", "", nil)
	if _, err := st.RevokeToken(ctx, tok2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ByToken(ctx, tok2.Secret); status(err) != 401 || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("a revoked token: %v", err)
	}
	if _, err := st.CreateToken(ctx, "nobody", "", nil); status(err) != 404 {
		t.Errorf("a token for nobody: %v", err)
	}

	// Sessions.
	if _, _, err := st.Login(ctx, "li.ming", "wrong password", "", "", time.Hour); !errors.Is(err, auth.ErrBadLogin) {
		t.Errorf("a wrong password: %v", err)
	}
	if _, _, err := st.Login(ctx, "nobody", "patrol password", "", "", time.Hour); !errors.Is(err, auth.ErrBadLogin) {
		t.Errorf("an unknown user: %v", err)
	}
	ses, sp, err := st.Login(ctx, "li.ming", "patrol password", "192.0.2.1", "test\x00agent", time.Hour)
	if err != nil || sp.CSRF == "" || ses.CSRF != sp.CSRF {
		t.Fatalf("Login: %+v %+v %v", ses, sp, err)
	}
	if got, err := st.BySession(ctx, ses.Secret); err != nil || got == nil || got.Name != "li.ming" || got.CSRF != ses.CSRF {
		t.Errorf("BySession: %+v %v", got, err)
	}
	if got, err := st.BySession(ctx, "not a session"); got != nil || err != nil {
		t.Errorf("an unknown session: %+v %v", got, err)
	}
	disabled := true
	if _, err := st.UpdateUser(ctx, "li.ming", auth.UserPatch{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.BySession(ctx, ses.Secret); got != nil {
		t.Error("the session of a disabled user still works")
	}
	if _, _, err := st.Login(ctx, "li.ming", "patrol password", "", "", time.Hour); !errors.Is(err, auth.ErrBadLogin) {
		t.Errorf("a disabled user logs in: %v", err)
	}
	admin := []auth.Role{auth.Admin}
	if _, err := st.UpdateUser(ctx, "li.ming", auth.UserPatch{Roles: &admin}); status(err) != 422 {
		t.Errorf("li.ming, limited to qt, made admin: %v", err)
	}

	// Audit.
	e := auth.EntryFor(p)
	e.Action, e.Route, e.Resource, e.ResourceID, e.Reserve, e.Status, e.Address = "PATCH", "PATCH /x", "marker", "7\x00", "qt", 200, "192.0.2.1"
	e.Before, e.After = []byte(`{"status":"intact"}`), []byte(`{"status":"damaged"}`)
	if err := st.Record(ctx, e); err != nil {
		t.Fatal(err)
	}
	page, err := st.Audit(ctx, auth.AuditFilter{Reserve: "qt", Resource: "marker"})
	if err != nil || page.Total != 1 || page.Entries[0].ResourceID != "7" || string(page.Entries[0].After) != `{"status": "damaged"}` || page.Entries[0].TokenID == nil {
		t.Errorf("Audit: %+v %v", page, err)
	}
	if page, _ := st.Audit(ctx, auth.AuditFilter{Actor: "someone else"}); page.Total != 0 {
		t.Errorf("audit by another actor: %+v", page)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("the audit log can be deleted from")
	}
}
