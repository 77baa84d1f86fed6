package patrol

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/simplify"

	"warden/internal/geoio"
	"warden/internal/screening"
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

// ruleBook is the screening rule table, for judging visits and observations.
type ruleBook struct {
	acts  map[string]screening.Activity
	rules map[string]map[zoning.Kind]screening.Rule
	arts  map[string]screening.Article
}

func (s *Store) ruleBook(ctx context.Context) (ruleBook, error) {
	t, err := s.rules.Rules(ctx)
	if err != nil {
		return ruleBook{}, err
	}
	rb := ruleBook{acts: map[string]screening.Activity{}, rules: map[string]map[zoning.Kind]screening.Rule{}, arts: map[string]screening.Article{}}
	for _, a := range t.Activities {
		rb.acts[a.Code], rb.rules[a.Code] = a.Activity, a.Rules
	}
	for _, a := range t.Articles {
		rb.arts[a.Code] = a
	}
	return rb, nil
}

// visitActivity is the rule-table activity a subject's presence in a zone
// is judged as; "" for patrol staff on duty, whose presence raises nothing.
func visitActivity(k SubjectKind) string {
	switch k {
	case Patrol:
		return ""
	case ResearchPermit:
		return "research_observation"
	}
	return "entry"
}

var subjectKindZH = map[SubjectKind]string{Patrol: "巡护人员", ResearchPermit: "科研人员", Visitor: "访客", Vehicle: "车辆", Unknown: "身份不明者"}

// sentence states a rule with its articles, as screening findings do:
// "依据《自然保护区条例》第十八条、第二十七条，核心区内禁止进入。",
// "Entry: prohibited in the core zone (Regulations on Nature Reserves, Art. 18, 27)."
func (rb ruleBook) sentence(kind zoning.Kind, activity string, r screening.Rule) (zh, en string) {
	act := rb.acts[activity]
	if r.Verdict == screening.Prohibited {
		zh = fmt.Sprintf("%s内禁止%s", kind.ZH(), act.NameZH)
	} else {
		zh = fmt.Sprintf("%s内%s须经批准", kind.ZH(), act.NameZH)
	}
	if r.NoteZH != "" {
		zh += "：" + r.NoteZH
	}
	zh = fmt.Sprintf("依据%s，%s。", rb.cite(r.Articles, true), zh)
	name := act.NameEN
	if name != "" {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	en = fmt.Sprintf("%s: %s in the %s", name, r.Verdict.EN(), kind.EN())
	if r.NoteEN != "" {
		en += "; " + r.NoteEN
	}
	return zh, en + fmt.Sprintf(" (%s).", rb.cite(r.Articles, false))
}

// cite names articles briefly, articles of one instrument joined:
// "《自然保护区条例》第十八条、第二十七条", "Regulations on Nature Reserves, Art. 18, 27".
func (rb ruleBook) cite(codes []string, zh bool) string {
	mark, sep, join := ", Art. ", ", ", "; "
	if zh {
		mark, sep, join = "》第", "、", "；"
	}
	var parts []string
	prev := ""
	for _, c := range codes {
		short := rb.arts[c].ShortEN
		if zh {
			short = rb.arts[c].ShortZH
		}
		inst, num := "", ""
		if i := strings.LastIndex(short, mark); i >= 0 {
			if zh {
				inst, num = short[:i+len("》")], short[i+len("》"):]
			} else {
				inst, num = short[:i], short[i+len(mark):]
			}
		}
		if inst != "" && inst == prev {
			parts[len(parts)-1] += sep + num
			continue
		}
		prev = inst
		parts = append(parts, short)
	}
	return strings.Join(parts, join)
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "?"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// coverage says whether a permit covers a visit, and if not, why not.
func coverage(pm *Permit, v *visit) (ok bool, zh, en string) {
	switch {
	case pm == nil:
		return false, "未提供许可证。", "No permit was given."
	case pm.reserveID != v.zone.reserveID:
		return false, fmt.Sprintf("许可证%d适用于保护区%s，不是%s。", pm.ID, pm.Reserve, v.Reserve),
			fmt.Sprintf("Permit %d is for reserve %s, not %s.", pm.ID, pm.Reserve, v.Reserve)
	case !containsKind(pm.ZoneKinds, v.ZoneKind):
		return false, fmt.Sprintf("许可证%d不包括%s。", pm.ID, v.ZoneKind.ZH()),
			fmt.Sprintf("Permit %d does not cover the %s.", pm.ID, v.ZoneKind.EN())
	case v.EnteredAt == nil || v.ExitedAt == nil:
		return false, fmt.Sprintf("轨迹没有时间，无法核对许可证%d的有效期。", pm.ID),
			fmt.Sprintf("The track has no times, so permit %d's validity cannot be checked.", pm.ID)
	case v.EnteredAt.Before(pm.ValidFrom) || v.ExitedAt.After(pm.ValidTo):
		return false, fmt.Sprintf("停留时间（%s至%s）超出许可证%d的有效期（%s至%s）。", fmtTime(v.EnteredAt), fmtTime(v.ExitedAt), pm.ID, fmtTime(&pm.ValidFrom), fmtTime(&pm.ValidTo)),
			fmt.Sprintf("The stay (%s to %s) lies outside permit %d's validity (%s to %s).", fmtTime(v.EnteredAt), fmtTime(v.ExitedAt), pm.ID, fmtTime(&pm.ValidFrom), fmtTime(&pm.ValidTo))
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

// insertObservations stores the waypoints as observations, each with its
// category and the strictest current zone it lies in.
func insertObservations(ctx context.Context, tx pgx.Tx, trackID int64, wpts []geoio.Waypoint, a *analysis) ([]Observation, error) {
	out := []Observation{}
	if len(wpts) == 0 {
		return out, nil
	}
	xs, ys := make([]float64, len(wpts)), make([]float64, len(wpts))
	for i, w := range wpts {
		xs[i], ys[i] = w.Lon, w.Lat
	}
	in, err := a.locate(ctx, xs, ys)
	if err != nil {
		return nil, err
	}
	n := len(wpts)
	var (
		ord                             = make([]int32, n)
		eles                            = make([]*float64, n)
		times                           = make([]*time.Time, n)
		cats, acts, names, descs, types = make([]string, n), make([]*string, n), make([]string, n), make([]string, n), make([]string, n)
		syms                            = make([]string, n)
		reserves, zones                 = make([]*int64, n), make([]*int64, n)
		kinds                           = make([]*string, n)
	)
	for i, w := range wpts {
		c := categorise(w)
		o := Observation{Ordinal: i, Lon: w.Lon, Lat: w.Lat, Ele: ptrF(w.Ele), ObservedAt: ptrT(w.Time), Category: c.code, CategoryZH: c.zh,
			Activity: c.activity, Name: w.Name, Description: w.Desc, Type: w.Type, Sym: w.Sym}
		for _, z := range in[i] {
			zi := a.zones[z]
			if o.ZoneID == 0 || zi.kind.Rank() < o.ZoneKind.Rank() {
				o.Reserve, o.ZoneID, o.ZoneKind = zi.reserve, zi.id, zi.kind
			}
		}
		out = append(out, o)
		ord[i], eles[i], times[i], cats[i], names[i], descs[i], types[i], syms[i] = int32(i), o.Ele, o.ObservedAt, o.Category, o.Name, o.Description, o.Type, o.Sym
		if o.Activity != "" {
			acts[i] = &o.Activity
		}
		if o.ZoneID != 0 {
			rid, zid, k := a.zones[o.ZoneID].reserveID, o.ZoneID, string(o.ZoneKind)
			reserves[i], zones[i], kinds[i] = &rid, &zid, &k
		}
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO observation (track_id, ordinal, geom, ele, observed_at, category, activity, name, description, type, sym, reserve_id, zone_id, zone_kind)
		SELECT $1, t.o, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326), t.e, t.ts, t.c, t.a, t.n, t.d, t.ty, t.s, t.r, t.z, t.k
		FROM unnest($2::int4[], $3::float8[], $4::float8[], $5::float8[], $6::timestamptz[], $7::text[], $8::text[], $9::text[],
		            $10::text[], $11::text[], $12::text[], $13::int8[], $14::int8[], $15::text[]) AS t(o, x, y, e, ts, c, a, n, d, ty, s, r, z, k)
		RETURNING id, ordinal`, trackID, ord, xs, ys, eles, times, cats, acts, names, descs, types, syms, reserves, zones, kinds)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var o int
		if err := rows.Scan(&id, &o); err != nil {
			return nil, err
		}
		out[o].ID = id
	}
	return out, rows.Err()
}

// insertVisits stores the visits and returns them with their ids.
func insertVisits(ctx context.Context, tx pgx.Tx, trackID int64, a *analysis) ([]Visit, error) {
	out := make([]Visit, len(a.visits))
	if len(a.visits) == 0 {
		return out, nil
	}
	n := len(a.visits)
	var (
		ord, segs, fixes = make([]int32, n), make([]int32, n), make([]int32, n)
		reserves, zones  = make([]int64, n), make([]int64, n)
		kinds            = make([]string, n)
		ent, ex          = make([]*time.Time, n), make([]*time.Time, n)
		ec, xc, jit      = make([]bool, n), make([]bool, n), make([]bool, n)
		durs             = make([]*float64, n)
		lens, depths     = make([]float64, n), make([]float64, n)
		geoms            = make([][]byte, n)
	)
	for i, v := range a.visits {
		var g orb.Geometry = v.line
		if len(v.line) < 2 {
			g = v.line[0]
		}
		b, err := wkb.Marshal(g)
		if err != nil {
			return nil, err
		}
		ord[i], segs[i], fixes[i], reserves[i], zones[i], kinds[i] = int32(v.Ordinal), int32(v.seg), int32(v.Fixes), v.zone.reserveID, v.zone.id, string(v.ZoneKind)
		ent[i], ex[i], ec[i], xc[i], jit[i], durs[i], lens[i], depths[i], geoms[i] = v.EnteredAt, v.ExitedAt, v.EnteredByCrossing, v.ExitedByCrossing, v.BoundaryJitter, v.DurationS, v.LengthM, v.MaxDepthM, b
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO zone_visit (track_id, ordinal, segment, reserve_id, zone_id, zone_kind, entered_at, exited_at, entered_by_crossing,
		                        exited_by_crossing, duration_s, length_m, max_depth_m, fixes, boundary_jitter, geom)
		SELECT $1, t.o, t.s, t.r, t.z, t.k, t.ea, t.xa, t.ec, t.xc, t.d, t.l, t.m, t.f, t.j, ST_GeomFromWKB(t.g, 4326)
		FROM unnest($2::int4[], $3::int4[], $4::int8[], $5::int8[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::bool[],
		            $10::bool[], $11::float8[], $12::float8[], $13::float8[], $14::int4[], $15::bool[], $16::bytea[])
		     AS t(o, s, r, z, k, ea, xa, ec, xc, d, l, m, f, j, g)
		RETURNING id, ordinal`, trackID, ord, segs, reserves, zones, kinds, ent, ex, ec, xc, durs, lens, depths, fixes, jit, geoms)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var o int
		if err := rows.Scan(&id, &o); err != nil {
			return nil, err
		}
		a.visits[o].ID = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, v := range a.visits {
		out[i] = v.Visit
	}
	return out, nil
}

// insertFindings judges the visits (by the subject's activity and permit)
// and the observations (by their activity) with the rule table and stores
// what breaks it in the finding table.
func insertFindings(ctx context.Context, tx pgx.Tx, t *Track, a *analysis, pm *Permit, rb ruleBook) ([]Finding, error) {
	out := []Finding{}
	add := func(f Finding, g []byte) error {
		var geo string
		err := tx.QueryRow(ctx, `
			INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source,
			                     track_id, visit_id, observation_id, subject, subject_kind, observed_at, observed_until)
			SELECT $1, r.id, $3, ST_GeomFromWKB($4, 4326), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16
			FROM reserve r WHERE r.code = $2
			RETURNING id, created_at, ST_AsGeoJSON(geom, 7)`,
			f.Kind, f.Reserve, string(f.ZoneKind), g, f.Activity, f.Articles, f.BasisZH, f.BasisEN, f.Source,
			f.TrackID, f.VisitID, f.ObservationID, f.Subject, string(f.SubjectKind), f.ObservedAt, f.ObservedUntil).
			Scan(&f.ID, &f.CreatedAt, &geo)
		if err != nil {
			return fmt.Errorf("finding %s in %s %s: %w", f.Kind, f.Reserve, f.ZoneKind, err)
		}
		f.Geometry = json.RawMessage(geo)
		out = append(out, f)
		return nil
	}
	if act := visitActivity(t.SubjectKind); act != "" {
		for _, v := range a.visits {
			r, ok := rb.rules[act][v.ZoneKind]
			if !ok || v.BoundaryJitter || r.Verdict == screening.Allowed {
				continue
			}
			covered, pzh, pen := coverage(pm, v)
			if covered {
				continue
			}
			kind := FindingUnpermittedEntry
			if r.Verdict == screening.Prohibited {
				kind = FindingProhibitedEntry
			}
			zh, en := rb.sentence(v.ZoneKind, act, r)
			who := t.Subject
			if who == "" {
				who = "?"
			}
			zh = fmt.Sprintf("%s（%s）于%s至%s在%s内，最深进入边界%.0f米。%s%s", who, subjectKindZH[t.SubjectKind], fmtTime(v.EnteredAt), fmtTime(v.ExitedAt), v.ZoneKind.ZH(), v.MaxDepthM, zh, pzh)
			en = fmt.Sprintf("%s (%s) was inside the %s from %s to %s, up to %.0f m from its boundary. %s %s", who, t.SubjectKind, v.ZoneKind.EN(), fmtTime(v.EnteredAt), fmtTime(v.ExitedAt), v.MaxDepthM, en, pen)
			// The finding points at the stretch; the track keeps it in full.
			line := simplify.DouglasPeucker(findingTolerance).LineString(v.line.Clone())
			if len(line) < 2 {
				line = append(line, line[0])
			}
			b, err := wkb.Marshal(line)
			if err != nil {
				return nil, err
			}
			vid := v.ID
			if err := add(Finding{Kind: kind, Reserve: v.Reserve, ZoneKind: v.ZoneKind, Activity: act, Articles: r.Articles, BasisZH: zh, BasisEN: en,
				Source: "track", TrackID: t.ID, VisitID: &vid, Subject: t.Subject, SubjectKind: t.SubjectKind,
				ObservedAt: v.EnteredAt, ObservedUntil: v.ExitedAt}, b); err != nil {
				return nil, err
			}
		}
	}
	for _, o := range t.Observations {
		if o.Activity == "" || o.ZoneID == 0 {
			continue
		}
		r, ok := rb.rules[o.Activity][o.ZoneKind]
		if !ok || r.Verdict != screening.Prohibited {
			continue
		}
		zh, en := rb.sentence(o.ZoneKind, o.Activity, r)
		label := o.Name
		if label == "" {
			label = o.CategoryZH
		}
		zh = fmt.Sprintf("%s于%s在%s内记录“%s”。%s", orUnknown(t.Subject), fmtTime(o.ObservedAt), o.ZoneKind.ZH(), label, zh)
		en = fmt.Sprintf("%s recorded %q in the %s at %s. %s", orUnknown(t.Subject), label, o.ZoneKind.EN(), fmtTime(o.ObservedAt), en)
		b, err := wkb.Marshal(orb.Point{o.Lon, o.Lat})
		if err != nil {
			return nil, err
		}
		oid := o.ID
		if err := add(Finding{Kind: FindingProhibitedActivity, Reserve: o.Reserve, ZoneKind: o.ZoneKind, Activity: o.Activity, Articles: r.Articles,
			BasisZH: zh, BasisEN: en, Source: "observation", TrackID: t.ID, ObservationID: &oid, Subject: t.Subject, SubjectKind: t.SubjectKind,
			ObservedAt: o.ObservedAt, ObservedUntil: o.ObservedAt}, b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
