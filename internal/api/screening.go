package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"warden/internal/cases"
	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/screening"
)

// screeningBody is the JSON form of POST /api/v1/screenings.
type screeningBody struct {
	Footprint json.RawMessage   `json:"footprint"`
	Activity  string            `json:"activity"`
	Project   screening.Project `json:"project"`
	DistanceM float64           `json:"distance_m"`
}

// POST /api/v1/screenings, body JSON {"footprint": GeoJSON, "activity", "project": {"name",
// "developer", "status"}, "distance_m"} or multipart/form-data (a "file" part and the fields
// activity, project_name, developer, status, crs, distance_m, shape): 201 with the screening;
// 400/413/415/422 with nothing stored.
func (s *Server) createScreening(c echo.Context) error {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil && c.Request().Header.Get(echo.HeaderContentType) != "" {
		return unsupportedBody()
	}
	var req screening.Request
	switch mt {
	case "multipart/form-data":
		req, err = s.screeningForm(c)
	case "", echo.MIMEApplicationJSON, "application/geo+json":
		req, err = s.screeningJSON(c)
	default:
		return unsupportedBody()
	}
	if err != nil {
		return err
	}
	req.Allow = s.screeningAllowed(c)
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.WorkBudget)
	defer cancel()
	sc, err := s.screenings.Screen(ctx, req)
	if err != nil {
		return err
	}
	refs, err := s.cases.RefsFor(c.Request().Context(), sc.ID, true)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/screenings/%d", sc.ID))
	return c.JSON(http.StatusCreated, struct {
		screening.Screening
		Cases []cases.Ref `json:"cases"`
	}{sc, refs})
}

func unsupportedBody() error {
	return &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-media-type", Title: "Unsupported media type",
		Detail: "send the screening as application/json or as multipart/form-data with a file part"}
}

func (s *Server) screeningJSON(c echo.Context) (screening.Request, error) {
	body, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return screening.Request{}, err
	}
	var in screeningBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return screening.Request{}, jsonProblem(err)
	}
	if dec.More() {
		return screening.Request{}, problem.BadRequest("malformed-json", "the body has data after its JSON value")
	}
	if len(in.Footprint) == 0 || string(in.Footprint) == "null" {
		return screening.Request{}, problem.Invalid("empty-footprint", "the body needs a footprint: a GeoJSON geometry, Feature or FeatureCollection",
			problem.At(-1, "footprint", "missing"))
	}
	feats, err := geoio.DecodeGeoJSON(in.Footprint, geoio.GeoJSONOptions{})
	if err != nil {
		if p, ok := problem.As(err); ok {
			for i := range p.Problems {
				p.Problems[i].Pointer = strings.TrimSuffix("footprint."+p.Problems[i].Pointer, ".")
			}
		}
		return screening.Request{}, err
	}
	return screening.Request{
		Features: feats, Doc: screening.GeoJSONDoc(in.Footprint), Pointer: "footprint", Format: "geojson",
		Activity: in.Activity, Project: in.Project, DistanceM: in.DistanceM,
	}, nil
}

// screeningFields are the form fields of a multipart screening besides "file".
var screeningFields = map[string]bool{
	"activity": true, "project_name": true, "developer": true, "status": true, "crs": true, "distance_m": true, "shape": true,
	"started_on": true,
}

func (s *Server) screeningForm(c echo.Context) (screening.Request, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxGeometryBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return screening.Request{}, problem.BadRequest("malformed-form", "the multipart body could not be read: "+err.Error())
	}
	fields := map[string]string{}
	var name string
	var data []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return screening.Request{}, formError(err, s.cfg.MaxGeometryBytes)
		}
		field := part.FormName()
		switch {
		case field == "file":
			if data != nil {
				return screening.Request{}, problem.BadRequest("malformed-form", "send one file part")
			}
			name = part.FileName()
			if data, err = io.ReadAll(part); err != nil {
				return screening.Request{}, formError(err, s.cfg.MaxGeometryBytes)
			}
			if data == nil {
				data = []byte{}
			}
		case screeningFields[field]:
			if _, dup := fields[field]; dup {
				return screening.Request{}, problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is given twice", field))
			}
			b, err := io.ReadAll(io.LimitReader(part, 4097))
			if err != nil {
				return screening.Request{}, formError(err, s.cfg.MaxGeometryBytes)
			}
			if len(b) > 4096 {
				return screening.Request{}, problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is longer than 4096 bytes", field))
			}
			fields[field] = strings.TrimSpace(string(b))
		default:
			return screening.Request{}, problem.BadRequest("unknown-field", fmt.Sprintf("unknown form field %q: use file, activity, project_name, developer, status, started_on, crs, distance_m, shape", field),
				problem.Detail{Pointer: field, Reason: "unknown field"})
		}
	}
	if data == nil {
		return screening.Request{}, problem.BadRequest("malformed-form", `the form needs a "file" part with the footprint (GeoJSON, KML, KMZ, WKT or a CSV coordinate table)`)
	}
	// Without a crs field the file may name its own (an EWKT SRID).
	var crs geoio.CRS
	if v := fields["crs"]; v != "" {
		if crs, err = geoio.ParseCRS(v); err != nil {
			return screening.Request{}, err
		}
	}
	var distance float64
	if v := fields["distance_m"]; v != "" {
		if distance, err = strconv.ParseFloat(v, 64); err != nil {
			return screening.Request{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("distance_m %q must be a number of metres", v))
		}
	}
	req, err := screening.DecodeFile(name, data, screening.FileOptions{
		CRS: crs, Shape: fields["shape"], MaxBytes: s.cfg.MaxGeometryBytes, MaxVertices: s.screenings.MaxVertices(),
	})
	if err != nil {
		return req, err
	}
	req.Activity, req.DistanceM = fields["activity"], distance
	req.Project = screening.Project{Name: fields["project_name"], Developer: fields["developer"], Status: screening.Status(fields["status"]), StartedOn: fields["started_on"]}
	return req, nil
}

func formError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problem.TooLarge(fmt.Sprintf("the request body exceeds %s, the limit for this route", humanBytes(limit)))
	}
	return problem.BadRequest("malformed-form", "the multipart body could not be read: "+err.Error())
}

// GET /api/v1/screenings[?reserve=&verdict=&activity=&status=&from=&to=&limit=&offset=]:
// {"total", "limit", "offset", "screenings": [...]}, newest first, without footprint geometry.
func (s *Server) listScreenings(c echo.Context) error {
	var f screening.Filter
	q := c.QueryParams()
	f.Reserve, f.Activity = q.Get("reserve"), q.Get("activity")
	if v := q.Get("verdict"); v != "" {
		vd, err := screening.ParseVerdict(v)
		if err != nil {
			return problem.BadRequest("invalid-parameter", err.Error())
		}
		f.Verdict = vd
	}
	if v := q.Get("status"); v != "" {
		st, err := screening.ParseStatus(v)
		if err != nil {
			return problem.BadRequest("invalid-parameter", err.Error())
		}
		f.Status = st
	}
	if err := listParams(q, &f.From, &f.To, &f.Limit, &f.Offset); err != nil {
		return err
	}
	p, err := s.screenings.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// listParams reads the query parameters every list shares: from and to (a
// date or an RFC 3339 time; to includes its whole day) and limit and offset
// (whole numbers; the store bounds them), into the filter's fields.
func listParams(q url.Values, from, to *time.Time, limit, offset *int) error {
	var err error
	if *from, err = timeParam("from", q.Get("from"), false); err != nil {
		return err
	}
	if *to, err = timeParam("to", q.Get("to"), true); err != nil {
		return err
	}
	return wholeNumbers(q, map[string]*int{"limit": limit, "offset": offset})
}

// intParam reads the query parameter name as a whole number from lo to hi
// (hi 0: no upper bound), def when it is absent; anything else is a 400
// invalid-parameter naming the parameter and the range.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err == nil && n >= lo && (hi == 0 || n <= hi) {
		return n, nil
	}
	want := fmt.Sprintf("a whole number from %d", lo)
	if hi != 0 {
		want += fmt.Sprintf(" to %d", hi)
	}
	return 0, problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be %s", name, v, want), problem.Detail{Pointer: name, Reason: want})
}

// wholeNumbers reads the query parameters named in dsts (limit, offset and
// the like) that are present as whole numbers; anything else is a 400
// invalid-parameter naming the parameter. The list handlers share it.
func wholeNumbers(q url.Values, dsts map[string]*int) error {
	for name, dst := range dsts {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be a whole number", name, v))
			}
			*dst = n
		}
	}
	return nil
}

// timeParam reads a date (YYYY-MM-DD, a UTC day; as an upper bound the whole
// day is included) or an RFC 3339 time.
func timeParam(name, v string, upper bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		if upper {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be a date YYYY-MM-DD or an RFC 3339 time", name, v))
}

func screeningID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, problem.NotFound("screening", c.Param("id"))
	}
	return id, nil
}

// GET /api/v1/screenings/{id}: the screening with its footprint geometry and findings.
func (s *Server) getScreening(c echo.Context) error {
	id, err := screeningID(c)
	if err != nil {
		return err
	}
	sc, err := s.screenings.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sc)
}

// GET /api/v1/screenings/{id}/report: the printable HTML report (print CSS, SVG map).
func (s *Server) screeningReport(c echo.Context) error {
	id, err := screeningID(c)
	if err != nil {
		return err
	}
	page, err := s.screenings.Report(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, page)
}

// GET /api/v1/rules: the rule table: verdicts, zone kinds, activities with
// their rule per zone kind, and the articles quoted, in Chinese and English.
// With reserve= or on=, the rule set in force there that day (lawRules).
func (s *Server) rules(c echo.Context) error {
	if c.QueryParam("reserve") != "" || c.QueryParam("on") != "" {
		return s.lawRules(c)
	}
	t, err := s.screenings.Rules(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}
