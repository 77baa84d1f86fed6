package cases

import (
	"context"
	"encoding/json"
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

// CreateInput is a case registered by a person: from an inspection
// hand-over, a ministry patrol or special action, a public letter or visit,
// or a report by patrol staff without a track.
type CreateInput struct {
	Source    string `json:"source"`
	SourceRef string `json:"source_ref"`
	// Reserve is a reserve code; empty: the reserve the location lies in.
	Reserve string `json:"reserve"`
	// Location is a GeoJSON geometry or Feature (drawn on the map or given).
	Location    json.RawMessage `json:"location"`
	Kind        string          `json:"kind"`
	Activity    string          `json:"activity"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Party       *Party          `json:"party"`
	Criminal    bool            `json:"criminal"`
	// Articles and the basis default to the rule table's for the activity
	// in the zone kind the location lies in.
	Articles   []string   `json:"articles"`
	BasisZH    string     `json:"basis_zh"`
	BasisEN    string     `json:"basis_en"`
	ObservedAt *time.Time `json:"observed_at"`
}

// extraActivities are case activities beside the rule table's.
var extraActivities = []string{"marker_damage", "other"}

// Create registers a case from an outside source and returns it.
func (s *Store) Create(ctx context.Context, in CreateInput, actor string) (_ Case, err error) {
	defer db.Wrap(&err, "cases: create")
	g, err := in.check()
	if err != nil {
		return Case{}, err
	}
	if in.Kind == "" {
		in.Kind = "other"
	}
	party := Party{Kind: "unknown"}
	if in.Party != nil {
		party = *in.Party
	}
	seen := s.opts.Now()
	if in.ObservedAt != nil {
		seen = *in.ObservedAt
	}
	var id int64
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := checkGeometry(ctx, tx, g); err != nil {
			return err
		}
		code, known, err := activityCode(ctx, tx, in.Activity)
		if err != nil {
			return err
		}
		in.Activity = code
		if !known {
			return problem.Invalid("invalid-case", fmt.Sprintf("activity %q is not in the rule table (GET /api/v1/rules) nor marker_damage or other", in.Activity),
				problem.At(-1, "activity", "unknown activity"))
		}
		rid, err := reserveOf(ctx, tx, in.Reserve, g)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT case_open($1, $2, $3, $4, $5, $6, NULL, ST_GeomFromWKB($7, 4326), $8, $9, $10, $11, '', $12, $13, $14, $15, NULL, $16, $17, $18)`,
			rid, in.Source, in.SourceRef, in.Kind, in.Title, in.Description, g, in.Activity, nonNil(in.Articles), in.BasisZH, in.BasisEN,
			party.Name, party.Kind, party.ID, seen, actor, "registered from "+in.Source, s.opts.Now()).Scan(&id); err != nil {
			return err
		}
		if len(in.Articles) == 0 && in.BasisZH == "" {
			return ruleBasis(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, id)
}

// check refuses a registration without a known source, an activity or a
// readable location, with every fault at once; it returns the location as
// WKB.
func (in *CreateInput) check() ([]byte, error) {
	var ps []problem.Detail
	switch {
	case in.Source == "":
		bad(&ps, "source", "source is required: one of %s", strings.Join(manualSources(), ", "))
	case !slices.Contains(manualSources(), in.Source):
		bad(&ps, "source", "source %q must be one of %s (screening and system cases are opened by Warden itself)", in.Source, strings.Join(manualSources(), ", "))
	}
	if in.Activity == "" {
		bad(&ps, "activity", "activity is required: a rule-table activity (GET /api/v1/rules) or marker_damage or other")
	}
	checkParty(&ps, in.Party)
	for ptr, v := range map[string]string{"source_ref": in.SourceRef, "kind": in.Kind, "title": in.Title, "description": in.Description,
		"basis_zh": in.BasisZH, "basis_en": in.BasisEN, "reserve": in.Reserve} {
		checkText(&ps, ptr, v)
	}
	g, err := location(in.Location)
	if err != nil {
		if p, ok := problem.As(err); ok && len(ps) > 0 && p.Status == 422 {
			ps = append(ps, p.Problems...)
		} else {
			return nil, err
		}
	}
	return g, invalid(ps)
}

// reserveOf is the reserve named by code, or else the one whose current
// zones the location g (WKB) lies in.
func reserveOf(ctx context.Context, tx pgx.Tx, code string, g []byte) (int64, error) {
	var rid *int64
	if code != "" {
		err := tx.QueryRow(ctx, `SELECT id FROM reserve WHERE code = $1`, code).Scan(&rid)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, problem.Invalid("invalid-case", fmt.Sprintf("reserve %q does not exist", code), problem.At(-1, "reserve", "unknown reserve"))
		}
		if err != nil {
			return 0, err
		}
		return *rid, nil
	}
	id, ok, err := zoning.ReserveTouching(ctx, tx, g)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, problem.Invalid("invalid-case", "the location lies in no reserve's current zones: name the reserve",
			problem.At(-1, "reserve", "needed for a location outside every reserve"))
	}
	return id, nil
}

// ruleBasis gives case id the rule table's articles and verdict for its
// activity in the zone kind where it lies.
func ruleBasis(ctx context.Context, tx pgx.Tx, id int64) error {
	_, err := tx.Exec(ctx, `
		UPDATE violation_case c SET articles = sr.articles,
			basis_zh = '依据' || (SELECT string_agg(a.short_zh, '、' ORDER BY a.ordinal) FROM screening_article a WHERE a.code = ANY(sr.articles))
				|| '，' || CASE c.zone_kind WHEN 'core' THEN '核心区' WHEN 'buffer' THEN '缓冲区' WHEN 'experimental' THEN '实验区'
					WHEN 'peripheral' THEN '外围保护地带' WHEN 'core_protection' THEN '核心保护区' ELSE '一般控制区' END
				|| CASE sr.verdict WHEN 'prohibited' THEN '内禁止' WHEN 'needs_approval' THEN '内须经批准方可' ELSE '内允许' END || act.name_zh || '。',
			basis_en = act.name_en || ': ' || replace(sr.verdict, '_', ' ') || ' in the ' || replace(c.zone_kind, '_', ' ') || ' zone ('
				|| (SELECT string_agg(a.short_en, '; ' ORDER BY a.ordinal) FROM screening_article a WHERE a.code = ANY(sr.articles)) || ').'
		FROM screening_rule sr JOIN screening_activity act ON act.code = sr.activity
		WHERE c.id = $1 AND sr.activity = c.activity AND sr.zone_kind = c.zone_kind`, id)
	return err
}

func manualSources() []string { return append(slices.Clone(outsideSources), "patrol", "marker_check") }

func nonNil(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}
