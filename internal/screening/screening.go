package screening

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/law"
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
	eng         *zoning.Engine
}

// UseEngine makes screenings measure footprints with the zone engine when
// their day's zonings are the current ones (zoning.MeasureFootprint).
func (s *Store) UseEngine(e *zoning.Engine) { s.eng = e }

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

// Screen checks the request, screens the footprint against the current
// zones, stores the screening with any findings and returns it. A refused
// request stores nothing.
func (s *Store) Screen(ctx context.Context, req Request) (_ Screening, err error) {
	defer db.Wrap(&err, "screening: screen")
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
		zo := zoningOf(on)
		res, err := compute(ctx, tx, s.eng, fp, req.DistanceM, zo)
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
