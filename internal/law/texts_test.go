package law_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"warden/internal/law"
	"warden/internal/testdb"
)

// articleRE finds an article in a shipped file independently of the parser:
// from its "第…条 " line up to the next article or heading.
func shippedArticle(t *testing.T, src, label string) string {
	t.Helper()
	re := regexp.MustCompile(`(?ms)^` + regexp.QuoteMeta(label) + `[ 　].*?(?:\n(?:第[一二三四五六七八九十百千零]+条[ 　]|#)|\z)`)
	m := re.FindString(src)
	if m == "" {
		t.Fatalf("%s not found in the shipped text", label)
	}
	m = strings.TrimSuffix(m, "#")
	if i := strings.LastIndex(m, "\n第"); i > 0 && strings.HasPrefix(m[i+1:], "第") && i > len(label) {
		m = m[:i]
	}
	return m
}

// Every article Warden stores equals the shipped official text after white
// space is normalised, label included; paragraphs and items add up to it.
func TestStoredTextsEqualShipped(t *testing.T) {
	ctx := context.Background()
	s := law.NewStore(testdb.New(t))
	list, err := s.Instruments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"nrr-2017": 44, "nrr-2026": 48, "npl-2025": 63, "eec-2026": 59, "apl-2021": 86}
	if len(list) < len(want) {
		t.Fatalf("stored instruments %d, want at least %d", len(list), len(want))
	}
	for _, sum := range list {
		if !sum.Official {
			continue
		}
		if sum.ArticleCount != want[sum.Code] {
			t.Errorf("%s: %d articles stored, the text has %d", sum.Code, sum.ArticleCount, want[sum.Code])
		}
		src, err := law.ShippedText(sum.Code)
		if err != nil {
			t.Fatal(err)
		}
		in, err := s.Instrument(ctx, sum.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range in.Articles {
			got := law.Normalise(a.Label + a.Text)
			if exp := law.Normalise(shippedArticle(t, src, a.Label)); got != exp {
				t.Errorf("%s %s stored\n%q\nshipped\n%q", sum.Code, a.Label, got, exp)
			}
			var parts strings.Builder
			for _, p := range a.Paragraphs {
				parts.WriteString(p.Text)
				for _, it := range p.Items {
					parts.WriteString(it.Label + it.Text)
				}
			}
			if law.Normalise(parts.String()) != law.Normalise(a.Text) {
				t.Errorf("%s %s: paragraphs and items do not add up to the article", sum.Code, a.Label)
			}
		}
	}
	a, _ := mustInstrument(t, s, "nrr-2026").Article(26)
	if len(a.Paragraphs) != 1 || len(a.Paragraphs[0].Items) != 5 || !strings.HasPrefix(a.Paragraphs[0].Items[1].Text, "原有居民必要的生产生活活动") {
		t.Errorf("2026 Art. 26 parsed as %+v", a.Paragraphs)
	}
	a, _ = mustInstrument(t, s, "nrr-2026").Article(27)
	if len(a.Paragraphs[0].Items) != 7 {
		t.Errorf("2026 Art. 27 has %d items, want 7", len(a.Paragraphs[0].Items))
	}
}

func mustInstrument(t *testing.T, s *law.Store, code string) law.Instrument {
	t.Helper()
	in, err := s.Instrument(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// No rule set can cite an article, paragraph or item the tables lack: the
// database refuses it, whatever the code does.
func TestCitationConstraint(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	for _, q := range []string{
		`INSERT INTO law_citation (rule_set, instrument, article) VALUES ('cn-nrr-2026', 'nrr-2026', 49)`,
		`INSERT INTO law_citation (rule_set, instrument, article, paragraph) VALUES ('cn-nrr-2026', 'nrr-2026', 26, 2)`,
		`INSERT INTO law_citation (rule_set, instrument, article, paragraph, item) VALUES ('cn-nrr-2026', 'nrr-2026', 27, 1, 8)`,
		`INSERT INTO law_citation (rule_set, instrument, article) VALUES ('cn-nrr-2026', 'nrr-2017', 45)`,
	} {
		_, err := pool.Exec(ctx, q)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23503" {
			t.Errorf("%s: want a foreign-key violation, got %v", q, err)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM law_citation WHERE rule_set = 'cn-nrr-2026'`).Scan(&n); err != nil || n < 20 {
		t.Errorf("cn-nrr-2026 stores %d citations (%v)", n, err)
	}
}

func TestNumerals(t *testing.T) {
	for n, s := range map[int]string{1: "一", 10: "十", 15: "十五", 26: "二十六", 101: "一百零一", 110: "一百一十", 861: "八百六十一", 1242: "一千二百四十二"} {
		if got := law.Numeral(n); got != s {
			t.Errorf("Numeral(%d) = %s, want %s", n, got, s)
		}
		if got, ok := law.ParseNumeral(s); !ok || got != n {
			t.Errorf("ParseNumeral(%s) = %d, want %d", s, got, n)
		}
	}
}

// Findings stored before the law tables (old article codes) are given their
// legal basis under the 2017 Regulations when the texts are loaded.
func TestLegacyArticlesMapTo2017(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	if _, err := pool.Exec(ctx, `
		INSERT INTO reserve (code, name_zh, level, zoning_scheme) VALUES ('old', '旧', 'county', 'three_zone');
		INSERT INTO screening (activity, project_status, distance_m, source_format, footprint, verdict, result)
		VALUES ('quarrying', 'existing', 5000, 'geojson', 'SRID=4326;POINT(1 1)', 'prohibited', '{}');
		INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source, screening_id)
		SELECT 'unapproved_construction', r.id, 'core', 'SRID=4326;POINT(1 1)', 'quarrying', '{NPA-2019,NRR-26,NRR-27}', '依据…', 'Art. 26', 'screening', s.id
		FROM reserve r, screening s`); err != nil {
		t.Fatal(err)
	}
	if err := law.Sync(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var basis []law.Basis
	if err := pool.QueryRow(ctx, `SELECT legal_basis FROM finding`).Scan(&basis); err != nil {
		t.Fatal(err)
	}
	if len(basis) != 2 || basis[0].Instrument != "nrr-2017" || basis[0].Article != 26 || !strings.Contains(basis[0].TextZH, "禁止在自然保护区内进行砍伐") ||
		basis[1].Article != 27 || basis[1].Paragraph != 1 || basis[1].CiteZH != "《自然保护区条例》（2017年修订）第二十七条第一款" {
		t.Errorf("legal basis %+v", basis)
	}
}
