package patrol

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/zoning"
)

// Observation is a waypoint: what was seen, where and when, and the current
// zone it lies in.
type Observation struct {
	ID         int64      `json:"id"`
	Ordinal    int        `json:"ordinal"`
	Lon        float64    `json:"lon"`
	Lat        float64    `json:"lat"`
	Ele        *float64   `json:"ele"`
	ObservedAt *time.Time `json:"observed_at"`
	// Category is read from the waypoint's type, symbol, name or description
	// (logging, grazing, construction, fire, damaged_marker, marker, mining,
	// quarrying, sand_digging, hunting, fishing, herb_gathering,
	// land_clearing, other); Activity is the rule-table activity it stands for.
	Category    string      `json:"category"`
	CategoryZH  string      `json:"category_zh"`
	Activity    string      `json:"activity,omitempty"`
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	Type        string      `json:"type,omitempty"`
	Sym         string      `json:"sym,omitempty"`
	Reserve     string      `json:"reserve,omitempty"`
	ZoneID      int64       `json:"zone_id,omitempty"`
	ZoneKind    zoning.Kind `json:"zone_kind,omitempty"`
}

// Finding is something a track showed that enforcement should follow up, in
// the shape of screening findings (the same table) with who and when.
type Finding struct {
	ID       int64       `json:"id"`
	Kind     string      `json:"kind"`
	Reserve  string      `json:"reserve"`
	ZoneKind zoning.Kind `json:"zone_kind"`
	Activity string      `json:"activity"`
	Articles []string    `json:"articles"`
	BasisZH  string      `json:"basis_zh"`
	BasisEN  string      `json:"basis_en"`
	// LegalBasis quotes the provisions of the law in force on the day of
	// the act; Penalty is its penalty article and range; RuleSet the rule
	// set that judged it.
	LegalBasis []law.Basis  `json:"legal_basis"`
	Penalty    *law.Penalty `json:"penalty,omitempty"`
	RuleSet    string       `json:"rule_set,omitempty"`
	// Source is "track" (a visit) or "observation".
	Source        string      `json:"source"`
	TrackID       int64       `json:"track_id"`
	VisitID       *int64      `json:"visit_id,omitempty"`
	ObservationID *int64      `json:"observation_id,omitempty"`
	Subject       string      `json:"subject"`
	SubjectKind   SubjectKind `json:"subject_kind"`
	ObservedAt    *time.Time  `json:"observed_at"`
	ObservedUntil *time.Time  `json:"observed_until"`
	CreatedAt     time.Time   `json:"created_at"`
	// Geometry is the stretch inside the zone (simplified to about 5 m) or
	// the observation's point.
	Geometry json.RawMessage `json:"geometry,omitempty"`
}

// Finding kinds raised by tracks.
const (
	// FindingProhibitedEntry: inside a zone whose rule for the subject's
	// activity prohibits it (a visitor, vehicle or unknown subject in a core
	// or buffer zone), not covered by a permit.
	FindingProhibitedEntry = "prohibited_entry"
	// FindingUnpermittedEntry: inside a zone whose rule needs approval (a
	// researcher in a core or buffer zone) without a permit covering the
	// zone kind and the time.
	FindingUnpermittedEntry = "unpermitted_entry"
	// FindingProhibitedActivity: an observation of an activity its zone
	// prohibits (logging, grazing, construction... in the zone).
	FindingProhibitedActivity = "prohibited_activity"
)

// findingTolerance simplifies a visit's stretch for its finding (degrees,
// about 5 m): a finding's geometry says where, and stays small for the
// spatial matching of cases; the stored segment keeps every fix.
const findingTolerance = 5e-5

// ruleBook is the law judgments are made under, with each reserve's rule
// family.
type ruleBook struct {
	book     *law.Book
	families map[string]string
	zones    map[string]*time.Location // each reserve's time zone
	now      time.Time
}

func (s *Store) ruleBook(ctx context.Context) (ruleBook, error) {
	b, err := s.law.Book(ctx)
	if err != nil {
		return ruleBook{}, fmt.Errorf("patrol: law: %w", err)
	}
	rb := ruleBook{book: b, families: map[string]string{}, zones: map[string]*time.Location{}, now: s.opts.Now()}
	rows, err := s.pool.Query(ctx, `SELECT code, coalesce(rule_family, ''), time_zone FROM reserve`)
	if err != nil {
		return rb, fmt.Errorf("patrol: rule families: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, f, tz string
		if err := rows.Scan(&c, &f, &tz); err != nil {
			return rb, fmt.Errorf("patrol: rule families: %w", err)
		}
		rb.families[c] = f
		if rb.zones[c], err = time.LoadLocation(tz); err != nil {
			return rb, fmt.Errorf("patrol: reserve %s: time zone %q: %w", c, tz, err)
		}
	}
	return rb, rows.Err()
}

// loc is the time zone of a reserve: the day of an act is counted, and the
// times of findings are written, in it (Asia/Shanghai when unknown).
func (rb ruleBook) loc(reserve string) *time.Location {
	if l := rb.zones[reserve]; l != nil {
		return l
	}
	return china
}

// china is the time zone of a reserve that names none.
var china = time.FixedZone("CST", 8*3600)

// judge judges an activity by a subject in a zone of a reserve under the
// law in force on the day of at (in the reserve's time zone; the upload's
// day for a track without times).
func (rb ruleBook) judge(reserve string, kind zoning.Kind, activity string, who law.Subject, at *time.Time) (law.Judgment, error) {
	t := rb.now
	if at != nil {
		t = *at
	}
	t = t.In(rb.loc(reserve))
	on := law.Date{Time: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
	return rb.book.Judge(law.Act{Family: rb.families[reserve], On: on, ZoneKind: kind, Activity: activity, Subject: who})
}

// lawSubject is a track's subject kind in the law's terms.
func lawSubject(k SubjectKind) law.Subject {
	switch k {
	case Patrol:
		return law.Ranger
	case ResearchPermit:
		return law.Researcher
	case OriginalResident:
		return law.OriginalResident
	case Visitor:
		return law.Visitor
	case Vehicle:
		return law.Vehicle
	}
	return law.UnknownSubject
}

// visitActivity is the activity a subject's presence in a zone is judged
// as; "" for patrol staff on duty, whose presence raises nothing.
func visitActivity(k SubjectKind) string {
	switch k {
	case Patrol:
		return ""
	case ResearchPermit:
		return "research_observation"
	case OriginalResident:
		return "resident_production_living"
	}
	return "entry"
}

var subjectKindZH = map[SubjectKind]string{Patrol: "巡护人员", ResearchPermit: "科研人员", OriginalResident: "原有居民", Visitor: "访客", Vehicle: "车辆", Unknown: "身份不明者"}

// citeCodes are a judgment's provisions as codes (nrr-2026/26/1/2).
func citeCodes(bs []law.Basis) []string {
	out := []string{}
	for _, b := range bs {
		c := fmt.Sprintf("%s/%d", b.Instrument, b.Article)
		if b.Paragraph > 0 {
			c += fmt.Sprintf("/%d", b.Paragraph)
		}
		if b.Item > 0 {
			c += fmt.Sprintf("/%d", b.Item)
		}
		out = append(out, c)
	}
	return out
}

// fmtTime writes a time for people: in the reserve's time zone, with its
// offset ("2024-07-01 10:05:00+08:00").
func fmtTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "?"
	}
	return t.In(loc).Format("2006-01-02 15:04:05-07:00")
}

// coverage says whether a permit covers a visit, and if not, why not.
func coverage(pm *Permit, v *visit, from, to *time.Time, loc *time.Location) (ok bool, zh, en string) {
	switch {
	case pm == nil:
		return false, "未提供许可证。", "No permit was given."
	case pm.reserveID != v.zone.reserveID:
		return false, fmt.Sprintf("许可证%d适用于保护区%s，不是%s。", pm.ID, pm.Reserve, v.Reserve),
			fmt.Sprintf("Permit %d is for reserve %s, not %s.", pm.ID, pm.Reserve, v.Reserve)
	case !containsKind(pm.ZoneKinds, v.ZoneKind):
		return false, fmt.Sprintf("许可证%d不包括%s。", pm.ID, v.ZoneKind.ZH()),
			fmt.Sprintf("Permit %d does not cover the %s.", pm.ID, v.ZoneKind.EN())
	case from == nil || to == nil:
		return false, fmt.Sprintf("轨迹没有时间，无法核对许可证%d的有效期。", pm.ID),
			fmt.Sprintf("The track has no times, so permit %d's validity cannot be checked.", pm.ID)
	case from.Before(pm.ValidFrom) || to.After(pm.ValidTo):
		return false, fmt.Sprintf("停留时间（%s至%s）超出许可证%d的有效期（%s至%s）。", fmtTime(from, loc), fmtTime(to, loc), pm.ID, fmtTime(&pm.ValidFrom, loc), fmtTime(&pm.ValidTo, loc)),
			fmt.Sprintf("The stay (%s to %s) lies outside permit %d's validity (%s to %s).", fmtTime(from, loc), fmtTime(to, loc), pm.ID, fmtTime(&pm.ValidFrom, loc), fmtTime(&pm.ValidTo, loc))
	}
	return true, "", ""
}

func containsKind(ks []zoning.Kind, k zoning.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func ptrF(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func ptrT(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// insertObservations stores the waypoints as observations (by COPY), each
// with its category and the strictest zone it lies in, in the zoning of
// its time (the track start's for a waypoint without one).
func insertObservations(ctx context.Context, tx pgx.Tx, trackID int64, wpts []geoio.Waypoint, a *analysis) ([]Observation, error) {
	out := []Observation{}
	if len(wpts) == 0 {
		return out, nil
	}
	in, err := a.locateWaypoints(ctx, wpts)
	if err != nil {
		return nil, err
	}
	rows := make([][]byte, len(wpts))
	for i, w := range wpts {
		c := categorise(w)
		o := Observation{Ordinal: i, Lon: w.Lon, Lat: w.Lat, Ele: ptrF(w.Ele), ObservedAt: ptrT(w.Time), Category: c.code, CategoryZH: c.zh,
			Activity: c.activity, Name: w.Name, Description: w.Desc, Type: w.Type, Sym: w.Sym}
		var rid, zid *int64
		var kind, act *string
		for _, z := range in[i] {
			if o.ZoneID == 0 || z.Kind.Rank() < o.ZoneKind.Rank() {
				o.Reserve, o.ZoneID, o.ZoneKind = z.Reserve, z.ID, z.Kind
				rid, zid, kind = &z.ReserveID, &z.ID, (*string)(&z.Kind)
			}
		}
		if o.Activity != "" {
			act = &o.Activity
		}
		out = append(out, o)
		var r copyRow
		r.start(14).int8(trackID).int4(int32(i)).geom2D([]orb.Point{{w.Lon, w.Lat}}).nullFloat8(o.Ele).timestamptz(o.ObservedAt).
			text(o.Category).nullText(act).text(o.Name).text(o.Description).text(o.Type).text(o.Sym).nullInt8(rid).nullInt8(zid).nullText(kind)
		rows[i] = r.b
	}
	if err := copyRows(ctx, tx, `COPY observation (track_id, ordinal, geom, ele, observed_at, category, activity, name, description, type, sym,
		reserve_id, zone_id, zone_kind) FROM STDIN (FORMAT binary)`, rows); err != nil {
		return nil, fmt.Errorf("patrol: storing the observations of track %d: %w", trackID, err)
	}
	ids, err := rowIDs(ctx, tx, `SELECT id, ordinal FROM observation WHERE track_id = $1`, trackID)
	if err != nil {
		return nil, fmt.Errorf("patrol: observations of track %d: %w", trackID, err)
	}
	for o, id := range ids {
		out[o].ID = id
	}
	return out, nil
}

// locateWaypoints returns the zones each waypoint lies in, in the zoning of
// the part of the track at its time.
func (a *analysis) locateWaypoints(ctx context.Context, wpts []geoio.Waypoint) ([][]zoning.TrackZone, error) {
	in := make([][]zoning.TrackZone, len(wpts))
	by := map[*zoning.TrackZones][]int{}
	var order []*zoning.TrackZones
	for i, w := range wpts {
		z := zoningAt(a.z0, a.cuts, ptrT(w.Time))
		if by[z] == nil {
			order = append(order, z)
		}
		by[z] = append(by[z], i)
	}
	for _, z := range order {
		idx := by[z]
		xs, ys := make([]float64, len(idx)), make([]float64, len(idx))
		for j, i := range idx {
			xs[j], ys[j] = wpts[i].Lon, wpts[i].Lat
		}
		zs, err := a.locate(ctx, z, xs, ys)
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			in[i] = zs[j]
		}
	}
	return in, nil
}

// rowIDs reads (id, ordinal) rows into a map from ordinal to id.
func rowIDs(ctx context.Context, tx pgx.Tx, sql string, args ...any) (map[int]int64, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var id int64
		var o int
		if err := rows.Scan(&id, &o); err != nil {
			return nil, err
		}
		out[o] = id
	}
	return out, rows.Err()
}

// insertVisits stores the visits, streamed by COPY (their lines together
// are as long as the track), and returns them with their ids.
func insertVisits(ctx context.Context, tx pgx.Tx, trackID int64, a *analysis) ([]Visit, error) {
	out := make([]Visit, len(a.visits))
	if len(a.visits) == 0 {
		return out, nil
	}
	err := copyIn(ctx, tx, `COPY zone_visit (track_id, ordinal, segment, reserve_id, zone_id, zone_kind, entered_at, exited_at,
		entered_by_crossing, exited_by_crossing, duration_s, length_m, max_depth_m, fixes, boundary_jitter, geom) FROM STDIN (FORMAT binary)`,
		func(w io.Writer) error { return a.writeVisits(w, trackID) })
	if err != nil {
		return nil, fmt.Errorf("patrol: storing the visits of track %d: %w", trackID, err)
	}
	ids, err := rowIDs(ctx, tx, `SELECT id, ordinal FROM zone_visit WHERE track_id = $1`, trackID)
	if err != nil {
		return nil, fmt.Errorf("patrol: visits of track %d: %w", trackID, err)
	}
	for i, v := range a.visits {
		v.ID = ids[i]
		out[i] = v.Visit
	}
	return out, nil
}

// writeVisits writes the visits as the rows of a binary COPY into
// zone_visit, each with its line (a point for a visit of one position).
func (a *analysis) writeVisits(w io.Writer, trackID int64) error {
	if _, err := w.Write(copyHeader); err != nil {
		return err
	}
	var row copyRow
	var buf [16]byte
	for _, v := range a.visits {
		inner := a.segs[v.seg].XY[v.lineLo:v.lineHi]
		leaves := v.v > v.u+eps
		n := 1 + len(inner)
		if leaves {
			n++
		}
		kind := uint32(ewkbLine)
		if n == 1 {
			kind = ewkbPoint
		}
		row.start(16).int8(trackID).int4(int32(v.Ordinal)).int4(int32(v.seg)).int8(v.zone.reserveID).int8(v.zone.id).text(string(v.ZoneKind)).
			timestamptz(v.EnteredAt).timestamptz(v.ExitedAt).bool(v.EnteredByCrossing).bool(v.ExitedByCrossing).nullFloat8(v.DurationS).
			float8(v.LengthM).float8(v.MaxDepthM).int4(int32(v.Fixes)).bool(v.BoundaryJitter).
			fieldLen(ewkbSize(n, 2)).ewkbHead(kind, n)
		if _, err := w.Write(row.b); err != nil {
			return err
		}
		put := func(p orb.Point) error {
			binary.LittleEndian.PutUint64(buf[0:], math.Float64bits(p[0]))
			binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(p[1]))
			_, err := w.Write(buf[:])
			return err
		}
		if err := put(orb.Point(v.Entry)); err != nil {
			return err
		}
		for _, p := range inner {
			if err := put(p); err != nil {
				return err
			}
		}
		if leaves {
			if err := put(orb.Point(v.Exit)); err != nil {
				return err
			}
		}
	}
	_, err := w.Write(copyTrailer)
	return err
}

// findingRow is a finding to store, with its reserve and geometry.
type findingRow struct {
	f         Finding
	reserveID int64
	geom      orb.LineString // one point for an observation
}

// insertFindings judges the visits (by the subject's activity and permit)
// and the observations (by their activity) under the law of their day, and
// stores what breaks it in the finding table (by COPY).
func insertFindings(ctx context.Context, tx pgx.Tx, t *Track, a *analysis, pm *Permit, rb ruleBook) ([]Finding, error) {
	rows := append(a.visitFindings(t, pm, rb), observationFindings(t, a, rb)...)
	out := []Finding{}
	if len(rows) == 0 {
		return out, nil
	}
	bs := make([][]byte, len(rows))
	for i, fr := range rows {
		bs[i] = fr.copyRow()
	}
	if err := copyRows(ctx, tx, `COPY finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source,
		track_id, visit_id, observation_id, subject, subject_kind, observed_at, observed_until, legal_basis, penalty, rule_set) FROM STDIN (FORMAT binary)`, bs); err != nil {
		return nil, fmt.Errorf("patrol: storing the findings of track %d: %w", t.ID, err)
	}
	q, err := tx.Query(ctx, `SELECT id, created_at FROM finding WHERE track_id = $1 ORDER BY id`, t.ID)
	if err != nil {
		return nil, fmt.Errorf("patrol: findings of track %d: %w", t.ID, err)
	}
	defer q.Close()
	for i := 0; q.Next() && i < len(rows); i++ {
		f := rows[i].f
		if err := q.Scan(&f.ID, &f.CreatedAt); err != nil {
			return nil, fmt.Errorf("patrol: findings of track %d: %w", t.ID, err)
		}
		f.Geometry = geoJSON(rows[i].geom)
		out = append(out, f)
	}
	return out, q.Err()
}

// copyRow is the finding as a row of a binary COPY into finding.
func (fr *findingRow) copyRow() []byte {
	f := &fr.f
	basis, _ := json.Marshal(f.LegalBasis)
	var penalty []byte
	if f.Penalty != nil {
		penalty, _ = json.Marshal(f.Penalty)
	}
	var ruleSet *string
	if f.RuleSet != "" {
		ruleSet = &f.RuleSet
	}
	var r copyRow
	r.start(19).text(f.Kind).int8(fr.reserveID).text(string(f.ZoneKind)).geom2D(fr.geom).text(f.Activity).textArray(f.Articles).
		text(f.BasisZH).text(f.BasisEN).text(f.Source).int8(f.TrackID).nullInt8(f.VisitID).nullInt8(f.ObservationID).
		text(f.Subject).text(string(f.SubjectKind)).timestamptz(f.ObservedAt).timestamptz(f.ObservedUntil).jsonb(basis).jsonb(penalty).nullText(ruleSet)
	return r.b
}

// geoJSON is a point's or line's GeoJSON geometry, to 7 decimals as
// ST_AsGeoJSON(geom, 7) writes it.
func geoJSON(l orb.LineString) json.RawMessage {
	round := func(p orb.Point) [2]float64 {
		return [2]float64{math.Round(p[0]*1e7) / 1e7, math.Round(p[1]*1e7) / 1e7}
	}
	var g struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	if len(l) == 1 {
		g.Type, g.Coordinates = "Point", round(l[0])
	} else {
		cs := make([][2]float64, len(l))
		for i, p := range l {
			cs[i] = round(p)
		}
		g.Type, g.Coordinates = "LineString", cs
	}
	b, _ := json.Marshal(g)
	return b
}

// judged is a stretch of a visit judged under one rule set: its spans from
// u to v, with their times and greatest depth.
type judged struct {
	u, v     float64
	from, to *time.Time
	depth    float64
	j        law.Judgment
}

// judge judges the visit's presence span by span, each under the law of
// the day it begins, and joins consecutive spans judged alike: one stretch
// for a visit whose law does not change.
func (a *analysis) judge(v *visit, act string, who law.Subject, rb ruleBook) []judged {
	var out []judged
	s := &a.segs[v.seg]
	for i, sp := range v.spans {
		from, to := v.EnteredAt, v.ExitedAt
		if i > 0 {
			from = ptrT(timeAt(s, sp.u))
		}
		if i < len(v.spans)-1 {
			to = ptrT(timeAt(s, sp.v))
		}
		j, err := rb.judge(v.Reserve, sp.zone.kind, act, who, from)
		if err != nil {
			continue // no rule set of the reserve's family was in force that day
		}
		if n := len(out) - 1; n >= 0 && out[n].j.RuleSet == j.RuleSet && out[n].j.Verdict == j.Verdict && out[n].v == sp.u {
			out[n].v, out[n].to, out[n].depth = sp.v, to, math.Max(out[n].depth, sp.depth)
			continue
		}
		out = append(out, judged{u: sp.u, v: sp.v, from: from, to: to, depth: sp.depth, j: j})
	}
	return out
}

// visitFindings judges the visits by the subject's presence and permit.
func (a *analysis) visitFindings(t *Track, pm *Permit, rb ruleBook) []findingRow {
	act := visitActivity(t.SubjectKind)
	if act == "" {
		return nil
	}
	var out []findingRow
	for _, v := range a.visits {
		if v.BoundaryJitter {
			continue
		}
		loc := rb.loc(v.Reserve)
		for _, p := range a.judge(v, act, lawSubject(t.SubjectKind), rb) {
			j := p.j
			approval := j.Verdict == law.AllowedWithApproval || j.Verdict == law.Conditional
			if !j.Breach && !approval {
				continue
			}
			covered, pzh, pen := coverage(pm, v, p.from, p.to, loc)
			if covered {
				continue
			}
			kind := FindingUnpermittedEntry
			if j.Breach {
				kind = FindingProhibitedEntry
			}
			who := orUnknown(t.Subject)
			zh := fmt.Sprintf("%s（%s）于%s至%s在%s内，最深进入边界%.0f米。%s%s", who, subjectKindZH[t.SubjectKind], fmtTime(p.from, loc), fmtTime(p.to, loc), v.ZoneKind.ZH(), p.depth, j.SentenceZH, pzh)
			en := fmt.Sprintf("%s (%s) was inside the %s from %s to %s, up to %.0f m from its boundary. %s %s", who, t.SubjectKind, v.ZoneKind.EN(), fmtTime(p.from, loc), fmtTime(p.to, loc), p.depth, j.SentenceEN, pen)
			// The finding points at the stretch; the track keeps it in full.
			line := a.line(v)
			if p.u != v.u || p.v != v.v {
				line = a.subLine(v.seg, p.u, p.v)
			}
			line = simplify.DouglasPeucker(findingTolerance).LineString(line)
			if len(line) < 2 {
				line = append(line, line[0])
			}
			vid := v.ID
			out = append(out, findingRow{reserveID: v.zone.reserveID, geom: line, f: Finding{Kind: kind, Reserve: v.Reserve, ZoneKind: v.ZoneKind, Activity: act,
				Articles: citeCodes(j.LegalBasis), BasisZH: zh, BasisEN: en, LegalBasis: j.LegalBasis, Penalty: j.Penalty, RuleSet: j.RuleSet,
				Source: "track", TrackID: t.ID, VisitID: &vid, Subject: t.Subject, SubjectKind: t.SubjectKind, ObservedAt: p.from, ObservedUntil: p.to}})
		}
	}
	return out
}

// observationFindings judges the observations by their activity.
func observationFindings(t *Track, a *analysis, rb ruleBook) []findingRow {
	var out []findingRow
	for _, o := range t.Observations {
		if o.Activity == "" || o.ZoneID == 0 {
			continue
		}
		// A ranger's or researcher's waypoint records what someone else did.
		who := lawSubject(t.SubjectKind)
		if t.SubjectKind == Patrol || t.SubjectKind == ResearchPermit {
			who = law.UnknownSubject
		}
		j, err := rb.judge(o.Reserve, o.ZoneKind, o.Activity, who, o.ObservedAt)
		if err != nil || !j.Breach {
			continue
		}
		label := o.Name
		if label == "" {
			label = o.CategoryZH
		}
		zh := fmt.Sprintf("%s于%s在%s内记录“%s”。%s", orUnknown(t.Subject), fmtTime(o.ObservedAt, rb.loc(o.Reserve)), o.ZoneKind.ZH(), label, j.SentenceZH)
		en := fmt.Sprintf("%s recorded %q in the %s at %s. %s", orUnknown(t.Subject), label, o.ZoneKind.EN(), fmtTime(o.ObservedAt, rb.loc(o.Reserve)), j.SentenceEN)
		oid := o.ID
		out = append(out, findingRow{reserveID: a.zones[o.ZoneID].reserveID, geom: orb.LineString{{o.Lon, o.Lat}}, f: Finding{Kind: FindingProhibitedActivity,
			Reserve: o.Reserve, ZoneKind: o.ZoneKind, Activity: o.Activity, Articles: citeCodes(j.LegalBasis), LegalBasis: j.LegalBasis, Penalty: j.Penalty,
			RuleSet: j.RuleSet, BasisZH: zh, BasisEN: en, Source: "observation", TrackID: t.ID, ObservationID: &oid, Subject: t.Subject,
			SubjectKind: t.SubjectKind, ObservedAt: o.ObservedAt, ObservedUntil: o.ObservedAt}})
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// LawSubject is the subject kind in the law's terms.
func (k SubjectKind) LawSubject() law.Subject { return lawSubject(k) }

// PresenceActivity is the activity a subject's presence in a zone is judged
// as; "" for patrol staff on duty, whose presence raises nothing.
func (k SubjectKind) PresenceActivity() string { return visitActivity(k) }
