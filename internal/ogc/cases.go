package ogc

import (
	"slices"
	"strings"

	"warden/internal/auth"
	"warden/internal/cases"
	"warden/internal/problem"
	"warden/internal/zoning"
)

// caseStatuses, caseSources and severities are the values of the cases
// collection's closed properties.
var (
	caseStatuses = []string{string(cases.Reported), string(cases.Verified), string(cases.Dismissed), string(cases.Transferred), string(cases.Rectifying),
		string(cases.Interviewed), string(cases.SpecialInspection), string(cases.Rectified), string(cases.Closed)}
	caseSources = []string{"patrol", "screening", "marker_check", "central_inspection", "provincial_inspection", "ministry_patrol",
		"special_action", "public_report", "system", "remote_sensing"}
	severities = []string{"high", "medium", "low"}
)

// oneOf returns the Parse function of a property whose values are values.
func oneOf(name string, values []string) func(string) (string, error) {
	return func(s string) (string, error) {
		if !slices.Contains(values, s) {
			return "", problem.BadRequest("invalid-parameter", name+" "+s+" must be one of "+strings.Join(values, ", "))
		}
		return s, nil
	}
}

// overdueNow is true for a case past its deadline (a whole day in the
// case's time zone) while it is being worked, as GET /api/v1/cases judges it.
const overdueNow = `(c.deadline IS NOT NULL AND c.status IN ('transferred', 'rectifying', 'interviewed', 'special_inspection')
	AND now() >= ((c.deadline + 1)::timestamp AT TIME ZONE c.timezone))`

// Cases is the collection of violation cases, one Point per case (its
// representative point), for the roles that read cases (cases:read),
// limited to their reserves, as GET /api/v1/cases. Not public.
func Cases() *Collection {
	return &Collection{
		ID: "cases", Title: "Violation cases 违法违规问题",
		Description: "Enforcement cases, one line of the problem list each (GET /api/v1/cases/{id} has its events, evidence and measures; the page /cases/{id}). Not public: for the roles that read cases, limited to their reserves. Time: from registration to closure (open cases: to now).",
		Roles:       rolesGranting(auth.ReadCases, ""),
		Reserve:     `r.code`,
		From: `violation_case c JOIN reserve r ON r.id = c.reserve_id
			LEFT JOIN admin_area u ON u.id = c.unit_id LEFT JOIN grid_cell g ON g.id = c.cell_id`,
		IDExpr: `c.id`, IDType: "integer",
		Geom:         `c.point`,
		GeometryType: "Point",
		Time: &Time{Start: `c.reported_at`, End: `coalesce(c.closed_at, now())`,
			About: "from registration to closure (an open case: to now)"},
		Properties: []Property{
			{Name: "number", Title: "case number 编号", Type: "string", Expr: `c.number`},
			{Name: "reserve", Title: "reserve code", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "status", Title: "status 状态", Type: "string", Expr: `c.status`, Filter: true, Enum: caseStatuses, Parse: oneOf("status", caseStatuses)},
			{Name: "status_zh", Title: "状态", Type: "string", Derive: func(p map[string]any) any {
				if s, ok := p["status"].(string); ok {
					return cases.Status(s).ZH()
				}
				return nil
			}},
			{Name: "severity", Title: "severity 严重程度 (high: criminal or core zone; medium: buffer or general control zone; low)", Type: "string",
				Expr: `case_severity(c.zone_kind, c.criminal)`, Filter: true, Enum: severities, Parse: oneOf("severity", severities)},
			{Name: "source", Title: "source 来源", Type: "string", Expr: `c.source`, Filter: true, Enum: caseSources, Parse: oneOf("source", caseSources)},
			{Name: "unit", Title: "responsible unit code 责任单位", Type: "string", Expr: `u.code`, Filter: true},
			{Name: "unit_name", Title: "responsible unit 责任单位名称", Type: "string", Expr: `u.unit_name`},
			{Name: "grid_cell", Title: "grid cell 网格", Type: "string", Expr: `g.code`},
			{Name: "title", Title: "title 标题", Type: "string", Expr: `c.title`},
			{Name: "activity", Title: "activity 活动", Type: "string", Expr: `c.activity`},
			{Name: "zone_kind", Title: "zone kind", Type: "string", Expr: `c.zone_kind`},
			{Name: "zone_kind_zh", Title: "功能区", Type: "string", Derive: func(p map[string]any) any {
				if k, ok := p["zone_kind"].(string); ok {
					return zoning.Kind(k).ZH()
				}
				return nil
			}},
			{Name: "party", Title: "responsible party 违法主体", Type: "string", Expr: `c.party_name`},
			{Name: "criminal", Title: "criminal 涉嫌犯罪", Type: "boolean", Expr: `c.criminal`},
			{Name: "deadline", Title: "deadline 整改期限", Type: "string", Format: "date", Expr: `c.deadline::text`},
			{Name: "overdue", Title: "overdue 逾期 (past its deadline while being worked)", Type: "boolean", Expr: overdueNow},
			{Name: "opened_at", Title: "registered 登记时间 (UTC)", Type: "string", Format: "date-time", Expr: utcTime("c.reported_at")},
			{Name: "closed_at", Title: "closed 销号时间 (UTC)", Type: "string", Format: "date-time", Expr: utcTime("c.closed_at")},
		},
	}
}
