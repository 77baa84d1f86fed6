package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"warden/internal/problem"
)

// Entry is one row of the audit log.
type Entry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	ActorID    *int64          `json:"actor_id"`
	Via        Via             `json:"via"`
	TokenID    *int64          `json:"token_id"`
	Address    string          `json:"address"`
	Action     string          `json:"action"`
	Route      string          `json:"route"`
	Resource   string          `json:"resource"`
	ResourceID string          `json:"resource_id"`
	Reserve    string          `json:"reserve"`
	Status     int             `json:"status"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

// EntryFor starts an entry for what p does.
func EntryFor(p *Principal) Entry {
	e := Entry{Actor: p.Name, Via: p.Via}
	if p.UserID != 0 {
		e.ActorID = &p.UserID
	}
	if p.TokenID != 0 {
		e.TokenID = &p.TokenID
	}
	return e
}

// nullJSON turns an empty document into SQL NULL.
func nullJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return []byte(b)
}

// Record appends e to the audit log (At and ID are set by the database).
func (s *Store) Record(ctx context.Context, e Entry) error {
	for _, f := range []*string{&e.Actor, &e.Address, &e.Action, &e.Route, &e.Resource, &e.ResourceID, &e.Reserve} {
		*f = cleanText(*f)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (actor, actor_id, via, token_id, address, action, route, resource, resource_id, reserve, status, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Actor, e.ActorID, string(e.Via), e.TokenID, e.Address, e.Action, e.Route, e.Resource, e.ResourceID, e.Reserve, e.Status,
		nullJSON(e.Before), nullJSON(e.After))
	return err
}

// cleanText makes request text storable: valid UTF-8 without NULs, at most
// 1000 bytes.
func cleanText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) > 1000 {
		s = strings.ToValidUTF8(s[:1000], "")
	}
	return s
}

// AuditFilter selects audit entries; zero values do not filter.
type AuditFilter struct {
	Actor, Action, Resource, ResourceID, Reserve string
	Status                                       int
	// From and To select entries at or after From and before To.
	From, To time.Time
	// Limit (default 100, at most 1000) and Offset page the list, newest first.
	Limit, Offset int
}

// AuditPage is one page of the log.
type AuditPage struct {
	Total   int     `json:"total"`
	Limit   int     `json:"limit"`
	Offset  int     `json:"offset"`
	Entries []Entry `json:"entries"`
}

// Audit lists entries matching f, newest first.
func (s *Store) Audit(ctx context.Context, f AuditFilter) (AuditPage, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 1 || f.Limit > 1000 || f.Offset < 0 {
		return AuditPage{}, problem.BadRequest("invalid-parameter", "limit must be 1..1000 and offset 0 or more")
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	for _, c := range []struct {
		col, v string
	}{{"actor", f.Actor}, {"action", f.Action}, {"resource", f.Resource}, {"resource_id", f.ResourceID}, {"reserve", f.Reserve}} {
		if c.v != "" {
			add(c.col+" = $?", c.v)
		}
	}
	if f.Status != 0 {
		add("status = $?", f.Status)
	}
	if !f.From.IsZero() {
		add("at >= $?", f.From)
	}
	if !f.To.IsZero() {
		add("at < $?", f.To)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	p := AuditPage{Limit: f.Limit, Offset: f.Offset, Entries: []Entry{}}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&p.Total); err != nil {
		return p, err
	}
	n := len(args)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT id, at, actor, actor_id, via, token_id, address, action, route, resource, resource_id, reserve, status, before, after
		FROM audit_log%s ORDER BY id DESC LIMIT $%d OFFSET $%d`, cond, n+1, n+2), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var via string
		var before, after []byte
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.ActorID, &via, &e.TokenID, &e.Address, &e.Action, &e.Route, &e.Resource, &e.ResourceID,
			&e.Reserve, &e.Status, &before, &after); err != nil {
			return p, err
		}
		e.Via, e.Before, e.After = Via(via), before, after
		p.Entries = append(p.Entries, e)
	}
	return p, rows.Err()
}
