package law

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
)

// InstrumentSummary is an instrument without its articles, as listed.
type InstrumentSummary struct {
	Instrument
	ArticleCount int `json:"article_count"`
}

const instrumentCols = `code, title_zh, title_en, short_zh, short_en, issuer, published, in_force_from, in_force_until,
	coalesce(replaced_by, ''), excerpts, official, lang`

func scanInstrument(row pgx.Row, extra ...any) (Instrument, error) {
	var in Instrument
	var pub, until *time.Time
	var from time.Time
	dest := append([]any{&in.Code, &in.TitleZH, &in.TitleEN, &in.ShortZH, &in.ShortEN, &in.Issuer, &pub, &from, &until,
		&in.ReplacedBy, &in.Excerpts, &in.Official, &in.Language}, extra...)
	if err := row.Scan(dest...); err != nil {
		return in, err
	}
	in.InForceFrom = Date{from}
	if pub != nil {
		in.Published = &Date{*pub}
	}
	if until != nil {
		in.InForceUntil = &Date{*until}
	}
	return in, nil
}

// Instruments lists every stored instrument, official ones first, oldest
// in force first.
func (s *Store) Instruments(ctx context.Context) ([]InstrumentSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+instrumentCols+`, (SELECT count(*) FROM law_article a WHERE a.instrument = i.code)
		FROM law_instrument i ORDER BY official DESC, in_force_from, code`)
	if err != nil {
		return nil, fmt.Errorf("law: instruments: %w", err)
	}
	defer rows.Close()
	out := []InstrumentSummary{}
	for rows.Next() {
		var n int
		in, err := scanInstrument(rows, &n)
		if err != nil {
			return nil, fmt.Errorf("law: instruments: %w", err)
		}
		out = append(out, InstrumentSummary{Instrument: in, ArticleCount: n})
	}
	return out, rows.Err()
}

// Instrument returns one instrument with its articles, paragraphs and items
// as stored.
func (s *Store) Instrument(ctx context.Context, code string) (Instrument, error) {
	in, err := scanInstrument(s.pool.QueryRow(ctx, `SELECT `+instrumentCols+` FROM law_instrument i WHERE code = $1`, code))
	if errors.Is(err, pgx.ErrNoRows) {
		return in, ErrNotFound
	}
	if err != nil {
		return in, fmt.Errorf("law: instrument %s: %w", code, err)
	}
	all, err := s.articles(ctx, []string{code})
	if err != nil {
		return in, err
	}
	in.Articles = all[code]
	return in, nil
}

// articles reads the stored articles of some instruments, rebuilt from
// their paragraphs and items.
func (s *Store) articles(ctx context.Context, codes []string) (map[string][]Article, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT a.instrument, a.number, a.label, a.text, p.number, p.text,
		       coalesce(array_agg(i.label ORDER BY i.number) FILTER (WHERE i.number IS NOT NULL), '{}'),
		       coalesce(array_agg(i.text ORDER BY i.number) FILTER (WHERE i.number IS NOT NULL), '{}')
		FROM law_article a JOIN law_paragraph p ON p.instrument = a.instrument AND p.article = a.number
		LEFT JOIN law_item i ON i.instrument = p.instrument AND i.article = p.article AND i.paragraph = p.number
		WHERE a.instrument = ANY($1)
		GROUP BY a.instrument, a.number, p.number, p.text ORDER BY a.instrument, a.number, p.number`, codes)
	if err != nil {
		return nil, fmt.Errorf("law: articles: %w", err)
	}
	defer rows.Close()
	out := map[string][]Article{}
	for rows.Next() {
		var code string
		var a Article
		var p Paragraph
		var labels, texts []string
		if err := rows.Scan(&code, &a.Number, &a.Label, &a.Text, &p.Number, &p.Text, &labels, &texts); err != nil {
			return nil, fmt.Errorf("law: articles: %w", err)
		}
		for i := range labels {
			p.Items = append(p.Items, Item{Number: i + 1, Label: labels[i], Text: texts[i]})
		}
		list := out[code]
		if n := len(list); n > 0 && list[n-1].Number == a.Number {
			list[n-1].Paragraphs = append(list[n-1].Paragraphs, p)
		} else {
			a.Paragraphs = []Paragraph{p}
			list = append(list, a)
		}
		out[code] = list
	}
	return out, rows.Err()
}

// Book returns the stored rule sets with the instruments they cite, read
// once and kept until a rule set is imported through this store.
func (s *Store) Book(ctx context.Context) (*Book, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.book != nil {
		return s.book, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT document FROM law_rule_set ORDER BY family, in_force_from`)
	if err != nil {
		return nil, fmt.Errorf("law: rule sets: %w", err)
	}
	var sets []RuleSet
	for rows.Next() {
		var doc []byte
		var rs RuleSet
		if err := rows.Scan(&doc); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal(doc, &rs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("law: stored rule set: %w", err)
		}
		rs.Instruments = nil
		sets = append(sets, rs)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	list, err := s.Instruments(ctx)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(list))
	for i := range list {
		codes[i] = list[i].Code
	}
	arts, err := s.articles(ctx, codes)
	if err != nil {
		return nil, err
	}
	ins := make([]Instrument, len(list))
	for i := range list {
		ins[i] = list[i].Instrument
		ins[i].Articles = arts[ins[i].Code]
	}
	s.book = NewBook(sets, ins)
	return s.book, nil
}

// ReserveFamily returns the rule family a reserve is judged under.
func (s *Store) ReserveFamily(ctx context.Context, reserve string) (string, error) {
	var fam *string
	err := s.pool.QueryRow(ctx, `SELECT rule_family FROM reserve WHERE code = $1`, reserve).Scan(&fam)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("law: reserve %s: %w", reserve, err)
	}
	if fam == nil {
		return DefaultFamily, nil
	}
	return *fam, nil
}

// SetReserveFamily chooses the rule family a reserve is judged under.
func (s *Store) SetReserveFamily(ctx context.Context, reserve, family string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE reserve SET rule_family = nullif($2, '') WHERE code = $1`, reserve, family)
	if err != nil {
		return fmt.Errorf("law: reserve %s family %s: %w", reserve, family, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// Import validates and stores an agency's rule set (the format of
// rulesets/*.json) with the texts it brings, and, when reserve is given,
// chooses its family for that reserve, all in one transaction. A rule set of
// the same code that is not shipped is replaced. Issues say what is wrong
// and where; nothing is stored then.
func (s *Store) Import(ctx context.Context, rs RuleSet, reserve string) ([]Issue, error) {
	book, err := s.Book(ctx)
	if err != nil {
		return nil, err
	}
	if issues := Validate(&rs, withOwn(book.Instruments, &rs)); len(issues) > 0 {
		return issues, nil
	}
	for _, set := range book.Sets {
		if set.Code == rs.Code && (set.Family != rs.Family || isShipped(set.Code)) {
			return []Issue{{Pointer: "/code", Detail: fmt.Sprintf("rule set %q exists already (shipped or of another family)", rs.Code)}}, nil
		}
	}
	for i, oi := range rs.Instruments {
		if in, ok := book.Instruments[oi.Code]; ok && in.Official {
			return []Issue{{Pointer: fmt.Sprintf("/instruments/%d/code", i), Detail: fmt.Sprintf("instrument %q is an official shipped text and cannot be replaced", oi.Code)}}, nil
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := putRuleSet(ctx, tx, &rs, false); err != nil {
			return err
		}
		if reserve == "" {
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE reserve SET rule_family = $2 WHERE code = $1`, reserve, rs.Family)
		if err == nil && tag.RowsAffected() == 0 {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("law: import %s: %w", rs.Code, err)
	}
	forget := func(context.Context) error {
		s.mu.Lock()
		s.book = nil
		s.mu.Unlock()
		return nil
	}
	// Forgotten now and again once committed: a book read in between, inside
	// the request's transaction, may hold what other connections cannot see yet.
	_ = forget(ctx)
	return nil, db.AfterCommit(ctx, forget)
}

func isShipped(code string) bool {
	sets, _ := ShippedRuleSets()
	for _, s := range sets {
		if s.Code == code {
			return true
		}
	}
	return false
}
