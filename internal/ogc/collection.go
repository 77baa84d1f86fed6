// Package ogc serves Warden's data as OGC API - Features (Part 1 Core with
// GeoJSON and HTML, Part 2 CRS by Reference), so that QGIS, ArcGIS and GDAL
// read reserves, zones and markers without custom code.
//
// A collection is data, not code: a Collection names its SQL source, its
// feature id, geometry, time and properties, and who may read it. The
// queries are built from those fragments (all from code) with every request
// value bound as $n. To add a collection (cases, grid cells), write its
// Collection value and add it to the registry given to New.
package ogc

import (
	"fmt"
	"slices"

	"warden/internal/markers"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// Collection is a feature collection served at /ogc/collections/{ID}.
type Collection struct {
	ID          string
	Title       string
	Description string
	// Roles may read the collection; empty means everyone. Viewer.Roles are
	// matched against it.
	Roles []string
	// OwnRoles may read only their own rows of a collection with Roles: those
	// whose Subject is the viewer's name.
	OwnRoles []string
	// Reserve and Subject are SQL expressions of a row's reserve code (NULL
	// for a row of no reserve) and subject, in a collection with Roles: a
	// viewer limited to some reserves sees only their rows, an OwnRoles
	// viewer only their own. Empty: the collection has none.
	Reserve, Subject string

	// From is the SQL FROM clause (tables and joins, from code only); Where,
	// if not empty, is a condition every row meets (e.g. the current zoning).
	From  string
	Where string
	// IDExpr is the SQL expression of the feature id, unique in the
	// collection; IDType is its JSON type, "integer" or "string".
	IDExpr string
	IDType string
	// Geom is the SQL expression of the geometry in EPSG:4326; GeometryType
	// its GeoJSON type (features of one collection have one type, which is
	// what GIS clients expect of a layer).
	Geom         string
	GeometryType string
	// Time, if set, is the features' time; only then is datetime accepted.
	Time *Time
	// Properties are the feature properties, in order.
	Properties []Property

	// scope narrows the rows to one viewer's, on the copies of a collection
	// with Roles that the Registry hands out.
	scope *rowScope
}

// rowScope is what one viewer may see of a collection with Roles.
type rowScope struct {
	// limited: only the rows whose Reserve is one of reserves.
	limited  bool
	reserves []string
	// own: only the rows whose Subject is subject.
	own     bool
	subject string
}

// Time gives each feature's time as SQL expressions of type timestamptz: Start,
// and End for an interval (equal to Start for an instant).
type Time struct {
	Start, End string
	// About says what the time is, for the collection's description.
	About string
}

// Property is one feature property.
type Property struct {
	Name  string
	Title string
	// Type is the JSON Schema type: string, number, integer or boolean;
	// Format qualifies it ("date").
	Type   string
	Format string
	// Expr is its SQL expression, cast to text, float8, bigint or boolean so
	// that it scans as a plain Go value. Empty for a property Derived in Go.
	Expr string
	// Derive computes the property from the properties read before it.
	Derive func(props map[string]any) any
	// Filter makes the property a query parameter of /items (?name=value,
	// equality); Enum lists its values where they are closed.
	Filter bool
	Enum   []string
	// Parse normalises a filter value (核心区 → core) or refuses it.
	Parse func(string) (string, error)
}

// Viewer is who asks. The zero Viewer is anonymous and sees the public
// collections only. internal/api (ogcViewer) fills it from the request's
// principal; the registry hides and refuses collections by Roles and
// narrows the rows of the others to the viewer's reserves and subject.
type Viewer struct {
	Roles []string
	// Name is the principal's name (matched with Collection.Subject).
	Name string
	// AllReserves is false for a viewer limited to Reserves (codes).
	AllReserves bool
	Reserves    []string
}

// hasRole reports whether v has one of roles.
func (v Viewer) hasRole(roles []string) bool {
	for _, r := range v.Roles {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// may reports whether v may read c (all of it, or their own rows).
func (v Viewer) may(c *Collection) bool {
	return len(c.Roles) == 0 || v.hasRole(c.Roles) || (c.Subject != "" && v.hasRole(c.OwnRoles))
}

// scoped is c as v may read it: a public collection as it is, another
// narrowed to v's reserves and, for an OwnRoles viewer, v's own rows.
func (v Viewer) scoped(c *Collection) *Collection {
	if len(c.Roles) == 0 {
		return c
	}
	sc := &rowScope{}
	if c.Reserve != "" && !v.AllReserves {
		sc.limited, sc.reserves = true, append([]string{}, v.Reserves...)
	}
	if !v.hasRole(c.Roles) {
		sc.own, sc.subject = true, v.Name
	}
	cp := *c
	cp.scope = sc
	return &cp
}

// Registry is the set of collections, in listing order.
type Registry struct {
	list []*Collection
}

// NewRegistry returns a registry of cs; ids must be unique.
func NewRegistry(cs ...*Collection) *Registry {
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.ID] {
			panic("ogc: duplicate collection " + c.ID)
		}
		seen[c.ID] = true
	}
	return &Registry{list: cs}
}

// Visible lists the collections v may read, each narrowed to v's rows.
func (r *Registry) Visible(v Viewer) []*Collection {
	var out []*Collection
	for _, c := range r.list {
		if v.may(c) {
			out = append(out, v.scoped(c))
		}
	}
	return out
}

// Get returns the collection id, narrowed to v's rows, if v may read it. A
// collection v may not read is answered like one that does not exist, so its
// existence is not revealed.
func (r *Registry) Get(id string, v Viewer) (*Collection, error) {
	for _, c := range r.list {
		if c.ID == id && v.may(c) {
			return v.scoped(c), nil
		}
	}
	return nil, problem.NotFound("collection", id)
}

// Default is Warden's registry: reserves, zones (current zoning) and markers,
// all public; patrol tracks and their observations, for the roles that may
// read tracks; violation cases and Green Shield clues, for the roles that
// may read cases.
//
// Still to come: grid cells (grid supervision cells, MultiPolygon,
// grid:read), one more Collection value here.
func Default() *Registry {
	return NewRegistry(Reserves(), Zones(), Markers(), Tracks(), Observations(), Cases(), GridCells(), Clues())
}

// currentZones is the FROM fragment for the current zones of a reserve r.
const currentZones = `zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current`

// dateTime turns a date column into the start (or, with end, the last
// instant) of that day in UTC.
func dateTime(col string, end bool) string {
	if end {
		return `((` + col + ` + 1)::timestamp AT TIME ZONE 'UTC' - interval '1 microsecond')`
	}
	return `(` + col + `::timestamp AT TIME ZONE 'UTC')`
}

// Reserves is the collection of reserves, each with its outer extent as the
// union of its current zones (none for a reserve without zoning).
func Reserves() *Collection {
	return &Collection{
		ID: "reserves", Title: "Nature reserves 自然保护区",
		Description: "Nature reserves with the union of their current zones as geometry; the feature id is the reserve code. Time: the date the reserve was established.",
		From:        `reserve r`,
		IDExpr:      `r.code`, IDType: "string",
		Geom:         `(SELECT ST_Multi(ST_Union(z.geom)) FROM ` + currentZones + ` WHERE z.reserve_id = r.id)`,
		GeometryType: "MultiPolygon",
		Time:         &Time{Start: dateTime("r.established", false), End: dateTime("r.established", true), About: "the date the reserve was established"},
		Properties: []Property{
			{Name: "code", Title: "code", Type: "string", Expr: `r.code`},
			{Name: "name_zh", Title: "名称", Type: "string", Expr: `r.name_zh`},
			{Name: "name_en", Title: "name", Type: "string", Expr: `r.name_en`},
			{Name: "level", Title: "level 级别", Type: "string", Expr: `r.level`, Filter: true, Enum: []string{"national", "provincial", "municipal", "county"}},
			{Name: "authority", Title: "authority 主管部门", Type: "string", Expr: `r.authority`},
			{Name: "established", Title: "established 建立日期", Type: "string", Format: "date", Expr: `to_char(r.established, 'YYYY-MM-DD')`},
			{Name: "zoning_scheme", Title: "zoning scheme", Type: "string", Expr: `r.zoning_scheme`, Filter: true, Enum: []string{string(zoning.ThreeZone), string(zoning.TwoZone)}},
			{Name: "zoning_version", Title: "current zoning version", Type: "integer",
				Expr: `(SELECT v.version::bigint FROM zoning_version v WHERE v.reserve_id = r.id AND v.is_current)`},
			{Name: "area_ha", Title: "area (ha, geodesic)", Type: "number",
				Expr: `(SELECT sum(z.area_ha)::float8 FROM ` + currentZones + ` WHERE z.reserve_id = r.id)`},
			{Name: "illustrative", Title: "illustrative (not official) zoning", Type: "boolean", Expr: `r.illustrative`},
		},
	}
}

// Zones is the collection of current zones of every reserve.
func Zones() *Collection {
	kinds := []string{}
	for _, s := range []zoning.Scheme{zoning.ThreeZone, zoning.TwoZone} {
		for _, k := range zoning.KindsOf(s) {
			kinds = append(kinds, string(k))
		}
	}
	kindOf := func(p map[string]any) zoning.Kind { s, _ := p["kind"].(string); return zoning.Kind(s) }
	return &Collection{
		ID: "zones", Title: "Zones 功能区",
		Description: "The current zoning of every reserve: core, buffer and experimental zones (核心区、缓冲区、实验区) or core protection and general control zones (核心保护区、一般控制区), with geodesic areas. Time: the approval date of the zoning version.",
		From:        currentZones + ` JOIN reserve r ON r.id = z.reserve_id`,
		IDExpr:      `z.id`, IDType: "integer",
		Geom:         `z.geom`,
		GeometryType: "MultiPolygon",
		Time:         &Time{Start: dateTime("v.approved_on", false), End: dateTime("v.approved_on", true), About: "the approval date of the zoning version"},
		Properties: []Property{
			{Name: "reserve", Title: "reserve code", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "version", Title: "zoning version", Type: "integer", Expr: `v.version::bigint`},
			{Name: "kind", Title: "kind", Type: "string", Expr: `z.kind`, Filter: true, Enum: kinds,
				Parse: func(s string) (string, error) {
					k, err := zoning.ParseKind(s)
					if err != nil {
						return "", problem.BadRequest("invalid-parameter", err.Error())
					}
					return string(k), nil
				}},
			{Name: "kind_zh", Title: "类型", Type: "string", Derive: func(p map[string]any) any { return kindOf(p).ZH() }},
			{Name: "kind_en", Title: "kind (English)", Type: "string", Derive: func(p map[string]any) any { return kindOf(p).EN() }},
			{Name: "name", Title: "name 名称", Type: "string", Expr: `z.name`},
			{Name: "name_en", Title: "name (English)", Type: "string", Expr: `coalesce(z.properties->>'name_en', '')`},
			{Name: "area_ha", Title: "area (ha, geodesic)", Type: "number", Expr: `z.area_ha`},
			{Name: "approved_on", Title: "approved on 批复日期", Type: "string", Format: "date", Expr: `to_char(v.approved_on, 'YYYY-MM-DD')`},
			{Name: "approval", Title: "approval 批复文号", Type: "string", Expr: `v.approval`},
		},
	}
}

// Markers is the collection of boundary markers with their announced survey
// coordinates.
func Markers() *Collection {
	keys := func(m map[string]string) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	closed := func(name string, m map[string]string) func(string) (string, error) {
		return func(s string) (string, error) {
			if _, ok := m[s]; ok {
				return s, nil
			}
			for k, zh := range m {
				if s == zh {
					return k, nil
				}
			}
			return "", problem.BadRequest("invalid-parameter", fmt.Sprintf("%s %q must be one of %v", name, s, keys(m)))
		}
	}
	label := func(key string, m map[string]string) func(map[string]any) any {
		return func(p map[string]any) any { s, _ := p[key].(string); return m[s] }
	}
	return &Collection{
		ID: "markers", Title: "Boundary markers 界桩界碑",
		Description: "Boundary markers (界桩 posts, 界碑 monuments, signs) with their status and announced survey coordinates (survey_x = northing 纵坐标 and survey_y = easting 横坐标 for Gauss-Krüger systems; longitude and latitude for EPSG:4326/4490). Time: the date of the last inspection.",
		From:        `marker m JOIN reserve r ON r.id = m.reserve_id`,
		IDExpr:      `m.id`, IDType: "integer",
		Geom:         `m.geom`,
		GeometryType: "Point",
		Time:         &Time{Start: dateTime("m.last_inspected_on", false), End: dateTime("m.last_inspected_on", true), About: "the date of the last inspection"},
		Properties: []Property{
			{Name: "reserve", Title: "reserve code", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "code", Title: "code 编号", Type: "string", Expr: `m.code`},
			{Name: "kind", Title: "kind", Type: "string", Expr: `m.kind`, Filter: true, Enum: keys(markers.Kinds), Parse: closed("kind", markers.Kinds)},
			{Name: "kind_zh", Title: "类型", Type: "string", Derive: label("kind", markers.Kinds)},
			{Name: "status", Title: "status", Type: "string", Expr: `m.status`, Filter: true, Enum: keys(markers.Statuses), Parse: closed("status", markers.Statuses)},
			{Name: "status_zh", Title: "状态", Type: "string", Derive: label("status", markers.Statuses)},
			{Name: "survey_crs", Title: "survey CRS", Type: "string", Expr: `CASE WHEN m.survey_crs IS NULL THEN NULL ELSE 'EPSG:' || m.survey_crs END`},
			{Name: "survey_x", Title: "survey X (northing 纵坐标 / longitude)", Type: "number", Expr: `m.survey_x::float8`},
			{Name: "survey_y", Title: "survey Y (easting 横坐标 / latitude)", Type: "number", Expr: `m.survey_y::float8`},
			{Name: "installed_on", Title: "installed on 埋设日期", Type: "string", Format: "date", Expr: `to_char(m.installed_on, 'YYYY-MM-DD')`},
			{Name: "last_inspected_on", Title: "last inspected on 巡查日期", Type: "string", Format: "date", Expr: `to_char(m.last_inspected_on, 'YYYY-MM-DD')`},
			{Name: "note", Title: "note 备注", Type: "string", Expr: `m.note`},
		},
	}
}
