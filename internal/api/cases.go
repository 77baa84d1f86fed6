package api

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"warden/internal/cases"
	"warden/internal/geoio"
	"warden/internal/grid"
	"warden/internal/problem"
	"warden/internal/reports"
	"warden/internal/zoning"
)

// caseRoutes registers cases, administrative areas, grid cells, reports and
// notifications. Reads are public for now; when accounts come, role checks go
// here as middleware: enforcement officers for case writes, a unit's own
// staff for its daily report, supervisors for reports, GIS staff for areas
// and grid cells.
func (s *Server) caseRoutes(v1 *echo.Group, write echo.MiddlewareFunc) {
	v1.POST("/cases", s.createCase, write)
	v1.GET("/cases", s.listCases)
	v1.GET("/cases/:id", s.getCase)
	v1.PATCH("/cases/:id", s.patchCase, write)
	v1.POST("/cases/:id/transitions", s.caseTransition, write)
	v1.POST("/cases/:id/inspections", s.caseInspection, write)
	v1.POST("/cases/:id/measures", s.caseMeasure, write)
	v1.POST("/cases/:id/evidence", s.caseEvidence, write)
	v1.GET("/cases/:id/evidence/:evidence", s.caseEvidenceFile)
	v1.GET("/cases/:id/dossier", s.caseDossier)
	v1.GET("/credit-cards", s.creditCards)
	v1.GET("/admin-areas", s.listAreas)
	v1.POST("/admin-areas", s.importAreas, write)
	v1.PUT("/admin-areas", s.importAreas, write)
	v1.POST("/units/:code/daily-reports", s.unitReport, write)
	v1.GET("/reserves/:code/grid-cells", s.listCells)
	v1.PUT("/reserves/:code/grid-cells", s.putCells, write)
	v1.POST("/reserves/:code/grid-cells/generate", s.generateCells, write)
	v1.GET("/grid-cells/coverage", s.coverage)
	v1.GET("/grid-cells/:id", s.getCell)
	v1.PATCH("/grid-cells/:id", s.patchCell, write)
	v1.GET("/reports/daily", s.dailyReport)
	v1.GET("/reports/weekly", s.weeklyReport)
	v1.GET("/reports/overdue", s.overdueReport)
	v1.GET("/reports/units", s.unitStats)
	v1.GET("/notifications", s.listNotifications)
}

// actor names who acts: the signed-in user; for the shared bootstrap token,
// X-Actor (the officer names themself), "admin" without it.
func actor(c echo.Context) (string, error) {
	if p := principalOf(c); p != nil && p.UserID != 0 {
		return p.Name, nil
	}
	a := strings.TrimSpace(c.Request().Header.Get("X-Actor"))
	if a == "" {
		return "admin", nil
	}
	if len(a) > 200 || strings.ContainsRune(a, 0) {
		return "", problem.BadRequest("invalid-header", "X-Actor must be a name of at most 200 bytes")
	}
	return a, nil
}

// caseWrite reads what every write to one case needs: the case id from the
// path, the acting officer and the JSON body.
func caseWrite[T any](s *Server, c echo.Context) (id int64, who string, in T, err error) {
	if id, err = pathID(c, "id", "case"); err != nil {
		return
	}
	if who, err = actor(c); err != nil {
		return
	}
	err = s.decodeStrict(c, &in)
	return
}

func pathID(c echo.Context, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, problem.NotFound(what, c.Param(name))
	}
	return id, nil
}

// POST /api/v1/cases, body {"source", "source_ref", "reserve", "location": GeoJSON, "activity",
// "kind", "title", "description", "party": {"name", "kind", "id"}, "criminal", "articles",
// "basis_zh", "basis_en", "observed_at"}: 201 with the case, numbered and routed; 422 with
// nothing stored.
func (s *Server) createCase(c echo.Context) error {
	who, err := actor(c)
	if err != nil {
		return err
	}
	var in cases.CreateInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	cs, err := s.cases.Create(c.Request().Context(), in, who)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/cases/%d", cs.ID))
	return c.JSON(http.StatusCreated, cs)
}

// GET /api/v1/cases[?reserve=&status=a,b&unit=&grid_cell=&overdue=&source=&activity=&from=&to=
// &deadline_from=&deadline_to=&sort=&limit=&offset=&format=json|xlsx]:
// {"total", "limit", "offset", "as_of", "cases": [...]}, newest first unless sort says
// (reported, deadline, updated, number, status; '-' reverses); format=xlsx: the
// problem list (问题清单) as a workbook.
func (s *Server) listCases(c echo.Context) error {
	q := c.QueryParams()
	f := cases.Filter{Reserve: q.Get("reserve"), Unit: q.Get("unit"), Cell: q.Get("grid_cell"), Source: q.Get("source"), Activity: q.Get("activity"),
		Sort: q.Get("sort"), DeadlineFrom: q.Get("deadline_from"), DeadlineTo: q.Get("deadline_to")}
	if v := q.Get("status"); v != "" {
		for _, p := range strings.Split(v, ",") {
			st, ok := cases.ParseStatus(strings.TrimSpace(p))
			if !ok {
				return problem.BadRequest("invalid-parameter", fmt.Sprintf("status %q must be reported, verified, dismissed, transferred, rectifying, interviewed, special_inspection, rectified or closed", p))
			}
			f.Status = append(f.Status, st)
		}
	}
	if v := q.Get("source"); v != "" {
		if _, ok := cases.SourceNames()[v]; !ok {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("source %q is not a case source", v))
		}
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return problem.BadRequest("invalid-parameter", fmt.Sprintf("overdue=%q must be true or false", v))
		}
		f.Overdue = &b
	}
	if err := listParams(q, &f.From, &f.To, &f.Limit, &f.Offset); err != nil {
		return err
	}
	switch q.Get("format") {
	case "", "json":
	case "xlsx":
		return s.problemList(c, f)
	default:
		return problem.BadRequest("invalid-parameter", fmt.Sprintf("format=%q must be json or xlsx", q.Get("format")))
	}
	p, err := s.cases.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// maxProblemList caps the rows of one problem-list download.
const maxProblemList = 20000

// problemList answers the cases f selects, every page of them, as the
// problem list (问题清单) workbook.
func (s *Server) problemList(c echo.Context, f cases.Filter) error {
	f.Limit = cases.MaxLimit
	var all []cases.Case
	for f.Offset = 0; ; f.Offset += f.Limit {
		p, err := s.cases.List(c.Request().Context(), f)
		if err != nil {
			return err
		}
		all = append(all, p.Cases...)
		if len(p.Cases) < f.Limit || len(all) >= maxProblemList {
			break
		}
	}
	var buf bytes.Buffer
	if err := reports.WriteProblemList(&buf, all); err != nil {
		return err
	}
	name := "problem-list-" + time.Now().In(s.caseZone()).Format(time.DateOnly) + ".xlsx"
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// GET /api/v1/cases/{id}: the case with its events, evidence and enforcement measures.
func (s *Server) getCase(c echo.Context) error {
	id, err := pathID(c, "id", "case")
	if err != nil {
		return err
	}
	cs, err := s.cases.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cs)
}

// GET /api/v1/cases/{id}/dossier: the case file for 销号 and print — the case with its
// measures and evidence, every event with its local time, the legal basis in full.
func (s *Server) caseDossier(c echo.Context) error {
	id, err := pathID(c, "id", "case")
	if err != nil {
		return err
	}
	d, err := s.cases.Dossier(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// PATCH /api/v1/cases/{id}, body {"version", "comment", "title", "description", "source_ref",
// "party", "criminal", "rectification_measures", "deadline", "basis_zh", "basis_en"}: 200 with
// the case; 409 if the version is stale or the case finished.
func (s *Server) patchCase(c echo.Context) error {
	id, who, p, err := caseWrite[cases.Patch](s, c)
	if err != nil {
		return err
	}
	cs, err := s.cases.Update(c.Request().Context(), id, p, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cs)
}

// POST /api/v1/cases/{id}/transitions, body {"to", "version", "comment", ...the target's
// fields}: 200 with the case; 409 with "allowed" when the workflow does not allow it or the
// version is stale; 422 when a required field is missing.
func (s *Server) caseTransition(c echo.Context) error {
	id, who, in, err := caseWrite[cases.TransitionInput](s, c)
	if err != nil {
		return err
	}
	cs, err := s.cases.Transition(c.Request().Context(), id, in, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cs)
}

// inspectionBody is a joint inspection with the version it was made on.
type inspectionBody struct {
	Version int `json:"version"`
	cases.Inspection
}

// POST /api/v1/cases/{id}/inspections, body {"version", "date", "inspectors", "progress",
// "findings", "assessment": on_track|slow|incomplete}: 201 with the case.
func (s *Server) caseInspection(c echo.Context) error {
	id, who, in, err := caseWrite[inspectionBody](s, c)
	if err != nil {
		return err
	}
	cs, err := s.cases.RecordInspection(c.Request().Context(), id, in.Version, in.Inspection, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cs)
}

// POST /api/v1/cases/{id}/measures, body {"kind", "decided_on", "decision_no", "authority",
// "target", "amount", "daily_amount", "start_on", "end_on", "card", "description", "version"}:
// 201 with the case (measures with daily penalties accrued to date).
func (s *Server) caseMeasure(c echo.Context) error {
	id, who, in, err := caseWrite[cases.MeasureInput](s, c)
	if err != nil {
		return err
	}
	cs, err := s.cases.AddMeasure(c.Request().Context(), id, in, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cs)
}

// evidenceFields are the form fields of an evidence upload besides "file".
var evidenceFields = map[string]bool{"role": true, "note": true, "version": true}

// POST /api/v1/cases/{id}/evidence, multipart/form-data (fields role=evidence|verification,
// note, version, then a "file" part: photo or document), or JSON {"kind": track|screening|marker,
// "id", "role", "note", "version"}: 201 with the evidence item; 409 for the same item twice;
// 413 beyond the size limit; 415 for other file types.
func (s *Server) caseEvidence(c echo.Context) error {
	id, err := pathID(c, "id", "case")
	if err != nil {
		return err
	}
	who, err := actor(c)
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil && c.Request().Header.Get(echo.HeaderContentType) != "" {
		return unsupportedEvidence()
	}
	var ev cases.Evidence
	switch mt {
	case "multipart/form-data":
		u, err := s.evidenceForm(c)
		if err != nil {
			return err
		}
		if ev, err = s.cases.AddFile(c.Request().Context(), id, u, who); err != nil {
			return err
		}
	case "", echo.MIMEApplicationJSON:
		var in cases.LinkInput
		if err := s.decodeStrict(c, &in); err != nil {
			return err
		}
		if ev, err = s.cases.Link(c.Request().Context(), id, in, who); err != nil {
			return err
		}
	default:
		return unsupportedEvidence()
	}
	return c.JSON(http.StatusCreated, ev)
}

func unsupportedEvidence() error {
	return &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-media-type", Title: "Unsupported media type",
		Detail: "send a photo or document as multipart/form-data with a file part, or link a track, screening or marker as application/json"}
}

func (s *Server) evidenceForm(c echo.Context) (cases.Upload, error) {
	r := c.Request()
	limit := s.cases.MaxFileBytes() + 64<<10
	r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return cases.Upload{}, problem.BadRequest("malformed-form", "the multipart body could not be read: "+err.Error())
	}
	var u cases.Upload
	seen := map[string]bool{}
	got := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return u, fileFormError(err, s.cases.MaxFileBytes())
		}
		field := part.FormName()
		switch {
		case field == "file":
			if got {
				return u, problem.BadRequest("malformed-form", "send one file part")
			}
			got = true
			u.FileName, u.Declared = part.FileName(), part.Header.Get("Content-Type")
			var buf bytes.Buffer
			n, err := io.Copy(&buf, io.LimitReader(part, s.cases.MaxFileBytes()+1))
			if err != nil {
				return u, fileFormError(err, s.cases.MaxFileBytes())
			}
			if n > s.cases.MaxFileBytes() {
				return u, problem.TooLarge(fmt.Sprintf("the file exceeds %s, the limit for evidence files", humanBytes(s.cases.MaxFileBytes())))
			}
			u.Data = buf.Bytes()
		case evidenceFields[field]:
			if seen[field] {
				return u, problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is given twice", field))
			}
			seen[field] = true
			b, err := io.ReadAll(io.LimitReader(part, 4097))
			if err != nil {
				return u, fileFormError(err, s.cases.MaxFileBytes())
			}
			if len(b) > 4096 {
				return u, problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is longer than 4096 bytes", field))
			}
			v := strings.TrimSpace(string(b))
			switch field {
			case "role":
				u.Role = v
			case "note":
				u.Note = v
			case "version":
				if u.Version, err = strconv.Atoi(v); err != nil || u.Version < 0 {
					return u, problem.BadRequest("invalid-parameter", fmt.Sprintf("version %q must be a whole number", v))
				}
			}
		default:
			return u, problem.BadRequest("unknown-field", fmt.Sprintf("unknown form field %q: use file, role, note, version", field),
				problem.Detail{Pointer: field, Reason: "unknown field"})
		}
	}
	if !got {
		return u, problem.BadRequest("malformed-form", `the form needs a "file" part with the photo or document`)
	}
	return u, nil
}

func fileFormError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problem.TooLarge(fmt.Sprintf("the file exceeds %s, the limit for evidence files", humanBytes(limit)))
	}
	return problem.BadRequest("malformed-form", "the multipart body could not be read: "+err.Error())
}

// GET /api/v1/cases/{id}/evidence/{evidence}: the uploaded photo or document itself.
func (s *Server) caseEvidenceFile(c echo.Context) error {
	id, err := pathID(c, "id", "case")
	if err != nil {
		return err
	}
	eid, err := pathID(c, "evidence", "evidence")
	if err != nil {
		return err
	}
	ct, name, data, err := s.cases.File(c.Request().Context(), id, eid)
	if err != nil {
		return err
	}
	if name != "" {
		c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	}
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, ct, data)
}

// GET /api/v1/credit-cards[?enterprise=name or credit code&reserve=]: the red and yellow
// cards given, newest first; a user limited to reserves sees their cases' cards only.
func (s *Server) creditCards(c echo.Context) error {
	cc, err := s.cases.CreditCards(c.Request().Context(), c.QueryParam("enterprise"), c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"cards": cc})
}

// GET /api/v1/admin-areas: the administrative areas as a FeatureCollection.
func (s *Server) listAreas(c echo.Context) error {
	as, err := s.grid.Areas(c.Request().Context())
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, grid.AreaCollection(as))
}

// POST /api/v1/admin-areas (add or update by code) and PUT /api/v1/admin-areas (the complete
// set), body a FeatureCollection of Polygon/MultiPolygon features with properties code (or
// adcode), name_zh (or name), level, parent_code, parent_name, unit_name, timezone; query crs:
// 200 {"stored", "rerouted"}; open cases are routed again.
func (s *Server) importAreas(c echo.Context) error {
	who, err := actor(c)
	if err != nil {
		return err
	}
	crs, err := crsParam(c)
	if err != nil {
		return err
	}
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	n, rr, err := s.grid.ImportAreas(c.Request().Context(), body, crs, c.Request().Method == http.MethodPut, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"stored": n, "rerouted": rr})
}

func crsParam(c echo.Context) (geoio.CRS, error) {
	if v := c.QueryParam("crs"); v != "" {
		return geoio.ParseCRS(v)
	}
	return geoio.WGS84, nil
}

// POST /api/v1/units/{code}/daily-reports, body {"date", "progress"}: 201 with the report and
// whether it came in by 12:00 local time the next day ("in") or "late"; 409 for a second report
// on the same day.
func (s *Server) unitReport(c echo.Context) error {
	who, err := actor(c)
	if err != nil {
		return err
	}
	var in reports.UnitReportInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	r, err := s.reports.SubmitUnitReport(c.Request().Context(), c.Param("code"), in, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// GET /api/v1/reserves/{code}/grid-cells: the reserve's grid cells as a FeatureCollection.
func (s *Server) listCells(c echo.Context) error {
	cs, err := s.grid.Cells(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, grid.CellCollection(cs))
}

// PUT /api/v1/reserves/{code}/grid-cells[?crs=], body a FeatureCollection with properties code,
// name, duties, staff [{name, unit, phone, role}], tasks [text], assessment: 200 with the
// cells; open cases are routed again.
func (s *Server) putCells(c echo.Context) error {
	who, err := actor(c)
	if err != nil {
		return err
	}
	crs, err := crsParam(c)
	if err != nil {
		return err
	}
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	cs, err := s.grid.ImportCells(c.Request().Context(), c.Param("code"), body, crs, who)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, grid.CellCollection(cs))
}

// POST /api/v1/reserves/{code}/grid-cells/generate?size_m=: cut the reserve into square cells
// of size_m metres clipped to its zones; 200 with the cells.
func (s *Server) generateCells(c echo.Context) error {
	who, err := actor(c)
	if err != nil {
		return err
	}
	v := c.QueryParam("size_m")
	size, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return problem.BadRequest("invalid-parameter", fmt.Sprintf("size_m=%q must be the cell side in metres", v))
	}
	cs, err := s.grid.GenerateGrid(c.Request().Context(), c.Param("code"), size, who)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, grid.CellCollection(cs))
}

// GET /api/v1/grid-cells/{id}: one grid cell as a Feature.
func (s *Server) getCell(c echo.Context) error {
	id, err := pathID(c, "id", "grid cell")
	if err != nil {
		return err
	}
	g, err := s.grid.Cell(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, grid.CellCollection([]grid.Cell{g}).Features[0])
}

// PATCH /api/v1/grid-cells/{id}, body {"name", "duties", "staff", "tasks", "assessment"}: 200
// with the cell.
func (s *Server) patchCell(c echo.Context) error {
	id, err := pathID(c, "id", "grid cell")
	if err != nil {
		return err
	}
	var p grid.CellPatch
	if err := s.decodeStrict(c, &p); err != nil {
		return err
	}
	g, err := s.grid.UpdateCell(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	return geoJSON(c, http.StatusOK, grid.CellCollection([]grid.Cell{g}).Features[0])
}

// GET /api/v1/grid-cells/coverage?reserve=&from=&to=: patrol coverage per cell (km, hours,
// share within 100 m of a patrol track) and the blind spots.
func (s *Server) coverage(c echo.Context) error {
	q := c.QueryParams()
	if q.Get("reserve") == "" {
		return problem.BadRequest("invalid-parameter", "reserve is required")
	}
	from, err := timeParam("from", q.Get("from"), false)
	if err != nil {
		return err
	}
	to, err := timeParam("to", q.Get("to"), true)
	if err != nil {
		return err
	}
	if from.IsZero() || to.IsZero() {
		return problem.BadRequest("invalid-parameter", "from and to are required (YYYY-MM-DD or RFC 3339)")
	}
	cv, err := s.grid.Coverage(c.Request().Context(), q.Get("reserve"), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cv)
}

// report writes a report as JSON, or with format=csv / format=xlsx as a download.
func report(c echo.Context, name string, v any, tables []reports.Table) error {
	switch f := c.QueryParam("format"); f {
	case "", "json":
		return c.JSON(http.StatusOK, v)
	case "csv":
		c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".csv"}))
		c.Response().WriteHeader(http.StatusOK)
		return reports.WriteCSV(c.Response(), tables)
	case "xlsx":
		var buf bytes.Buffer
		if err := reports.WriteXLSX(&buf, tables); err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".xlsx"}))
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	default:
		return problem.BadRequest("invalid-parameter", fmt.Sprintf("format=%q must be json, csv or xlsx", f))
	}
}

// GET /api/v1/reports/daily[?date=YYYY-MM-DD&reserve=&format=json|csv|xlsx]: per unit, the
// cases touched on the day (default yesterday), the cases overdue at its end, and whether the
// unit's own report came in by 12:00 the next day.
func (s *Server) dailyReport(c echo.Context) error {
	date := c.QueryParam("date")
	if date == "" {
		date = time.Now().In(s.caseZone()).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	d, err := s.reports.DailyReport(c.Request().Context(), date, c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	dc, err := s.clues.WithOverdue(c.Request().Context(), d, date, c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return report(c, "daily-"+date, dc, dc.Tables())
}

// caseZone is the one case time zone setting (WARDEN_CASE_TIMEZONE, default
// zoning.DefaultTimeZone): the default days of reports.
func (s *Server) caseZone() *time.Location { return caseZone(s.cfg.Cases.DefaultTimezone) }

// caseZone is the named time zone (empty: zoning.DefaultTimeZone), UTC
// when the system does not know it.
func caseZone(name string) *time.Location {
	if loc, err := time.LoadLocation(cmp.Or(name, zoning.DefaultTimeZone)); err == nil {
		return loc
	}
	return time.UTC
}

// GET /api/v1/reports/weekly[?week=2025-W07&reserve=&format=]: the week's summary per unit
// (default last week).
func (s *Server) weeklyReport(c echo.Context) error {
	week := c.QueryParam("week")
	if week == "" {
		y, w := time.Now().In(s.caseZone()).AddDate(0, 0, -7).ISOWeek()
		week = fmt.Sprintf("%d-W%02d", y, w)
	}
	w, err := s.reports.WeeklyReport(c.Request().Context(), week, c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return report(c, "weekly-"+week, w, w.Tables())
}

// GET /api/v1/reports/overdue[?reserve=&format=]: the cases past their deadline now, with the
// proposed next step.
func (s *Server) overdueReport(c echo.Context) error {
	os, err := s.reports.Overdue(c.Request().Context(), c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return report(c, "overdue", map[string]any{"cases": os}, reports.OverdueTables(os))
}

// GET /api/v1/reports/units[?reserve=&format=]: per-unit statistics of all cases.
func (s *Server) unitStats(c echo.Context) error {
	st, err := s.reports.UnitStatistics(c.Request().Context(), c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return report(c, "units", map[string]any{"units": st}, reports.StatsTables(st))
}

// GET /api/v1/notifications[?status=pending|delivered|failed&limit=]: the webhook delivery
// log, newest first, with every attempt.
func (s *Server) listNotifications(c echo.Context) error {
	st := c.QueryParam("status")
	if st != "" && st != "pending" && st != "delivered" && st != "failed" {
		return problem.BadRequest("invalid-parameter", fmt.Sprintf("status=%q must be pending, delivered or failed", st))
	}
	var limit int
	if err := wholeNumbers(c.QueryParams(), map[string]*int{"limit": &limit}); err != nil {
		return err
	}
	ns, err := s.notify.Notifications(c.Request().Context(), st, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"notifications": ns})
}
