package api

import (
	"context"
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
	"warden/internal/patrol"
	"warden/internal/problem"
)

// Who may upload and read tracks and permits is in accessRules
// (internal/api/auth.go); uploads check their reserve and subject with
// authorizeUpload once the form fields are read.
func (s *Server) patrolRoutes(v1 *echo.Group, write echo.MiddlewareFunc) {
	v1.POST("/tracks", s.createTrack, write)
	v1.GET("/tracks", s.listTracks)
	v1.GET("/tracks/:id", s.getTrack)
	v1.GET("/tracks/:id/gpx", s.trackGPX)
	v1.GET("/tracks/:id/visits", s.trackVisits)
	v1.POST("/permits", s.createPermit, write)
	v1.GET("/permits/:id", s.getPermit)
}

// trackFields are the form fields of a track upload besides "file".
var trackFields = map[string]bool{
	"reserve": true, "subject": true, "subject_kind": true, "permit": true, "timezone": true, "coords": true, "max_speed_kmh": true,
}

// POST /api/v1/tracks, multipart/form-data: the fields reserve, subject, subject_kind
// (patrol|research_permit|visitor|vehicle|unknown), permit, timezone, coords (wgs84|gcj02),
// max_speed_kmh, then a "file" part (GPX, KML, KMZ, TCX, GeoJSON, CSV, gzip): 201 with the
// track and its analysis, 200 with the stored one for a file uploaded before;
// 400/413/415/422 with nothing stored. The file is decoded as it streams in.
func (s *Server) createTrack(c echo.Context) error {
	r := c.Request()
	if mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err != nil || mt != "multipart/form-data" {
		return &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-media-type", Title: "Unsupported media type",
			Detail: `send the track as multipart/form-data: the fields first, then the file in a "file" part`}
	}
	limit := s.tracks.MaxBytes() + 1<<20 // the file and the form around it
	r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return problem.BadRequest("malformed-form", "the multipart body could not be read: "+err.Error())
	}
	fields := map[string]string{}
	var up *patrol.Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return formError(err, limit)
		}
		field := part.FormName()
		switch {
		case field == "file":
			if up != nil {
				return problem.BadRequest("malformed-form", "send one file part")
			}
			in, err := trackInput(fields, part.FileName())
			if err != nil {
				return err
			}
			if err := s.authorizeUpload(c, &in); err != nil {
				return err
			}
			release, err := s.decodeSlot(c)
			if err != nil {
				return err
			}
			defer release()
			if up, err = s.tracks.Read(in, formReader{part, limit}); err != nil {
				return err
			}
			defer up.Close()
		case trackFields[field]:
			if up != nil {
				return problem.BadRequest("malformed-form", fmt.Sprintf("form field %q comes after the file: send the fields first, the file last", field),
					problem.Detail{Pointer: field, Reason: "after the file"})
			}
			if _, dup := fields[field]; dup {
				return problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is given twice", field))
			}
			b, err := io.ReadAll(io.LimitReader(part, 4097))
			if err != nil {
				return formError(err, limit)
			}
			if len(b) > 4096 {
				return problem.BadRequest("malformed-form", fmt.Sprintf("form field %q is longer than 4096 bytes", field))
			}
			fields[field] = strings.TrimSpace(string(b))
		default:
			return problem.BadRequest("unknown-field", fmt.Sprintf("unknown form field %q: use file, reserve, subject, subject_kind, permit, timezone, coords, max_speed_kmh", field),
				problem.Detail{Pointer: field, Reason: "unknown field"})
		}
	}
	if up == nil {
		return problem.BadRequest("malformed-form", `the form needs a "file" part with the track (GPX, KML, KMZ, TCX, GeoJSON or CSV)`)
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.WorkBudget)
	defer cancel()
	t, created, err := s.tracks.Save(ctx, up)
	if err != nil {
		return err
	}
	refs, err := s.cases.RefsFor(r.Context(), t.ID, false)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, t.Links.Self)
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return c.JSON(status, struct {
		patrol.Track
		Cases []cases.Ref `json:"cases"`
	}{t, refs})
}

// decodeSlot takes one of the MaxTrackDecodes slots for the rest of the
// upload (its fixes are held until they are stored), or refuses with 429:
// the memory of track uploads grows with the slots, not with the clients.
func (s *Server) decodeSlot(c echo.Context) (func(), error) {
	select {
	case s.decodes <- struct{}{}:
		return func() { <-s.decodes }, nil
	default:
		c.Response().Header().Set("Retry-After", "5")
		return nil, tooMany(fmt.Sprintf("%d track uploads are being decoded at once, the most this service takes", cap(s.decodes)), 5*time.Second)
	}
}

// formReader reads a form part, turning a failure of the body under it (cut
// short, too large) into a problem.
type formReader struct {
	r     io.Reader
	limit int64
}

func (f formReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		err = formError(err, f.limit)
	}
	return n, err
}

// trackInput reads the form fields of an upload.
func trackInput(f map[string]string, name string) (patrol.Input, error) {
	in := patrol.Input{FileName: name, Reserve: f["reserve"], Subject: f["subject"], SubjectKind: patrol.SubjectKind(f["subject_kind"]),
		Timezone: f["timezone"], Coords: f["coords"]}
	if v := f["permit"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return in, problem.BadRequest("invalid-parameter", fmt.Sprintf("permit %q must be a permit id", v), problem.Detail{Pointer: "permit", Reason: "not an id"})
		}
		in.Permit = id
	}
	if v := f["max_speed_kmh"]; v != "" {
		kmh, err := strconv.ParseFloat(v, 64)
		if err != nil || kmh <= 0 {
			return in, problem.BadRequest("invalid-parameter", fmt.Sprintf("max_speed_kmh %q must be a speed in km/h above 0", v), problem.Detail{Pointer: "max_speed_kmh", Reason: "not a speed"})
		}
		in.MaxSpeedKmh = kmh
	}
	return in, nil
}

// GET /api/v1/tracks[?reserve=&subject=&from=&to=&limit=&offset=]: {"total", "limit",
// "offset", "tracks": [...]}, most recently recorded first, without visits, observations
// and findings (GET one to have them).
func (s *Server) listTracks(c echo.Context) error {
	q := c.QueryParams()
	f := patrol.Filter{Reserve: q.Get("reserve"), Subject: q.Get("subject")}
	if err := listParams(q, &f.From, &f.To, &f.Limit, &f.Offset); err != nil {
		return err
	}
	p, err := s.tracks.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func trackID(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, problem.NotFound("track", v)
	}
	return id, nil
}

// GET /api/v1/tracks/{id}: the track with its analysis; /api/v1/tracks/{id}.gpx: the
// track as GPX 1.1 (as GET /api/v1/tracks/{id}/gpx); /api/v1/tracks/{id}.kml: as KML
// with a gx:Track per segment.
func (s *Server) getTrack(c echo.Context) error {
	if v, ok := strings.CutSuffix(c.Param("id"), ".gpx"); ok {
		return s.writeGPX(c, v)
	}
	if v, ok := strings.CutSuffix(c.Param("id"), ".kml"); ok {
		return s.writeKML(c, v)
	}
	id, err := trackID(c.Param("id"))
	if err != nil {
		return err
	}
	t, err := s.tracks.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// GET /api/v1/tracks/{id}/gpx: the stored track as GPX 1.1, with times and elevations,
// and its observations as waypoints.
func (s *Server) trackGPX(c echo.Context) error { return s.writeGPX(c, c.Param("id")) }

func (s *Server) writeGPX(c echo.Context, v string) error {
	id, err := trackID(v)
	if err != nil {
		return err
	}
	// Buffered so that a failure is still a problem document, not a cut file.
	var b strings.Builder
	if err := s.tracks.WriteGPX(c.Request().Context(), id, &b); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="track-%d.gpx"`, id))
	return c.Blob(http.StatusOK, "application/gpx+xml", []byte(b.String()))
}

func (s *Server) writeKML(c echo.Context, v string) error {
	id, err := trackID(v)
	if err != nil {
		return err
	}
	var b strings.Builder // buffered, as writeGPX
	if err := s.tracks.WriteKML(c.Request().Context(), id, &b); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="track-%d.kml"`, id))
	return c.Blob(http.StatusOK, exportFormats["kml"], []byte(b.String()))
}

// GET /api/v1/tracks/{id}/visits: the track's zone visits in order along the track.
func (s *Server) trackVisits(c echo.Context) error {
	id, err := trackID(c.Param("id"))
	if err != nil {
		return err
	}
	vs, err := s.tracks.Visits(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"track": id, "visits": vs})
}

// POST /api/v1/permits, body {"subject", "reserve", "zone_kinds", "valid_from", "valid_to",
// "timezone", "approval", "note"}: 201 with the permit; 400/422 with nothing stored.
func (s *Server) createPermit(c echo.Context) error {
	var in patrol.PermitInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	p, err := s.tracks.CreatePermit(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/permits/%d", p.ID))
	return c.JSON(http.StatusCreated, p)
}

// GET /api/v1/permits/{id}: one permit.
func (s *Server) getPermit(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return problem.NotFound("permit", c.Param("id"))
	}
	p, err := s.tracks.Permit(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
