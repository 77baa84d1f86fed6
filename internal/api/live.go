package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"warden/internal/live"
	"warden/internal/problem"
)

// liveRoutes are the live positions routes: the device registry, ingest
// (the OsmAnd protocol of Traccar Client and OsmAnd, a JSON batch), and the
// events with their stream.
func (s *Server) liveRoutes(e *echo.Echo, v1 *echo.Group, write echo.MiddlewareFunc) {
	e.GET("/ingest/osmand", s.ingestOsmAnd)
	e.POST("/ingest/osmand", s.ingestOsmAnd)
	v1.POST("/devices", s.createDevice, write)
	v1.GET("/devices", s.listDevices)
	v1.GET("/devices/:id", s.getDevice)
	v1.PATCH("/devices/:id", s.patchDevice, write)
	v1.DELETE("/devices/:id", s.deleteDevice, write)
	v1.POST("/devices/:id/tracks", s.deviceDayTrack, write)
	v1.GET("/devices/:id/trail", s.deviceTrail)
	v1.POST("/positions", s.postPositions, write)
	v1.GET("/events", s.listEvents)
	v1.GET("/events/stream", s.eventStream)
	v1.POST("/events/:id/acknowledge", s.acknowledgeEvent, write)
	v1.GET("/webhook-deliveries", s.listDeliveries)
}

// allowDeviceReserves refuses a user limited to some reserves a device
// outside them (or in none).
func allowDeviceReserves(c echo.Context, reserves []string) error {
	p := principalOf(c)
	if p == nil || p.AllReserves {
		return nil
	}
	if len(reserves) == 0 {
		return forbidden(fmt.Sprintf("%s may act only in %s: give the device one of them in reserves", p.Name, reserveList(p)))
	}
	for _, r := range reserves {
		if !p.InReserve(r) {
			return forbidden(fmt.Sprintf("%s may act only in %s; this device works in reserve %s", p.Name, reserveList(p), r))
		}
	}
	c.Set(reserveKey, reserves[0])
	return nil
}

// deviceOwner is a device's first reserve the caller may act in, else its
// first reserve.
func (s *Server) deviceOwner(c echo.Context) (owner, error) {
	d, err := s.live.Device(c.Request().Context(), c.Param("id"))
	if err != nil {
		return owner{}, err
	}
	p := principalOf(c)
	for _, r := range d.Reserves {
		if p != nil && p.InReserve(r) {
			return owner{reserve: r}, nil
		}
	}
	if len(d.Reserves) > 0 {
		return owner{reserve: d.Reserves[0]}, nil
	}
	return owner{}, nil
}

func (s *Server) eventOwner(c echo.Context) (owner, error) {
	id, err := pathID(c, "id", "event")
	if err != nil {
		return owner{}, err
	}
	e, err := s.live.Event(c.Request().Context(), id)
	if err != nil {
		return owner{}, err
	}
	p := principalOf(c)
	for _, r := range e.Reserves {
		if p != nil && p.InReserve(r) {
			return owner{reserve: r}, nil
		}
	}
	if len(e.Reserves) > 0 {
		return owner{reserve: e.Reserves[0]}, nil
	}
	return owner{}, nil
}

// POST /api/v1/devices, body {"id", "kind" (phone|vehicle_logger|collar|satellite_messenger),
// "name", "subject", "subject_kind", "reserves": [...], "expected_interval_s"}: 201 with the
// device and its ingest "token", shown only this once; 409 if the id is taken.
func (s *Server) createDevice(c echo.Context) error {
	var in live.DeviceInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	if err := allowDeviceReserves(c, in.Reserves); err != nil {
		return err
	}
	d, err := s.live.CreateDevice(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/devices/"+d.ID)
	return c.JSON(http.StatusCreated, d)
}

// GET /api/v1/devices[?reserve=]: the devices with their last position.
func (s *Server) listDevices(c echo.Context) error {
	ds, err := s.live.Devices(c.Request().Context(), c.QueryParam("reserve"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"devices": ds})
}

// GET /api/v1/devices/{id}: one device.
func (s *Server) getDevice(c echo.Context) error {
	d, err := s.live.Device(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// PATCH /api/v1/devices/{id}, body: the fields to change, and "rotate_token": true for a
// new token (returned once; the old one stops working).
func (s *Server) patchDevice(c echo.Context) error {
	var in live.DeviceInput
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	if in.Reserves != nil {
		if err := allowDeviceReserves(c, in.Reserves); err != nil {
			return err
		}
	}
	d, err := s.live.UpdateDevice(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// DELETE /api/v1/devices/{id}: 204; its token stops working. Its fixes and
// events stay for audit until retention drops them.
func (s *Server) deleteDevice(c echo.Context) error {
	if err := s.live.DeleteDevice(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// POST /api/v1/devices/{id}/tracks?day=YYYY-MM-DD: the device's fixes of that local day
// (its first reserve's time zone) become a patrol track, with the same cleaning, visits,
// findings and coverage as an uploaded file: 201 with the track, 200 with the one made
// before from the same fixes; 422 no-fixes when the day has fewer than two.
func (s *Server) deviceDayTrack(c echo.Context) error {
	ctx := c.Request().Context()
	in, file, err := s.live.DayFile(ctx, c.Param("id"), c.QueryParam("day"))
	if err != nil {
		return err
	}
	in.Allow = func(reserves []string) error { return allowDeviceReserves(c, reserves) }
	up, err := s.tracks.Read(in, bytes.NewReader(file))
	if err != nil {
		return err
	}
	t, created, err := s.tracks.Save(ctx, up)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, t.Links.Self)
	if created {
		return c.JSON(http.StatusCreated, t)
	}
	return c.JSON(http.StatusOK, t)
}

// GET /api/v1/devices/{id}/trail[?hours=6]: where the device has been in the last hours
// (1 to 48): a GeoJSON Feature whose LineString is its accepted fixes in time order
// (geometry null with fewer than two) and whose properties carry the device, the hours and
// the fixes' times, index by index.
func (s *Server) deviceTrail(c echo.Context) error {
	hours, err := intParam(c.QueryParams(), "hours", 6, 1, live.MaxTrailHours)
	if err != nil {
		return err
	}
	tr, err := s.live.Trail(c.Request().Context(), c.Param("id"), hours)
	if err != nil {
		return err
	}
	var geom any
	if len(tr.Coordinates) >= 2 {
		geom = map[string]any{"type": "LineString", "coordinates": tr.Coordinates}
	}
	return c.JSON(http.StatusOK, map[string]any{"type": "Feature", "id": tr.Device, "geometry": geom,
		"properties": map[string]any{"device": tr.Device, "hours": tr.Hours, "points": len(tr.Times), "times": tr.Times}})
}

// GET or POST /ingest/osmand?id=&lat=&lon=&timestamp=&speed=&bearing=&altitude=&accuracy=&batt=&key=:
// one fix in the OsmAnd protocol of Traccar Client and OsmAnd (a POST may carry the
// parameters as a form, or Traccar Client's JSON). The device's token is key (or
// Authorization: Bearer). 200 with what became of the fix, refused ones too (so the app
// does not send them again); 400 for a malformed fix, 401 for a wrong token, 404 for an
// unknown device, nothing stored.
func (s *Server) ingestOsmAnd(c echo.Context) error {
	r := c.Request()
	q := r.URL.Query()
	var f live.Fix
	var key string
	var err error
	mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	switch {
	case r.Method == http.MethodPost && mt == echo.MIMEApplicationJSON:
		b, err := readBody(c, s.cfg.MaxBodyBytes)
		if err != nil {
			return err
		}
		if f, err = live.DecodeTraccarJSON(b); err != nil {
			return err
		}
		key = q.Get("key")
	case r.Method == http.MethodPost && mt == echo.MIMEApplicationForm:
		b, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxBodyBytes))
		if err != nil {
			return problem.BadRequest("unreadable-body", "the form could not be read: "+err.Error())
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return problem.BadRequest("malformed-form", "the form could not be read: "+err.Error())
		}
		for k, v := range q {
			if form.Get(k) == "" {
				form[k] = v
			}
		}
		q = form
		fallthrough
	default:
		if f, key, err = live.DecodeOsmAnd(q); err != nil {
			return err
		}
	}
	if h := r.Header.Get(echo.HeaderAuthorization); key == "" && strings.HasPrefix(h, "Bearer ") {
		key = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if key == "" {
		return &problem.Error{Status: http.StatusUnauthorized, Type: "invalid-device-token", Title: "Invalid device token",
			Detail: "the device's token is missing: add key=<token> to the URL the app sends to"}
	}
	res, err := s.live.Ingest(r.Context(), live.Ingest{Protocol: "osmand", Token: &key, Fixes: []live.Fix{f}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res[0])
}

// POST /api/v1/positions, body {"fixes": [{"device", "time", "lon", "lat", "altitude",
// "speed" (m/s), "bearing", "accuracy", "battery", "sos"}, ...]}: a gateway's batch, for
// devices in the caller's reserves. 200 with {"results": [...]} in the order sent, saying
// what became of each fix; 400 for a malformed fix (named) and 404 for an unknown device,
// nothing stored.
func (s *Server) postPositions(c echo.Context) error {
	b, err := readBody(c, s.cfg.MaxGeometryBytes)
	if err != nil {
		return err
	}
	fixes, err := live.DecodeBatch(b)
	if err != nil {
		return err
	}
	res, err := s.live.Ingest(c.Request().Context(), live.Ingest{Protocol: "json", Fixes: fixes,
		Allow: func(d live.Device) error { return allowDeviceReserves(c, d.Reserves) }})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"results": res})
}

// eventFilter reads the events' query: reserve, device, alerts, open.
func eventFilter(c echo.Context) (live.EventFilter, error) {
	q := c.QueryParams()
	f := live.EventFilter{Device: q.Get("device"), AlertsOnly: q.Get("alerts") == "true", Open: q.Get("open") == "true"}
	if r := q.Get("reserve"); r != "" {
		f.Reserves = []string{r}
	}
	var err error
	f.Limit, err = intParam(q, "limit", 0, 1, 1000)
	return f, err
}

// GET /api/v1/events[?reserve=&device=&alerts=true&open=true&limit=]: stored events and
// alerts, newest first.
func (s *Server) listEvents(c echo.Context) error {
	f, err := eventFilter(c)
	if err != nil {
		return err
	}
	es, err := s.live.Events(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"events": es})
}

// GET /api/v1/events/stream[?reserve=&alerts=true&max_seconds=]: server-sent events, one
// `event: live` message per event (data: the event as JSON, id: its id) in the caller's
// reserves, as they happen; a client reconnecting with Last-Event-ID first gets what it
// missed. max_seconds ends the stream after that long.
func (s *Server) eventStream(c echo.Context) error {
	f, err := eventFilter(c)
	if err != nil {
		return err
	}
	var maxDur time.Duration
	if v := c.QueryParam("max_seconds"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x <= 0 {
			return problem.BadRequest("invalid-parameter", "max_seconds must be a number of seconds above 0", problem.Detail{Pointer: "max_seconds", Reason: "above 0"})
		}
		maxDur = time.Duration(x * float64(time.Second))
	}
	want := func(e live.Event) bool {
		if f.AlertsOnly && !e.Alert && e.Kind != "acknowledged" {
			return false
		}
		if f.Reserves == nil {
			return true
		}
		for _, r := range e.Reserves {
			if r == f.Reserves[0] {
				return true
			}
		}
		return false
	}
	sub := s.live.Hub().Subscribe(want)
	defer sub.Close()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set(echo.HeaderCacheControl, "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(e live.Event) error {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "id: %d\nevent: live\ndata: %s\n\n", e.ID, b)
		return err
	}
	if last, err := strconv.ParseInt(c.Request().Header.Get("Last-Event-ID"), 10, 64); err == nil && last > 0 {
		f.AfterID, f.Limit = last, 1000
		missed, err := s.live.Events(c.Request().Context(), f)
		if err != nil {
			return err
		}
		for _, e := range missed {
			if err := send(e); err != nil {
				return nil
			}
		}
	}
	fmt.Fprint(w, ": connected\n\n")
	w.Flush()
	var end <-chan time.Time
	if maxDur > 0 {
		t := time.NewTimer(maxDur)
		defer t.Stop()
		end = t.C
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-end:
			return nil
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case <-sub.Done(): // events may have been missed: the client reconnects with Last-Event-ID
			return nil
		case e := <-sub.C:
			if err := send(e); err != nil {
				return nil
			}
		}
		w.Flush()
	}
}

// POST /api/v1/events/{id}/acknowledge: marks an alert as seen by the caller (the first
// acknowledgement stays); 200 with the event.
func (s *Server) acknowledgeEvent(c echo.Context) error {
	id, err := pathID(c, "id", "event")
	if err != nil {
		return err
	}
	e, err := s.live.Acknowledge(c.Request().Context(), id, principalOf(c).Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

// GET /api/v1/webhook-deliveries[?status=pending|delivered|dead]: live event webhook
// deliveries, newest first; status=dead is the dead-letter list.
func (s *Server) listDeliveries(c echo.Context) error {
	st := c.QueryParam("status")
	if st != "" && st != "pending" && st != "delivered" && st != "dead" {
		return problem.BadRequest("invalid-parameter", "status must be pending, delivered or dead", problem.Detail{Pointer: "status", Reason: "pending, delivered or dead"})
	}
	ds, err := s.live.Deliveries(c.Request().Context(), st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deliveries": ds})
}
