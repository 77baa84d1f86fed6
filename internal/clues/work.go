package clues

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/grid"
	"warden/internal/law"
	"warden/internal/photoexif"
	"warden/internal/problem"
	"warden/internal/reports"
)

// DefaultDeadlineDays is how long a verifier has when no deadline is given.
const DefaultDeadlineDays = 15

// AssignInput assigns a clue for field verification.
type AssignInput struct {
	// Assignee is the verifier; empty: the first staff member of the clue's
	// grid cell.
	Assignee string `json:"assignee"`
	// Deadline is the last day for the verification (YYYY-MM-DD); empty:
	// DefaultDeadlineDays on, in the reserve's time zone.
	Deadline string `json:"deadline"`
}

// workable locks a clue that may still be worked (new or assigned) and
// returns its reserve's time zone and grid cell's staff.
func workable(ctx context.Context, tx pgx.Tx, id int64) (tz string, staff []grid.Staff, err error) {
	var st Status
	err = tx.QueryRow(ctx, `SELECT c.status, coalesce(r.time_zone, 'Asia/Shanghai'), coalesce(g.staff, '[]')
		FROM clue c LEFT JOIN reserve r ON r.id = c.reserve_id LEFT JOIN grid_cell g ON g.id = c.cell_id
		WHERE c.id = $1 FOR UPDATE OF c`, id).Scan(&st, &tz, &staff)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, problem.NotFound("clue", strconv.FormatInt(id, 10))
	} else if err != nil {
		return "", nil, err
	}
	switch st {
	case New, Assigned:
		return tz, staff, nil
	case Linked:
		return "", nil, &problem.Error{Status: http.StatusConflict, Type: "clue-finished", Title: "Conflict",
			Detail: fmt.Sprintf("clue %d repeats an earlier clue or an open case: work that one", id), Extra: map[string]any{"status": st}}
	}
	return "", nil, &problem.Error{Status: http.StatusConflict, Type: "clue-finished", Title: "Conflict",
		Detail: fmt.Sprintf("clue %d is verified already (%s)", id, st), Extra: map[string]any{"status": st}}
}

// Assign gives a clue to a verifier with a deadline.
func (s *Store) Assign(ctx context.Context, id int64, in AssignInput, actor string) (Clue, error) {
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		tz, staff, err := workable(ctx, tx, id)
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return err
		}
		today := s.opts.Now().In(loc)
		today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
		var ps []problem.Detail
		who := strings.TrimSpace(in.Assignee)
		if who == "" && len(staff) > 0 {
			who = staff[0].Name
		}
		if who == "" {
			ps = append(ps, problem.At(-1, "assignee", "the clue's grid cell has no staff: name the assignee"))
		} else if len(who) > 200 {
			ps = append(ps, problem.At(-1, "assignee", "assignee is longer than 200 bytes"))
		}
		deadline := today.AddDate(0, 0, DefaultDeadlineDays)
		if in.Deadline != "" {
			d, err := law.ParseDate(in.Deadline)
			switch {
			case err != nil:
				ps = append(ps, problem.At(-1, "deadline", fmt.Sprintf("deadline %q is not a date YYYY-MM-DD", in.Deadline)))
			case d.Before(today):
				ps = append(ps, problem.At(-1, "deadline", fmt.Sprintf("deadline %s is before today (%s)", d, today.Format(time.DateOnly))))
			default:
				deadline = d.Time
			}
		}
		if len(ps) > 0 {
			return problem.Invalid("invalid-clue", problem.Summary(ps), ps...)
		}
		_, err = tx.Exec(ctx, `UPDATE clue SET status = 'assigned', assignee = $2, assigned_by = $3, assigned_at = $4, deadline = $5 WHERE id = $1`,
			id, who, actor, s.opts.Now(), deadline)
		return err
	})
	if err != nil {
		return Clue{}, fmt.Errorf("clues: assign %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// Visit is a field visit of a clue: a patrol track (Source "track") or a
// live device's positions (Source "live") that passed through a polygon
// clue, or within Options.VisitDistanceM of a point clue.
type Visit struct {
	Source  string     `json:"source"`
	Track   int64      `json:"track,omitempty"`
	Device  string     `json:"device,omitempty"`
	Subject string     `json:"subject"`
	At      *time.Time `json:"at"`
}

// LiveGap is the longest time between two consecutive positions of a live
// device whose straight line still counts as its path past a clue.
const LiveGap = 10 * time.Minute

// Visits lists the tracks and live devices that passed a clue after its
// later image, newest first: a track with the time of its fix nearest to
// the clue, a device once a day (in the reserve's time zone) with the time
// of its first pass that day.
func (s *Store) Visits(ctx context.Context, id int64) ([]Visit, error) {
	return visits(ctx, s.pool, id, s.opts.VisitDistanceM)
}

// liveVisits are the passes of live devices: an accepted (or late) fix, or
// the line from the device's fix before it when at most $3 earlier, inside
// a polygon clue or within $2 of a point clue. Positions are first kept to
// a box 0.2° around the clue, the farthest a device moves between two fixes
// LiveGap apart at road speed.
const liveVisits = `WITH c AS (
		SELECT c.geom, c.imaged_after, ST_Dimension(c.geom) = 2 AS area, coalesce(r.time_zone, 'Asia/Shanghai') AS tz, ST_Expand(ST_Envelope(c.geom), 0.2) AS box
		FROM clue c LEFT JOIN reserve r ON r.id = c.reserve_id WHERE c.id = $1),
	fix AS (
		SELECT p.device_id, p.fixed_at, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt,
		       lag(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) OVER w AS prev, lag(p.fixed_at) OVER w AS prev_at
		FROM live_position p, c
		WHERE p.status IN ('accepted', 'out_of_order') AND p.fixed_at >= c.imaged_after
		  AND p.lon BETWEEN ST_XMin(c.box) AND ST_XMax(c.box) AND p.lat BETWEEN ST_YMin(c.box) AND ST_YMax(c.box)
		WINDOW w AS (PARTITION BY p.device_id ORDER BY p.fixed_at))
	SELECT d.id, d.subject_kind, min(f.fixed_at)
	FROM fix f CROSS JOIN c JOIN live_device d ON d.id = f.device_id
	WHERE ST_DWithin(CASE WHEN f.prev IS NOT NULL AND f.fixed_at - f.prev_at <= $3 THEN ST_MakeLine(f.prev, f.pt) ELSE f.pt END::geography,
	                 c.geom::geography, CASE WHEN c.area THEN 0 ELSE $2 END)
	GROUP BY d.id, d.subject_kind, (f.fixed_at AT TIME ZONE c.tz)::date`

func visits(ctx context.Context, q db.Querier, id int64, within float64) ([]Visit, error) {
	out := []Visit{}
	read := func(source, sql string, args ...any) error {
		rows, err := q.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("clues: visits of %d: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			v := Visit{Source: source}
			var key any = &v.Track
			if source == "live" {
				key = &v.Device
			}
			if err := rows.Scan(key, &v.Subject, &v.At); err != nil {
				return fmt.Errorf("clues: visits of %d: %w", id, err)
			}
			out = append(out, v)
		}
		return rows.Err()
	}
	if err := read("track", `SELECT t.id, t.subject, min(to_timestamp(ST_InterpolatePoint(s.geom, c.point)))
		FROM clue c JOIN track_segment s ON ST_DWithin(s.geom::geography, c.geom::geography, CASE WHEN ST_Dimension(c.geom) = 2 THEN 0 ELSE $2 END)
		JOIN track t ON t.id = s.track_id
		WHERE c.id = $1 AND (t.started_at IS NULL OR t.ended_at >= c.imaged_after)
		GROUP BY t.id, t.subject`, id, within); err != nil {
		return nil, err
	}
	if err := read("live", liveVisits, id, within, LiveGap); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Visit) int {
		switch {
		case a.At == nil && b.At == nil:
			return cmp.Compare(b.Track, a.Track)
		case a.At == nil:
			return 1
		case b.At == nil:
			return -1
		}
		return b.At.Compare(*a.At)
	})
	return out, nil
}

// PhotoInput is a verification photo. Its position and time are read from
// its EXIF on the server; Lon, Lat and TakenAt (what the client sent) stand
// only where the EXIF has none.
type PhotoInput struct {
	FileName string
	Data     []byte
	Lon, Lat *float64
	TakenAt  *time.Time
}

// photoPlace is where and when a photo was taken, and where each came from
// ("exif" or "client"; nil for neither).
type photoPlace struct {
	lon, lat          *float64
	takenAt           *time.Time
	posFrom, timeFrom *string
}

// placePhoto reads a photo's EXIF; the client's values fill what it lacks. A
// damaged EXIF block is read as none: the photo is still evidence.
func placePhoto(p PhotoInput, loc *time.Location) photoPlace {
	exifFrom, client := "exif", "client"
	m, _ := photoexif.Read(p.Data)
	var out photoPlace
	if m.Lon != nil {
		out.lon, out.lat, out.posFrom = m.Lon, m.Lat, &exifFrom
	} else if p.Lon != nil {
		out.lon, out.lat, out.posFrom = p.Lon, p.Lat, &client
	}
	if at := m.TakenAt(loc); at != nil {
		out.takenAt, out.timeFrom = at, &exifFrom
	} else if p.TakenAt != nil {
		out.takenAt, out.timeFrom = p.TakenAt, &client
	}
	return out
}

// VerifyInput is a field verification's outcome.
type VerifyInput struct {
	Result   string
	Note     string
	Approval string // which approval, for a lawful change
	// Track or Device names the visit (a track, or a live device that passed);
	// neither: the latest visit.
	Track  *int64
	Device string
	Photos []PhotoInput
}

// Verify records a clue's field verification: its result, note, visit and
// photos. An illegal activity opens a case (source remote_sensing) carrying
// the clue, its image dates and area, its photos as verification evidence;
// any other result closes the clue with that reason.
func (s *Store) Verify(ctx context.Context, id int64, in VerifyInput, actor string) (Clue, error) {
	if err := checkVerify(in); err != nil {
		return Clue{}, err
	}
	var caseID *int64
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		tz, _, err := workable(ctx, tx, id)
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return err
		}
		visit, err := s.visitOf(ctx, tx, id, in.Track, in.Device)
		if err != nil {
			return err
		}
		status := Closed
		if Result(in.Result) == IllegalActivity {
			status = CaseOpened
		}
		var track *int64
		var device, at any
		if visit != nil {
			if visit.Source == "live" {
				device = visit.Device
			} else {
				track = &visit.Track
			}
			at = visit.At
		}
		if _, err := tx.Exec(ctx, `UPDATE clue SET status = $2, result = $3, note = $4, approval = $5, visit_track_id = $6, visit_device = $7,
				visited_at = $8, verified_by = $9, verified_at = $10 WHERE id = $1`,
			id, status, in.Result, in.Note, in.Approval, track, device, at, actor, s.opts.Now()); err != nil {
			return err
		}
		for _, p := range in.Photos {
			sum := sha256.Sum256(p.Data)
			pl := placePhoto(p, loc)
			if _, err := tx.Exec(ctx, `INSERT INTO clue_photo (clue_id, file_name, content_type, data, sha256, taken_at, taken_at_from, lon, lat, position_from, distance_m, added_by)
				SELECT $1, $2, $3, $4, $5, $6, $7, $8::float8, $9::float8, $10,
				       CASE WHEN $8::float8 IS NOT NULL AND $9::float8 IS NOT NULL
				            THEN ST_Distance(c.geom::geography, ST_SetSRID(ST_MakePoint($8, $9), 4326)::geography) END, $11
				FROM clue c WHERE c.id = $1 ON CONFLICT (clue_id, sha256) DO NOTHING`,
				id, p.FileName, http.DetectContentType(p.Data), p.Data, sum[:], pl.takenAt, pl.timeFrom, pl.lon, pl.lat, pl.posFrom, actor); err != nil {
				return err
			}
		}
		if status == CaseOpened {
			cid, err := openCase(ctx, tx, id, actor, s.opts.Now())
			if err != nil {
				return err
			}
			caseID = &cid
		}
		return nil
	})
	if err != nil {
		return Clue{}, fmt.Errorf("clues: verify %d: %w", id, err)
	}
	if caseID != nil {
		for _, p := range in.Photos {
			u := cases.Upload{FileName: p.FileName, Data: p.Data, Role: "verification", Note: "绿盾问题线索现场核查照片"}
			if _, err := s.cases.AddFile(ctx, *caseID, u, actor); err != nil {
				if pe, ok := problem.As(err); !ok || pe.Type != "duplicate-evidence" {
					return Clue{}, fmt.Errorf("clues: verify %d: photo to case %d: %w", id, *caseID, err)
				}
			}
		}
	}
	return s.Get(ctx, id)
}

// checkVerify checks a verification's fields and photos.
func checkVerify(in VerifyInput) error {
	var ps []problem.Detail
	if _, ok := resultZH[Result(in.Result)]; !ok {
		ps = append(ps, problem.At(-1, "result", fmt.Sprintf("result %q must be illegal_activity, lawful, pre_existing, natural_change or false_detection", in.Result)))
	}
	if Result(in.Result) == Lawful && strings.TrimSpace(in.Approval) == "" {
		ps = append(ps, problem.At(-1, "approval", "a lawful change needs the approval it was built under (which document, by whom)"))
	}
	for i, p := range in.Photos {
		ct := http.DetectContentType(p.Data)
		if ct != "image/jpeg" && ct != "image/png" && ct != "image/webp" {
			ps = append(ps, problem.At(-1, fmt.Sprintf("photo[%d]", i), fmt.Sprintf("photo %q is %s, not a JPEG, PNG or WebP photo", p.FileName, ct)))
		}
		if (p.Lon == nil) != (p.Lat == nil) || (p.Lon != nil && (*p.Lon < -180 || *p.Lon > 180 || *p.Lat < -90 || *p.Lat > 90)) {
			ps = append(ps, problem.At(-1, fmt.Sprintf("photo[%d]", i), "a photo's position needs photo_lon and photo_lat within range"))
		}
	}
	if len(ps) > 0 {
		return problem.Invalid("invalid-clue", problem.Summary(ps), ps...)
	}
	return nil
}

// visitOf is the visit a verification records: the named track or live
// device, which must have passed the clue, or else the latest visit (none:
// nil).
func (s *Store) visitOf(ctx context.Context, tx pgx.Tx, id int64, track *int64, device string) (*Visit, error) {
	vs, err := visits(ctx, tx, id, s.opts.VisitDistanceM)
	if err != nil {
		return nil, err
	}
	if track == nil && device == "" {
		if len(vs) == 0 {
			return nil, nil
		}
		return &vs[0], nil
	}
	for i := range vs {
		if (track != nil && vs[i].Source == "track" && vs[i].Track == *track) || (device != "" && vs[i].Source == "live" && vs[i].Device == device) {
			return &vs[i], nil
		}
	}
	what, field := fmt.Sprintf("live device %q", device), "device"
	if track != nil {
		what, field = fmt.Sprintf("track %d", *track), "track"
	}
	return nil, problem.Invalid("invalid-clue", fmt.Sprintf("%s did not pass clue %d (through it, or within %.0f m of a point clue) after its later image", what, id, s.opts.VisitDistanceM),
		problem.At(-1, field, "the "+field+" did not pass the clue"))
}

// openCase opens the case of a confirmed illegal activity: source
// remote_sensing, numbered and routed by case_open to the clue's county and
// grid cell, with the clue's number as its source reference, its change,
// image dates and area in the description, and its legal basis.
func openCase(ctx context.Context, tx pgx.Tx, id int64, actor string, now time.Time) (int64, error) {
	var ct ChangeType
	var reserve *int64
	if err := tx.QueryRow(ctx, `SELECT change_type, reserve_id FROM clue WHERE id = $1`, id).Scan(&ct, &reserve); err != nil {
		return 0, err
	}
	if reserve == nil {
		return 0, problem.Invalid("invalid-clue", fmt.Sprintf("clue %d lies in and near no reserve, so no reserve's case can be opened for it: close it or register a case with the responsible authority", id),
			problem.At(-1, "result", "the clue lies in no reserve"))
	}
	var cid int64
	err := tx.QueryRow(ctx, `SELECT case_open(c.reserve_id, 'remote_sensing', c.number, 'remote_sensing_change',
			'遥感监测问题线索 ' || c.number || '：' || $3 || coalesce('（' || case_zone_zh(z.zone_kind) || '）', ''),
			b.source || '：' || coalesce(to_char(c.imaged_before, 'YYYY-MM-DD') || '至', '') || to_char(c.imaged_after, 'YYYY-MM-DD') ||
			' 影像对比发现' || $3 || '，面积 ' || round(c.area_ha::numeric, 2) || ' 公顷；现场核查（' || $2 || '）确认为违法违规人类活动。' || c.note,
			z.zone_kind, c.geom, coalesce(c.activity, 'other'),
			coalesce((SELECT array_agg(concat_ws('/', e->>'instrument', e->>'article', e->>'paragraph', e->>'item')) FROM jsonb_array_elements(c.legal_basis) e), '{}'),
			coalesce((SELECT string_agg(e->>'cite_zh', '；') FROM jsonb_array_elements(c.legal_basis) e), ''),
			coalesce((SELECT string_agg(e->>'cite_en', '; ') FROM jsonb_array_elements(c.legal_basis) e), ''),
			'', '', 'unknown', '', (c.imaged_after::timestamp AT TIME ZONE coalesce(r.time_zone, 'Asia/Shanghai')), NULL, $2,
			'opened from Green Shield clue ' || c.number, $4)
		FROM clue c JOIN clue_batch b ON b.id = c.batch_id LEFT JOIN reserve r ON r.id = c.reserve_id
		LEFT JOIN LATERAL (SELECT cz.zone_kind FROM clue_zone cz WHERE cz.clue_id = c.id AND cz.reserve_id = c.reserve_id
		                   ORDER BY case_zone_rank(cz.zone_kind) LIMIT 1) z ON true
		WHERE c.id = $1`, id, actor, ct.ZH(), now).Scan(&cid)
	if err != nil {
		return 0, fmt.Errorf("open case: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE violation_case v SET legal_basis = c.legal_basis, penalty = c.penalty FROM clue c
		WHERE v.id = $1 AND c.id = $2`, cid, id); err != nil {
		return 0, fmt.Errorf("case %d legal basis: %w", cid, err)
	}
	_, err = tx.Exec(ctx, `UPDATE clue SET case_id = $2 WHERE id = $1`, id, cid)
	return cid, err
}

// OverdueClue is a clue still unverified after its deadline, for the daily report.
type OverdueClue struct {
	ID          int64    `json:"id"`
	Number      string   `json:"number"`
	Reserve     *string  `json:"reserve"`
	GridCell    *string  `json:"grid_cell"`
	ChangeType  string   `json:"change_type"`
	Assignee    *string  `json:"assignee"`
	Deadline    law.Date `json:"deadline"`
	DaysOverdue int      `json:"days_overdue"`
}

// Overdue lists the clues whose verification deadline passed before day
// (YYYY-MM-DD) and which are still unverified; reserve narrows to one.
func (s *Store) Overdue(ctx context.Context, day, reserve string) ([]OverdueClue, error) {
	d, err := law.ParseDate(day)
	if err != nil {
		return nil, problem.BadRequest("invalid-parameter", "date: "+err.Error())
	}
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.number, r.code, g.code, c.change_type, c.assignee, c.deadline, $1::date - c.deadline
		FROM clue c LEFT JOIN reserve r ON r.id = c.reserve_id LEFT JOIN grid_cell g ON g.id = c.cell_id
		WHERE c.status IN ('new', 'assigned') AND c.deadline < $1::date AND ($2 = '' OR r.code = $2)
		ORDER BY c.deadline, c.id`, d.Time, reserve)
	if err != nil {
		return nil, fmt.Errorf("clues: overdue: %w", err)
	}
	defer rows.Close()
	out := []OverdueClue{}
	for rows.Next() {
		var o OverdueClue
		var dl time.Time
		if err := rows.Scan(&o.ID, &o.Number, &o.Reserve, &o.GridCell, &o.ChangeType, &o.Assignee, &dl, &o.DaysOverdue); err != nil {
			return nil, fmt.Errorf("clues: overdue: %w", err)
		}
		o.Deadline = law.Date{Time: dl}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Daily is the daily case report with the Green Shield clues overdue for
// verification at the end of its day.
type Daily struct {
	reports.Daily
	OverdueClues []OverdueClue `json:"overdue_clues"`
}

// WithOverdue is the cases' daily report d of day (YYYY-MM-DD) with the
// clues overdue for verification then; reserve narrows them to one.
func (s *Store) WithOverdue(ctx context.Context, d reports.Daily, day, reserve string) (Daily, error) {
	oc, err := s.Overdue(ctx, day, reserve)
	if err != nil {
		return Daily{}, err
	}
	return Daily{Daily: d, OverdueClues: oc}, nil
}

// Tables are the report's tables for CSV and XLSX: the cases' tables, then
// overdue_clues.
func (d Daily) Tables() []reports.Table {
	t := reports.Table{Name: "overdue_clues", Header: []string{"clue", "number", "reserve", "grid_cell", "change_type", "assignee", "deadline", "days_overdue"}}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, o := range d.OverdueClues {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(o.ID, 10), o.Number, str(o.Reserve), str(o.GridCell), o.ChangeType, str(o.Assignee),
			o.Deadline.String(), strconv.Itoa(o.DaysOverdue)})
	}
	return append(d.Daily.Tables(), t)
}
