package law

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
)

// ErrNotFound is returned for an unknown instrument, rule set or reserve.
var ErrNotFound = errors.New("not found")

// Store reads and writes the law tables.
type Store struct {
	pool db.Pool
	mu   sync.Mutex
	book *Book
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: db.Scoped(pool)} }

// Sync loads the shipped instruments (texts/), the activity vocabulary and
// the shipped rule sets (rulesets/) into the database, in one transaction.
// It runs after every migration and at start; rows are upserted, so stored
// citations keep pointing at the same articles.
func Sync(ctx context.Context, pool *pgxpool.Pool) error {
	ins, err := Shipped()
	if err != nil {
		return err
	}
	sets, err := ShippedRuleSets()
	if err != nil {
		return err
	}
	acts, err := Activities()
	if err != nil {
		return err
	}
	idx := map[string]*Instrument{}
	for i := range ins {
		idx[ins[i].Code] = &ins[i]
	}
	for i := range sets {
		if issues := Validate(&sets[i], withOwn(idx, &sets[i])); len(issues) > 0 {
			return fmt.Errorf("law: shipped rule set %s: %s: %s", sets[i].Code, issues[0].Pointer, issues[0].Detail)
		}
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for i := range ins {
			if err := putInstrument(ctx, tx, &ins[i]); err != nil {
				return err
			}
		}
		if err := putActivities(ctx, tx, acts); err != nil {
			return err
		}
		for i := range sets {
			if err := putRuleSet(ctx, tx, &sets[i], true); err != nil {
				return err
			}
		}
		book := NewBook(nil, ins)
		for _, table := range []string{"finding", "violation_case"} {
			if err := backfillLegacy(ctx, tx, book, table); err != nil {
				return err
			}
		}
		return nil
	})
}

// backfillLegacy gives rows stored before the law tables (their articles
// are old codes such as NRR-26) a legal_basis under the 2017 Regulations,
// through law_legacy_article. Codes that map to nothing (NPA-2019) are left
// out.
func backfillLegacy(ctx context.Context, tx pgx.Tx, book *Book, table string) error {
	rows, err := tx.Query(ctx, `SELECT t.id, array_agg(l.instrument ORDER BY o), array_agg(l.article ORDER BY o), array_agg(coalesce(l.paragraph, 0) ORDER BY o)
		FROM `+table+` t, unnest(t.articles) WITH ORDINALITY AS c(code, o) JOIN law_legacy_article l ON l.code = c.code
		WHERE t.legal_basis = '[]' GROUP BY t.id`)
	if err != nil {
		return fmt.Errorf("law: legacy articles of %s: %w", table, err)
	}
	type upd struct {
		id    int64
		basis []Basis
	}
	var ups []upd
	for rows.Next() {
		var id int64
		var ins []string
		var arts, paras []int32
		if err := rows.Scan(&id, &ins, &arts, &paras); err != nil {
			rows.Close()
			return err
		}
		u := upd{id: id}
		for i := range ins {
			u.basis = append(u.basis, book.basis(&RuleSet{Instrument: ins[i]}, Cite{Instrument: ins[i], Article: int(arts[i]), Paragraph: int(paras[i])}))
		}
		ups = append(ups, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range ups {
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET legal_basis = $2 WHERE id = $1`, u.id, u.basis); err != nil {
			return fmt.Errorf("law: legal basis of %s %d: %w", table, u.id, err)
		}
	}
	return nil
}

// withOwn adds a rule set's own instruments to the index of citable ones.
func withOwn(idx map[string]*Instrument, rs *RuleSet) map[string]*Instrument {
	if len(rs.Instruments) == 0 {
		return idx
	}
	out := make(map[string]*Instrument, len(idx)+len(rs.Instruments))
	for k, v := range idx {
		out[k] = v
	}
	for _, oi := range rs.Instruments {
		in := oi.Build()
		out[in.Code] = &in
	}
	return out
}

// Build turns an own instrument into an Instrument: each line of an
// article's text is a paragraph.
func (oi OwnInstrument) Build() Instrument {
	in := oi.Instrument
	in.Official, in.Articles = false, nil
	for _, a := range oi.Articles {
		art := Article{Number: a.Number, Label: a.Label}
		if art.Label == "" {
			art.Label = fmt.Sprintf("Art. %d", a.Number)
			if in.Lang() == "zh" {
				art.Label = "第" + Numeral(a.Number) + "条"
			}
		}
		for _, line := range strings.Split(a.Text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				art.Paragraphs = append(art.Paragraphs, Paragraph{Number: len(art.Paragraphs) + 1, Text: line})
			}
		}
		art.Text = articleText(art)
		in.Articles = append(in.Articles, art)
	}
	sort.Slice(in.Articles, func(i, j int) bool { return in.Articles[i].Number < in.Articles[j].Number })
	return in
}

func putInstrument(ctx context.Context, tx pgx.Tx, in *Instrument) error {
	var until *string
	if in.InForceUntil != nil {
		s := in.InForceUntil.String()
		until = &s
	}
	var published *string
	if in.Published != nil {
		s := in.Published.String()
		published = &s
	}
	var replaced *string
	if in.ReplacedBy != "" {
		replaced = &in.ReplacedBy
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO law_instrument (code, title_zh, title_en, short_zh, short_en, issuer, published, in_force_from, in_force_until, replaced_by, excerpts, official, lang)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (code) DO UPDATE SET title_zh = EXCLUDED.title_zh, title_en = EXCLUDED.title_en, short_zh = EXCLUDED.short_zh,
			short_en = EXCLUDED.short_en, issuer = EXCLUDED.issuer, published = EXCLUDED.published, in_force_from = EXCLUDED.in_force_from,
			in_force_until = EXCLUDED.in_force_until, replaced_by = EXCLUDED.replaced_by, excerpts = EXCLUDED.excerpts,
			official = EXCLUDED.official, lang = EXCLUDED.lang`,
		in.Code, in.TitleZH, in.TitleEN, in.ShortZH, in.ShortEN, in.Issuer, published, in.InForceFrom.String(), until, replaced,
		in.Excerpts, in.Official, in.Lang())
	if err != nil {
		return fmt.Errorf("law: instrument %s: %w", in.Code, err)
	}
	var an []int32
	var al, at []string
	var pa, pn []int32
	var pt []string
	var ia, ip, inum []int32
	var il, it []string
	for _, a := range in.Articles {
		an, al, at = append(an, int32(a.Number)), append(al, a.Label), append(at, a.Text)
		for _, p := range a.Paragraphs {
			pa, pn, pt = append(pa, int32(a.Number)), append(pn, int32(p.Number)), append(pt, p.Text)
			for _, i := range p.Items {
				ia, ip, inum, il, it = append(ia, int32(a.Number)), append(ip, int32(p.Number)), append(inum, int32(i.Number)), append(il, i.Label), append(it, i.Text)
			}
		}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO law_article (instrument, number, label, text) SELECT $1, n, l, t FROM unnest($2::int4[], $3::text[], $4::text[]) AS u(n, l, t)
		ON CONFLICT (instrument, number) DO UPDATE SET label = EXCLUDED.label, text = EXCLUDED.text`, in.Code, an, al, at); err != nil {
		return fmt.Errorf("law: articles of %s: %w", in.Code, err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO law_paragraph (instrument, article, number, text) SELECT $1, a, n, t FROM unnest($2::int4[], $3::int4[], $4::text[]) AS u(a, n, t)
		ON CONFLICT (instrument, article, number) DO UPDATE SET text = EXCLUDED.text`, in.Code, pa, pn, pt); err != nil {
		return fmt.Errorf("law: paragraphs of %s: %w", in.Code, err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO law_item (instrument, article, paragraph, number, label, text)
		SELECT $1, a, p, n, l, t FROM unnest($2::int4[], $3::int4[], $4::int4[], $5::text[], $6::text[]) AS u(a, p, n, l, t)
		ON CONFLICT (instrument, article, paragraph, number) DO UPDATE SET label = EXCLUDED.label, text = EXCLUDED.text`,
		in.Code, ia, ip, inum, il, it); err != nil {
		return fmt.Errorf("law: items of %s: %w", in.Code, err)
	}
	return nil
}

func putActivities(ctx context.Context, tx pgx.Tx, acts []Activity) error {
	for i, a := range acts {
		aliases := a.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO law_activity (code, ordinal, name_zh, name_en, aliases, note_zh, note_en) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (code) DO UPDATE SET ordinal = EXCLUDED.ordinal, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
				aliases = EXCLUDED.aliases, note_zh = EXCLUDED.note_zh, note_en = EXCLUDED.note_en`,
			a.Code, i+1, a.NameZH, a.NameEN, aliases, a.NoteZH, a.NoteEN); err != nil {
			return fmt.Errorf("law: activity %s: %w", a.Code, err)
		}
	}
	return nil
}

// putRuleSet stores a validated rule set, its own instruments and its
// citations (checked by the foreign keys of law_citation).
func putRuleSet(ctx context.Context, tx pgx.Tx, rs *RuleSet, shipped bool) error {
	for _, oi := range rs.Instruments {
		in := oi.Build()
		if err := putInstrument(ctx, tx, &in); err != nil {
			return err
		}
	}
	doc, err := json.Marshal(rs)
	if err != nil {
		return err
	}
	var until *string
	if rs.InForceUntil != nil {
		s := rs.InForceUntil.String()
		until = &s
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO law_rule_set (code, family, title_zh, title_en, instrument, zone_scheme, in_force_from, in_force_until, shipped, document)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (code) DO UPDATE SET family = EXCLUDED.family, title_zh = EXCLUDED.title_zh, title_en = EXCLUDED.title_en,
			instrument = EXCLUDED.instrument, zone_scheme = EXCLUDED.zone_scheme, in_force_from = EXCLUDED.in_force_from,
			in_force_until = EXCLUDED.in_force_until, shipped = EXCLUDED.shipped, document = EXCLUDED.document, loaded_at = now()`,
		rs.Code, rs.Family, rs.TitleZH, rs.TitleEN, rs.Instrument, string(rs.ZoneScheme), rs.InForceFrom.String(), until, shipped, doc); err != nil {
		return fmt.Errorf("law: rule set %s: %w", rs.Code, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM law_citation WHERE rule_set = $1`, rs.Code); err != nil {
		return err
	}
	for _, c := range rs.cites() {
		if _, err := tx.Exec(ctx, `
			INSERT INTO law_citation (rule_set, instrument, article, paragraph, item) VALUES ($1, $2, $3, nullif($4, 0), nullif($5, 0))
			ON CONFLICT DO NOTHING`, rs.Code, c.Instrument, c.Article, c.Paragraph, c.Item); err != nil {
			return fmt.Errorf("law: rule set %s cites %s art. %d: %w", rs.Code, c.Instrument, c.Article, err)
		}
	}
	return nil
}
