package ogc

import (
	"slices"

	"warden/internal/auth"
	"warden/internal/patrol"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// rolesGranting lists the roles that have perm; without is a permission
// they must lack (so that the roles of an own-only permission are those
// without the full one).
func rolesGranting(perm auth.Permission, without auth.Permission) []string {
	var out []string
	for _, r := range auth.Roles {
		if auth.Grants(r, perm) && (without == "" || !auth.Grants(r, without)) {
			out = append(out, string(r))
		}
	}
	return out
}

// utcTime writes a timestamptz as RFC 3339 in UTC, to the second.
func utcTime(col string) string {
	return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

// subjectKinds are the values of a track's subject_kind.
var subjectKinds = []string{string(patrol.Patrol), string(patrol.ResearchPermit), string(patrol.Visitor), string(patrol.Vehicle), string(patrol.Unknown)}

func parseSubjectKind(s string) (string, error) {
	if !slices.Contains(subjectKinds, s) {
		return "", problem.BadRequest("invalid-parameter", "subject_kind "+s+" must be one of patrol, research_permit, visitor, vehicle, unknown")
	}
	return s, nil
}

// trackReaders are the collections' access: the roles that read every
// track (tracks:read), those that read their own (tracks:read-own), and the
// rows' reserve and subject, as GET /api/v1/tracks has them.
func trackReaders(c *Collection) *Collection {
	c.Roles = rolesGranting(auth.ReadTracks, "")
	c.OwnRoles = rolesGranting(auth.ReadOwnTracks, auth.ReadTracks)
	c.Reserve, c.Subject = `r.code`, `t.subject`
	return c
}

// Tracks is the collection of patrol tracks: one feature per track, its
// segments of two fixes or more as a MultiLineString without elevation and
// time (ST_Force2D of the stored LINESTRING ZM). Not public.
func Tracks() *Collection {
	return trackReaders(&Collection{
		ID: "tracks", Title: "Patrol tracks 巡护轨迹",
		Description: "Uploaded patrol tracks (GET /api/v1/tracks/{id} has each one's zone visits and findings). Not public: for the roles that read tracks, limited to their reserves, and rangers' own tracks. Time: from the first to the last fix (the upload time for a track without times).",
		From:        `track t LEFT JOIN reserve r ON r.id = t.reserve_id`,
		IDExpr:      `t.id`, IDType: "integer",
		Geom: `(SELECT ST_Multi(ST_Force2D(ST_Collect(s.geom ORDER BY s.ordinal))) FROM track_segment s
			WHERE s.track_id = t.id AND s.fixes_end = t.fixes_end AND ST_GeometryType(s.geom) = 'ST_LineString')`,
		GeometryType: "MultiLineString",
		Time: &Time{Start: `coalesce(t.started_at, t.created_at)`, End: `coalesce(t.ended_at, t.created_at)`,
			About: "from the first to the last fix (the upload time for a track without times)"},
		Properties: []Property{
			{Name: "reserve", Title: "reserve code", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "subject", Title: "subject 巡护人员/车辆", Type: "string", Expr: `t.subject`, Filter: true},
			{Name: "subject_kind", Title: "subject kind", Type: "string", Expr: `t.subject_kind`, Filter: true, Enum: subjectKinds, Parse: parseSubjectKind},
			{Name: "started_at", Title: "started at 开始时间 (UTC)", Type: "string", Format: "date-time", Expr: utcTime("t.started_at")},
			{Name: "ended_at", Title: "ended at 结束时间 (UTC)", Type: "string", Format: "date-time", Expr: utcTime("t.ended_at")},
			{Name: "points", Title: "fixes kept", Type: "integer", Expr: `t.points::bigint`},
			{Name: "length_m", Title: "length (m, geodesic)", Type: "number", Expr: `t.length_m`},
			{Name: "duration_s", Title: "duration (s)", Type: "number", Expr: `(t.analysis->'totals'->>'duration_s')::float8`},
			{Name: "visits", Title: "zone visits", Type: "integer", Expr: `(t.analysis->'counts'->>'visits')::bigint`},
			{Name: "findings", Title: "findings 发现问题", Type: "integer", Expr: `(t.analysis->'counts'->>'findings')::bigint`},
			{Name: "file_name", Title: "file", Type: "string", Expr: `t.file_name`},
			{Name: "format", Title: "file format", Type: "string", Expr: `t.format`},
		},
	})
}

// Observations is the collection of the tracks' waypoints: what was seen
// where and when, read by the rule of its track. Not public.
func Observations() *Collection {
	return trackReaders(&Collection{
		ID: "observations", Title: "Patrol observations 巡护观测点",
		Description: "Waypoints of patrol tracks: what was seen (logging, grazing, construction, fire, a damaged marker...), the rule-table activity it stands for and the current zone it lies in. Not public: as the tracks collection, by the observation's track. Time: when it was seen.",
		From:        `observation o JOIN track t ON t.id = o.track_id LEFT JOIN reserve r ON r.id = t.reserve_id`,
		IDExpr:      `o.id`, IDType: "integer",
		Geom:         `o.geom`,
		GeometryType: "Point",
		Time:         &Time{Start: `o.observed_at`, End: `o.observed_at`, About: "when it was seen"},
		Properties: []Property{
			{Name: "track", Title: "track id", Type: "integer", Expr: `o.track_id`},
			{Name: "reserve", Title: "reserve code (of the track)", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "subject", Title: "subject 巡护人员/车辆", Type: "string", Expr: `t.subject`, Filter: true},
			{Name: "category", Title: "category 类别", Type: "string", Expr: `o.category`, Filter: true},
			{Name: "activity", Title: "rule-table activity", Type: "string", Expr: `o.activity`},
			{Name: "zone_kind", Title: "zone kind", Type: "string", Expr: `o.zone_kind`},
			{Name: "zone_kind_zh", Title: "功能区", Type: "string", Derive: func(p map[string]any) any {
				if k, ok := p["zone_kind"].(string); ok {
					return zoning.Kind(k).ZH()
				}
				return nil
			}},
			{Name: "observed_at", Title: "observed at 时间 (UTC)", Type: "string", Format: "date-time", Expr: utcTime("o.observed_at")},
			{Name: "name", Title: "name 名称", Type: "string", Expr: `o.name`},
			{Name: "description", Title: "description 描述", Type: "string", Expr: `o.description`},
		},
	})
}
