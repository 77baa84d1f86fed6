package grid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/problem"
)

// Staff is a person responsible for a grid cell (定人员).
type Staff struct {
	Name  string `json:"name"`
	Unit  string `json:"unit,omitempty"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role,omitempty"`
}

// Cell is a grid cell of grid supervision: 定区域 (geometry), 定职责
// (duties), 定人员 (staff), 定任务 (tasks), 定考核 (assessment).
type Cell struct {
	ID         int64           `json:"id"`
	Reserve    string          `json:"reserve"`
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	AreaHa     float64         `json:"area_ha"`
	Duties     string          `json:"duties"`
	Staff      []Staff         `json:"staff"`
	Tasks      []string        `json:"tasks"`
	Assessment string          `json:"assessment"`
	Generated  bool            `json:"generated"`
	OpenCases  int             `json:"open_cases"`
	Geometry   json.RawMessage `json:"-"`
}

// CellPatch changes a cell's duties, staff, tasks or assessment.
type CellPatch struct {
	Name       *string   `json:"name"`
	Duties     *string   `json:"duties"`
	Staff      *[]Staff  `json:"staff"`
	Tasks      *[]string `json:"tasks"`
	Assessment *string   `json:"assessment"`
}

// Defaults for generated cells; staff are assigned afterwards.
const (
	defaultDuties     = "负责本网格内自然保护区的日常巡护和界桩看护，发现违法违规行为及时制止、报告并跟踪整改。"
	defaultAssessment = "年终考核：巡护覆盖率、问题发现与报告及时率、整改跟踪情况。"
)

var defaultTasks = []string{"每月巡护本网格不少于2次", "每季度检查网格内界桩、界碑一次", "发现问题24小时内报告"}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{4,24}$`)

// checkStaff refuses staff without a name or with a malformed phone number.
func checkStaff(ps *problem.List, ptr string, staff []Staff) {
	for i, st := range staff {
		p := fmt.Sprintf("%s[%d]", ptr, i)
		if strings.TrimSpace(st.Name) == "" {
			ps.Addf(p+".name", "%s.name is required", p)
		}
		if st.Phone != "" && !phoneRE.MatchString(st.Phone) {
			ps.Addf(p+".phone", "%s.phone %q is not a telephone number", p, st.Phone)
		}
		for k, v := range map[string]string{"name": st.Name, "unit": st.Unit, "phone": st.Phone, "role": st.Role} {
			ps.Text(p+"."+k, v)
		}
	}
}

// GridLimits bound a generated grid's cell size.
const (
	MinCellM = 500
	MaxCellM = 200_000
	maxCells = 5000
)

// GenerateGrid cuts a reserve into a regular grid of square cells of size_m
// metres, in a Lambert azimuthal equal-area projection centred on the
// reserve, clipped to its current zones. Cells keep their code (row from
// the north, column from the west: R01C01), so re-generating keeps the staff
// of a cell that is still there; cells no longer there are removed. Open
// cases are routed again.
func (s *Store) GenerateGrid(ctx context.Context, reserve string, sizeM float64, actor string) (_ []Cell, err error) {
	defer db.Wrap(&err, "grid: generate grid %q", reserve)
	if math.IsNaN(sizeM) || sizeM < MinCellM || sizeM > MaxCellM {
		return nil, problem.Invalid("invalid-parameter", fmt.Sprintf("size_m must be %d to %d metres", MinCellM, MaxCellM), problem.At(-1, "size_m", "out of range"))
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		rid, err := reserveRef(ctx, tx, reserve)
		if err != nil {
			return err
		}
		var n int
		var est float64
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(ST_Area(z.geom::geography)), 0) FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current
			WHERE z.reserve_id = $1`, rid).Scan(&n, &est); err != nil {
			return err
		}
		if n == 0 {
			return problem.Invalid("no-zones", fmt.Sprintf("reserve %q has no current zones to cut into a grid", reserve))
		}
		if est/(sizeM*sizeM) > maxCells {
			return problem.Invalid("invalid-parameter", fmt.Sprintf("size_m %.0f would make about %.0f cells; at most %d: choose larger cells", sizeM, est/(sizeM*sizeM), maxCells),
				problem.At(-1, "size_m", "too many cells"))
		}
		rows, err := tx.Query(ctx, `
			WITH z AS (SELECT ST_Union(z.geom) g FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current WHERE z.reserve_id = $1),
			p AS (SELECT format('+proj=laea +lat_0=%s +lon_0=%s +ellps=WGS84 +units=m +no_defs',
			                    round(ST_Y(ST_Centroid(z.g))::numeric, 4), round(ST_X(ST_Centroid(z.g))::numeric, 4)) proj, z.g FROM z),
			m AS (SELECT p.proj, ST_Transform(p.g, p.proj) g FROM p),
			sq AS (SELECT q.i, q.j, q.geom FROM m, ST_SquareGrid($2, m.g) q),
			cut AS (SELECT sq.i, sq.j, ST_CollectionExtract(ST_Intersection(sq.geom, m.g), 3) g FROM sq, m WHERE ST_Intersects(sq.geom, m.g))
			SELECT i - min(i) OVER () + 1, max(j) OVER () - j + 1, ST_AsBinary(ST_Multi(ST_Transform(ST_SetSRID(cut.g, 0), m.proj, 4326)))
			FROM cut, m WHERE NOT ST_IsEmpty(cut.g) ORDER BY j DESC, i`, rid, sizeM)
		if err != nil {
			return err
		}
		var codes, cellNames []string
		var geoms [][]byte
		for rows.Next() {
			var col, row int
			var g []byte
			if err := rows.Scan(&col, &row, &g); err != nil {
				return err
			}
			rc := fmt.Sprintf("R%02dC%02d", row, col)
			codes = append(codes, rc)
			cellNames = append(cellNames, "网格"+rc)
			geoms = append(geoms, g)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		tasks, _ := json.Marshal(defaultTasks)
		if _, err := tx.Exec(ctx, `DELETE FROM grid_cell WHERE reserve_id = $1 AND NOT code = ANY($2)`, rid, codes); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO grid_cell (reserve_id, code, name, geom, duties, tasks, assessment, generated)
			SELECT $1, c, n, ST_MakeValid(ST_GeomFromWKB(g, 4326)), $5, $6, $7, true FROM unnest($2::text[], $3::text[], $4::bytea[]) AS u(c, n, g)
			ON CONFLICT (reserve_id, code) DO UPDATE SET geom = EXCLUDED.geom, generated = true, updated_at = now()`,
			rid, codes, cellNames, geoms, defaultDuties, tasks, defaultAssessment); err != nil {
			return err
		}
		_, err = cases.Reroute(ctx, tx, cases.ByCell, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Cells(ctx, reserve)
}

// ImportCells replaces a reserve's grid cells with a FeatureCollection:
// properties code (required), name, duties, staff [{name, unit, phone,
// role}], tasks [text], assessment. Open cases are routed again.
func (s *Store) ImportCells(ctx context.Context, reserve string, doc []byte, crs geoio.CRS, actor string) (_ []Cell, err error) {
	defer db.Wrap(&err, "grid: import cells %q", reserve)
	ps, err := readPolygons(doc, crs)
	if err != nil {
		return nil, err
	}
	ins, bad := cellsIn(ps)
	if len(bad) > 0 {
		return nil, problem.Invalid(problem.InvalidGridCell, bad[0].Reason, bad...)
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		rid, err := reserveRef(ctx, tx, reserve)
		if err != nil {
			return err
		}
		geoms, err := validatePolygons(ctx, tx, ps, crs)
		if err != nil {
			return err
		}
		codes := make([]string, len(ins))
		for i, c := range ins {
			codes[i] = c.code
			if _, err := tx.Exec(ctx, `INSERT INTO grid_cell (reserve_id, code, name, geom, duties, staff, tasks, assessment, generated)
				VALUES ($1, $2, $3, ST_GeomFromWKB($4, 4326), $5, $6, $7, $8, false)
				ON CONFLICT (reserve_id, code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, duties = EXCLUDED.duties,
					staff = EXCLUDED.staff, tasks = EXCLUDED.tasks, assessment = EXCLUDED.assessment, generated = false, updated_at = now()`,
				rid, c.code, c.name, geoms[i], c.duties, c.staff, c.tasks, c.assessment); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM grid_cell WHERE reserve_id = $1 AND NOT code = ANY($2)`, rid, codes); err != nil {
			return err
		}
		_, err = cases.Reroute(ctx, tx, cases.ByCell, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Cells(ctx, reserve)
}

// nonNil is s, or an empty list for nil (stored as [] rather than null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

const cellCols = `g.id, r.code, g.code, g.name, g.area_ha, g.duties, g.staff, g.tasks, g.assessment, g.generated,
	(SELECT count(*) FROM violation_case c WHERE c.cell_id = g.id AND c.status NOT IN ('dismissed', 'closed')), ST_AsGeoJSON(g.geom, 6)`

func scanCell(row pgx.Row) (Cell, error) {
	var c Cell
	var staff, tasks []byte
	var geom string
	if err := row.Scan(&c.ID, &c.Reserve, &c.Code, &c.Name, &c.AreaHa, &c.Duties, &staff, &tasks, &c.Assessment, &c.Generated, &c.OpenCases, &geom); err != nil {
		return c, err
	}
	if err := json.Unmarshal(staff, &c.Staff); err != nil {
		return c, err
	}
	if err := json.Unmarshal(tasks, &c.Tasks); err != nil {
		return c, err
	}
	c.Geometry = json.RawMessage(geom)
	return c, nil
}

// Cells lists a reserve's grid cells by code.
func (s *Store) Cells(ctx context.Context, reserve string) (_ []Cell, err error) {
	defer db.Wrap(&err, "grid: cells %q", reserve)
	if _, err := reserveRef(ctx, s.pool, reserve); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+cellCols+` FROM grid_cell g JOIN reserve r ON r.id = g.reserve_id WHERE r.code = $1 ORDER BY g.code`, reserve)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Cell{}
	for rows.Next() {
		c, err := scanCell(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Cell returns one grid cell.
func (s *Store) Cell(ctx context.Context, id int64) (_ Cell, err error) {
	defer db.Wrap(&err, "grid: cell %d", id)
	c, err := scanCell(s.pool.QueryRow(ctx, `SELECT `+cellCols+` FROM grid_cell g JOIN reserve r ON r.id = g.reserve_id WHERE g.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, problem.NotFound("grid cell", fmt.Sprint(id))
	}
	return c, err
}

// UpdateCell changes a cell's name, duties, staff, tasks or assessment.
func (s *Store) UpdateCell(ctx context.Context, id int64, p CellPatch) (_ Cell, err error) {
	defer db.Wrap(&err, "grid: update cell %d", id)
	var ps problem.List
	var staff, tasks []byte
	if p.Staff != nil {
		checkStaff(&ps, "staff", *p.Staff)
		staff, _ = json.Marshal(nonNil(*p.Staff))
	}
	if p.Tasks != nil {
		for i, t := range *p.Tasks {
			ps.Text(fmt.Sprintf("tasks[%d]", i), t)
		}
		tasks, _ = json.Marshal(nonNil(*p.Tasks))
	}
	for ptr, v := range map[string]*string{"name": p.Name, "duties": p.Duties, "assessment": p.Assessment} {
		if v != nil {
			ps.Text(ptr, *v)
		}
	}
	if err := ps.Err(problem.InvalidGridCell); err != nil {
		return Cell{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE grid_cell SET name = coalesce($2, name), duties = coalesce($3, duties), staff = coalesce($4, staff),
		tasks = coalesce($5, tasks), assessment = coalesce($6, assessment), updated_at = now() WHERE id = $1`,
		id, p.Name, p.Duties, staff, tasks, p.Assessment)
	if err != nil {
		return Cell{}, err
	}
	if tag.RowsAffected() == 0 {
		return Cell{}, problem.NotFound("grid cell", fmt.Sprint(id))
	}
	return s.Cell(ctx, id)
}

// CellCollection is cells as a FeatureCollection.
func CellCollection(cs []Cell) FeatureCollection {
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	for _, c := range cs {
		fc.Features = append(fc.Features, Feature{Type: "Feature", ID: c.ID, Geometry: c.Geometry, Properties: c})
	}
	return fc
}

// cellIn is one cell of an upload, its staff and tasks as JSON.
type cellIn struct {
	code, name, duties, assessment string
	staff, tasks                   []byte
}

// cellsIn reads the cells' properties, with every fault at its feature.
func cellsIn(ps []polygonal) ([]cellIn, []problem.Detail) {
	var bad []problem.Detail
	ins := make([]cellIn, len(ps))
	seen := map[string]bool{}
	for i, p := range ps {
		at := func(field, format string, args ...any) {
			bad = append(bad, problem.At(p.index, fmt.Sprintf("features[%d].properties.%s", p.index, field), fmt.Sprintf(format, args...)))
		}
		c := cellIn{code: prop(p.props, "code", "编码"), name: prop(p.props, "name", "名称"), duties: prop(p.props, "duties", "职责"),
			assessment: prop(p.props, "assessment", "考核")}
		if c.code == "" {
			at("code", "feature %d: code is required", p.index)
		} else if seen[c.code] {
			at("code", "feature %d: code %q is given twice", p.index, c.code)
		}
		seen[c.code] = true
		var staff []Staff
		if raw, ok := p.props["staff"]; ok {
			b, _ := json.Marshal(raw)
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&staff); err != nil {
				at("staff", "feature %d: staff must be a list of {name, unit, phone, role}", p.index)
			}
		}
		var sps problem.List
		checkStaff(&sps, fmt.Sprintf("features[%d].properties.staff", p.index), staff)
		bad = append(bad, sps...)
		var tasks []string
		if raw, ok := p.props["tasks"]; ok {
			b, _ := json.Marshal(raw)
			if err := json.Unmarshal(b, &tasks); err != nil {
				at("tasks", "feature %d: tasks must be a list of texts", p.index)
			}
		}
		for k, v := range map[string]string{"code": c.code, "name": c.name, "duties": c.duties, "assessment": c.assessment} {
			if strings.ContainsRune(v, 0) {
				at(k, "feature %d: %s contains a NUL character", p.index, k)
			}
		}
		c.staff, _ = json.Marshal(nonNil(staff))
		c.tasks, _ = json.Marshal(nonNil(tasks))
		ins[i] = c
	}
	return ins, bad
}
