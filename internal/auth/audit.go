package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"warden/internal/db"
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
func (s *Store) Record(ctx context.Context, e Entry) (err error) {
	defer db.Wrap(&err, "auth: record")
	for _, f := range []*string{&e.Actor, &e.Address, &e.Action, &e.Route, &e.Resource, &e.ResourceID, &e.Reserve} {
		*f = cleanText(*f)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO audit_log (actor, actor_id, via, token_id, address, action, route, resource, resource_id, reserve, status, before, after)
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
func (s *Store) Audit(ctx context.Context, f AuditFilter) (_ AuditPage, err error) {
	defer db.Wrap(&err, "auth: audit")
	if err := db.CheckPage(&f.Limit, f.Offset, 100, 1000); err != nil {
		return AuditPage{}, err
	}
	var q db.Filter
	q.Equal("actor", f.Actor)
	q.Equal("action", f.Action)
	q.Equal("resource", f.Resource)
	q.Equal("resource_id", f.ResourceID)
	q.Equal("reserve", f.Reserve)
	if f.Status != 0 {
		q.And("status = " + q.Bind(f.Status))
	}
	if !f.From.IsZero() {
		q.And("at >= " + q.Bind(f.From))
	}
	if !f.To.IsZero() {
		q.And("at < " + q.Bind(f.To))
	}
	p := AuditPage{Limit: f.Limit, Offset: f.Offset, Entries: []Entry{}}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`+q.Where(), q.Args...).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("count: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor, actor_id, via, token_id, address, action, route, resource, resource_id, reserve, status, before, after
		FROM audit_log`+q.Where()+` ORDER BY id DESC`+q.Page(f.Limit, f.Offset), q.Args...)
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
