package patrol

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// PermitInput is a permit as a client sends it.
type PermitInput struct {
	Subject   string   `json:"subject"`
	Reserve   string   `json:"reserve"`
	ZoneKinds []string `json:"zone_kinds"`
	// ValidFrom and ValidTo are RFC 3339 times, or dates (YYYY-MM-DD: from
	// the start of ValidFrom's day to the end of ValidTo's) in Timezone
	// (default UTC).
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Timezone  string `json:"timezone,omitempty"`
	// Approval names the approving document; Note is free text.
	Approval string `json:"approval,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Permit is an approved entry: who may be in which zone kinds of a reserve,
// and when.
type Permit struct {
	ID        int64         `json:"id"`
	Subject   string        `json:"subject"`
	Reserve   string        `json:"reserve"`
	ZoneKinds []zoning.Kind `json:"zone_kinds"`
	ValidFrom time.Time     `json:"valid_from"`
	ValidTo   time.Time     `json:"valid_to"`
	Approval  string        `json:"approval"`
	Note      string        `json:"note"`
	CreatedAt time.Time     `json:"created_at"`
	reserveID int64
}

func permitInvalid(field, reason string) error {
	return problem.Invalid("invalid-permit", reason, problem.At(-1, field, reason))
}

// permitTime reads a permit bound: an RFC 3339 time, or a date in loc (as an
// upper bound, the end of that day).
func permitTime(field, v string, loc *time.Location, upper bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		if upper {
			d = d.AddDate(0, 0, 1)
		}
		return d.UTC(), nil
	}
	return time.Time{}, permitInvalid(field, fmt.Sprintf("%s %q must be an RFC 3339 time or a date YYYY-MM-DD", field, v))
}

// CreatePermit stores a permit.
func (s *Store) CreatePermit(ctx context.Context, in PermitInput) (Permit, error) {
	in.Subject = strings.TrimSpace(in.Subject)
	if in.Subject == "" {
		return Permit{}, permitInvalid("subject", "subject is missing: the ranger, team, researcher or plate the permit is for")
	}
	for f, v := range map[string]string{"subject": in.Subject, "reserve": in.Reserve, "approval": in.Approval} {
		if err := checkText(f, v); err != nil {
			return Permit{}, err
		}
	}
	if len(in.Note) > 4000 || strings.ContainsRune(in.Note, 0) {
		return Permit{}, permitInvalid("note", "note must be at most 4000 bytes without NUL")
	}
	loc := time.UTC
	if in.Timezone != "" {
		l, err := time.LoadLocation(in.Timezone)
		if err != nil || in.Timezone == "Local" {
			return Permit{}, permitInvalid("timezone", fmt.Sprintf("timezone %q is not an IANA time zone such as Asia/Shanghai", in.Timezone))
		}
		loc = l
	}
	// A permit may name the zone kinds of the reserve's scheme and those of
	// any of its zonings: a permit for a day before a three-zone reserve's
	// approved two-zone zoning names the three zones in force then.
	var rid int64
	var scheme zoning.Scheme
	var had []string
	err := s.pool.QueryRow(ctx, `SELECT r.id, r.zoning_scheme, array(SELECT DISTINCT z.kind FROM zone z WHERE z.reserve_id = r.id)
		FROM reserve r WHERE r.code = $1`, in.Reserve).Scan(&rid, &scheme, &had)
	if errors.Is(err, pgx.ErrNoRows) {
		return Permit{}, permitInvalid("reserve", fmt.Sprintf("reserve %q does not exist", in.Reserve))
	}
	if err != nil {
		return Permit{}, err
	}
	if len(in.ZoneKinds) == 0 {
		return Permit{}, permitInvalid("zone_kinds", "zone_kinds is missing: the zone kinds the permit allows entering")
	}
	p := Permit{Subject: in.Subject, Reserve: in.Reserve, Approval: in.Approval, Note: in.Note, reserveID: rid}
	for i, k := range in.ZoneKinds {
		kind, err := zoning.ParseKind(k)
		if err != nil {
			return Permit{}, permitInvalid(fmt.Sprintf("zone_kinds[%d]", i), err.Error())
		}
		if !scheme.Allows(kind) && !slices.Contains(had, string(kind)) {
			return Permit{}, permitInvalid(fmt.Sprintf("zone_kinds[%d]", i), fmt.Sprintf("reserve %s (%s) has no %s zones", in.Reserve, scheme, kind))
		}
		if !containsKind(p.ZoneKinds, kind) {
			p.ZoneKinds = append(p.ZoneKinds, kind)
		}
	}
	if p.ValidFrom, err = permitTime("valid_from", in.ValidFrom, loc, false); err != nil {
		return Permit{}, err
	}
	if p.ValidTo, err = permitTime("valid_to", in.ValidTo, loc, true); err != nil {
		return Permit{}, err
	}
	if !p.ValidTo.After(p.ValidFrom) {
		return Permit{}, permitInvalid("valid_to", "valid_to must be after valid_from")
	}
	kinds := make([]string, len(p.ZoneKinds))
	for i, k := range p.ZoneKinds {
		kinds[i] = string(k)
	}
	err = s.pool.QueryRow(ctx, `
		INSERT INTO permit (subject, reserve_id, zone_kinds, valid_from, valid_to, approval, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
		p.Subject, rid, kinds, p.ValidFrom, p.ValidTo, p.Approval, p.Note).Scan(&p.ID, &p.CreatedAt)
	return p, err
}

// Permit returns a stored permit.
func (s *Store) Permit(ctx context.Context, id int64) (Permit, error) {
	return getPermit(ctx, s.pool, id)
}

func getPermit(ctx context.Context, q db.Querier, id int64) (Permit, error) {
	var p Permit
	var kinds []string
	err := q.QueryRow(ctx, `
		SELECT p.id, p.subject, r.code, p.reserve_id, p.zone_kinds, p.valid_from, p.valid_to, p.approval, p.note, p.created_at
		FROM permit p JOIN reserve r ON r.id = p.reserve_id WHERE p.id = $1`, id).
		Scan(&p.ID, &p.Subject, &p.Reserve, &p.reserveID, &kinds, &p.ValidFrom, &p.ValidTo, &p.Approval, &p.Note, &p.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, problem.NotFound("permit", fmt.Sprint(id))
	}
	for _, k := range kinds {
		p.ZoneKinds = append(p.ZoneKinds, zoning.Kind(k))
	}
	p.ValidFrom, p.ValidTo, p.CreatedAt = p.ValidFrom.UTC(), p.ValidTo.UTC(), p.CreatedAt.UTC()
	return p, err
}
