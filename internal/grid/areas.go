package grid

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones for the areas' time zones, whatever the host has

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/problem"
)

// Area is an administrative area: a county (or other unit) whose government
// is the responsible unit for the cases that lie in it.
type Area struct {
	Code         string          `json:"code"`
	NameZH       string          `json:"name_zh"`
	NameEN       string          `json:"name_en,omitempty"`
	Level        string          `json:"level"`
	ParentCode   string          `json:"parent_code,omitempty"`
	ParentName   string          `json:"parent_name,omitempty"`
	UnitName     string          `json:"unit_name"`
	Timezone     string          `json:"timezone"`
	Illustrative bool            `json:"illustrative"`
	Note         string          `json:"note,omitempty"`
	AreaHa       float64         `json:"area_ha"`
	Geometry     json.RawMessage `json:"-"`
}

// polygonal is one polygonal feature read from an upload, in WKB with its
// source SRID.
type polygonal struct {
	index int
	props map[string]any
	wkb   []byte
}

// readPolygons reads the Polygon or MultiPolygon features of a
// FeatureCollection (in crs, EPSG:4326 by default).
func readPolygons(doc []byte, crs geoio.CRS) ([]polygonal, error) {
	feats, err := geoio.DecodeGeoJSON(doc, geoio.GeoJSONOptions{Projected: crs.Projected()})
	if err != nil {
		return nil, err
	}
	var ps []problem.Detail
	var out []polygonal
	for _, f := range feats {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			ps = append(ps, problem.At(f.Index, fmt.Sprintf("features[%d].geometry", f.Index), "the geometry must be a Polygon or MultiPolygon"))
			continue
		}
		b, err := wkb.Marshal(mp)
		if err != nil {
			return nil, err
		}
		out = append(out, polygonal{index: f.Index, props: f.Properties, wkb: b})
	}
	if len(out) == 0 && len(ps) == 0 {
		return nil, problem.Invalid("empty-collection", "the FeatureCollection has no features")
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-geometry", ps[0].Reason, ps...)
	}
	return out, nil
}

// validate checks every polygon with ST_IsValidDetail after transformation,
// and returns them as EWKB in EPSG:4326.
func validatePolygons(ctx context.Context, tx pgx.Tx, ps []polygonal, crs geoio.CRS) ([][]byte, error) {
	ws := make([][]byte, len(ps))
	for i, p := range ps {
		ws[i] = p.wkb
	}
	rows, err := tx.Query(ctx, `SELECT t.i, d.valid, coalesce(d.reason, ''), ST_X(d.location), ST_Y(d.location), ST_AsBinary(ST_Multi(t.g))
		FROM (SELECT i, ST_Transform(ST_GeomFromWKB(w, $2), 4326) g FROM unnest($1::bytea[]) WITH ORDINALITY AS u(w, i)) t,
		LATERAL ST_IsValidDetail(t.g) d ORDER BY t.i`, ws, crs.SRID())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bad []problem.Detail
	out := make([][]byte, len(ps))
	for rows.Next() {
		var i int
		var valid bool
		var reason string
		var x, y *float64
		var g []byte
		if err := rows.Scan(&i, &valid, &reason, &x, &y, &g); err != nil {
			return nil, err
		}
		p := ps[i-1]
		if !valid {
			d := problem.At(p.index, fmt.Sprintf("features[%d].geometry", p.index), reason)
			if x != nil {
				d.Location = []float64{*x, *y}
			}
			bad = append(bad, d)
		}
		out[i-1] = g
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, problem.Invalid("invalid-geometry", fmt.Sprintf("%d polygons are not valid; first: %s", len(bad), bad[0].Reason), bad...)
	}
	return out, nil
}

func prop(props map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := props[k].(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				return s
			}
		case float64:
			return fmt.Sprintf("%.0f", v)
		case map[string]any: // DataV-style "parent": {"adcode": 540600}
			if s := prop(v, "adcode", "code"); s != "" {
				return s
			}
		}
	}
	return ""
}

var areaCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// areaLevels maps level words to the stored levels.
var areaLevels = map[string]string{
	"": "county", "county": "county", "district": "county", "县": "county", "区": "county", "县级": "county",
	"city": "prefecture", "prefecture": "prefecture", "地级": "prefecture", "市": "prefecture",
	"province": "province", "省": "province", "省级": "province", "township": "township", "乡镇": "township", "street": "township",
}

// areaIn reads one area's properties: code (or adcode, 区划代码), name_zh (or
// name, 名称), name_en, level, parent_code (or parent), parent_name,
// unit_name (default 名称+人民政府), timezone, illustrative, note.
func areaIn(p polygonal, ps *[]problem.Detail) Area {
	a := Area{
		Code: prop(p.props, "code", "adcode", "区划代码"), NameZH: prop(p.props, "name_zh", "name", "名称"), NameEN: prop(p.props, "name_en"),
		ParentCode: prop(p.props, "parent_code", "parent"), ParentName: prop(p.props, "parent_name"), UnitName: prop(p.props, "unit_name", "责任单位"),
		Timezone: prop(p.props, "timezone"), Note: prop(p.props, "note"),
	}
	at := func(field, format string, args ...any) {
		*ps = append(*ps, problem.At(p.index, fmt.Sprintf("features[%d].properties.%s", p.index, field), fmt.Sprintf(format, args...)))
	}
	if !areaCode.MatchString(a.Code) {
		at("code", "feature %d: code %q must be 1-64 letters, digits, '.', '_' or '-' (e.g. the 6-digit county code)", p.index, a.Code)
	}
	if a.NameZH == "" && a.NameEN == "" {
		at("name_zh", "feature %d: name_zh (or name) is required", p.index)
	}
	lv, ok := areaLevels[strings.ToLower(prop(p.props, "level"))]
	if !ok {
		at("level", "feature %d: level %q must be province, prefecture, county or township", p.index, prop(p.props, "level"))
	}
	a.Level = lv
	if a.Timezone == "" {
		a.Timezone = "Asia/Shanghai"
	}
	if _, err := time.LoadLocation(a.Timezone); err != nil || a.Timezone == "Local" {
		at("timezone", "feature %d: timezone %q is not an IANA time zone such as Asia/Shanghai", p.index, a.Timezone)
	}
	if a.UnitName == "" && a.NameZH != "" {
		a.UnitName = a.NameZH + "人民政府"
	}
	a.Illustrative, _ = p.props["illustrative"].(bool)
	for k, v := range map[string]string{"code": a.Code, "name_zh": a.NameZH, "name_en": a.NameEN, "parent_code": a.ParentCode,
		"parent_name": a.ParentName, "unit_name": a.UnitName, "note": a.Note} {
		if strings.ContainsRune(v, 0) {
			at(k, "feature %d: %s contains a NUL character", p.index, k)
		}
	}
	return a
}

// ImportAreas stores administrative areas from a FeatureCollection. With
// replace, the upload is the complete set: areas not in it are removed
// (refused for an area that is a case's responsible unit). Open cases are
// routed again; it returns how many areas were stored and cases re-routed.
func (s *Store) ImportAreas(ctx context.Context, doc []byte, crs geoio.CRS, replace bool, actor string) (stored, rerouted int, err error) {
	defer db.Wrap(&err, "grid: import areas")
	ps, err := readPolygons(doc, crs)
	if err != nil {
		return 0, 0, err
	}
	var bad []problem.Detail
	areas := make([]Area, len(ps))
	seen := map[string]int{}
	for i, p := range ps {
		areas[i] = areaIn(p, &bad)
		if j, dup := seen[areas[i].Code]; dup && areas[i].Code != "" {
			bad = append(bad, problem.At(p.index, fmt.Sprintf("features[%d].properties.code", p.index), fmt.Sprintf("feature %d repeats code %q of feature %d", p.index, areas[i].Code, j)))
		}
		seen[areas[i].Code] = p.index
	}
	if len(bad) > 0 {
		return 0, 0, problem.Invalid("invalid-area", bad[0].Reason, bad...)
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		geoms, err := validatePolygons(ctx, tx, ps, crs)
		if err != nil {
			return err
		}
		codes := make([]string, len(areas))
		for i, a := range areas {
			codes[i] = a.Code
			if _, err := tx.Exec(ctx, `INSERT INTO admin_area (code, name_zh, name_en, level, parent_code, parent_name, unit_name, timezone, illustrative, note, geom)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_GeomFromWKB($11, 4326))
				ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, level = EXCLUDED.level,
					parent_code = EXCLUDED.parent_code, parent_name = EXCLUDED.parent_name, unit_name = EXCLUDED.unit_name,
					timezone = EXCLUDED.timezone, illustrative = EXCLUDED.illustrative, note = EXCLUDED.note, geom = EXCLUDED.geom, updated_at = now()`,
				a.Code, a.NameZH, a.NameEN, a.Level, a.ParentCode, a.ParentName, a.UnitName, a.Timezone, a.Illustrative, a.Note, geoms[i]); err != nil {
				return err
			}
		}
		if replace {
			var held []string
			if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(DISTINCT a.code ORDER BY a.code), '{}') FROM admin_area a JOIN violation_case c ON c.unit_id = a.id
				WHERE NOT a.code = ANY($1)`, codes).Scan(&held); err != nil {
				return err
			}
			if len(held) > 0 {
				return problem.Conflict("area-in-use", fmt.Sprintf("areas %s are the responsible units of cases: keep them in the upload (or use POST to add and update only)", strings.Join(held, ", ")))
			}
			if _, err := tx.Exec(ctx, `DELETE FROM admin_area WHERE NOT code = ANY($1)`, codes); err != nil {
				return err
			}
		}
		rerouted, err = cases.Reroute(ctx, tx, cases.ByArea, actor)
		return err
	})
	return len(areas), rerouted, err
}

// Areas lists the administrative areas by code, with their geometry.
func (s *Store) Areas(ctx context.Context) (_ []Area, err error) {
	defer db.Wrap(&err, "grid: areas")
	rows, err := s.pool.Query(ctx, `SELECT code, name_zh, name_en, level, parent_code, parent_name, unit_name, timezone, illustrative, note,
		ST_Area(geom::geography) / 10000, ST_AsGeoJSON(geom, 6) FROM admin_area ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Area{}
	for rows.Next() {
		var a Area
		var g string
		if err := rows.Scan(&a.Code, &a.NameZH, &a.NameEN, &a.Level, &a.ParentCode, &a.ParentName, &a.UnitName, &a.Timezone, &a.Illustrative,
			&a.Note, &a.AreaHa, &g); err != nil {
			return nil, err
		}
		a.Geometry = json.RawMessage(g)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AreaCollection is the areas as a FeatureCollection.
func AreaCollection(as []Area) FeatureCollection {
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	for _, a := range as {
		fc.Features = append(fc.Features, Feature{Type: "Feature", ID: a.Code, Geometry: a.Geometry, Properties: a})
	}
	return fc
}
