package law

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"warden/internal/problem"
	"warden/internal/zoning"
)

// CSVColumns are the columns of the CSV form of a rule set, in any order
// after a header row that names them (all but record optional). Each row is
// a record:
//
//	set         key = code, family, title_zh, title_en, jurisdiction, instrument,
//	            zone_scheme, in_force_from, in_force_until, currency, note_zh or
//	            note_en; value = its value
//	penalty     key = the penalty's code; basis = the article it cites; value =
//	            ranges, circumstance:min-max joined by ";" (activity:0-50000)
//	default     zone, verdict, basis, penalty, … : the zone kind's default rule
//	rule        zone, activities (joined by ";"), verdict, basis, penalty, …
//	everywhere  as rule, for every zone (no zone)
//	instrument  key = CODE.field (field: lang, title_zh, title_en, short_zh,
//	            short_en, issuer, in_force_from); value = its value: an own text
//	article     key = CODE/NUMBER; value = the article's text, one paragraph a line
//
// A basis is citations joined by ";", each [INSTRUMENT:]ARTICLE[/PARAGRAPH[/ITEM]]
// (26/1/2, mypark-act:1/2); without an instrument it cites the rule set's own.
var CSVColumns = []string{"record", "zone", "activities", "verdict", "basis", "penalty", "resident_penalty",
	"approval_by_zh", "approval_by_en", "condition_zh", "condition_en", "key", "value"}

// CSVError is a fault in a CSV rule set at a line (1-based, the header is
// line 1) and column (1-based; 0 for the whole row).
type CSVError struct {
	Line   int
	Column int
	Name   string // the column's header name, if known
	Detail string
}

func (e *CSVError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("line %d, column %d (%s): %s", e.Line, e.Column, e.Name, e.Detail)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Detail)
}

// CSVSource remembers where in a CSV file each part of the decoded rule set
// came from, to place validation issues (JSON pointers) at a line and
// column.
type CSVSource struct {
	cols  map[string]int // header name → 1-based column
	lines map[string]int // JSON pointer of a part → line
}

// Locate places a JSON pointer of the decoded rule set at the line and
// column it came from: the longest pointer prefix with a line, and the
// column named by the next segment (basis, verdict, …; value for set keys).
func (s *CSVSource) Locate(pointer string) (line, column int, name string) {
	p := pointer
	for {
		if l, ok := s.lines[p]; ok {
			line = l
			break
		}
		i := strings.LastIndex(p, "/")
		if i <= 0 {
			return 0, 0, ""
		}
		p = p[:i]
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(pointer, p), "/")
	name, _, _ = strings.Cut(rest, "/")
	switch name {
	case "cite":
		name = "basis"
	case "ranges":
		name = "value"
	case "condition_basis":
		name = "basis"
	}
	if _, ok := s.cols[name]; !ok {
		name = "value"
		if _, ok := s.cols["value"]; !ok {
			return line, 0, ""
		}
	}
	return line, s.cols[name], name
}

// csvRow is one record with its line and the header's columns.
type csvRow struct {
	line  int
	cells []string
	src   *CSVSource
}

func (r csvRow) get(name string) string {
	if c, ok := r.src.cols[name]; ok && c-1 < len(r.cells) {
		return strings.TrimSpace(r.cells[c-1])
	}
	return ""
}

func (r csvRow) fail(name, f string, a ...any) *CSVError {
	return &CSVError{Line: r.line, Column: r.src.cols[name], Name: name, Detail: fmt.Sprintf(f, a...)}
}

// DecodeRuleSetCSV reads the CSV form of a rule set (CSVColumns), UTF-8 with
// or without a byte-order mark. The first fault is a *CSVError; a decoded
// rule set still goes through Validate, whose issues CSVSource.Locate places.
func DecodeRuleSetCSV(b []byte) (RuleSet, *CSVSource, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return RuleSet{}, nil, csvReadError(err, "the header row naming the columns ("+strings.Join(CSVColumns, ", ")+")")
	}
	src := &CSVSource{cols: map[string]int{}, lines: map[string]int{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !contains(CSVColumns, h) {
			return RuleSet{}, nil, &CSVError{Line: 1, Column: i + 1, Name: h, Detail: fmt.Sprintf("unknown column %q (known: %s)", h, strings.Join(CSVColumns, ", "))}
		}
		if _, dup := src.cols[h]; dup {
			return RuleSet{}, nil, &CSVError{Line: 1, Column: i + 1, Name: h, Detail: fmt.Sprintf("column %q twice", h)}
		}
		src.cols[h] = i + 1
	}
	if _, ok := src.cols["record"]; !ok {
		return RuleSet{}, nil, &CSVError{Line: 1, Detail: "the header has no record column"}
	}
	d := csvDecoder{src: src, zones: map[zoning.Kind]int{}, own: map[string]int{}}
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return RuleSet{}, nil, csvReadError(err, "")
		}
		line, _ := r.FieldPos(0)
		row := csvRow{line: line, cells: cells, src: src}
		if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
			continue // a blank line
		}
		if len(cells) > len(header) {
			return RuleSet{}, nil, &CSVError{Line: line, Column: len(header) + 1, Detail: fmt.Sprintf("%d cells, the header names %d columns", len(cells), len(header))}
		}
		if err := d.record(row); err != nil {
			return RuleSet{}, nil, err
		}
	}
	if d.rs.Code == "" && len(d.rs.Zones) == 0 {
		return RuleSet{}, nil, &CSVError{Line: 1, Detail: "no records: a rule set needs set rows (code, family, …) and rules"}
	}
	return d.rs, src, nil
}

func csvReadError(err error, want string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.Line, Column: pe.Column, Detail: pe.Err.Error()}
	}
	if want != "" {
		return &CSVError{Line: 1, Detail: "expected " + want}
	}
	return &CSVError{Line: 1, Detail: err.Error()}
}

// csvDecoder builds a rule set from records.
type csvDecoder struct {
	rs    RuleSet
	src   *CSVSource
	zones map[zoning.Kind]int // zone kind → index in rs.Zones
	own   map[string]int      // own instrument code → index in rs.Instruments
}

func (d *csvDecoder) record(row csvRow) error {
	switch rec := strings.ToLower(row.get("record")); rec {
	case "set":
		return d.set(row)
	case "penalty":
		return d.penalty(row)
	case "default", "rule", "everywhere":
		return d.rule(row, rec)
	case "instrument":
		return d.instrument(row)
	case "article":
		return d.article(row)
	default:
		return row.fail("record", "record %q must be set, penalty, default, rule, everywhere, instrument or article", rec)
	}
}

func (d *csvDecoder) set(row csvRow) error {
	key, v := row.get("key"), row.get("value")
	rs := &d.rs
	var dst *string
	switch key {
	case "code":
		dst = &rs.Code
	case "family":
		dst = &rs.Family
	case "title_zh":
		dst = &rs.TitleZH
	case "title_en":
		dst = &rs.TitleEN
	case "jurisdiction":
		dst = &rs.Jurisdiction
	case "instrument":
		dst = &rs.Instrument
	case "currency":
		dst = &rs.Currency
	case "note_zh":
		dst = &rs.NoteZH
	case "note_en":
		dst = &rs.NoteEN
	case "zone_scheme":
		rs.ZoneScheme = zoning.Scheme(v)
	case "in_force_from", "in_force_until":
		day, err := ParseDate(v)
		if err != nil {
			return row.fail("value", "%s: %v", key, err)
		}
		if key == "in_force_from" {
			rs.InForceFrom = day
		} else {
			rs.InForceUntil = &day
		}
	default:
		return row.fail("key", "set key %q must be code, family, title_zh, title_en, jurisdiction, instrument, zone_scheme, in_force_from, in_force_until, currency, note_zh or note_en", key)
	}
	if dst != nil {
		*dst = v
	}
	d.src.lines["/"+key] = row.line
	return nil
}

func (d *csvDecoder) penalty(row csvRow) error {
	p := PenaltyRule{Code: row.get("key")}
	if p.Code == "" {
		return row.fail("key", "a penalty row names its code in key")
	}
	cites, err := parseCites(row.get("basis"))
	if err != nil || len(cites) != 1 {
		return row.fail("basis", "a penalty cites one article, [INSTRUMENT:]ARTICLE[/PARAGRAPH[/ITEM]]: %q", row.get("basis"))
	}
	p.Cite = cites[0]
	for _, part := range splitList(row.get("value")) {
		circ, span, ok := strings.Cut(part, ":")
		lo, hi, ok2 := strings.Cut(span, "-")
		min, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		max, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		if !ok || !ok2 || err1 != nil || err2 != nil {
			return row.fail("value", "range %q must be circumstance:min-max, e.g. activity:0-50000", part)
		}
		p.Ranges = append(p.Ranges, Range{Circumstance: strings.TrimSpace(circ), Min: min, Max: max})
	}
	d.src.lines[fmt.Sprintf("/penalties/%d", len(d.rs.Penalties))] = row.line
	d.rs.Penalties = append(d.rs.Penalties, p)
	return nil
}

func (d *csvDecoder) rule(row csvRow, rec string) error {
	r := Rule{Verdict: Verdict(row.get("verdict")), Penalty: row.get("penalty"), ResidentPenalty: row.get("resident_penalty"),
		ApprovalByZH: row.get("approval_by_zh"), ApprovalByEN: row.get("approval_by_en"),
		ConditionZH: row.get("condition_zh"), ConditionEN: row.get("condition_en")}
	var err error
	if r.Basis, err = parseCites(row.get("basis")); err != nil {
		return row.fail("basis", "%v", err)
	}
	if rec != "default" {
		r.Activities = splitList(row.get("activities"))
		if len(r.Activities) == 0 {
			return row.fail("activities", "a %s row names its activities, joined by ;", rec)
		}
	} else if row.get("activities") != "" {
		return row.fail("activities", "a default row applies to every activity no rule names: leave activities empty")
	}
	if rec == "everywhere" {
		if row.get("zone") != "" {
			return row.fail("zone", "an everywhere row applies in every zone: leave zone empty")
		}
		d.src.lines[fmt.Sprintf("/everywhere/%d", len(d.rs.Everywhere))] = row.line
		d.rs.Everywhere = append(d.rs.Everywhere, r)
		return nil
	}
	k, err := zoning.ParseKind(row.get("zone"))
	if err != nil {
		return row.fail("zone", "%v", err)
	}
	zi, ok := d.zones[k]
	if !ok {
		zi = len(d.rs.Zones)
		d.zones[k] = zi
		d.rs.Zones = append(d.rs.Zones, ZoneRules{Kind: k})
		d.src.lines[fmt.Sprintf("/zones/%d", zi)] = row.line
	}
	z := &d.rs.Zones[zi]
	if rec == "default" {
		if z.Default.Verdict != "" {
			return row.fail("zone", "a second default row for zone %s", k)
		}
		z.Default = r
		d.src.lines[fmt.Sprintf("/zones/%d/default", zi)] = row.line
		return nil
	}
	d.src.lines[fmt.Sprintf("/zones/%d/rules/%d", zi, len(z.Rules))] = row.line
	z.Rules = append(z.Rules, r)
	return nil
}

func (d *csvDecoder) ownInstrument(code string, line int) *OwnInstrument {
	i, ok := d.own[code]
	if !ok {
		i = len(d.rs.Instruments)
		d.own[code] = i
		d.rs.Instruments = append(d.rs.Instruments, OwnInstrument{Instrument: Instrument{Code: code}})
		d.src.lines[fmt.Sprintf("/instruments/%d", i)] = line
	}
	return &d.rs.Instruments[i]
}

func (d *csvDecoder) instrument(row csvRow) error {
	code, field, ok := strings.Cut(row.get("key"), ".")
	if !ok || code == "" {
		return row.fail("key", "an instrument row's key is CODE.field (mypark-act.title_en), not %q", row.get("key"))
	}
	in := d.ownInstrument(code, row.line)
	v := row.get("value")
	switch field {
	case "lang":
		in.Language = v
	case "title_zh":
		in.TitleZH = v
	case "title_en":
		in.TitleEN = v
	case "short_zh":
		in.ShortZH = v
	case "short_en":
		in.ShortEN = v
	case "issuer":
		in.Issuer = v
	case "in_force_from":
		day, err := ParseDate(v)
		if err != nil {
			return row.fail("value", "%s: %v", row.get("key"), err)
		}
		in.InForceFrom = day
	default:
		return row.fail("key", "instrument field %q must be lang, title_zh, title_en, short_zh, short_en, issuer or in_force_from", field)
	}
	return nil
}

func (d *csvDecoder) article(row csvRow) error {
	code, num, ok := strings.Cut(row.get("key"), "/")
	n, err := strconv.Atoi(num)
	if !ok || code == "" || err != nil || n <= 0 {
		return row.fail("key", "an article row's key is CODE/NUMBER (mypark-act/1), not %q", row.get("key"))
	}
	in := d.ownInstrument(code, row.line)
	d.src.lines[fmt.Sprintf("/instruments/%d/articles/%d", d.own[code], len(in.Articles))] = row.line
	in.Articles = append(in.Articles, OwnArticle{Number: n, Text: row.get("value")})
	return nil
}

// parseCites reads "26/1/2; mypark-act:1/2" into citations.
func parseCites(s string) ([]Cite, error) {
	var out []Cite
	for _, part := range splitList(s) {
		var c Cite
		ref := part
		if ins, rest, ok := strings.Cut(part, ":"); ok {
			c.Instrument, ref = strings.TrimSpace(ins), rest
		}
		nums := strings.Split(strings.TrimSpace(ref), "/")
		if len(nums) > 3 {
			return nil, fmt.Errorf("citation %q has more than article/paragraph/item", part)
		}
		dst := []*int{&c.Article, &c.Paragraph, &c.Item}
		for i, x := range nums {
			v, err := strconv.Atoi(strings.TrimSpace(x))
			if err != nil || v <= 0 {
				return nil, fmt.Errorf("citation %q must be [INSTRUMENT:]ARTICLE[/PARAGRAPH[/ITEM]] with positive numbers", part)
			}
			*dst[i] = v
		}
		out = append(out, c)
	}
	return out, nil
}

// splitList splits on ";" (or the full-width "；") and drops empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// CSVProblem is the 422 invalid-rule-set problem for a fault of a CSV rule
// set, naming its line and column.
func CSVProblem(err error) error {
	var ce *CSVError
	if !errors.As(err, &ce) {
		return err
	}
	return problem.Invalid("invalid-rule-set", "the CSV rule set cannot be read: "+ce.Error(),
		problem.Detail{Pointer: ce.Name, Line: ce.Line, Column: ce.Column, Reason: ce.Detail})
}

// IssuesProblem is the 422 invalid-rule-set problem listing validation
// issues, each at its JSON pointer and, for a CSV import (src), its line and
// column.
func IssuesProblem(issues []Issue, src *CSVSource) error {
	ds := make([]problem.Detail, 0, len(issues))
	where := issues[0].Pointer
	for i, is := range issues {
		d := problem.Detail{Pointer: is.Pointer, Reason: is.Detail}
		if src != nil {
			d.Line, d.Column, _ = src.Locate(is.Pointer)
			if d.Line > 0 {
				d.Reason = fmt.Sprintf("line %d: %s", d.Line, is.Detail)
				if i == 0 {
					where = fmt.Sprintf("line %d, column %d, %s", d.Line, d.Column, is.Pointer)
				}
			}
		}
		ds = append(ds, d)
	}
	return problem.Invalid("invalid-rule-set", fmt.Sprintf("the rule set cannot be imported: %s (%s)", issues[0].Detail, where), ds...)
}

// DecodeRuleSetDocument reads a rule set in JSON (DecodeRuleSet) or, with
// csv, in its CSV form; faults are 4xx problems.
func DecodeRuleSetDocument(b []byte, csv bool) (RuleSet, *CSVSource, error) {
	if csv {
		rs, src, err := DecodeRuleSetCSV(b)
		if err != nil {
			return rs, nil, CSVProblem(err)
		}
		return rs, src, nil
	}
	rs, err := DecodeRuleSet(b)
	if err != nil {
		return rs, nil, problem.BadRequest("malformed-json", "the rule set is not a valid JSON document: "+err.Error())
	}
	return rs, nil, nil
}
