package zoning

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/problem"
)

// Store reads and writes reserves and zones.
type Store struct {
	pool db.Pool
	// engine, when set, answers locate from memory (see Engine).
	engine *Engine
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: db.Scoped(pool)} }

// UseEngine makes the store answer location questions from e's in-memory
// index, and rebuild it right after its own zoning changes commit.
func (s *Store) UseEngine(e *Engine) { s.engine = e }

// ReserveInput is what a client sends to create a reserve.
type ReserveInput struct {
	Code         string `json:"code"`
	NameZH       string `json:"name_zh"`
	NameEN       string `json:"name_en"`
	Level        string `json:"level"`
	Authority    string `json:"authority"`
	Established  string `json:"established,omitempty"`
	ZoningScheme Scheme `json:"zoning_scheme"`
	Illustrative bool   `json:"illustrative,omitempty"`
	Note         string `json:"note,omitempty"`
	// TimeZone is the IANA zone every time shown for the reserve is written
	// in (generated case text, reports); default DefaultTimeZone.
	TimeZone string `json:"time_zone,omitempty"`
}

// wrap says where an error of the store arose: "zoning: " and the
// operation. Problems (4xx) pass unchanged, since their detail already
// says what and where.
func wrap(err *error, format string, args ...any) {
	if *err == nil {
		return
	}
	if _, ok := problem.As(*err); ok {
		return
	}
	*err = fmt.Errorf("zoning: %s: %w", fmt.Sprintf(format, args...), *err)
}

// DefaultTimeZone is a reserve's time zone unless it says otherwise.
const DefaultTimeZone = "Asia/Shanghai"

// DefaultLocation is DefaultTimeZone loaded (UTC+8 without a name should
// the system lack the time zone database).
func DefaultLocation() *time.Location {
	if loc, err := time.LoadLocation(DefaultTimeZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Reserve is a reserve as the API shows it.
type Reserve struct {
	Code         string    `json:"code"`
	NameZH       string    `json:"name_zh"`
	NameEN       string    `json:"name_en"`
	Level        string    `json:"level"`
	Authority    string    `json:"authority"`
	Established  *string   `json:"established"`
	ZoningScheme Scheme    `json:"zoning_scheme"`
	Illustrative bool      `json:"illustrative"`
	Note         string    `json:"note"`
	TimeZone     string    `json:"time_zone"`
	CreatedAt    time.Time `json:"created_at"`
	// Zoning is the current zoning version with its zones (detail view only).
	Zoning *VersionSummary `json:"zoning,omitempty"`
	// BBox is the extent of the current zones [minLon, minLat, maxLon, maxLat].
	BBox []float64 `json:"bbox,omitempty"`
}

// VersionSummary describes a zoning version and its zones.
type VersionSummary struct {
	Version    int           `json:"version"`
	ApprovedOn *string       `json:"approved_on"`
	Approval   string        `json:"approval"`
	Note       string        `json:"note"`
	IsCurrent  bool          `json:"is_current"`
	CreatedAt  time.Time     `json:"created_at"`
	Zones      []ZoneSummary `json:"zones"`
	// AreaHaByKind sums zone areas per kind.
	AreaHaByKind map[Kind]float64 `json:"area_ha_by_kind"`
	TotalAreaHa  float64          `json:"total_area_ha"`
}

// ZoneSummary is a zone without its geometry.
type ZoneSummary struct {
	ID       int64   `json:"id"`
	Kind     Kind    `json:"kind"`
	KindZH   string  `json:"kind_zh"`
	Name     string  `json:"name"`
	AreaHa   float64 `json:"area_ha"`
	Vertices int     `json:"vertices"`
}

var codeRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)

func (in *ReserveInput) validate() error {
	var ps []problem.Detail
	if !codeRE.MatchString(in.Code) {
		ps = append(ps, problem.At(-1, "code", fmt.Sprintf("code %q must be 1-64 lower-case letters, digits and inner hyphens (it is used in URLs)", in.Code)))
	}
	in.NameZH, in.NameEN = strings.TrimSpace(in.NameZH), strings.TrimSpace(in.NameEN)
	if in.NameZH == "" && in.NameEN == "" {
		ps = append(ps, problem.At(-1, "name_zh", "a reserve needs a name: name_zh, name_en or both"))
	}
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil || !strings.Contains(in.TimeZone, "/") {
		ps = append(ps, problem.At(-1, "time_zone", fmt.Sprintf("time_zone %q must be an IANA time zone such as Asia/Shanghai or Asia/Urumqi", in.TimeZone)))
	}
	in.Level = ParseLevel(in.Level)
	if !ValidLevel(in.Level) {
		ps = append(ps, problem.At(-1, "level", fmt.Sprintf("level %q must be national, provincial, municipal or county (国家级, 省级, 市级, 县级)", in.Level)))
	}
	if !in.ZoningScheme.Valid() {
		ps = append(ps, problem.At(-1, "zoning_scheme", fmt.Sprintf("zoning_scheme %q must be three_zone (core / buffer / experimental) or two_zone (core_protection / general_control)", in.ZoningScheme)))
	}
	if in.Established != "" {
		if _, err := time.Parse(time.DateOnly, in.Established); err != nil {
			ps = append(ps, problem.At(-1, "established", fmt.Sprintf("established %q must be a date YYYY-MM-DD", in.Established)))
		}
	}
	if len(ps) > 0 {
		return problem.Invalid("invalid-reserve", ps[0].Reason, ps...)
	}
	return nil
}

// CreateReserve stores a new reserve; a taken code is a conflict.
func (s *Store) CreateReserve(ctx context.Context, in ReserveInput) (_ Reserve, err error) {
	defer wrap(&err, "create reserve %s", in.Code)
	if err := in.validate(); err != nil {
		return Reserve{}, err
	}
	var est *string
	if in.Established != "" {
		est = &in.Established
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO reserve (code, name_zh, name_en, level, authority, established, zoning_scheme, illustrative, note, time_zone)
		VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10)`,
		in.Code, in.NameZH, in.NameEN, in.Level, in.Authority, est, string(in.ZoningScheme), in.Illustrative, in.Note, in.TimeZone)
	if db.IsUniqueViolation(err) {
		return Reserve{}, problem.Conflict("reserve-exists", fmt.Sprintf("a reserve with code %q already exists", in.Code))
	}
	if err != nil {
		return Reserve{}, err
	}
	return s.Reserve(ctx, in.Code)
}

const reserveCols = `r.id, r.code, r.name_zh, r.name_en, r.level, r.authority, to_char(r.established, 'YYYY-MM-DD'),
	r.zoning_scheme, r.illustrative, r.note, r.time_zone, r.created_at`

func scanReserve(row pgx.Row, r *Reserve) (int64, error) {
	var id int64
	err := row.Scan(&id, &r.Code, &r.NameZH, &r.NameEN, &r.Level, &r.Authority, &r.Established,
		&r.ZoningScheme, &r.Illustrative, &r.Note, &r.TimeZone, &r.CreatedAt)
	return id, err
}

// Reserves lists all reserves by code.
func (s *Store) Reserves(ctx context.Context) (_ []Reserve, err error) {
	defer wrap(&err, "list reserves")
	rows, err := s.pool.Query(ctx, `SELECT `+reserveCols+` FROM reserve r ORDER BY r.code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reserve{}
	for rows.Next() {
		var r Reserve
		if _, err := scanReserve(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// reserveID returns a reserve's id and scheme, or a not-found problem.
func reserveID(ctx context.Context, q pgx.Tx, code string, lock bool) (int64, Scheme, error) {
	sql := `SELECT id, zoning_scheme FROM reserve WHERE code = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var id int64
	var scheme Scheme
	err := q.QueryRow(ctx, sql, code).Scan(&id, &scheme)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", problem.NotFound("reserve", code)
	}
	return id, scheme, err
}

// Reserve returns one reserve with its current zoning.
func (s *Store) Reserve(ctx context.Context, code string) (_ Reserve, err error) {
	defer wrap(&err, "reserve %s", code)
	var r Reserve
	id, err := scanReserve(s.pool.QueryRow(ctx, `SELECT `+reserveCols+` FROM reserve r WHERE r.code = $1`, code), &r)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, problem.NotFound("reserve", code)
	}
	if err != nil {
		return r, err
	}
	var vid int64
	err = s.pool.QueryRow(ctx, `SELECT id FROM zoning_version WHERE reserve_id = $1 AND is_current`, id).Scan(&vid)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	v, err := versionSummary(ctx, s.pool, vid)
	if err != nil {
		return r, err
	}
	r.Zoning = &v
	var minx, miny, maxx, maxy *float64
	if err := s.pool.QueryRow(ctx, `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom) AS e FROM zone WHERE version_id = $1) x`, vid).Scan(&minx, &miny, &maxx, &maxy); err != nil {
		return r, err
	}
	if minx != nil {
		r.BBox = []float64{*minx, *miny, *maxx, *maxy}
	}
	return r, nil
}
