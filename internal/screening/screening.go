package screening

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// Defaults and limits of a screening request.
const (
	DefaultDistanceM   = 5000.0
	MaxDistanceM       = 50000.0
	DefaultMaxVertices = 200_000
	maxProblems        = 50
	// minOverlapM2 and minOverlapM are the least area and length that count
	// as being in a zone rather than touching it (floating-point noise of a
	// footprint drawn along a zone boundary stays far below them).
	minOverlapM2 = 0.01
	minOverlapM  = 0.01
)

// Status is a project's stage.
type Status string

// Project stages.
const (
	Proposed          Status = "proposed"
	UnderConstruction Status = "under_construction"
	Existing          Status = "existing"
)

// Project describes the project screened.
type Project struct {
	Name      string `json:"name"`
	Developer string `json:"developer"`
	Status    Status `json:"status"`
	// StartedOn is the day construction started (YYYY-MM-DD): a project
	// under construction or existing is judged under the law in force then.
	StartedOn string `json:"started_on,omitempty"`
}

// Request is one screening to run: a decoded footprint and what the project
// is and does.
type Request struct {
	// Features is the footprint, decoded (geoio.DecodeGeoJSON, geoio.ReadFootprint).
	Features []geoio.Feature
	// Doc is the GeoJSON document type the features came from
	// ("FeatureCollection", "Feature" or a geometry type), which shapes the
	// JSON pointers of problems; empty for other formats.
	Doc string
	// Pointer prefixes those JSON pointers ("footprint" in a JSON body).
	Pointer string
	// CRS of the coordinates (default EPSG:4326).
	CRS geoio.CRS
	// Format ("geojson", "kml", ...) and FileName say where the footprint came from.
	Format, FileName string
	Activity         string
	Project          Project
	// DistanceM is the search distance for nearby reserves (0: 5,000 m).
	DistanceM float64
	// Allow, when set, is asked before anything is stored whether the
	// caller may screen in the reserves the footprint intersects (their
	// codes); its error refuses the screening and nothing is stored.
	Allow func(reserves []string) error
}

// Options tunes a Store.
type Options struct {
	// MaxVertices caps a footprint's vertices (0: DefaultMaxVertices).
	MaxVertices int
	// Law is the law store judgments are made under (nil: one of its own).
	Law *law.Store
	// Location is the time zone the printable report writes times in (nil:
	// zoning.DefaultTimeZone): the service's case time zone setting.
	Location *time.Location
}

// Store runs, stores and reads screenings.
type Store struct {
	pool        db.Pool
	maxVertices int
	law         *law.Store
	loc         *time.Location
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool, opts Options) *Store {
	if opts.MaxVertices <= 0 {
		opts.MaxVertices = DefaultMaxVertices
	}
	if opts.Law == nil {
		opts.Law = law.NewStore(pool)
	}
	if opts.Location == nil {
		opts.Location = zoning.DefaultLocation()
	}
	return &Store{pool: db.Scoped(pool), maxVertices: opts.MaxVertices, law: opts.Law, loc: opts.Location}
}

// MaxVertices is the largest footprint accepted, in vertices.
func (s *Store) MaxVertices() int { return s.maxVertices }

// maxComplexity is the largest footprint accepted by Complexity: its vertices
// once cut into edges of at most EdgeDegrees. Five times the vertex limit
// lets a 200,000-vertex footprint have edges adding up to some 1,600,000 km,
// far beyond any project, and refuses the zigzags that only exist to make the
// database work.
func (s *Store) maxComplexity() int { return 5 * s.maxVertices }

func tooComplex(limit int) error {
	return problem.TooLarge(fmt.Sprintf("the footprint's edges are too long for its vertices: cut into edges of at most %g° (about 2 km) it would have more than %d vertices, the limit; "+
		"screen the parts of the project separately, or send the area it occupies instead of lines sweeping back and forth across it", EdgeDegrees, limit))
}

// Screening is a stored screening: its result and the findings it raised.
type Screening struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Result
	Findings []Finding `json:"findings"`
	// Report is the path of the printable report.
	Report string `json:"report"`
}

// Result is what a screening computes, stored as the screening's result.
type Result struct {
	Activity        Activity  `json:"activity"`
	Project         Project   `json:"project"`
	SearchDistanceM float64   `json:"search_distance_m"`
	Footprint       Footprint `json:"footprint"`
	// Verdict is the most severe rule verdict over the zones the footprint
	// intersects, or outside.
	Verdict   Verdict         `json:"verdict"`
	VerdictZH string          `json:"verdict_zh"`
	VerdictEN string          `json:"verdict_en"`
	Reasons   []Reason        `json:"reasons"`
	Reserves  []ReserveResult `json:"reserves"`
	// Articles quotes every article the rules of the listed zones cite.
	Articles []Article `json:"articles"`
	// Law says which day the project was judged for and under which rule
	// sets and instruments.
	Law *LawInForce `json:"law,omitempty"`
}

// Footprint summarises the footprint as screened (EPSG:4326).
type Footprint struct {
	Format   string `json:"format"`
	FileName string `json:"file_name,omitempty"`
	CRS      string `json:"crs"`
	Features int    `json:"features"`
	// FeaturesWithoutGeometry counts the features skipped for having none.
	FeaturesWithoutGeometry int `json:"features_without_geometry,omitempty"`
	Vertices                int `json:"vertices"`
	// Measure is what shares of the footprint are shares of: "area" when it
	// has polygons, else "length" when it has lines, else "points".
	Measure string    `json:"measure"`
	AreaM2  float64   `json:"area_m2"`
	AreaHa  float64   `json:"area_ha"`
	LengthM float64   `json:"length_m"`
	Points  int       `json:"points"`
	BBox    []float64 `json:"bbox"`
	// Geometry is the footprint as GeoJSON (on single screenings only).
	Geometry json.RawMessage `json:"geometry,omitempty"`
}

// ReserveResult is one reserve within the search distance.
type ReserveResult struct {
	Code          string        `json:"code"`
	NameZH        string        `json:"name_zh"`
	NameEN        string        `json:"name_en"`
	Scheme        zoning.Scheme `json:"zoning_scheme"`
	Illustrative  bool          `json:"illustrative"`
	ZoningVersion int           `json:"zoning_version"`
	Intersects    bool          `json:"intersects"`
	DistanceM     float64       `json:"distance_m"`
	Verdict       Verdict       `json:"verdict"`
	Zones         []ZoneResult  `json:"zones"`
}

// ZoneResult is the footprint against the zones of one kind of a reserve in
// the zoning in force on the screening's day.
type ZoneResult struct {
	Kind       zoning.Kind `json:"zone_kind"`
	KindZH     string      `json:"zone_kind_zh"`
	KindEN     string      `json:"zone_kind_en"`
	ZoneAreaHa float64     `json:"zone_area_ha"`
	Intersects bool        `json:"intersects"`
	AreaM2     float64     `json:"area_m2"`
	AreaHa     float64     `json:"area_ha"`
	LengthM    float64     `json:"length_m"`
	Points     int         `json:"points"`
	// FootprintShare is the share (0-1) of the footprint's measure inside;
	// ZoneShare the share of the zone's area that the footprint covers.
	FootprintShare float64 `json:"footprint_share"`
	ZoneShare      float64 `json:"zone_share"`
	// DistanceM is the minimum geodesic distance, 0 when they intersect.
	DistanceM float64 `json:"distance_m"`
	// Rule is the activity's rule in this zone kind; it applies when the
	// footprint intersects the zone.
	Rule Rule `json:"rule"`
}

// Reason is one sentence of the verdict, in Chinese and English.
type Reason struct {
	Reserve  string      `json:"reserve,omitempty"`
	ZoneKind zoning.Kind `json:"zone_kind,omitempty"`
	Verdict  Verdict     `json:"verdict"`
	Articles []string    `json:"articles,omitempty"`
	ZH       string      `json:"zh"`
	EN       string      `json:"en"`
}

// Finding is something a screening found for enforcement to follow up: a
// project under construction or existing where its activity is prohibited.
type Finding struct {
	ID          int64       `json:"id"`
	Kind        string      `json:"kind"`
	Reserve     string      `json:"reserve"`
	ZoneKind    zoning.Kind `json:"zone_kind"`
	Activity    string      `json:"activity"`
	Articles    []string    `json:"articles"`
	BasisZH     string      `json:"basis_zh"`
	BasisEN     string      `json:"basis_en"`
	Source      string      `json:"source"`
	ScreeningID int64       `json:"screening_id"`
	// LegalBasis quotes the provisions the finding rests on; Penalty is the
	// penalty article with its range for the circumstance.
	LegalBasis []law.Basis     `json:"legal_basis"`
	Penalty    *law.Penalty    `json:"penalty,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	Geometry   json.RawMessage `json:"geometry,omitempty"`
}

// FindingUnapprovedConstruction is the kind of finding a screening raises
// (未批先建: built before approval).
const FindingUnapprovedConstruction = "unapproved_construction"

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func invalid(typ, detail, pointer string) *problem.Error {
	return problem.Invalid(typ, detail, problem.At(-1, pointer, detail))
}

// Screen checks the request, screens the footprint against the current
// zones, stores the screening with any findings and returns it. A refused
// request stores nothing.
func (s *Store) Screen(ctx context.Context, req Request) (Screening, error) {
	if err := req.normalise(); err != nil {
		return Screening{}, err
	}
	els, skipped, err := s.elements(req)
	if err != nil {
		return Screening{}, err
	}
	var out Screening
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		// ST_Subdivide's row estimates make the planner expect huge costs
		// and JIT-compile these short queries, which costs more than it saves.
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		act, on, book, err := s.actAndDay(ctx, req)
		if err != nil {
			return err
		}
		if err := validate(ctx, tx, els, req); err != nil {
			return err
		}
		fp, err := assemble(ctx, tx, els, req.CRS, req.DistanceM, s.maxComplexity())
		if err != nil {
			return err
		}
		fp.skipped = skipped
		zo, err := zoningOf(ctx, tx, on)
		if err != nil {
			return err
		}
		res, err := compute(ctx, tx, fp, req.DistanceM, zo)
		if err != nil {
			return err
		}
		lr, err := judgeByLaw(ctx, tx, book, on, act, res.reserves)
		if err != nil {
			return err
		}
		r := judge(req, act.screening(), lr.rules, lr.articles, fp, res)
		r.Law = lr.inForce(book, on, req)
		if req.Allow != nil {
			var in []string
			for _, rr := range r.Reserves {
				if rr.Intersects {
					in = append(in, rr.Code)
				}
			}
			if err := req.Allow(in); err != nil {
				return err
			}
		}
		out, err = insert(ctx, tx, req, r, fp, lr.articles, zo)
		return err
	})
	return out, err
}

func (r *Request) normalise() error {
	if r.CRS == 0 {
		r.CRS = geoio.WGS84
	}
	if r.Format == "" {
		r.Format = "geojson"
	}
	if r.Project.Status == "" {
		r.Project.Status = Proposed
	}
	switch r.Project.Status {
	case Proposed, UnderConstruction, Existing:
	default:
		return invalid("invalid-screening", fmt.Sprintf("project status %q must be proposed, under_construction or existing", r.Project.Status), "project.status")
	}
	r.Project.Name, r.Project.Developer = strings.TrimSpace(r.Project.Name), strings.TrimSpace(r.Project.Developer)
	if len(r.Project.Name) > 500 || len(r.Project.Developer) > 500 {
		return invalid("invalid-screening", "project name and developer are limited to 500 bytes each", "project")
	}
	if r.DistanceM == 0 {
		r.DistanceM = DefaultDistanceM
	}
	if math.IsNaN(r.DistanceM) || r.DistanceM <= 0 || r.DistanceM > MaxDistanceM {
		return invalid("invalid-screening", fmt.Sprintf("distance_m %v must be more than 0 and at most %.0f (metres)", r.DistanceM, MaxDistanceM), "distance_m")
	}
	return nil
}

// element is one simple or multi geometry of the footprint (collections are
// flattened), with where it came from.
type element struct {
	feature int
	pointer string
	dim     int // 0 points, 1 lines, 2 polygons
	wkb     []byte
}

// pointerFor is the JSON pointer of feature i's geometry.
func (r Request) pointerFor(i int) string {
	var p string
	switch r.Doc {
	case "":
		return ""
	case "FeatureCollection":
		p = fmt.Sprintf("features[%d].geometry", i)
	case "Feature":
		p = "geometry"
	}
	switch {
	case r.Pointer == "":
		return p
	case p == "":
		return r.Pointer
	}
	return r.Pointer + "." + p
}

func joinPtr(p, member string) string {
	if p == "" {
		return ""
	}
	return p + member
}

// elements flattens the footprint and checks what can be checked without
// PostGIS: presence, emptiness, vertex count, coordinate plausibility.
// Features without geometry (a KML placemark that is only a label, a GeoJSON
// feature with "geometry": null) are skipped and counted.
func (s *Store) elements(req Request) ([]element, int, error) {
	skipped := 0
	var els []element
	var ps []problem.Detail
	vertices, complexity := 0, 0
	metresPerUnit := 0.0
	if req.CRS.Projected() {
		metresPerUnit = 1
	}
	add := func(i int, ptr, format string, args ...any) {
		if len(ps) < maxProblems {
			ps = append(ps, problem.At(i, ptr, fmt.Sprintf("feature %d: ", i)+fmt.Sprintf(format, args...)))
		}
	}
	var walk func(i int, ptr string, g orb.Geometry) error
	walk = func(i int, ptr string, g orb.Geometry) error {
		if c, ok := g.(orb.Collection); ok {
			if len(c) == 0 {
				add(i, ptr, "the GeometryCollection is empty")
			}
			for j, m := range c {
				if err := walk(i, joinPtr(ptr, fmt.Sprintf(".geometries[%d]", j)), m); err != nil {
					return err
				}
			}
			return nil
		}
		n := geoio.CountVertices(g)
		if n == 0 {
			add(i, ptr, "the %s is empty", g.GeoJSONType())
			return nil
		}
		vertices += n
		if vertices > s.maxVertices {
			return problem.TooLarge(fmt.Sprintf("the footprint has more than %d vertices, the limit; simplify it or screen it in parts", s.maxVertices))
		}
		if complexity += Complexity(g, metresPerUnit); complexity > s.maxComplexity() {
			return tooComplex(s.maxComplexity())
		}
		if reason := checkCoords(g, req.CRS); reason != "" {
			add(i, ptr, "%s", reason)
			return nil
		}
		b, err := wkb.Marshal(g)
		if err != nil {
			return err
		}
		els = append(els, element{feature: i, pointer: ptr, dim: g.Dimensions(), wkb: b})
		return nil
	}
	for _, f := range req.Features {
		if f.Geometry == nil {
			skipped++
			continue
		}
		if err := walk(f.Index, req.pointerFor(f.Index), f.Geometry); err != nil {
			return nil, 0, err
		}
	}
	if len(ps) > 0 {
		return nil, 0, problem.Invalid("invalid-footprint", problem.Summary(ps), ps...)
	}
	if len(els) == 0 {
		return nil, 0, invalid("empty-footprint", "the footprint has no geometry: send a point, line or polygon as a GeoJSON geometry, Feature or FeatureCollection, or a file", req.Pointer)
	}
	return els, skipped, nil
}

// checkCoords catches projected coordinates that cannot be right for the CRS
// (lon/lat sent as metres, X and Y swapped) and lon/lat edges that cross the
// antimeridian.
func checkCoords(g orb.Geometry, crs geoio.CRS) string {
	var reason string
	visit := func(ls []orb.Point) {
		for j, p := range ls {
			if reason != "" {
				return
			}
			if crs.Projected() {
				reason = crs.CheckXY(p[0], p[1])
			} else if j > 0 && math.Abs(p[0]-ls[j-1][0]) > 180 {
				reason = fmt.Sprintf("an edge from %v to %v crosses the antimeridian: split the footprint at ±180° (RFC 7946 §3.1.9)", ls[j-1], p)
			}
		}
	}
	switch t := g.(type) {
	case orb.Point:
		visit([]orb.Point{t})
	case orb.MultiPoint:
		visit(t)
	case orb.LineString:
		visit(t)
	case orb.MultiLineString:
		for _, l := range t {
			visit(l)
		}
	case orb.Polygon:
		for _, r := range t {
			visit(r)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			for _, r := range p {
				visit(r)
			}
		}
	}
	return reason
}

func columns(els []element) (w [][]byte, dims []int32) {
	for _, e := range els {
		w = append(w, e.wkb)
		dims = append(dims, int32(e.dim))
	}
	return
}

// validate asks PostGIS whether each element is valid (ST_IsValidDetail) and
// within lon/lat range once transformed; for an invalid one it says what
// ST_MakeValid would make of it, without using that.
func validate(ctx context.Context, tx pgx.Tx, els []element, req Request) error {
	w, _ := columns(els)
	rows, err := tx.Query(ctx, `
		SELECT t.i - 1, d.valid, coalesce(d.reason, ''), ST_X(d.location), ST_Y(d.location),
		       ST_XMin(x.g) >= -180 AND ST_XMax(x.g) <= 180 AND ST_YMin(x.g) >= -90 AND ST_YMax(x.g) <= 90,
		       coalesce(ST_GeometryType(m.mv), ''), coalesce(ST_NumGeometries(m.mv), 0),
		       coalesce(ST_Area(ST_CollectionExtract(m.mv, 3)::geography), 0),
		       coalesce(ST_Length(ST_CollectionExtract(m.mv, 2)::geography), 0)
		FROM unnest($1::bytea[]) WITH ORDINALITY AS t(w, i)
		CROSS JOIN LATERAL (SELECT ST_Transform(ST_SetSRID(ST_GeomFromWKB(t.w), $2::int), 4326) AS g) x
		CROSS JOIN LATERAL ST_IsValidDetail(x.g) d
		CROSS JOIN LATERAL (SELECT CASE WHEN NOT d.valid THEN ST_MakeValid(x.g) END AS mv) m
		ORDER BY t.i`, w, req.CRS.SRID())
	if err != nil {
		return err
	}
	defer rows.Close()
	var ps []problem.Detail
	for rows.Next() {
		var i, parts int
		var valid, inRange bool
		var reason, mvType string
		var x, y *float64
		var mvArea, mvLength float64
		if err := rows.Scan(&i, &valid, &reason, &x, &y, &inRange, &mvType, &parts, &mvArea, &mvLength); err != nil {
			return err
		}
		e := els[i]
		switch {
		case !valid:
			at := ""
			if x != nil && y != nil {
				at = fmt.Sprintf(" at (%.7g, %.7g)", *x, *y)
			}
			d := problem.At(e.feature, e.pointer, fmt.Sprintf("feature %d: invalid geometry: %s%s. It is not repaired silently: %s; fix the footprint and send it again",
				e.feature, reason, at, makeValidHint(mvType, parts, mvArea, mvLength)))
			if x != nil && y != nil {
				d.Location = []float64{*x, *y}
			}
			if len(ps) < maxProblems {
				ps = append(ps, d)
			}
		case !inRange:
			if len(ps) < maxProblems {
				ps = append(ps, problem.At(e.feature, e.pointer, fmt.Sprintf("feature %d: coordinates fall outside lon -180..180, lat -90..90 after transformation from %s", e.feature, req.CRS)))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ps) > 0 {
		return problem.Invalid("invalid-geometry", problem.Summary(ps), ps...)
	}
	return nil
}

func makeValidHint(typ string, parts int, area, length float64) string {
	typ = strings.TrimPrefix(typ, "ST_")
	h := fmt.Sprintf("ST_MakeValid would give a %s", typ)
	if parts > 1 {
		h += fmt.Sprintf(" of %d parts", parts)
	}
	switch {
	case area > 0:
		h += fmt.Sprintf(" of %s", fmtArea(area, false))
	case length > 0:
		h += fmt.Sprintf(" of %s", fmtLength(length, false))
	}
	return h
}

// footprint is the assembled footprint: its polygonal, linear and point parts
// as WKB in EPSG:4326 (nil when absent; overlaps dissolved), the whole as
// screened, and its measures.
type footprint struct {
	poly, line, point, whole []byte
	// simple is whole simplified by tau metres at most (Hausdorff distance),
	// for finding the nearest zone boundaries cheaply.
	simple                  []byte
	tau                     float64
	skipped                 int
	areaM2, lengthM         float64
	points, features, verts int
	bbox                    [4]float64
}

func (f footprint) measure() string {
	switch {
	case f.poly != nil:
		return "area"
	case f.line != nil:
		return "length"
	}
	return "points"
}

// assemble transforms the elements to EPSG:4326 and splits them by dimension.
// Several polygons are dissolved into one MultiPolygon (ST_UnaryUnion) so
// that overlaps are not counted twice; lines and points likewise.
func assemble(ctx context.Context, tx pgx.Tx, els []element, crs geoio.CRS, distance float64, limit int) (footprint, error) {
	w, dims := columns(els)
	// tau is a thousandth of the search distance: distances found with the
	// simplified footprint are refined with the footprint itself (see nearest).
	f := footprint{tau: distance / 1000}
	npoly := 0
	feats := map[int]bool{}
	for _, e := range els {
		if e.dim == 2 {
			npoly++
		}
		feats[e.feature] = true
	}
	f.features = len(feats)
	var minx, miny, maxx, maxy float64
	err := tx.QueryRow(ctx, `
		WITH e AS (
			SELECT t.d, ST_Transform(ST_SetSRID(ST_GeomFromWKB(t.w), $2::int), 4326) AS g
			FROM unnest($1::bytea[], $3::int[]) AS t(w, d)
		), c AS (
			SELECT ST_CollectionExtract(ST_Collect(g) FILTER (WHERE d = 2), 3) AS a,
			       ST_CollectionExtract(ST_Collect(g) FILTER (WHERE d = 1), 2) AS l,
			       ST_CollectionExtract(ST_Collect(g) FILTER (WHERE d = 0), 1) AS p,
			       CASE WHEN count(*) = 1 THEN (array_agg(g))[1] ELSE ST_Collect(g) END AS whole
			FROM e
		), u AS (
			SELECT ST_Multi(CASE WHEN $4 THEN ST_UnaryUnion(a) ELSE a END) AS a,
			       ST_Multi(ST_UnaryUnion(l)) AS l, ST_Multi(ST_UnaryUnion(p)) AS p, whole
			FROM c
		)
		SELECT ST_AsBinary(a), ST_AsBinary(l), ST_AsBinary(p), ST_AsBinary(whole),
		       coalesce(ST_Area(a::geography), 0), coalesce(ST_Length(l::geography), 0), coalesce(ST_NumGeometries(p), 0),
		       ST_NPoints(whole), ST_XMin(whole), ST_YMin(whole), ST_XMax(whole), ST_YMax(whole)
		FROM u`, w, crs.SRID(), dims, npoly > 1).
		Scan(&f.poly, &f.line, &f.point, &f.whole, &f.areaM2, &f.lengthM, &f.points, &f.verts, &minx, &miny, &maxx, &maxy)
	if err != nil {
		return f, err
	}
	f.bbox = [4]float64{minx, miny, maxx, maxy}
	if f.line, err = LinePieces(f.line, pieceVertices); err != nil {
		return f, err
	}
	f.simple, err = simplified(f.whole, f.tau, limit)
	return f, err
}

// simplified is the footprint whole (WKB, lon/lat) simplified by tau metres
// at most, for finding the nearest zone boundaries cheaply (see
// simplifyDegrees), prepared in Go with bounded work (SimplifyBounded,
// Segmentize); more than limit vertices is refused.
func simplified(whole []byte, tau float64, limit int) ([]byte, error) {
	g, err := wkb.Unmarshal(whole)
	if err != nil {
		return nil, fmt.Errorf("screening: read footprint: %w", err)
	}
	g, ok := Segmentize(SimplifyBounded(g, simplifyDegrees(tau)), EdgeDegrees, limit)
	if !ok {
		return nil, tooComplex(limit)
	}
	return wkb.Marshal(g)
}

// simplifyDegrees is the SimplifyBounded tolerance, in degrees,
// that moves no point of a lon/lat geometry by more than tau/2 metres (a
// degree is at most 111.7 km). The simplified footprint is then segmentized
// to edges of at most EdgeDegrees (about 2 km), so that reading its edges as great
// circles rather than straight lon/lat lines moves them by well under a metre;
// all told it stays within tau of the footprint.
func simplifyDegrees(tau float64) float64 { return tau / 2 / 111_700 }

// zoneKey identifies the zones of one kind in one reserve.
type zoneKey struct {
	reserve int64
	kind    zoning.Kind
}

type measured struct {
	areaM2, lengthM float64
	points          int
	hit             bool
	dist            *float64
}

type reserveInfo struct {
	id                   int64
	code, nameZH, nameEN string
	scheme               zoning.Scheme
	illustrative         bool
	version              int
	kinds                []kindInfo
}

type kindInfo struct {
	kind   zoning.Kind
	areaHa float64
	ids    []int64
}

type computed struct {
	reserves []reserveInfo
	m        map[zoneKey]*measured
}

// footprintPieces is the footprint cut into pieces of at most 128 vertices
// (zone_piece's size, so that every ST_Intersection is between two small
// geometries) ($1 polygons, $2 lines already cut by LinePieces, $3 points, as
// WKB), for joining with zone_piece through its GiST index. Lines are cut in
// Go: ST_Subdivide halves bounding boxes, which on a zigzag costs seconds and
// leaves one piece per edge.
const footprintPieces = `fp AS (
	SELECT 2 AS dim, (ST_Dump(ST_Subdivide(ST_GeomFromWKB($1::bytea, 4326), 128))).geom AS g
	UNION ALL SELECT 1, (ST_Dump(ST_GeomFromWKB($2::bytea, 4326))).geom
	UNION ALL SELECT 0, (ST_Dump(ST_GeomFromWKB($3::bytea, 4326))).geom)`

// zoningOn says which zones a screening is measured against: those in force
// on its day (the start of construction, or the screening date). Where that
// is every reserve's current zoning, the indexed zone_piece and zone_edge;
// where some reserve has rezoned since, zone_piece_on and zone_edge_on of
// the day (parameter $n of the query).
type zoningOn struct {
	day  time.Time
	past bool
}

func zoningOf(ctx context.Context, tx pgx.Tx, on law.Date) (zoningOn, error) {
	zo := zoningOn{day: on.Time}
	if err := tx.QueryRow(ctx, `SELECT zoning_past($1::date, NULL)`, zo.day).Scan(&zo.past); err != nil {
		return zo, fmt.Errorf("screening: zoning on %s: %w", on, err)
	}
	return zo, nil
}

func (zo zoningOn) pieces(n int) string {
	if !zo.past {
		return "zone_piece"
	}
	return fmt.Sprintf("zone_piece_on($%d::date, NULL)", n)
}

func (zo zoningOn) edges(n int) string {
	if !zo.past {
		return "zone_edge"
	}
	return fmt.Sprintf("zone_edge_on($%d::date, NULL)", n)
}

// args appends the day to a query's arguments when pieces or edges name it.
func (zo zoningOn) args(args ...any) []any {
	if zo.past {
		return append(args, zo.day)
	}
	return args
}

// compute measures the footprint against the zones of its day: intersections
// through zone_piece (both sides subdivided, so every ST_Intersection is
// between two small polygons; areas and lengths geodesic, summed over
// pieces), distances within the search distance through zone_edge (see
// nearWithin), and for the reserves in range the other zone kinds' distances
// on the zones themselves.
func compute(ctx context.Context, tx pgx.Tx, fp footprint, distance float64, zo zoningOn) (computed, error) {
	c := computed{m: map[zoneKey]*measured{}}
	get := func(k zoneKey) *measured {
		if c.m[k] == nil {
			c.m[k] = &measured{}
		}
		return c.m[k]
	}
	rows, err := tx.Query(ctx, `WITH `+footprintPieces+`
		SELECT zp.reserve_id, zp.kind,
		       coalesce(sum(ST_Area(ST_CollectionExtract(ST_Intersection(zp.geom, fp.g), 3)::geography)) FILTER (WHERE fp.dim = 2), 0),
		       coalesce(sum(ST_Length(ST_CollectionExtract(ST_Intersection(zp.geom, fp.g), 2)::geography)) FILTER (WHERE fp.dim = 1), 0),
		       count(DISTINCT fp.g) FILTER (WHERE fp.dim = 0)
		FROM fp JOIN `+zo.pieces(4)+` zp ON ST_Intersects(zp.geom, fp.g)
		GROUP BY 1, 2`, zo.args(fp.poly, fp.line, fp.point)...)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var k zoneKey
		var a, l float64
		var n int
		if err := rows.Scan(&k.reserve, &k.kind, &a, &l, &n); err != nil {
			rows.Close()
			return c, err
		}
		m := get(k)
		m.areaM2, m.lengthM, m.points, m.hit = a, l, n, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	var hitR []int64
	var hitK []string
	for k := range c.m {
		hitR, hitK = append(hitR, k.reserve), append(hitK, string(k.kind))
	}
	within := map[zoneKey]float64{}
	if err := nearest(ctx, tx, fp, distance, within, hitR, hitK, zo); err != nil {
		return c, err
	}
	for k, d := range within {
		if d <= distance {
			get(k).dist = &d
		}
	}
	ids := map[int64]bool{}
	for k := range c.m {
		ids[k.reserve] = true
	}
	if len(ids) == 0 {
		return c, nil
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	rows, err = tx.Query(ctx, `
		SELECT r.id, r.code, r.name_zh, r.name_en,
		       (SELECT CASE WHEN bool_and(o.kind IN ('core_protection', 'general_control')) THEN 'two_zone' ELSE 'three_zone' END
		        FROM zone o WHERE o.version_id = v.id),
		       r.illustrative, v.version, z.kind, sum(z.area_ha), array_agg(z.id ORDER BY z.id)
		FROM reserve r JOIN zoning_version v ON v.id = zoning_version_on(r.id, $2::date) JOIN zone z ON z.version_id = v.id
		WHERE r.id = ANY($1)
		GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
		ORDER BY r.code`, list, zo.day)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var r reserveInfo
		var k kindInfo
		if err := rows.Scan(&r.id, &r.code, &r.nameZH, &r.nameEN, &r.scheme, &r.illustrative, &r.version, &k.kind, &k.areaHa, &k.ids); err != nil {
			rows.Close()
			return c, err
		}
		if n := len(c.reserves); n > 0 && c.reserves[n-1].id == r.id {
			c.reserves[n-1].kinds = append(c.reserves[n-1].kinds, k)
		} else {
			r.kinds = []kindInfo{k}
			c.reserves = append(c.reserves, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	// Zone kinds of these reserves beyond the search distance: ST_Distance
	// between their zones' geography and the footprint's. PostGIS caches the
	// footprint's tree across rows, so this costs about a tree build per zone.
	var far []int64
	for _, r := range c.reserves {
		for _, k := range r.kinds {
			m := get(zoneKey{r.id, k.kind})
			if m.hit || m.dist != nil {
				continue
			}
			if d, ok := within[zoneKey{r.id, k.kind}]; ok { // just beyond the search distance
				m.dist = &d
				continue
			}
			far = append(far, k.ids...)
		}
	}
	if len(far) == 0 {
		return c, nil
	}
	rows, err = tx.Query(ctx, `
		SELECT z.reserve_id, z.kind, min(ST_Distance(z.geom::geography, ST_GeogFromWKB($1)))
		FROM zone z WHERE z.id = ANY($2) GROUP BY 1, 2`, fp.whole, far)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var k zoneKey
		var d float64
		if err := rows.Scan(&k.reserve, &k.kind, &d); err != nil {
			return c, err
		}
		get(k).dist = &d
	}
	return c, rows.Err()
}

// Distances to the zone kinds within the search distance are measured on
// zone_edge in two steps within one statement. Every boundary piece within
// the radius of the simplified footprint is measured against it (cheap: the
// simplified footprint is within tau of the footprint, so each of these
// distances is within tau of the true one); only the pieces that can still be
// the nearest, those within 2·tau of the least, are then measured against the
// footprint itself, so the result per zone kind is exact. Zone kinds listed
// in $5 (reserve ids) and $6 (kinds), which the footprint intersects, are
// left out. ($1 the simplified footprint, $2 the footprint, $3 the radius, $4 tau.)
const nearWithin = `
	WITH c AS (
		SELECT z.reserve_id, z.kind, e.geog, ST_Distance(e.geog, ST_GeogFromWKB($1)) AS d
		FROM %s e JOIN zone z ON z.id = e.zone_id
		WHERE ST_DWithin(e.geog, ST_GeogFromWKB($1), $3::float8 + $4::float8)
		  AND NOT EXISTS (SELECT 1 FROM unnest($5::bigint[], $6::text[]) AS h(r, k) WHERE h.r = z.reserve_id AND h.k = z.kind)
	), b AS (SELECT c.*, min(d) OVER (PARTITION BY reserve_id, kind) AS least FROM c)
	SELECT reserve_id, kind, min(ST_Distance(geog, ST_GeogFromWKB($2))) FROM b WHERE d <= least + 2 * $4::float8 GROUP BY 1, 2`

// nearest runs nearWithin and adds its distances to out.
func nearest(ctx context.Context, tx pgx.Tx, fp footprint, radius float64, out map[zoneKey]float64, hitR []int64, hitK []string, zo zoningOn) error {
	rows, err := tx.Query(ctx, fmt.Sprintf(nearWithin, zo.edges(7)), zo.args(fp.simple, fp.whole, radius, fp.tau, hitR, hitK)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k zoneKey
		var d float64
		if err := rows.Scan(&k.reserve, &k.kind, &d); err != nil {
			return err
		}
		out[k] = d
	}
	return rows.Err()
}

// judge turns the measurements into the per-zone table, the verdict and its reasons.
func judge(req Request, act Activity, rules map[string]map[zoning.Kind]Rule, arts []Article, fp footprint, c computed) Result {
	byCode := map[string]Article{}
	for _, a := range arts {
		byCode[a.Code] = a
	}
	res := Result{
		Activity: act, Project: req.Project, SearchDistanceM: req.DistanceM,
		Footprint: Footprint{
			Format: req.Format, FileName: req.FileName, CRS: req.CRS.String(), Features: fp.features,
			FeaturesWithoutGeometry: fp.skipped, Vertices: fp.verts,
			Measure: fp.measure(), AreaM2: fp.areaM2, AreaHa: fp.areaM2 / 1e4, LengthM: fp.lengthM, Points: fp.points,
			BBox: fp.bbox[:],
		},
		Verdict:  Outside,
		Reasons:  []Reason{},
		Reserves: []ReserveResult{},
	}
	cited := map[string]bool{}
	for _, ri := range c.reserves {
		rr := ReserveResult{Code: ri.code, NameZH: ri.nameZH, NameEN: ri.nameEN, Scheme: ri.scheme, Illustrative: ri.illustrative,
			ZoningVersion: ri.version, Verdict: Outside, DistanceM: math.Inf(1)}
		kinds := ri.kinds
		sort.Slice(kinds, func(i, j int) bool { return kinds[i].kind.Rank() < kinds[j].kind.Rank() })
		for _, k := range kinds {
			m := c.m[zoneKey{ri.id, k.kind}]
			z := ZoneResult{Kind: k.kind, KindZH: k.kind.ZH(), KindEN: k.kind.EN(), ZoneAreaHa: k.areaHa, Rule: rules[ri.code][k.kind]}
			if m != nil {
				// Touching a zone (a shared edge, a line ending on the
				// boundary) is distance 0 but not being in it.
				z.Intersects = m.areaM2 > minOverlapM2 || m.lengthM > minOverlapM || m.points > 0
				z.AreaM2, z.AreaHa, z.LengthM, z.Points = m.areaM2, m.areaM2/1e4, m.lengthM, m.points
				switch {
				case m.hit:
					z.DistanceM = 0
				case m.dist != nil:
					z.DistanceM = *m.dist
				}
			}
			if z.Intersects {
				switch fp.measure() {
				case "area":
					z.FootprintShare = ratio(z.AreaM2, fp.areaM2)
				case "length":
					z.FootprintShare = ratio(z.LengthM, fp.lengthM)
				default:
					z.FootprintShare = ratio(float64(z.Points), float64(fp.points))
				}
				z.ZoneShare = ratio(z.AreaM2, k.areaHa*1e4)
				rr.Intersects = true
				if z.Rule.Verdict.Severity() > rr.Verdict.Severity() {
					rr.Verdict = z.Rule.Verdict
				}
				res.Reasons = append(res.Reasons, zoneReason(ri, z, act, byCode, fp))
			}
			for _, a := range z.Rule.Articles {
				cited[a] = true
			}
			rr.DistanceM = math.Min(rr.DistanceM, z.DistanceM)
			rr.Zones = append(rr.Zones, z)
		}
		if rr.Verdict.Severity() > res.Verdict.Severity() {
			res.Verdict = rr.Verdict
		}
		res.Reserves = append(res.Reserves, rr)
	}
	// Reserves the footprint touches first, then by distance.
	sort.SliceStable(res.Reserves, func(i, j int) bool {
		a, b := res.Reserves[i], res.Reserves[j]
		if a.Intersects != b.Intersects {
			return a.Intersects
		}
		return a.DistanceM < b.DistanceM
	})
	// The most severe reasons first.
	sort.SliceStable(res.Reasons, func(i, j int) bool {
		return res.Reasons[i].Verdict.Severity() > res.Reasons[j].Verdict.Severity()
	})
	if res.Verdict == Outside {
		res.Reasons = append(res.Reasons, outsideReason(res, req.DistanceM))
	}
	res.VerdictZH, res.VerdictEN = res.Verdict.ZH(), res.Verdict.EN()
	res.Articles = []Article{}
	for _, a := range arts {
		if cited[a.Code] {
			res.Articles = append(res.Articles, a)
		}
	}
	return res
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return math.Min(1, a/b)
}

func nameZH(r reserveInfo) string {
	if r.nameZH != "" {
		return r.nameZH
	}
	return r.nameEN
}

func nameEN(r reserveInfo) string {
	if r.nameEN != "" {
		return r.nameEN
	}
	return r.nameZH
}

// ruleSentence states a rule with its articles:
// "依据《自然保护区条例》第二十六条，核心区内禁止采石。",
// "Quarrying: prohibited in the core zone (Regulations on Nature Reserves, Art. 26)."
func ruleSentence(kind zoning.Kind, act Activity, r Rule, arts map[string]Article) (zh, en string) {
	if r.SentenceZH != "" {
		return r.SentenceZH, r.SentenceEN
	}
	switch r.Verdict {
	case Prohibited:
		zh = fmt.Sprintf("%s内禁止%s", kind.ZH(), act.NameZH)
	case NeedsApproval:
		zh = fmt.Sprintf("%s内%s须经批准", kind.ZH(), act.NameZH)
	default:
		zh = fmt.Sprintf("%s内允许%s", kind.ZH(), act.NameZH)
	}
	if r.NoteZH != "" {
		zh += "：" + r.NoteZH
	}
	zh = fmt.Sprintf("依据%s，%s。", cite(arts, r.Articles, true), zh)
	en = fmt.Sprintf("%s: %s in the %s", capitalise(act.NameEN), r.Verdict.EN(), kind.EN())
	if r.NoteEN != "" {
		en += "; " + r.NoteEN
	}
	en += fmt.Sprintf(" (%s).", cite(arts, r.Articles, false))
	return zh, en
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func zoneReason(ri reserveInfo, z ZoneResult, act Activity, arts map[string]Article, fp footprint) Reason {
	var zh, en []string
	if fp.poly != nil && z.AreaM2 > 0 {
		zh = append(zh, fmt.Sprintf("项目用地与%s%s重叠%s（占项目用地的%s）", nameZH(ri), z.KindZH, fmtArea(z.AreaM2, true), fmtPct(ratio(z.AreaM2, fp.areaM2))))
		en = append(en, fmt.Sprintf("the footprint overlaps the %s of %s by %s (%s of the footprint)", z.KindEN, nameEN(ri), fmtArea(z.AreaM2, false), fmtPct(ratio(z.AreaM2, fp.areaM2))))
	}
	if fp.line != nil && z.LengthM > 0 {
		zh = append(zh, fmt.Sprintf("线路穿越%s%s%s（占线路全长的%s）", nameZH(ri), z.KindZH, fmtLength(z.LengthM, true), fmtPct(ratio(z.LengthM, fp.lengthM))))
		en = append(en, fmt.Sprintf("the line runs %s through the %s of %s (%s of its length)", fmtLength(z.LengthM, false), z.KindEN, nameEN(ri), fmtPct(ratio(z.LengthM, fp.lengthM))))
	}
	if fp.point != nil && z.Points > 0 {
		zh = append(zh, fmt.Sprintf("%d个项目点位（共%d个）位于%s%s内", z.Points, fp.points, nameZH(ri), z.KindZH))
		en = append(en, fmt.Sprintf("%d of the footprint's %d points lie in the %s of %s", z.Points, fp.points, z.KindEN, nameEN(ri)))
	}
	rzh, ren := ruleSentence(z.Kind, act, z.Rule, arts)
	return Reason{
		Reserve: ri.code, ZoneKind: z.Kind, Verdict: z.Rule.Verdict, Articles: z.Rule.Articles,
		ZH: strings.Join(zh, "，") + "。" + rzh,
		EN: capitalise(strings.Join(en, "; ")) + ". " + ren,
	}
}

func outsideReason(res Result, search float64) Reason {
	var best *ReserveResult
	var zone *ZoneResult
	for i := range res.Reserves {
		r := &res.Reserves[i]
		for j := range r.Zones {
			if z := &r.Zones[j]; zone == nil || z.DistanceM < zone.DistanceM {
				best, zone = r, z
			}
		}
	}
	if zone == nil {
		return Reason{Verdict: Outside,
			ZH: fmt.Sprintf("项目用地周边%s范围内没有自然保护区。", fmtLength(search, true)),
			EN: fmt.Sprintf("No reserve lies within %s of the footprint.", fmtLength(search, false))}
	}
	zh, en := best.NameZH, best.NameEN
	if zh == "" {
		zh = en
	}
	if en == "" {
		en = zh
	}
	return Reason{Verdict: Outside, Reserve: best.Code, ZoneKind: zone.Kind,
		ZH: fmt.Sprintf("项目用地不在任何自然保护区功能区内；距最近的%s%s%s。", zh, zone.KindZH, fmtLength(zone.DistanceM, true)),
		EN: fmt.Sprintf("The footprint lies outside every reserve zone; the nearest is the %s of %s, %s away.", zone.KindEN, en, fmtLength(zone.DistanceM, false))}
}

func fmtArea(m2 float64, zh bool) string {
	switch {
	case m2 >= 1e4 && zh:
		return fmt.Sprintf("%s公顷", thousands(m2/1e4, 2))
	case m2 >= 1e4:
		return fmt.Sprintf("%s ha", thousands(m2/1e4, 2))
	case zh:
		return fmt.Sprintf("%s平方米", thousands(m2, 0))
	}
	return fmt.Sprintf("%s m²", thousands(m2, 0))
}

func fmtLength(m float64, zh bool) string {
	switch {
	case m >= 1000 && zh:
		return fmt.Sprintf("%s千米", thousands(m/1000, 2))
	case m >= 1000:
		return fmt.Sprintf("%s km", thousands(m/1000, 2))
	case zh:
		return fmt.Sprintf("%.0f米", m)
	}
	return fmt.Sprintf("%.0f m", m)
}

// fmtPct writes a share as a percentage with enough digits to be non-zero.
func fmtPct(v float64) string {
	p := v * 100
	switch {
	case p == 0 || p >= 10:
		return fmt.Sprintf("%.1f%%", p)
	case p >= 0.01:
		return fmt.Sprintf("%.2f%%", p)
	}
	return fmt.Sprintf("%.2g%%", p)
}

// thousands formats v with the given decimals and comma thousands separators.
func thousands(v float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, v)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
