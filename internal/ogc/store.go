package ogc

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/problem"
)

// Service answers OGC API - Features requests from PostGIS.
type Service struct {
	pool db.Pool
	reg  *Registry
}

// New returns a Service serving the collections of reg from pool (a
// request's read replica when it has one).
func New(pool *pgxpool.Pool, reg *Registry) *Service {
	return &Service{pool: db.Scoped(pool), reg: reg}
}

// Registry is the service's collection registry.
func (s *Service) Registry() *Registry { return s.reg }

// Feature is a GeoJSON feature of a collection.
type Feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties Props           `json:"properties"`
	Links      []Link          `json:"links,omitempty"`
}

// Prop is one property value.
type Prop struct {
	Name  string
	Value any
}

// Props are a feature's properties in the collection's order (GIS clients
// take the first features' order as the layer's field order).
type Props []Prop

// MarshalJSON writes the properties as a JSON object in order.
func (ps Props) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.Name)
		v, err := json.Marshal(p.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// Page is one page of /items.
type Page struct {
	Features       []Feature
	NumberMatched  int64
	NumberReturned int
}

// Extent is a collection's extent in CRS84 and its time span (nil when the
// collection has no time or no data).
type Extent struct {
	BBox       []float64
	Start, End *time.Time
}

// geomOut is the SQL expression writing c's geometry as GeoJSON in crs.
func geomOut(c *Collection, crs CRS, args *db.Args) string {
	g := c.Geom
	if crs.Swapped() {
		g = `ST_FlipCoordinates(ST_Transform(` + g + `, ` + args.Bind(crs.SRID()) + `::int))`
	}
	return `ST_AsGeoJSON(` + g + `, ` + args.Bind(crs.Decimals()) + `::int, 0)`
}

// where builds the WHERE clause of q for c.
func where(c *Collection, q Query, args *db.Args) string {
	conds := []string{"true"}
	if c.Where != "" {
		conds = append(conds, "("+c.Where+")")
	}
	if sc := c.scope; sc != nil {
		if sc.limited {
			conds = append(conds, `(`+c.Reserve+`) = ANY(`+args.Bind(sc.reserves)+`::text[])`)
		}
		if sc.own {
			conds = append(conds, `(`+c.Subject+`) = `+args.Bind(sc.subject)+`::text`)
		}
	}
	if q.BBox != nil {
		x0, y0, x1, y1 := q.BBox[0], q.BBox[1], q.BBox[2], q.BBox[3]
		if q.BBoxCRS.Swapped() {
			x0, y0, x1, y1 = y0, x0, y1, x1
		}
		env := `ST_MakeEnvelope(` + args.Bind(x0) + `::float8, ` + args.Bind(y0) + `::float8, ` + args.Bind(x1) + `::float8, ` + args.Bind(y1) + `::float8, ` + args.Bind(q.BBoxCRS.SRID()) + `::int)`
		if q.BBoxCRS.SRID() != 4326 {
			// Densified first, so that its edges stay where they are meant to
			// be once transformed to lon/lat.
			seg := math.Max(math.Max(x1-x0, y1-y0)/64, 1e-6)
			env = `ST_Transform(ST_Segmentize(` + env + `, ` + args.Bind(seg) + `::float8), 4326)`
		}
		conds = append(conds, `ST_Intersects(`+c.Geom+`, `+env+`)`)
	}
	if q.Time {
		if q.From != nil {
			conds = append(conds, `(`+c.Time.End+`) >= `+args.Bind(*q.From)+`::timestamptz`)
		}
		if q.To != nil {
			conds = append(conds, `(`+c.Time.Start+`) <= `+args.Bind(*q.To)+`::timestamptz`)
		}
	}
	for _, p := range c.Properties {
		if v, ok := q.Filters[p.Name]; ok {
			conds = append(conds, `(`+p.Expr+`) = `+args.Bind(v))
		}
	}
	return strings.Join(conds, " AND ")
}

// selectList is the columns read for each feature: id, geometry, properties.
func selectList(c *Collection, crs CRS, args *db.Args) string {
	cols := []string{c.IDExpr, geomOut(c, crs, args)}
	for _, p := range c.Properties {
		if p.Expr != "" {
			cols = append(cols, p.Expr)
		}
	}
	return strings.Join(cols, ", ")
}

// Items answers one page of c's features matching q, and how many match.
func (s *Service) Items(ctx context.Context, c *Collection, q Query) (_ Page, err error) {
	defer db.Wrap(&err, "ogc: items")
	var args db.Args
	w := where(c, q, &args)
	var page Page
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+c.From+` WHERE `+w, args...).Scan(&page.NumberMatched); err != nil {
		return page, err
	}
	sql := `SELECT ` + selectList(c, q.CRS, &args) + ` FROM ` + c.From + ` WHERE ` + w +
		` ORDER BY ` + c.IDExpr + ` LIMIT ` + args.Bind(q.Limit) + ` OFFSET ` + args.Bind(q.Offset)
	fs, err := s.features(ctx, c, sql, args)
	if err != nil {
		return page, err
	}
	page.Features, page.NumberReturned = fs, len(fs)
	return page, nil
}

// Item answers one feature by its id (the path segment), in crs.
func (s *Service) Item(ctx context.Context, c *Collection, id string, crs CRS) (_ Feature, err error) {
	defer db.Wrap(&err, "ogc: item")
	var key any = id
	if c.IDType == "integer" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return Feature{}, problem.NotFound("feature", id)
		}
		key = n
	}
	var args db.Args
	sql := `SELECT ` + selectList(c, crs, &args) + ` FROM ` + c.From + ` WHERE ` + where(c, Query{}, &args) +
		` AND ` + c.IDExpr + ` = ` + args.Bind(key)
	fs, err := s.features(ctx, c, sql, args)
	if err != nil {
		return Feature{}, err
	}
	if len(fs) == 0 {
		return Feature{}, problem.NotFound("feature", id)
	}
	return fs[0], nil
}

func (s *Service) features(ctx context.Context, c *Collection, sql string, args []any) ([]Feature, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Feature{}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		f := Feature{Type: "Feature", ID: vals[0], Geometry: json.RawMessage("null")}
		if g, ok := vals[1].(string); ok {
			f.Geometry = json.RawMessage(g)
		}
		byName := map[string]any{}
		next := 2
		for _, p := range c.Properties {
			var v any
			if p.Derive != nil {
				v = p.Derive(byName)
			} else {
				v = vals[next]
				next++
			}
			byName[p.Name] = v
			f.Properties = append(f.Properties, Prop{p.Name, v})
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Extent answers c's spatial extent in CRS84 and its time span.
func (s *Service) Extent(ctx context.Context, c *Collection) (_ Extent, err error) {
	defer db.Wrap(&err, "ogc: extent")
	var args db.Args
	start, end := `NULL::timestamptz`, `NULL::timestamptz`
	if c.Time != nil {
		start, end = `min(`+c.Time.Start+`)`, `max(`+c.Time.End+`)`
	}
	var x0, y0, x1, y1 *float64
	var e Extent
	err = s.pool.QueryRow(ctx, `SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b), t0, t1 FROM (
		SELECT ST_Extent(`+c.Geom+`) AS b, `+start+` AS t0, `+end+` AS t1 FROM `+c.From+` WHERE `+where(c, Query{}, &args)+`) x`, args...).
		Scan(&x0, &y0, &x1, &y1, &e.Start, &e.End)
	if err != nil {
		return e, fmt.Errorf("extent of %s: %w", c.ID, err)
	}
	if x0 != nil {
		e.BBox = []float64{*x0, *y0, *x1, *y1}
	}
	return e, nil
}
