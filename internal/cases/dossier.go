package cases

import (
	"context"
	"fmt"
	"time"
	"warden/internal/db"
)

// Article is one legal provision a case rests on, with its text.
type Article struct {
	Code    string `json:"code"`
	TitleZH string `json:"title_zh"`
	TitleEN string `json:"title_en"`
	TextZH  string `json:"text_zh"`
	TextEN  string `json:"text_en"`
}

// DossierEvent is an event of the case's history with its time as people
// read it in the case's time zone.
type DossierEvent struct {
	Event
	AtLocal string `json:"at_local"`
}

// Dossier is everything the closing of a case (销号) is judged on, for the
// printed case file: the case with its measures and evidence, its history
// with local times, and the full text of its legal basis.
type Dossier struct {
	Case       Case              `json:"case"`
	Events     []DossierEvent    `json:"events"`
	LegalBasis []Article         `json:"legal_basis"`
	Timezone   string            `json:"timezone"`
	LocalTimes map[string]string `json:"local_times"`
}

// Dossier gathers the case file of case id.
func (s *Store) Dossier(ctx context.Context, id int64) (_ Dossier, err error) {
	defer db.Wrap(&err, "cases: dossier %d", id)
	c, err := s.Get(ctx, id)
	if err != nil {
		return Dossier{}, err
	}
	d := Dossier{Case: c, Events: []DossierEvent{}, LegalBasis: []Article{}, Timezone: c.Timezone, LocalTimes: map[string]string{
		"observed_at": LocalTime(c.ObservedAt, c.Timezone), "last_seen_at": LocalTime(c.LastSeenAt, c.Timezone),
		"reported_at": LocalTime(c.ReportedAt, c.Timezone), "updated_at": LocalTime(c.UpdatedAt, c.Timezone),
		"generated_at": LocalTime(s.opts.Now(), c.Timezone),
	}}
	if c.ClosedAt != nil {
		d.LocalTimes["closed_at"] = LocalTime(*c.ClosedAt, c.Timezone)
	}
	for _, e := range c.Events {
		d.Events = append(d.Events, DossierEvent{Event: e, AtLocal: LocalTime(e.At, c.Timezone)})
	}
	if basis := basisArticles(c.LegalBasis); len(basis) > 0 {
		d.LegalBasis = basis // quoted from the law tables when the case was judged
		return d, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT code, title_zh, title_en, text_zh, text_en FROM screening_article WHERE code = ANY($1) ORDER BY ordinal`, c.Articles)
	if err != nil {
		return d, fmt.Errorf("articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Article
		if err := rows.Scan(&a.Code, &a.TitleZH, &a.TitleEN, &a.TextZH, &a.TextEN); err != nil {
			return d, fmt.Errorf("articles: %w", err)
		}
		d.LegalBasis = append(d.LegalBasis, a)
	}
	return d, rows.Err()
}

// LocalTime writes t as people read it in the time zone tz, with its offset:
// "2026-12-06 10:16 +08:00" (UTC if tz is not a known zone).
func LocalTime(t time.Time, tz string) string {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 -07:00")
}
