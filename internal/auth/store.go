package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/problem"
)

// Store keeps users, tokens, sessions and the audit log.
type Store struct {
	pool db.Pool
	// hashing bounds concurrent argon2id runs (19 MiB each), so that a flood
	// of logins cannot exhaust memory; the rate limiters bound their number.
	hashing chan struct{}
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: db.Scoped(pool), hashing: make(chan struct{}, 2)}
}

// User is an account as the API shows it (never its password hash).
type User struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Roles       []Role    `json:"roles"`
	AllReserves bool      `json:"all_reserves"`
	Reserves    []string  `json:"reserves"`
	HasPassword bool      `json:"has_password"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// UserInput is a new user. Reserves empty: every reserve.
type UserInput struct {
	Name        string   `json:"name"`
	DisplayName string   `json:"display_name"`
	Roles       []Role   `json:"roles"`
	Reserves    []string `json:"reserves"`
	Password    string   `json:"password"`
}

// UserPatch changes a user; nil fields stay. Reserves set to an empty list
// means every reserve.
type UserPatch struct {
	DisplayName *string   `json:"display_name"`
	Roles       *[]Role   `json:"roles"`
	Reserves    *[]string `json:"reserves"`
	Password    *string   `json:"password"`
	Disabled    *bool     `json:"disabled"`
}

var userName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

func invalid(field, reason string) error {
	return problem.Invalid("invalid-user", reason, problem.At(-1, field, reason))
}

// checkRoles validates roles and the reserve limit that goes with them.
func checkRoles(roles []Role, limited bool) error {
	if len(roles) == 0 {
		return invalid("roles", "a user needs at least one role: "+roleList())
	}
	for i, r := range roles {
		if _, err := ParseRole(string(r)); err != nil {
			return invalid(fmt.Sprintf("roles[%d]", i), err.Error())
		}
		if slices.Contains(roles[:i], r) {
			return invalid(fmt.Sprintf("roles[%d]", i), fmt.Sprintf("role %q is given twice", r))
		}
	}
	if limited && slices.Contains(roles, Admin) {
		return invalid("reserves", "an admin has every right in every reserve: leave reserves empty for an admin")
	}
	return nil
}

const userCols = `u.id, u.name, u.display_name, u.roles, u.all_reserves,
	coalesce((SELECT array_agg(r.code ORDER BY r.code) FROM app_user_reserve ur JOIN reserve r ON r.id = ur.reserve_id WHERE ur.user_id = u.id), '{}'),
	u.password_hash IS NOT NULL, u.disabled, u.created_at, u.updated_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	var roles []string
	err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &roles, &u.AllReserves, &u.Reserves, &u.HasPassword, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	for _, r := range roles {
		u.Roles = append(u.Roles, Role(r))
	}
	return u, err
}

// hash runs HashPassword under the concurrency bound.
func (s *Store) hash(ctx context.Context, pw string) (string, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashing }()
	return HashPassword(pw)
}

func (s *Store) verify(ctx context.Context, hash, pw string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashing }()
	return VerifyPassword(hash, pw), nil
}

// CreateUser stores a new user; 409 if the name is taken, 422 for a bad
// name, role, reserve or password.
func (s *Store) CreateUser(ctx context.Context, in UserInput) (_ User, err error) {
	defer db.Wrap(&err, "auth: create user")
	if !userName.MatchString(in.Name) {
		return User{}, invalid("name", fmt.Sprintf("user name %q must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", in.Name))
	}
	if err := checkText("display_name", in.DisplayName); err != nil {
		return User{}, err
	}
	if err := checkRoles(in.Roles, len(in.Reserves) > 0); err != nil {
		return User{}, err
	}
	var hash *string
	if in.Password != "" {
		if err := CheckPassword(in.Password); err != nil {
			return User{}, invalid("password", err.Error())
		}
		h, err := s.hash(ctx, in.Password)
		if err != nil {
			return User{}, err
		}
		hash = &h
	}
	var u User
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO app_user (name, display_name, roles, all_reserves, password_hash)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.Name, in.DisplayName, roleStrings(in.Roles), len(in.Reserves) == 0, hash).Scan(&id)
		if db.IsUniqueViolation(err) {
			return problem.Conflict("user-exists", fmt.Sprintf("user %q exists already", in.Name))
		}
		if err != nil {
			return err
		}
		if err := setReserves(ctx, tx, id, in.Reserves); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM app_user u WHERE u.id = $1`, id))
		return err
	})
	return u, err
}

func checkText(field, v string) error {
	if len(v) > 200 || strings.ContainsRune(v, 0) {
		return invalid(field, field+" must be at most 200 bytes of text")
	}
	return nil
}

func roleStrings(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// setReserves replaces a user's reserve list (codes), refusing unknown codes.
func setReserves(ctx context.Context, tx pgx.Tx, id int64, codes []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM app_user_reserve WHERE user_id = $1`, id); err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	var missing []string
	err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(c ORDER BY c), '{}') FROM unnest($1::text[]) AS c WHERE c NOT IN (SELECT code FROM reserve)`, codes).Scan(&missing)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return invalid("reserves", "no such reserve: "+strings.Join(missing, ", "))
	}
	_, err = tx.Exec(ctx, `INSERT INTO app_user_reserve (user_id, reserve_id) SELECT $1, id FROM reserve WHERE code = ANY ($2) ON CONFLICT DO NOTHING`, id, codes)
	return err
}

// User returns the user with this name (404 if none).
func (s *Store) User(ctx context.Context, name string) (_ User, err error) {
	defer db.Wrap(&err, "auth: user %q", name)
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM app_user u WHERE u.name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, problem.NotFound("user", name)
	}
	return u, err
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) (_ []User, err error) {
	defer db.Wrap(&err, "auth: users")
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM app_user u ORDER BY u.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser applies p to the named user. Disabling a user or changing
// their password ends their sessions.
func (s *Store) UpdateUser(ctx context.Context, name string, p UserPatch) (_ User, err error) {
	defer db.Wrap(&err, "auth: update user %q", name)
	cur, err := s.User(ctx, name)
	if err != nil {
		return cur, err
	}
	roles, limited := cur.Roles, !cur.AllReserves
	if p.Roles != nil {
		roles = *p.Roles
	}
	if p.Reserves != nil {
		limited = len(*p.Reserves) > 0
	}
	if err := checkRoles(roles, limited); err != nil {
		return cur, err
	}
	if p.DisplayName != nil {
		if err := checkText("display_name", *p.DisplayName); err != nil {
			return cur, err
		}
	}
	var hash *string
	if p.Password != nil {
		if err := CheckPassword(*p.Password); err != nil {
			return cur, invalid("password", err.Error())
		}
		h, err := s.hash(ctx, *p.Password)
		if err != nil {
			return cur, err
		}
		hash = &h
	}
	var u User
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE app_user SET
				display_name = coalesce($2, display_name), roles = $3, all_reserves = $4,
				password_hash = coalesce($5, password_hash), disabled = coalesce($6, disabled), updated_at = now()
			WHERE id = $1`, cur.ID, p.DisplayName, roleStrings(roles), !limited, hash, p.Disabled)
		if err != nil {
			return err
		}
		if p.Reserves != nil {
			if err := setReserves(ctx, tx, cur.ID, *p.Reserves); err != nil {
				return err
			}
		}
		if hash != nil || (p.Disabled != nil && *p.Disabled) {
			if _, err := tx.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1`, cur.ID); err != nil {
				return err
			}
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM app_user u WHERE u.id = $1`, cur.ID))
		return err
	})
	return u, err
}

// Token is an API token as lists show it (never its secret).
type Token struct {
	ID        int64      `json:"id"`
	User      string     `json:"user"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// NewToken is a token just made, with its secret: shown this once.
type NewToken struct {
	Token
	Secret string `json:"token"`
}

const tokenCols = `t.id, u.name, t.name, t.prefix, t.created_at, t.expires_at, t.revoked_at`

func scanToken(row pgx.Row) (Token, error) {
	var t Token
	err := row.Scan(&t.ID, &t.User, &t.Name, &t.Prefix, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt)
	return t, err
}

// CreateToken makes an API token for the named user, valid until expires
// (nil: until revoked).
func (s *Store) CreateToken(ctx context.Context, user, name string, expires *time.Time) (_ NewToken, err error) {
	defer db.Wrap(&err, "auth: create token %q", name)
	if err := checkText("name", name); err != nil {
		return NewToken{}, err
	}
	if expires != nil && !expires.After(time.Now()) {
		return NewToken{}, problem.Invalid("invalid-token-request", "expires_at must be in the future", problem.At(-1, "expires_at", "in the past"))
	}
	u, err := s.User(ctx, user)
	if err != nil {
		return NewToken{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return NewToken{}, err
	}
	secret = TokenPrefix + secret
	prefix := secret[:len(TokenPrefix)+6]
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO api_token (user_id, name, hash, prefix, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		u.ID, name, hashSecret(secret), prefix, expires).Scan(&id)
	if err != nil {
		return NewToken{}, err
	}
	t, err := s.Token(ctx, id)
	return NewToken{Token: t, Secret: secret}, err
}

// Token returns one token (404 if none).
func (s *Store) Token(ctx context.Context, id int64) (_ Token, err error) {
	defer db.Wrap(&err, "auth: token %d", id)
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, problem.NotFound("token", strconv.FormatInt(id, 10))
	}
	return t, err
}

// Tokens lists the tokens of the named user ("" for everyone's), newest first.
func (s *Store) Tokens(ctx context.Context, user string) (_ []Token, err error) {
	defer db.Wrap(&err, "auth: tokens")
	rows, err := s.pool.Query(ctx, `SELECT `+tokenCols+` FROM api_token t JOIN app_user u ON u.id = t.user_id
		WHERE $1 = '' OR u.name = $1 ORDER BY t.id DESC`, user)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token (revoking it again changes nothing).
func (s *Store) RevokeToken(ctx context.Context, id int64) (_ Token, err error) {
	defer db.Wrap(&err, "auth: revoke token %d", id)
	if _, err := s.pool.Exec(ctx, `UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`, id); err != nil {
		return Token{}, err
	}
	return s.Token(ctx, id)
}

// Unauthorized is a 401 with the given detail.
func Unauthorized(typ, detail string) error {
	return &problem.Error{Status: http.StatusUnauthorized, Type: typ, Title: "Unauthorized", Detail: detail}
}

// principalCols select a user's principal fields; the query aliases the user u.
const principalCols = `u.id, u.name, u.roles, u.all_reserves, u.disabled,
	coalesce((SELECT array_agg(r.code ORDER BY r.code) FROM app_user_reserve ur JOIN reserve r ON r.id = ur.reserve_id WHERE ur.user_id = u.id), '{}')`

// ByToken returns the principal of an API token; a 401 says why a token is
// refused (unknown, revoked, expired, its user disabled).
func (s *Store) ByToken(ctx context.Context, secret string) (_ *Principal, err error) {
	defer db.Wrap(&err, "auth: by token")
	p := &Principal{Via: ViaToken}
	var disabled bool
	var roles []string
	var expires, revoked *time.Time
	err = s.pool.QueryRow(ctx, `SELECT t.id, t.expires_at, t.revoked_at, `+principalCols+`
		FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.hash = $1`, hashSecret(secret)).
		Scan(&p.TokenID, &expires, &revoked, &p.UserID, &p.Name, &roles, &p.AllReserves, &disabled, &p.Reserves)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, Unauthorized("invalid-token", "the bearer token is not valid")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case revoked != nil:
		return nil, Unauthorized("revoked-token", "the bearer token was revoked on "+revoked.UTC().Format(time.RFC3339))
	case expires != nil && !expires.After(time.Now()):
		return nil, Unauthorized("expired-token", "the bearer token expired on "+expires.UTC().Format(time.RFC3339))
	case disabled:
		return nil, Unauthorized("disabled-user", fmt.Sprintf("user %q is disabled", p.Name))
	}
	p.Roles = toRoles(roles)
	return p, nil
}

func toRoles(ss []string) []Role {
	out := make([]Role, len(ss))
	for i, s := range ss {
		out[i] = Role(s)
	}
	return out
}

// Session is a browser session just made: Secret goes in the cookie, CSRF
// to the page.
type Session struct {
	Secret  string
	CSRF    string
	Expires time.Time
}

// ErrBadLogin is a refused login: unknown user, wrong password, disabled
// user or no password set (one answer for all, so names cannot be probed).
var ErrBadLogin = Unauthorized("bad-login", "the user name or password is wrong")

// Login checks a password and starts a session of length ttl.
func (s *Store) Login(ctx context.Context, name, password, address, userAgent string, ttl time.Duration) (_ Session, _ *Principal, err error) {
	defer db.Wrap(&err, "auth: login %q", name)
	p := &Principal{Via: ViaSession}
	var disabled bool
	var roles []string
	var hash *string
	err = s.pool.QueryRow(ctx, `SELECT u.password_hash, `+principalCols+` FROM app_user u WHERE u.name = $1`, name).
		Scan(&hash, &p.UserID, &p.Name, &roles, &p.AllReserves, &disabled, &p.Reserves)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Session{}, nil, err
	}
	if hash == nil || disabled {
		_, _ = s.verify(ctx, dummyHash, password)
		return Session{}, nil, ErrBadLogin
	}
	ok, err := s.verify(ctx, *hash, password)
	if err != nil {
		return Session{}, nil, err
	}
	if !ok {
		return Session{}, nil, ErrBadLogin
	}
	p.Roles = toRoles(roles)
	secret, err := newSecret()
	if err != nil {
		return Session{}, nil, err
	}
	csrf, err := newSecret()
	if err != nil {
		return Session{}, nil, err
	}
	ses := Session{Secret: secret, CSRF: csrf, Expires: time.Now().Add(ttl).Truncate(time.Second)}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM user_session WHERE expires_at < now()`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO user_session (hash, user_id, csrf, expires_at, address, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
			hashSecret(secret), p.UserID, csrf, ses.Expires, address, strings.ToValidUTF8(strings.ReplaceAll(userAgent, "\x00", ""), ""))
		return err
	})
	p.CSRF = csrf
	return ses, p, err
}

// BySession returns the principal of a session cookie; nil without error
// when the session is unknown or over (the caller treats it as no session).
func (s *Store) BySession(ctx context.Context, secret string) (_ *Principal, err error) {
	defer db.Wrap(&err, "auth: by session")
	p := &Principal{Via: ViaSession}
	var disabled bool
	var roles []string
	err = s.pool.QueryRow(ctx, `SELECT s.csrf, `+principalCols+`
		FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires_at > now()`, hashSecret(secret)).
		Scan(&p.CSRF, &p.UserID, &p.Name, &roles, &p.AllReserves, &disabled, &p.Reserves)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && disabled) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.Roles = toRoles(roles)
	return p, nil
}

// Logout ends the session with this cookie secret.
func (s *Store) Logout(ctx context.Context, secret string) (err error) {
	defer db.Wrap(&err, "auth: logout")
	_, err = s.pool.Exec(ctx, `DELETE FROM user_session WHERE hash = $1`, hashSecret(secret))
	return err
}

// ChangePassword sets a user's password after checking the current one, and
// ends the user's other sessions (keepSession, the cookie secret of the
// session asking, stays).
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, next, keepSession string) (err error) {
	defer db.Wrap(&err, "auth: change password %d", userID)
	var hash *string
	if err := s.pool.QueryRow(ctx, `SELECT password_hash FROM app_user WHERE id = $1`, userID).Scan(&hash); err != nil {
		return err
	}
	if hash == nil {
		return problem.Invalid("no-password", "this user has no password to change: an admin sets the first one")
	}
	ok, err := s.verify(ctx, *hash, current)
	if err != nil {
		return err
	}
	if !ok {
		return &problem.Error{Status: http.StatusForbidden, Type: "wrong-password", Title: "Forbidden", Detail: "the current password is wrong"}
	}
	if err := CheckPassword(next); err != nil {
		return problem.Invalid("invalid-password", err.Error(), problem.At(-1, "new_password", err.Error()))
	}
	h, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	return db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, h); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1 AND hash <> $2`, userID, hashSecret(keepSession))
		return err
	})
}
