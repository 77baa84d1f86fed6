package ogc

import "warden/internal/auth"

// GridCells is the collection of grid supervision cells (定区域、定职责、
// 定人员、定任务、定考核): each cell's area with its duties, staff, tasks and
// assessment. Not public: for the roles that read the grid, limited to their
// reserves.
func GridCells() *Collection {
	return &Collection{
		ID: "grid_cells", Title: "Grid supervision cells 网格",
		Description: "Grid cells of each reserve with their duties, responsible staff (name, unit, phone), tasks and assessment; cases are routed to the cell they lie in. Not public: for the roles that read the grid, limited to their reserves. Time: when the cell was last changed.",
		From:        `grid_cell g JOIN reserve r ON r.id = g.reserve_id`,
		IDExpr:      `g.id`, IDType: "integer",
		Geom:         `g.geom`,
		GeometryType: "MultiPolygon",
		Time:         &Time{Start: `g.updated_at`, End: `g.updated_at`, About: "when the cell was last changed"},
		Roles:        rolesGranting(auth.ReadGrid, ""),
		Reserve:      `r.code`,
		Properties: []Property{
			{Name: "reserve", Title: "reserve code", Type: "string", Expr: `r.code`, Filter: true},
			{Name: "code", Title: "cell code 网格编号", Type: "string", Expr: `g.code`, Filter: true},
			{Name: "name", Title: "name 名称", Type: "string", Expr: `g.name`},
			{Name: "area_ha", Title: "area (ha, geodesic)", Type: "number", Expr: `g.area_ha`},
			{Name: "duties", Title: "duties 职责", Type: "string", Expr: `g.duties`},
			{Name: "staff", Title: "staff 人员 (JSON)", Type: "string", Expr: `g.staff::text`},
			{Name: "tasks", Title: "tasks 任务 (JSON)", Type: "string", Expr: `g.tasks::text`},
			{Name: "assessment", Title: "assessment 考核", Type: "string", Expr: `g.assessment`},
		},
	}
}
