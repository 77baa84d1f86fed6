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

	"github.com/labstack/echo/v4"

	"warden/internal/clues"
	"warden/internal/problem"
)

func (s *Server) clueRoutes(v1 *echo.Group, write echo.MiddlewareFunc) {
	v1.POST("/clue-batches", s.uploadClueBatch, write)
	v1.GET("/clue-batches", s.listClueBatches)
	v1.GET("/clue-batches/:id", s.getClueBatch)
	v1.GET("/clues", s.listClues)
	v1.GET("/clues/:id", s.getClue)
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
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return f, problem.BadRequest("invalid-parameter", fmt.Sprintf("%s=%q must be a whole number", name, v))
			}
			*dst = n
		}
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
