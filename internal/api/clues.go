package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"warden/internal/clues"
	"warden/internal/problem"
)

func (s *Server) clueRoutes(v1 *echo.Group, write echo.MiddlewareFunc) {
	v1.POST("/clue-batches", s.uploadClueBatch, write)
	v1.GET("/clue-batches", s.listClueBatches)
	v1.GET("/clue-batches/:id", s.getClueBatch)
	v1.GET("/clues", s.listClues)
	v1.GET("/clues.xlsx", s.clueLedger)
	v1.GET("/clues/statistics", s.clueStatistics)
	v1.GET("/clues/:id", s.getClue)
	v1.POST("/clues/:id/assignment", s.assignClue, write)
	v1.POST("/clues/:id/verification", s.verifyClue, write)
}

// form is a multipart form read whole: its fields and its files.
type formData struct {
	fields map[string]string
	files  []formFile
}

type formFile struct {
	field, name string
	data        []byte
}

// readForm reads a multipart form of the named fields and file parts, each
// file at most fileLimit bytes; any other part is refused.
func readForm(c echo.Context, fields, files map[string]bool, fileLimit int64, maxFiles int) (formData, error) {
	out := formData{fields: map[string]string{}}
	r := c.Request()
	if mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err != nil || mt != "multipart/form-data" {
		return out, &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-media-type", Title: "Unsupported media type",
			Detail: "send multipart/form-data with the fields and the file parts"}
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, int64(maxFiles)*fileLimit+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return out, problem.BadRequest("malformed-form", "the multipart body could not be read: "+err.Error())
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fileFormError(err, fileLimit)
		}
		name := part.FormName()
		switch {
		case files[name]:
			if len(out.files) >= maxFiles {
				return out, problem.BadRequest("malformed-form", fmt.Sprintf("at most %d files per request", maxFiles))
			}
			var buf bytes.Buffer
			n, err := io.Copy(&buf, io.LimitReader(part, fileLimit+1))
			if err != nil {
				return out, fileFormError(err, fileLimit)
			}
			if n > fileLimit {
				return out, problem.TooLarge(fmt.Sprintf("the file %q exceeds %s, the limit for this route", part.FileName(), humanBytes(fileLimit)))
			}
			out.files = append(out.files, formFile{field: name, name: part.FileName(), data: buf.Bytes()})
		case fields[name]:
			if _, dup := out.fields[name]; dup {
				return out, problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is given twice", name))
			}
			b, err := io.ReadAll(io.LimitReader(part, 4097))
			if err != nil {
				return out, fileFormError(err, fileLimit)
			}
			if len(b) > 4096 {
				return out, problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is longer than 4096 bytes", name))
			}
			out.fields[name] = strings.TrimSpace(string(b))
		default:
			return out, problem.BadRequest("unknown-field", fmt.Sprintf("unknown form field %q", name), problem.Detail{Pointer: name, Reason: "unknown field"})
		}
	}
}

// POST /api/v1/clue-batches, multipart/form-data: file (GeoJSON, zipped
// shapefile, GeoPackage or CSV of points), source, imaged_before,
// imaged_after: 201 with the batch and its counts; 200 with the stored batch
// for a file uploaded before; 4xx problem+json saying where, nothing stored.
func (s *Server) uploadClueBatch(c echo.Context) error {
	f, err := readForm(c, map[string]bool{"source": true, "imaged_before": true, "imaged_after": true}, map[string]bool{"file": true}, s.cfg.MaxGeometryBytes, 1)
	if err != nil {
		return err
	}
	in := clues.UploadInput{Source: f.fields["source"], ImagedBefore: f.fields["imaged_before"], ImagedAfter: f.fields["imaged_after"]}
	if len(f.files) == 1 {
		in.FileName, in.Data = f.files[0].name, f.files[0].data
	}
	who, err := actor(c)
	if err != nil {
		return err
	}
	b, created, err := s.clues.Upload(c.Request().Context(), in, who)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/clue-batches/%d", b.ID))
	}
	return c.JSON(status, b)
}

// GET /api/v1/clue-batches[?reserve=]: batches, newest first, with clue counts by status.
func (s *Server) listClueBatches(c echo.Context) error {
	bs, err := s.clues.Batches(c.Request().Context(), c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, bs)
}

// GET /api/v1/clue-batches/{id}: one batch.
func (s *Server) getClueBatch(c echo.Context) error {
	id, err := pathID(c, "id", "clue batch")
	if err != nil {
		return err
	}
	b, err := s.clues.Batch(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

// clueFilter reads the clue list's query: batch, reserve, status, zone,
// assignee, overdue, limit, offset.
func clueFilter(c echo.Context) (clues.Filter, error) {
	q := c.QueryParams()
	f := clues.Filter{Reserve: q.Get("reserve"), Status: q.Get("status"), Zone: q.Get("zone"), Assignee: q.Get("assignee")}
	if err := wholeNumbers(q, map[string]*int{"limit": &f.Limit, "offset": &f.Offset}); err != nil {
		return f, err
	}
	if v := q.Get("batch"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, problem.BadRequest("invalid-parameter", fmt.Sprintf("batch=%q must be a batch id", v))
		}
		f.Batch = n
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, problem.BadRequest("invalid-parameter", fmt.Sprintf("overdue=%q must be true or false", v))
		}
		f.Overdue = b
	}
	return f, nil
}

// GET /api/v1/clues[?batch=&reserve=&status=&zone=&assignee=&overdue=&limit=&offset=]: the clue ledger.
func (s *Server) listClues(c echo.Context) error {
	f, err := clueFilter(c)
	if err != nil {
		return err
	}
	cs, err := s.clues.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cs)
}

// GET /api/v1/clues.xlsx[?batch=&reserve=&status=&zone=&assignee=&overdue=]:
// the clue ledger (问题线索台账) as an Excel workbook, with a statistics sheet.
func (s *Server) clueLedger(c echo.Context) error {
	f, err := clueFilter(c)
	if err != nil {
		return err
	}
	cs, err := s.clues.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := clues.WriteLedger(&buf, cs); err != nil {
		return err
	}
	name := "clue-ledger-" + time.Now().Format("20060102") + ".xlsx"
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// GET /api/v1/clues/statistics[?batch=&reserve=&status=&zone=]: counts and
// hectares by batch, reserve, legal zone, change type, outcome and priority.
func (s *Server) clueStatistics(c echo.Context) error {
	f, err := clueFilter(c)
	if err != nil {
		return err
	}
	cs, err := s.clues.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, clues.Stats(cs))
}

// GET /api/v1/clues/{id}: one clue with its zones, routing, verification and case.
func (s *Server) getClue(c echo.Context) error {
	id, err := pathID(c, "id", "clue")
	if err != nil {
		return err
	}
	cl, err := s.clues.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}

// clueOwner is the reserve a clue was located to ("" for one near none).
func (s *Server) clueOwner(c echo.Context) (owner, error) {
	id, err := pathID(c, "id", "clue")
	if err != nil {
		return owner{}, err
	}
	cl, err := s.clues.Get(c.Request().Context(), id)
	if err != nil {
		return owner{}, err
	}
	if cl.Reserve == nil {
		return owner{}, nil
	}
	return owner{reserve: *cl.Reserve}, nil
}

// POST /api/v1/clues/{id}/assignment, JSON {"assignee", "deadline"}: the clue
// assigned to a verifier (default: the first staff member of its grid cell)
// with a deadline (default 15 days on); 409 once verified.
func (s *Server) assignClue(c echo.Context) error {
	id, err := pathID(c, "id", "clue")
	if err != nil {
		return err
	}
	var in clues.AssignInput
	if c.Request().ContentLength != 0 {
		if err := s.decodeStrict(c, &in); err != nil {
			return err
		}
	}
	who, err := actor(c)
	if err != nil {
		return err
	}
	cl, err := s.clues.Assign(c.Request().Context(), id, in, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}

// verifyFields are the verification form's fields besides the photos.
var verifyFields = map[string]bool{"result": true, "note": true, "approval": true, "track": true, "device": true, "photo_lon": true, "photo_lat": true, "photo_taken_at": true}

// POST /api/v1/clues/{id}/verification, multipart/form-data (result, note,
// approval, track or device, up to 5 "photo" parts, and photo_lon/photo_lat/
// photo_taken_at for a first photo whose EXIF lacks them: the server reads
// every photo's EXIF itself) or JSON {"result", "note", "approval", "track",
// "device"}: the verification recorded; illegal_activity opens a case
// carrying the clue, other results close it. 409 once verified.
func (s *Server) verifyClue(c echo.Context) error {
	id, err := pathID(c, "id", "clue")
	if err != nil {
		return err
	}
	var in clues.VerifyInput
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt == echo.MIMEApplicationJSON {
		var body struct {
			Result   string `json:"result"`
			Note     string `json:"note"`
			Approval string `json:"approval"`
			Track    *int64 `json:"track"`
			Device   string `json:"device"`
		}
		if err := s.decodeStrict(c, &body); err != nil {
			return err
		}
		in = clues.VerifyInput{Result: body.Result, Note: body.Note, Approval: body.Approval, Track: body.Track, Device: body.Device}
	} else if in, err = s.verifyForm(c); err != nil {
		return err
	}
	who, err := actor(c)
	if err != nil {
		return err
	}
	cl, err := s.clues.Verify(c.Request().Context(), id, in, who)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}

func (s *Server) verifyForm(c echo.Context) (clues.VerifyInput, error) {
	f, err := readForm(c, verifyFields, map[string]bool{"photo": true}, s.cases.MaxFileBytes(), 5)
	if err != nil {
		return clues.VerifyInput{}, err
	}
	in := clues.VerifyInput{Result: f.fields["result"], Note: f.fields["note"], Approval: f.fields["approval"], Device: f.fields["device"]}
	if v := f.fields["track"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, problem.BadRequest("invalid-parameter", fmt.Sprintf("track %q must be a track id", v))
		}
		in.Track = &n
	}
	for i, file := range f.files {
		p := clues.PhotoInput{FileName: file.name, Data: file.data}
		if i == 0 {
			if p.Lon, err = floatField(f.fields, "photo_lon"); err != nil {
				return in, err
			}
			if p.Lat, err = floatField(f.fields, "photo_lat"); err != nil {
				return in, err
			}
			if v := f.fields["photo_taken_at"]; v != "" {
				t, err := time.Parse(time.RFC3339, v)
				if err != nil {
					return in, problem.BadRequest("invalid-parameter", fmt.Sprintf("photo_taken_at %q must be an RFC 3339 time with its offset", v))
				}
				p.TakenAt = &t
			}
		}
		in.Photos = append(in.Photos, p)
	}
	return in, nil
}

func floatField(fields map[string]string, name string) (*float64, error) {
	v := fields[name]
	if v == "" {
		return nil, nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, problem.BadRequest("invalid-parameter", fmt.Sprintf("%s %q must be a number", name, v))
	}
	return &x, nil
}
