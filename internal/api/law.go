package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"warden/internal/law"
	"warden/internal/problem"
)

// GET /api/v1/law/instruments: every stored instrument (title, issuer,
// dates, replaced_by, number of articles), official texts first.
func (s *Server) listInstruments(c echo.Context) error {
	list, err := s.law.Instruments(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

// GET /api/v1/law/instruments/{code}: one instrument with its articles,
// paragraphs and items as stored (the authentic text).
func (s *Server) getInstrument(c echo.Context) error {
	in, err := s.law.Instrument(c.Request().Context(), c.Param("code"))
	if errors.Is(err, law.ErrNotFound) {
		return problem.NotFound("instrument", c.Param("code"))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}

// lawRules answers GET /api/v1/rules?reserve=CODE&on=YYYY-MM-DD: the rule
// set in force there on that day (today in China if on is absent), with the
// reserve's zoning of that day converted to the rule set's scheme.
func (s *Server) lawRules(c echo.Context) error {
	on := law.Today()
	if q := c.QueryParam("on"); q != "" {
		d, err := law.ParseDate(q)
		if err != nil {
			return problem.BadRequest("invalid-parameter", "on: "+err.Error(), problem.Detail{Pointer: "on", Reason: err.Error()})
		}
		on = d
	}
	reserve := c.QueryParam("reserve")
	v, err := s.law.RulesOn(c.Request().Context(), reserve, on)
	var nr *law.NoRuleSetError
	switch {
	case errors.Is(err, law.ErrNotFound):
		return problem.NotFound("reserve", reserve)
	case errors.As(err, &nr):
		return problem.Invalid("no-rule-set", err.Error(), problem.Detail{Pointer: "on", Reason: err.Error()})
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// POST /api/v1/rulesets[?reserve=CODE]: import an agency's own rule set
// (the JSON format of internal/law/rulesets, README "Rule sets", or with
// Content-Type text/csv its CSV form, law.CSVColumns), with the texts it
// cites, and choose it for the reserve: all or nothing, each fault a 422
// naming its JSON pointer (and for CSV its line and column). 201 with the
// rule set's summary.
func (s *Server) importRuleSet(c echo.Context) error {
	var rs law.RuleSet
	var src *law.CSVSource
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt == "text/csv" {
		b, err := readBody(c, s.cfg.MaxBodyBytes)
		if err != nil {
			return err
		}
		if rs, src, err = law.DecodeRuleSetDocument(b, true); err != nil {
			return err
		}
	} else if err := s.decodeStrict(c, &rs); err != nil {
		return err
	}
	reserve := c.QueryParam("reserve")
	issues, err := s.law.Import(c.Request().Context(), rs, reserve)
	if errors.Is(err, law.ErrNotFound) {
		return problem.NotFound("reserve", reserve)
	}
	if err != nil {
		return err
	}
	if len(issues) > 0 {
		return law.IssuesProblem(issues, src)
	}
	return c.JSON(http.StatusCreated, map[string]any{"code": rs.Code, "family": rs.Family, "reserve": reserve,
		"in_force_from": rs.InForceFrom, "in_force_until": rs.InForceUntil, "zone_scheme": rs.ZoneScheme})
}

// GET /rules: the rule table page (规则表) of a reserve on a day, printable,
// in Chinese or English. 503 if the pages were not built.
func (s *Server) rulesPage(c echo.Context) error { return s.sendFile(c, "rules.html") }
