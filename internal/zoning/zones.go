package zoning

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/problem"
)

// VersionInput describes the approval of a new zoning version.
type VersionInput struct {
	ApprovedOn string // YYYY-MM-DD, optional
	Approval   string // approving document, e.g. 环函〔2020〕12号
	Note       string
	CRS        geoio.CRS
}

// OverlapTolerance is how much two zones of one version may overlap before the
// zoning is refused: the larger of OverlapMinM2 and OverlapShare of the smaller
// zone. It absorbs slivers left by digitising and coordinate rounding.
const (
	OverlapMinM2 = 100.0
	OverlapShare = 1e-4
)

type zoneIn struct {
	kind  Kind
	name  string
	props string
	geom  orb.MultiPolygon
}

// PutZones validates features as the complete zoning of a reserve and stores
// them as its new current version. Nothing is stored if any feature is refused.
func (s *Store) PutZones(ctx context.Context, code string, feats []geoio.Feature, in VersionInput) (_ VersionSummary, err error) {
	defer wrap(&err, "put zones of %s", code)
	if in.CRS == 0 {
		in.CRS = geoio.WGS84
	}
	if in.ApprovedOn != "" {
		if _, err := time.Parse(time.DateOnly, in.ApprovedOn); err != nil {
			return VersionSummary{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("approved_on %q must be a date YYYY-MM-DD", in.ApprovedOn))
		}
	}
	for name, v := range map[string]string{"approval": in.Approval, "note": in.Note} {
		if strings.ContainsRune(v, 0) {
			return VersionSummary{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("%s must not contain a NUL character (U+0000)", name))
		}
	}
	var out VersionSummary
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		rid, scheme, err := reserveID(ctx, tx, code, true)
		if err != nil {
			return err
		}
		if scheme == ThreeZone && twoZoneZoning(feats) {
			// the reserve's approved two-zone zoning replaces its three
			// zones from this version on; older versions keep theirs
			if _, err := tx.Exec(ctx, `UPDATE reserve SET zoning_scheme = 'two_zone', updated_at = now() WHERE id = $1`, rid); err != nil {
				return fmt.Errorf("zoning: scheme of %s: %w", code, err)
			}
			scheme = TwoZone
		}
		zones, err := readZoneFeatures(feats, scheme, in.CRS)
		if err != nil {
			return err
		}
		if err := checkZones(ctx, tx, zones, in.CRS); err != nil {
			return err
		}
		var vid int64
		if _, err := tx.Exec(ctx, `UPDATE zoning_version SET is_current = false WHERE reserve_id = $1 AND is_current`, rid); err != nil {
			return err
		}
		var approved *string
		if in.ApprovedOn != "" {
			approved = &in.ApprovedOn
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO zoning_version (reserve_id, version, approved_on, approval, note, source_crs, is_current)
			SELECT $1, coalesce(max(version), 0) + 1, $2::date, $3, $4, $5, true FROM zoning_version WHERE reserve_id = $1
			RETURNING id`, rid, approved, in.Approval, in.Note, in.CRS.SRID()).Scan(&vid); err != nil {
			return err
		}
		w, k, n, p := columns(zones)
		if _, err := tx.Exec(ctx, `
			INSERT INTO zone (version_id, reserve_id, ordinal, kind, name, properties, geom)
			SELECT $1, $2, t.i - 1, t.kind, t.name, t.props::jsonb,
			       ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromWKB(t.w), $3::int), 4326))
			FROM unnest($4::bytea[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(w, kind, name, props, i)`,
			vid, rid, in.CRS.SRID(), w, k, n, p); err != nil {
			return err
		}
		out, err = versionSummary(ctx, tx, vid)
		return err
	})
	if err == nil && s.engine != nil {
		// This process answers from the new zoning as soon as the
		// client hears of it (once it is committed, with the request's
		// audit record); others follow the notification.
		err = db.AfterCommit(ctx, s.engine.Reload)
	}
	return out, err
}

// twoZoneZoning reports whether features are a two-zone zoning: every one a
// two-zone kind and a core protection zone among them (a three-zone reserve
// takes such a zoning as its approved two-zone zoning under the 2026
// Regulations; a lone general control zone is more likely a mistake).
func twoZoneZoning(feats []geoio.Feature) bool {
	core := false
	for _, f := range feats {
		raw, _ := f.Properties["kind"].(string)
		k, err := ParseKind(raw)
		if err != nil || !TwoZone.Allows(k) {
			return false
		}
		core = core || k == CoreProtection
	}
	return core
}

func columns(zones []zoneIn) (w []driver.Valuer, k, n, p []string) {
	for _, z := range zones {
		w = append(w, db.Geom(z.geom))
		k = append(k, string(z.kind))
		n = append(n, z.name)
		p = append(p, z.props)
	}
	return
}

// readZoneFeatures checks what can be checked without PostGIS: kinds, geometry
// types, antimeridian crossings and the plausibility of projected coordinates.
func readZoneFeatures(feats []geoio.Feature, scheme Scheme, crs geoio.CRS) ([]zoneIn, error) {
	if len(feats) == 0 {
		return nil, problem.Invalid("invalid-zoning", "the FeatureCollection has no features: send one feature per zone")
	}
	var ps []problem.Detail
	add := func(i int, ptr, format string, args ...any) {
		ps = append(ps, problem.At(i, fmt.Sprintf("features[%d]%s", i, ptr), fmt.Sprintf("feature %d: ", i)+fmt.Sprintf(format, args...)))
	}
	zones := make([]zoneIn, 0, len(feats))
	for _, f := range feats {
		i := f.Index
		var z zoneIn
		raw, _ := f.Properties["kind"].(string)
		if raw == "" {
			add(i, ".properties.kind", `properties.kind is missing: say which zone this is (%s)`, kindList(scheme))
		} else if k, err := ParseKind(raw); err != nil {
			add(i, ".properties.kind", "%v", err)
		} else if !scheme.Allows(k) {
			add(i, ".properties.kind", "kind %s is not part of the %s scheme of this reserve (use %s)", k, scheme, kindList(scheme))
		} else {
			z.kind = k
		}
		if p, bad := nulPath(f.Properties, "properties"); bad {
			add(i, "."+p, "%s contains a NUL character (U+0000), which cannot be stored: remove it", p)
			continue
		}
		for _, key := range []string{"name", "name_zh", "名称", "name_en"} {
			if s, ok := f.Properties[key].(string); ok && s != "" {
				z.name = s
				break
			}
		}
		props, _ := json.Marshal(f.Properties)
		if f.Properties == nil {
			props = []byte("{}")
		}
		z.props = string(props)
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		case nil:
			add(i, ".geometry", "geometry is null: a zone needs a Polygon or MultiPolygon")
			continue
		default:
			add(i, ".geometry", "geometry is a %s: a zone must be a Polygon or MultiPolygon", g.GeoJSONType())
			continue
		}
		if len(mp) == 0 {
			add(i, ".geometry", "geometry is an empty %s: a zone needs at least one polygon", f.Geometry.GeoJSONType())
			continue
		}
		if reason := checkCoords(mp, crs); reason != "" {
			add(i, ".geometry", "%s", reason)
			continue
		}
		z.geom = mp
		zones = append(zones, z)
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-zoning", problem.Summary(ps), ps...)
	}
	return zones, nil
}

func kindList(s Scheme) string {
	var names []string
	for _, k := range KindsOf(s) {
		names = append(names, fmt.Sprintf("%s %s", k, k.ZH()))
	}
	return strings.Join(names, ", ")
}

func checkCoords(mp orb.MultiPolygon, crs geoio.CRS) string {
	for _, poly := range mp {
		for _, ring := range poly {
			for j, p := range ring {
				if crs.Projected() {
					if r := crs.CheckXY(p[0], p[1]); r != "" {
						return r
					}
					continue
				}
				if j > 0 && math.Abs(p[0]-ring[j-1][0]) > 180 {
					return fmt.Sprintf("an edge from %v to %v crosses the antimeridian: split the zone at ±180° into a MultiPolygon (RFC 7946 §3.1.9)", ring[j-1], p)
				}
			}
		}
	}
	return ""
}

// checkZones asks PostGIS whether each zone is valid (ST_IsValidDetail), inside
// lon/lat range after transformation, and whether zones overlap each other.
func checkZones(ctx context.Context, tx pgx.Tx, zones []zoneIn, crs geoio.CRS) error {
	w, _, _, _ := columns(zones)
	const cte = `WITH g AS (
		SELECT t.i - 1 AS i, ST_Transform(ST_SetSRID(ST_GeomFromWKB(t.w), $2::int), 4326) AS geom
		FROM unnest($1::bytea[]) WITH ORDINALITY AS t(w, i))`
	rows, err := tx.Query(ctx, cte+`
		SELECT i, d.valid, coalesce(d.reason, ''), ST_X(d.location), ST_Y(d.location),
		       coalesce(ST_XMin(geom) >= -180 AND ST_XMax(geom) <= 180 AND ST_YMin(geom) >= -90 AND ST_YMax(geom) <= 90, false)
		FROM g, LATERAL ST_IsValidDetail(geom) d ORDER BY i`, w, crs.SRID())
	if err != nil {
		return err
	}
	var ps []problem.Detail
	for rows.Next() {
		var i int
		var valid, inRange bool
		var reason string
		var x, y *float64
		if err := rows.Scan(&i, &valid, &reason, &x, &y, &inRange); err != nil {
			rows.Close()
			return err
		}
		if !valid {
			d := problem.At(i, fmt.Sprintf("features[%d].geometry", i), fmt.Sprintf("feature %d: invalid geometry: %s", i, reason))
			if x != nil && y != nil {
				d.Location = []float64{*x, *y}
			}
			ps = append(ps, d)
		} else if !inRange {
			ps = append(ps, problem.At(i, fmt.Sprintf("features[%d].geometry", i), fmt.Sprintf("feature %d: coordinates fall outside lon -180..180, lat -90..90 after transformation from %s", i, crs)))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ps) > 0 {
		return problem.Invalid("invalid-geometry", problem.Summary(ps), ps...)
	}
	rows, err = tx.Query(ctx, cte+`
		SELECT a.i, b.i, ST_Area(ST_Intersection(a.geom, b.geom)::geography),
		       least(ST_Area(a.geom::geography), ST_Area(b.geom::geography)),
		       ST_X(ST_PointOnSurface(ST_Intersection(a.geom, b.geom))), ST_Y(ST_PointOnSurface(ST_Intersection(a.geom, b.geom)))
		FROM g a JOIN g b ON a.i < b.i AND ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)
		ORDER BY a.i, b.i`, w, crs.SRID())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b int
		var overlap, smaller float64
		var x, y *float64
		if err := rows.Scan(&a, &b, &overlap, &smaller, &x, &y); err != nil {
			return err
		}
		if overlap > math.Max(OverlapMinM2, OverlapShare*smaller) {
			d := problem.At(b, fmt.Sprintf("features[%d].geometry", b),
				fmt.Sprintf("features %d and %d overlap by %.0f m² (%.4f%% of the smaller): zones of one version must not overlap", a, b, overlap, 100*overlap/smaller))
			if x != nil && y != nil {
				d.Location = []float64{*x, *y}
			}
			ps = append(ps, d)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ps) > 0 {
		return problem.Invalid("overlapping-zones", problem.Summary(ps), ps...)
	}
	return nil
}

func versionSummary(ctx context.Context, q db.Querier, vid int64) (VersionSummary, error) {
	var v VersionSummary
	if err := q.QueryRow(ctx, `
		SELECT version, to_char(approved_on, 'YYYY-MM-DD'), approval, note, is_current, created_at
		FROM zoning_version WHERE id = $1`, vid).
		Scan(&v.Version, &v.ApprovedOn, &v.Approval, &v.Note, &v.IsCurrent, &v.CreatedAt); err != nil {
		return v, err
	}
	rows, err := q.Query(ctx, `SELECT id, kind, name, area_ha, vertices FROM zone WHERE version_id = $1 ORDER BY ordinal`, vid)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	v.Zones = []ZoneSummary{}
	v.AreaHaByKind = map[Kind]float64{}
	for rows.Next() {
		var z ZoneSummary
		if err := rows.Scan(&z.ID, &z.Kind, &z.Name, &z.AreaHa, &z.Vertices); err != nil {
			return v, err
		}
		z.KindZH = z.Kind.ZH()
		v.Zones = append(v.Zones, z)
		v.AreaHaByKind[z.Kind] += z.AreaHa
		v.TotalAreaHa += z.AreaHa
	}
	return v, rows.Err()
}

// Versions lists a reserve's zoning versions, newest first.
func (s *Store) Versions(ctx context.Context, code string) (_ []VersionSummary, err error) {
	defer wrap(&err, "versions of %s", code)
	var rid int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM reserve WHERE code = $1`, code).Scan(&rid); errors.Is(err, pgx.ErrNoRows) {
		return nil, problem.NotFound("reserve", code)
	} else if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM zoning_version WHERE reserve_id = $1 ORDER BY version DESC`, rid)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := []VersionSummary{}
	for _, id := range ids {
		v, err := versionSummary(ctx, s.pool, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ZoneFeature is a zone as a GeoJSON feature.
type ZoneFeature struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties ZoneProperties  `json:"properties"`
}

// ZoneProperties are a zone feature's properties.
type ZoneProperties struct {
	Reserve string  `json:"reserve"`
	Version int     `json:"version"`
	Kind    Kind    `json:"kind"`
	KindZH  string  `json:"kind_zh"`
	KindEN  string  `json:"kind_en"`
	Name    string  `json:"name"`
	AreaHa  float64 `json:"area_ha"`
}

// ZoneCollection is a reserve's zones of one version as a FeatureCollection.
type ZoneCollection struct {
	Type     string        `json:"type"`
	Reserve  string        `json:"reserve"`
	Version  int           `json:"version"`
	Current  bool          `json:"is_current"`
	Features []ZoneFeature `json:"features"`
}

// Zones returns a reserve's zones: the current version when version is 0.
func (s *Store) Zones(ctx context.Context, code string, version int) (_ ZoneCollection, err error) {
	defer wrap(&err, "zones of %s", code)
	var vid int64
	var ver int
	var cur bool
	err = s.pool.QueryRow(ctx, `
		SELECT v.id, v.version, v.is_current FROM zoning_version v JOIN reserve r ON r.id = v.reserve_id
		WHERE r.code = $1 AND (($2 = 0 AND v.is_current) OR v.version = $2)`, code, version).Scan(&vid, &ver, &cur)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := s.Reserve(ctx, code); err != nil {
			return ZoneCollection{}, err
		}
		if version == 0 {
			return ZoneCollection{Type: "FeatureCollection", Reserve: code, Features: []ZoneFeature{}}, nil
		}
		return ZoneCollection{}, problem.NotFound("zoning version", fmt.Sprint(version))
	}
	if err != nil {
		return ZoneCollection{}, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, kind, name, area_ha, ST_AsGeoJSON(geom, 7) FROM zone WHERE version_id = $1 ORDER BY ordinal`, vid)
	if err != nil {
		return ZoneCollection{}, err
	}
	defer rows.Close()
	fc := ZoneCollection{Type: "FeatureCollection", Reserve: code, Version: ver, Current: cur, Features: []ZoneFeature{}}
	for rows.Next() {
		f := ZoneFeature{Type: "Feature", Properties: ZoneProperties{Reserve: code, Version: ver}}
		var g string
		if err := rows.Scan(&f.ID, &f.Properties.Kind, &f.Properties.Name, &f.Properties.AreaHa, &g); err != nil {
			return fc, err
		}
		f.Geometry = json.RawMessage(g)
		f.Properties.KindZH, f.Properties.KindEN = f.Properties.Kind.ZH(), f.Properties.Kind.EN()
		fc.Features = append(fc.Features, f)
	}
	return fc, rows.Err()
}

// nulPath returns the path of the first string, key or value, in v that holds
// a NUL character: PostgreSQL text and jsonb cannot store one.
func nulPath(v any, path string) (string, bool) {
	switch t := v.(type) {
	case string:
		return path, strings.ContainsRune(t, 0)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.ContainsRune(k, 0) {
				return path, true
			}
			if p, bad := nulPath(t[k], path+"."+k); bad {
				return p, true
			}
		}
	case []any:
		for i, e := range t {
			if p, bad := nulPath(e, fmt.Sprintf("%s[%d]", path, i)); bad {
				return p, true
			}
		}
	}
	return "", false
}
