package ogc

import (
	"warden/internal/auth"
	"warden/internal/clues"
)

var (
	clueStatuses   = []string{string(clues.New), string(clues.Assigned), string(clues.CaseOpened), string(clues.Closed), string(clues.Linked)}
	cluePriorities = []string{"high", "medium", "low"}
)

// Clues is the collection of Green Shield clues, one Point per clue (the
// point on its surface; the polygon is in GET /api/v1/clues/{id}), for the
// roles that read cases, limited to their reserves, as GET /api/v1/clues.
// Not public. Time: the later image's date, the change date.
func Clues() *Collection {
	return &Collection{
		ID: "clues", Title: "Green Shield clues 绿盾问题线索",
		Description: "Remote-sensing change clues, one line of the clue ledger each (GET /api/v1/clues/{id} has the zones, visits, photos and case). Not public: for the roles that read cases, limited to their reserves. Time: the change date (the later image).",
		Roles:       rolesGranting(auth.ReadCases, ""),
		Reserve:     `r.code`,
		From: `clue c JOIN clue_batch b ON b.id = c.batch_id JOIN reserve r ON r.id = c.reserve_id
			LEFT JOIN grid_cell g ON g.id = c.cell_id LEFT JOIN violation_case v ON v.id = c.case_id`,
		IDExpr: `c.id`, IDType: "integer",
		Geom:         `c.point`,
		GeometryType: "Point",
		Time:         &Time{Start: dateTime("c.imaged_after", false), End: dateTime("c.imaged_after", true), About: "the change date (the later image)"},
		Properties: []Property{
			{Name: "number", Title: "clue number 线索编号", Type: "string", Expr: `c.number`},
			{Name: "batch", Title: "batch 批次", Type: "integer", Expr: `c.batch_id`},
			{Name: "source", Title: "source 来源", Type: "string", Expr: `b.source`},
			{Name: "reserve", Title: "reserve code", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "status", Title: "status 状态", Type: "string", Expr: `c.status`, Filter: true, Enum: clueStatuses, Parse: oneOf("status", clueStatuses)},
			{Name: "priority", Title: "priority 优先级", Type: "string", Expr: `c.priority`, Filter: true, Enum: cluePriorities, Parse: oneOf("priority", cluePriorities)},
			{Name: "change_type", Title: "change type 变化类型", Type: "string", Expr: `c.change_type`},
			{Name: "legal_zone_kind", Title: "zone kind as the law judges it", Type: "string", Expr: `c.legal_zone_kind`},
			{Name: "area_ha", Title: "area 面积（公顷）", Type: "number", Expr: `round(c.area_ha::numeric, 4)::float8`},
			{Name: "grid_cell", Title: "grid cell 网格", Type: "string", Expr: `g.code`},
			{Name: "assignee", Title: "verifier 核查人", Type: "string", Expr: `c.assignee`},
			{Name: "deadline", Title: "deadline 核查期限", Type: "string", Format: "date", Expr: `c.deadline::text`},
			{Name: "result", Title: "verification result 核查结果", Type: "string", Expr: `c.result`},
			{Name: "case", Title: "case number 案件编号", Type: "string", Expr: `v.number`},
		},
	}
}
