package screening

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// insert stores the screening and, for a project that is under construction
// or existing, one finding per reserve and zone kind where its activity is
// prohibited, with the part of the footprint inside that zone kind.
func insert(ctx context.Context, tx pgx.Tx, req Request, r Result, fp footprint, arts []Article, zo zoningOn) (Screening, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return Screening{}, err
	}
	codes := []string{}
	for _, rr := range r.Reserves {
		codes = append(codes, rr.Code)
	}
	sc := Screening{Result: r, Findings: []Finding{}}
	var geom string
	if err := tx.QueryRow(ctx, `
		INSERT INTO screening (activity, project_name, developer, project_status, distance_m,
		                       source_format, source_name, source_crs, footprint, verdict, reserves, result, started_on, judged_on, rule_sets)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromWKB($9, 4326), $10, $11, $12, nullif($13, '')::date, $14, $15)
		RETURNING id, created_at, ST_AsGeoJSON(footprint, 7)`,
		r.Activity.Code, req.Project.Name, req.Project.Developer, string(req.Project.Status), req.DistanceM,
		req.Format, req.FileName, req.CRS.SRID(), fp.whole, string(r.Verdict), codes, body, req.Project.StartedOn, dayOf(r), ruleSets(r)).
		Scan(&sc.ID, &sc.CreatedAt, &geom); err != nil {
		return Screening{}, err
	}
	sc.Footprint.Geometry = json.RawMessage(geom)
	sc.Report = reportPath(sc.ID)
	if req.Project.Status != UnderConstruction && req.Project.Status != Existing {
		return sc, nil
	}
	byCode := map[string]Article{}
	for _, a := range arts {
		byCode[a.Code] = a
	}
	for _, rr := range r.Reserves {
		for _, z := range rr.Zones {
			if !z.Intersects || z.Rule.Verdict != Prohibited {
				continue
			}
			zh, en := ruleSentence(z.Kind, r.Activity, z.Rule, byCode)
			f := Finding{Kind: FindingUnapprovedConstruction, Reserve: rr.Code, ZoneKind: z.Kind, Activity: r.Activity.Code,
				Articles: z.Rule.Articles, BasisZH: zh, BasisEN: en, Source: "screening", ScreeningID: sc.ID,
				LegalBasis: nonNilBasis(z.Rule.LegalBasis), Penalty: z.Rule.Penalty}
			var g string
			var ruleSet *string
			if z.Rule.RuleSet != "" {
				ruleSet = &z.Rule.RuleSet
			}
			inside, err := zoning.FootprintInside(ctx, tx, fp.zoning(), rr.Code, z.Kind, zo.day)
			if err != nil {
				return Screening{}, fmt.Errorf("finding in %s %s: %w", rr.Code, z.Kind, err)
			}
			if err := tx.QueryRow(ctx, `
				INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source, screening_id,
				                     legal_basis, penalty, rule_set)
				VALUES ($1, (SELECT id FROM reserve WHERE code = $2), $3, ST_GeomFromWKB($4, 4326), $5, $6, $7, $8, $9, $10, $11, $12, $13)
				RETURNING id, created_at, ST_AsGeoJSON(geom, 7)`,
				f.Kind, rr.Code, string(z.Kind), inside, f.Activity, f.Articles, zh, en, f.Source, sc.ID, f.LegalBasis, f.Penalty, ruleSet).
				Scan(&f.ID, &f.CreatedAt, &g); err != nil {
				return Screening{}, fmt.Errorf("finding in %s %s: %w", rr.Code, z.Kind, err)
			}
			f.Geometry = json.RawMessage(g)
			sc.Findings = append(sc.Findings, f)
		}
	}
	return sc, nil
}

func nonNilBasis(b []law.Basis) []law.Basis {
	if b == nil {
		return []law.Basis{}
	}
	return b
}

func ruleSets(r Result) []string {
	out := []string{}
	if r.Law == nil {
		return out
	}
	seen := map[string]bool{}
	for _, rs := range r.Law.RuleSets {
		if !seen[rs] {
			seen[rs] = true
			out = append(out, rs)
		}
	}
	sort.Strings(out)
	return out
}

func reportPath(id int64) string { return fmt.Sprintf("/api/v1/screenings/%d/report", id) }

// Get returns a stored screening with its footprint geometry and findings.
func (s *Store) Get(ctx context.Context, id int64) (_ Screening, err error) {
	defer db.Wrap(&err, "screening: get %d", id)
	var sc Screening
	var body []byte
	var geom string
	err = s.pool.QueryRow(ctx, `SELECT id, created_at, result, ST_AsGeoJSON(footprint, 7) FROM screening WHERE id = $1`, id).
		Scan(&sc.ID, &sc.CreatedAt, &body, &geom)
	if errors.Is(err, pgx.ErrNoRows) {
		return sc, problem.NotFound("screening", fmt.Sprint(id))
	}
	if err != nil {
		return sc, err
	}
	if err := json.Unmarshal(body, &sc.Result); err != nil {
		return sc, fmt.Errorf("screening %d: stored result: %w", id, err)
	}
	sc.Footprint.Geometry = json.RawMessage(geom)
	sc.Report = reportPath(sc.ID)
	fs, err := s.findings(ctx, []int64{id}, true)
	if err != nil {
		return sc, err
	}
	sc.Findings = fs[id]
	if sc.Findings == nil {
		sc.Findings = []Finding{}
	}
	return sc, nil
}

func (s *Store) findings(ctx context.Context, ids []int64, withGeometry bool) (map[int64][]Finding, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT f.id, f.kind, r.code, f.zone_kind, f.activity, f.articles, f.basis_zh, f.basis_en, f.source, f.screening_id, f.created_at,
		       CASE WHEN $2 THEN ST_AsGeoJSON(f.geom, 7) END, f.legal_basis, f.penalty
		FROM finding f JOIN reserve r ON r.id = f.reserve_id
		WHERE f.screening_id = ANY($1) ORDER BY f.id`, ids, withGeometry)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Finding{}
	for rows.Next() {
		var f Finding
		var g *string
		if err := rows.Scan(&f.ID, &f.Kind, &f.Reserve, &f.ZoneKind, &f.Activity, &f.Articles, &f.BasisZH, &f.BasisEN,
			&f.Source, &f.ScreeningID, &f.CreatedAt, &g, &f.LegalBasis, &f.Penalty); err != nil {
			return nil, err
		}
		if g != nil {
			f.Geometry = json.RawMessage(*g)
		}
		out[f.ScreeningID] = append(out[f.ScreeningID], f)
	}
	return out, rows.Err()
}

// Filter selects screenings for List. Zero values do not filter.
type Filter struct {
	// Reserve is a reserve code: screenings that found it within their distance.
	Reserve  string
	Verdict  Verdict
	Activity string
	Status   Status
	// From and To bound created_at: From <= created_at < To.
	From, To time.Time
	// Limit (default 50, at most 500) and Offset page the list, newest first.
	Limit, Offset int
}

// Page is one page of screenings.
type Page struct {
	Total      int         `json:"total"`
	Limit      int         `json:"limit"`
	Offset     int         `json:"offset"`
	Screenings []Screening `json:"screenings"`
}

// Limits of List.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// List returns the screenings that match f, newest first, without their
// footprint geometry (GET one to have it).
func (s *Store) List(ctx context.Context, f Filter) (_ Page, err error) {
	defer db.Wrap(&err, "screening: list")
	if err := db.CheckPage(&f.Limit, f.Offset, DefaultLimit, MaxLimit); err != nil {
		return Page{}, err
	}
	var q db.Filter
	if f.Reserve != "" {
		q.And("reserves @> ARRAY[" + q.Bind(f.Reserve) + "::text]")
	}
	q.Equal("verdict", string(f.Verdict))
	q.Equal("activity", f.Activity)
	q.Equal("project_status", string(f.Status))
	if !f.From.IsZero() {
		q.And("created_at >= " + q.Bind(f.From))
	}
	if !f.To.IsZero() {
		q.And("created_at < " + q.Bind(f.To))
	}
	p := Page{Limit: f.Limit, Offset: f.Offset, Screenings: []Screening{}}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM screening`+q.Where(), q.Args...).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("count: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, created_at, result FROM screening`+q.Where()+` ORDER BY created_at DESC, id DESC`+q.Page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var sc Screening
		var body []byte
		if err := rows.Scan(&sc.ID, &sc.CreatedAt, &body); err != nil {
			return p, err
		}
		if err := json.Unmarshal(body, &sc.Result); err != nil {
			return p, fmt.Errorf("screening %d: stored result: %w", sc.ID, err)
		}
		sc.Report = reportPath(sc.ID)
		sc.Findings = []Finding{}
		p.Screenings = append(p.Screenings, sc)
		ids = append(ids, sc.ID)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	rows.Close()
	fs, err := s.findings(ctx, ids, false)
	if err != nil {
		return p, err
	}
	for i := range p.Screenings {
		if f := fs[p.Screenings[i].ID]; f != nil {
			p.Screenings[i].Findings = f
		}
	}
	return p, nil
}

// ParseVerdict reads a verdict code.
func ParseVerdict(s string) (Verdict, error) {
	switch v := Verdict(s); v {
	case Prohibited, NeedsApproval, Allowed, Outside:
		return v, nil
	}
	return "", fmt.Errorf("verdict %q must be prohibited, needs_approval, allowed or outside", s)
}

// ParseStatus reads a project status code.
func ParseStatus(s string) (Status, error) {
	switch v := Status(s); v {
	case Proposed, UnderConstruction, Existing:
		return v, nil
	}
	return "", fmt.Errorf("status %q must be proposed, under_construction or existing", s)
}
