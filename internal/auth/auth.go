// Package auth owns who may do what in Warden: users with roles and optional
// reserve limits, API tokens and browser sessions (kept only as hashes),
// passwords (argon2id), the audit log of every write, and the rate limiters
// for writes and logins.
//
// A role is a set of permissions (the grants table below, data rather than
// code); internal/api's route table names the permission each route needs,
// so that a route's rule is one line there and a role's rights one line here.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a user's job in the service.
type Role string

// The roles.
const (
	Admin    Role = "admin"    // everything, user management
	GIS      Role = "gis"      // reserves, zones, markers, grid cells, permits
	Reviewer Role = "reviewer" // project-site screenings
	Ranger   Role = "ranger"   // upload and read their own tracks and observations
	Officer  Role = "officer"  // enforcement cases, workflow steps, reports; all tracks
	Viewer   Role = "viewer"   // read
)

// Roles lists every role, in the order they are documented.
var Roles = []Role{Admin, GIS, Reviewer, Ranger, Officer, Viewer}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Roles, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: use one of %s", s, roleList())
}

func roleList() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Permission is one right; routes require them, roles grant them.
type Permission string

// The permissions.
const (
	ReadZoning      Permission = "zoning:read"      // reserves, zones, versions, markers, exports, tiles, OGC, locate, rules
	WriteZoning     Permission = "zoning:write"     // reserves, zones, markers
	ReadGrid        Permission = "grid:read"        // grid supervision cells
	WriteGrid       Permission = "grid:write"       // grid cells
	ReadScreenings  Permission = "screenings:read"  // screenings and their reports
	WriteScreenings Permission = "screenings:write" // run a screening
	ReadTracks      Permission = "tracks:read"      // every track and observation
	ReadOwnTracks   Permission = "tracks:read-own"  // tracks whose subject is the user
	WriteTracks     Permission = "tracks:write"     // upload tracks of anyone
	WriteOwnTracks  Permission = "tracks:write-own" // upload tracks with oneself as the subject
	ReadPermits     Permission = "permits:read"     // entry permits
	WritePermits    Permission = "permits:write"    // issue entry permits
	ReadCases       Permission = "cases:read"       // enforcement cases
	WriteCases      Permission = "cases:write"      // open cases, record workflow steps and measures
	ReadReports     Permission = "reports:read"     // daily and weekly reports
	ReadAudit       Permission = "audit:read"       // the audit log
	ManageUsers     Permission = "users:manage"     // users, and everyone's tokens
	OwnTokens       Permission = "tokens:own"       // make, list and revoke one's own tokens
	Metrics         Permission = "metrics:read"     // Prometheus metrics (when not public)
	ReadLive        Permission = "live:read"        // live devices, their positions and events
	WriteDevices    Permission = "devices:write"    // register live devices, report positions for them
)

// grants is what each role may do. Admin has every permission.
var grants = map[Role][]Permission{
	GIS:      {ReadZoning, WriteZoning, ReadGrid, WriteGrid, ReadPermits, WritePermits, OwnTokens, ReadLive, WriteDevices},
	Reviewer: {ReadZoning, ReadScreenings, WriteScreenings, OwnTokens},
	Ranger:   {ReadZoning, ReadOwnTracks, WriteOwnTracks, ReadPermits, OwnTokens},
	Officer:  {ReadZoning, ReadGrid, ReadScreenings, ReadTracks, ReadPermits, ReadCases, WriteCases, ReadReports, OwnTokens, ReadLive},
	Viewer:   {ReadZoning, ReadGrid, ReadScreenings, ReadCases, ReadReports, OwnTokens, ReadLive},
}

// Grants reports whether role r has permission p.
func Grants(r Role, p Permission) bool {
	return r == Admin || slices.Contains(grants[r], p)
}

// Via says how a principal proved who it is.
type Via string

// The ways in.
const (
	ViaBootstrap Via = "bootstrap" // the bootstrap admin token of the configuration
	ViaToken     Via = "token"     // an API token
	ViaSession   Via = "session"   // a browser session cookie
	ViaPassword  Via = "password"  // a login (in the audit log)
	ViaCLI       Via = "cli"       // the warden command on the server (in the audit log)
)

// BootstrapName is the actor name of the bootstrap admin token.
const BootstrapName = "bootstrap-admin"

// Principal is who a request acts for.
type Principal struct {
	UserID int64 // 0 for the bootstrap token
	Name   string
	Roles  []Role
	// AllReserves is false for a user limited to Reserves (codes).
	AllReserves bool
	Reserves    []string
	Via         Via
	TokenID     int64 // the API token used, if any
	// CSRF is the session's anti-forgery token (sessions only).
	CSRF string
}

// Bootstrap is the principal of the bootstrap admin token.
func Bootstrap() *Principal {
	return &Principal{Name: BootstrapName, Roles: []Role{Admin}, AllReserves: true, Via: ViaBootstrap}
}

// Has reports whether one of p's roles grants perm.
func (p *Principal) Has(perm Permission) bool {
	for _, r := range p.Roles {
		if Grants(r, perm) {
			return true
		}
	}
	return false
}

// InReserve reports whether p may act in the reserve with this code. A
// resource outside every reserve (code "") is only for unlimited users.
func (p *Principal) InReserve(code string) bool {
	return p.AllReserves || (code != "" && slices.Contains(p.Reserves, code))
}

// IsAdmin reports whether p has the admin role.
func (p *Principal) IsAdmin() bool { return slices.Contains(p.Roles, Admin) }

// RoleNames are p's roles as strings; an admin has every role's name (for
// registries that list the roles allowed to read something).
func (p *Principal) RoleNames() []string {
	rs := p.Roles
	if p.IsAdmin() {
		rs = Roles
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}
