package patrol

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/problem"
	"warden/internal/zoning/engine"
)

// Input is what comes with an uploaded file.
type Input struct {
	FileName string
	// Reserve is a reserve code; empty: the reserve the track spends most
	// length in, if any.
	Reserve     string
	Subject     string
	SubjectKind SubjectKind
	// Permit is the id of the permit the subject moved under (0: none).
	Permit int64
	// Timezone is an IANA zone: times written without a zone are read in it,
	// and times marked Z are checked for being local times (see TimeCheck).
	Timezone string
	// TrueUTC says times marked Z are known to be UTC (a live device's fixes,
	// dated by the server's protocol readers): they are not checked for being
	// local times, which a night patrol's would seem.
	TrueUTC bool
	// Coords is "wgs84" (or empty) or "gcj02" (converted to WGS 84).
	Coords string
	// MaxSpeedKmh overrides the subject kind's outlier speed (0: keep it).
	MaxSpeedKmh float64
	// Allow, when set, is asked before the track is stored whether the
	// uploader may act in the reserves its points visit (their codes, in
	// order of first visit): a track's reserves are where its points are,
	// whatever reserve was named. Its error refuses the upload whole.
	Allow func(reserves []string) error
}

// Upload is a decoded file, ready to be saved. Its bytes wait in a
// temporary file for the audit copy, not in memory; Save, or Close, removes
// it.
type Upload struct {
	in    Input
	loc   *time.Location
	raw   *os.File
	size  int64
	sum   [sha256.Size]byte
	track *geoio.Track
}

// Close removes the upload's temporary copy of the file; the upload cannot be
// saved after. Closing again does nothing.
func (u *Upload) Close() error {
	if u == nil || u.raw == nil {
		return nil
	}
	f := u.raw
	u.raw = nil
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// Summary is a stored track as lists show it.
type Summary struct {
	ID          int64       `json:"id"`
	CreatedAt   time.Time   `json:"created_at"`
	File        FileInfo    `json:"file"`
	Reserve     *string     `json:"reserve"`
	Subject     string      `json:"subject"`
	SubjectKind SubjectKind `json:"subject_kind"`
	Permit      *int64      `json:"permit"`
	StartedAt   *time.Time  `json:"started_at"`
	EndedAt     *time.Time  `json:"ended_at"`
	Totals      Totals      `json:"totals"`
	Counts      Counts      `json:"counts"`
	Links       Links       `json:"links"`
}

// Track is a stored track with its analysis, as the upload answers and
// GET /api/v1/tracks/{id} shows it.
type Track struct {
	Summary
	// Coords is the datum the file was in (the stored fixes are WGS 84).
	Coords    string     `json:"coords"`
	Timezone  string     `json:"timezone,omitempty"`
	HasTime   bool       `json:"has_time"`
	Cleaning  Cleaning   `json:"cleaning"`
	TimeCheck *TimeCheck `json:"time_check,omitempty"`
	// Notes say in sentences what the reader and cleaning found.
	Notes        []string      `json:"notes"`
	Visits       []Visit       `json:"visits"`
	Observations []Observation `json:"observations"`
	Findings     []Finding     `json:"findings"`
}

// FileInfo describes the uploaded file.
type FileInfo struct {
	Name      string       `json:"name"`
	Format    geoio.Format `json:"format"`
	Encoding  string       `json:"encoding"`
	Bytes     int64        `json:"bytes"`
	SHA256    string       `json:"sha256"`
	TrackName string       `json:"track_name,omitempty"`
}

// Counts sizes a track's lists.
type Counts struct {
	Visits       int `json:"visits"`
	JitterVisits int `json:"jitter_visits"`
	Observations int `json:"observations"`
	Findings     int `json:"findings"`
}

// Links are a track's related resources.
type Links struct {
	Self   string `json:"self"`
	Visits string `json:"visits"`
	GPX    string `json:"gpx"`
}

func linksFor(id int64) Links {
	base := fmt.Sprintf("/api/v1/tracks/%d", id)
	return Links{Self: base, Visits: base + "/visits", GPX: base + ".gpx"}
}

// maxText caps text fields of an upload.
const maxText = 200

func badParam(field, detail string) error {
	return problem.BadRequest("invalid-parameter", detail, problem.Detail{Pointer: field, Reason: detail})
}

func checkText(field, v string) error {
	if len(v) > maxText || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return badParam(field, fmt.Sprintf("%s must be UTF-8 text of at most %d bytes without NUL", field, maxText))
	}
	return nil
}

func (in *Input) check() (*time.Location, error) {
	for f, v := range map[string]string{"subject": in.Subject, "reserve": in.Reserve, "file name": in.FileName} {
		if err := checkText(f, v); err != nil {
			return nil, err
		}
	}
	if _, err := ParseSubjectKind(string(in.SubjectKind)); err != nil {
		return nil, badParam("subject_kind", err.Error())
	}
	if in.SubjectKind == "" {
		in.SubjectKind = Unknown
	}
	switch in.Coords {
	case "", "wgs84":
		in.Coords = "wgs84"
	case "gcj02":
	default:
		return nil, badParam("coords", fmt.Sprintf("coords %q must be wgs84 or gcj02", in.Coords))
	}
	if in.MaxSpeedKmh < 0 || in.MaxSpeedKmh > 2000 || math.IsNaN(in.MaxSpeedKmh) {
		return nil, badParam("max_speed_kmh", "max_speed_kmh must be a speed in km/h above 0")
	}
	if in.Permit < 0 {
		return nil, badParam("permit", "permit must be a permit id")
	}
	loc := time.UTC
	if in.Timezone != "" {
		l, err := time.LoadLocation(in.Timezone)
		if err != nil || in.Timezone == "Local" {
			return nil, badParam("timezone", fmt.Sprintf("timezone %q is not an IANA time zone such as Asia/Shanghai", in.Timezone))
		}
		loc = l
	}
	return loc, nil
}

// capReader refuses more than max bytes with a 413.
type capReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, problem.TooLarge(fmt.Sprintf("the file exceeds %d MiB, the upload limit", c.max>>20))
	}
	return n, err
}

// Read checks in, then copies the file from r to a temporary file (in the
// directory of os.TempDir) for the audit copy, hashing it on the way, and
// decodes it from there (geoio.ReadTrackFile: plain GPX by the fast
// tokenizer). It stores nothing: Save does.
func (s *Store) Read(in Input, r io.Reader) (*Upload, error) {
	loc, err := in.check()
	if err != nil {
		return nil, err
	}
	raw, err := os.CreateTemp("", "warden-track-*")
	if err != nil {
		return nil, fmt.Errorf("patrol: spooling the upload: %w", err)
	}
	u := &Upload{in: in, loc: loc, raw: raw}
	h := sha256.New()
	spool := bufio.NewWriterSize(raw, 64<<10)
	cr := &capReader{r: r, max: s.opts.MaxBytes}
	if _, err = io.Copy(io.MultiWriter(h, spool), cr); err == nil {
		err = spool.Flush()
	}
	if err == nil {
		_, err = raw.Seek(0, io.SeekStart)
	}
	if err == nil {
		u.track, err = geoio.ReadTrackFile(in.FileName, raw, geoio.TrackOptions{MaxBytes: s.opts.MaxBytes, Location: loc})
	}
	if err != nil {
		u.Close()
		if _, ok := problem.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	u.size = cr.n
	h.Sum(u.sum[:0])
	return u, nil
}

// Save stores a decoded upload with its analysis in one transaction and
// returns it; created is false when the same file (by SHA-256) was stored
// before, in which case that track is returned and nothing is stored.
func (s *Store) Save(ctx context.Context, u *Upload) (t Track, created bool, err error) {
	defer u.Close()
	if u.raw == nil {
		return Track{}, false, errors.New("patrol: the upload was closed before it was saved")
	}
	if id, ok, err := s.bySum(ctx, u.sum[:]); err != nil || ok {
		if err != nil {
			return Track{}, false, err
		}
		t, err := s.Get(ctx, id)
		return t, false, err
	}
	rules, err := s.ruleBook(ctx)
	if err != nil {
		return Track{}, false, err
	}
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		t, err = s.save(ctx, tx, u, rules)
		return err
	})
	if db.IsUniqueViolation(err) { // the same file, saved meanwhile by another request
		if id, ok, err2 := s.bySum(ctx, u.sum[:]); err2 == nil && ok {
			t, err := s.Get(ctx, id)
			return t, false, err
		}
	}
	if err != nil {
		return Track{}, false, err
	}
	return t, true, nil
}

func (s *Store) bySum(ctx context.Context, sum []byte) (int64, bool, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM track WHERE sha256 = $1`, sum).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// save does Save's work inside tx: it checks what the upload names, cleans
// and analyses the track in memory, asks Allow, and only then stores the
// track, its file, segments, visits, observations and findings (with COPY).
func (s *Store) save(ctx context.Context, tx pgx.Tx, u *Upload, rules ruleBook) (Track, error) {
	in, tr := u.in, u.track
	t := Track{Coords: in.Coords, HasTime: tr.HasTime}
	t.Subject, t.SubjectKind = in.Subject, in.SubjectKind
	t.File = FileInfo{Name: in.FileName, Format: tr.Format, Encoding: tr.Encoding, Bytes: u.size, SHA256: hex.EncodeToString(u.sum[:]), TrackName: tr.Name}
	t.Notes = append([]string{}, tr.Notes...)
	reserveID, pm, err := s.named(ctx, tx, in, &t)
	if err != nil {
		return t, err
	}
	if in.Timezone != "" {
		t.Timezone = in.Timezone
		if !in.TrueUTC {
			t.TimeCheck = checkLocalZ(tr, u.loc, s.opts.Now())
		}
	}
	segs, wpts, err := s.cleanUpload(u, &t)
	if err != nil {
		return t, err
	}
	z0, cuts, err := s.dayCuts(ctx, tx, t.StartedAt, t.EndedAt, rules)
	if err != nil {
		return t, err
	}
	a := &analysis{segs: segs, opts: s.opts, z0: z0, cuts: cuts, parts: parts(segs, z0, cuts)}
	if err := a.run(ctx); err != nil {
		return t, err
	}
	if in.Allow != nil {
		if err := in.Allow(a.reserves()); err != nil {
			return t, err
		}
	}
	if err := storeTrack(ctx, tx, u, &t, reserveID, segs); err != nil {
		return t, err
	}
	if t.Visits, err = insertVisits(ctx, tx, t.ID, a); err != nil {
		return t, err
	}
	if t.Observations, err = insertObservations(ctx, tx, t.ID, wpts, a); err != nil {
		return t, err
	}
	if reserveID, err = a.trackReserve(ctx, tx, &t, reserveID, in.Reserve != "" && len(segs) > 0); err != nil {
		return t, err
	}
	if t.Findings, err = insertFindings(ctx, tx, &t, a, pm, rules); err != nil {
		return t, err
	}
	return t, finish(ctx, tx, &t, reserveID)
}

// named looks up the reserve and the permit the upload names: an unknown
// reserve or permit, or another subject's permit, is refused.
func (s *Store) named(ctx context.Context, tx pgx.Tx, in Input, t *Track) (*int64, *Permit, error) {
	var reserveID *int64
	if in.Reserve != "" {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM reserve WHERE code = $1`, in.Reserve).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, problem.Invalid("unknown-reserve", fmt.Sprintf("reserve %q does not exist", in.Reserve), problem.At(-1, "reserve", "unknown reserve"))
		}
		if err != nil {
			return nil, nil, fmt.Errorf("patrol: reserve %q: %w", in.Reserve, err)
		}
		reserveID = &id
	}
	if in.Permit == 0 {
		return reserveID, nil, nil
	}
	p, err := getPermit(ctx, tx, in.Permit)
	if err != nil {
		if pe, ok := problem.As(err); ok && pe.Status == 404 {
			return nil, nil, problem.Invalid("unknown-permit", fmt.Sprintf("permit %d does not exist", in.Permit), problem.At(-1, "permit", "unknown permit"))
		}
		return nil, nil, err
	}
	if p.Subject != in.Subject {
		return nil, nil, problem.Invalid("permit-subject", fmt.Sprintf("permit %d is for subject %q, not %q", p.ID, p.Subject, in.Subject), problem.At(-1, "permit", "another subject's permit"))
	}
	t.Permit = &p.ID
	return reserveID, &p, nil
}

// cleanUpload cleans the decoded track (in place) and fills t's cleaning
// report, notes and totals; a track with nothing left is refused.
func (s *Store) cleanUpload(u *Upload, t *Track) ([]geoio.Segment, []geoio.Waypoint, error) {
	in, tr := u.in, u.track
	maxKmh := s.opts.MaxSpeedsKmh[in.SubjectKind]
	if in.MaxSpeedKmh > 0 {
		maxKmh = in.MaxSpeedKmh
	}
	read := tr.Points()
	segs, wpts, cl := clean(tr, in.Coords == "gcj02", maxKmh) // in place: tr keeps only what is kept
	t.Cleaning = cl
	t.Notes = append(t.Notes, cleaningNotes(cl)...)
	t.Totals = Totals{Segments: len(segs), PointsRead: read, Waypoints: len(wpts)}
	for i := range segs {
		t.Totals.PointsKept += segs[i].Len()
		t.Totals.LengthM += engine.Length(segs[i].XY)
	}
	if len(segs) == 0 && len(wpts) == 0 {
		reason := "no usable points are left after cleaning: " + strings.Join(cleaningNotes(cl), "; ")
		return nil, nil, problem.Invalid("no-track-points", reason, problem.Detail{Reason: reason})
	}
	if 2*cl.Dropped.SpeedOutliers > t.Totals.PointsRead {
		t.Notes = append(t.Notes, fmt.Sprintf("more than half of the points were faster than %g km/h: if the subject kind is wrong, upload again with another subject_kind or max_speed_kmh", maxKmh))
	}
	first, last := timeTotals(segs, &t.Totals)
	if !first.IsZero() {
		t.StartedAt, t.EndedAt = &first, &last
	}
	return segs, wpts, nil
}

// storeTrack stores the track's row, its raw file and its segments.
func storeTrack(ctx context.Context, tx pgx.Tx, u *Upload, t *Track, reserveID *int64, segs []geoio.Segment) error {
	in := u.in
	var fixesEnd time.Time
	err := tx.QueryRow(ctx, `
		INSERT INTO track (sha256, reserve_id, subject, subject_kind, permit_id, file_name, format, started_at, ended_at, points, length_m)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, created_at, fixes_end`,
		u.sum[:], reserveID, in.Subject, string(in.SubjectKind), t.Permit, in.FileName, string(u.track.Format), t.StartedAt, t.EndedAt, t.Totals.PointsKept, t.Totals.LengthM).
		Scan(&t.ID, &t.CreatedAt, &fixesEnd)
	if err != nil {
		return fmt.Errorf("patrol: storing a track: %w", err)
	}
	t.Links = linksFor(t.ID)
	if err := copyFile(ctx, tx, t.ID, u.raw, u.size); err != nil {
		return err
	}
	return insertSegments(ctx, tx, t.ID, fixesEnd, segs)
}

// trackReserve is the track's reserve: the one named, else the one it
// spends most length in (see mainReserve); t.Reserve gets its code, and a
// note says when the track never enters the reserve named.
func (a *analysis) trackReserve(ctx context.Context, tx pgx.Tx, t *Track, named *int64, noteMissing bool) (*int64, error) {
	id := named
	if id == nil {
		id = a.mainReserve(t.Observations)
	}
	if id == nil {
		return nil, nil
	}
	code := a.reserveCode(*id)
	if code == "" {
		if err := tx.QueryRow(ctx, `SELECT code FROM reserve WHERE id = $1`, *id).Scan(&code); err != nil {
			return nil, fmt.Errorf("patrol: reserve %d: %w", *id, err)
		}
	}
	t.Reserve = &code
	if noteMissing && !a.enters(*id) {
		t.Notes = append(t.Notes, fmt.Sprintf("the track never enters reserve %s", code))
	}
	return id, nil
}

// finish counts the track's lists and stores its analysis.
func finish(ctx context.Context, tx pgx.Tx, t *Track, reserveID *int64) error {
	t.Counts = Counts{Visits: len(t.Visits), Observations: len(t.Observations), Findings: len(t.Findings)}
	for _, v := range t.Visits {
		if v.BoundaryJitter {
			t.Counts.JitterVisits++
		}
	}
	body, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if _, err = tx.Exec(ctx, `UPDATE track SET reserve_id = $2, analysis = $3 WHERE id = $1`, t.ID, reserveID, body); err != nil {
		return fmt.Errorf("patrol: storing the analysis of track %d: %w", t.ID, err)
	}
	return nil
}

// microM is the M value of a fix's time: Unix seconds, NaN for none (a
// float64 of Unix seconds holds microseconds exactly for any date of GPS
// recording).
func microM(us int64) float64 {
	if us == geoio.NoTime {
		return math.NaN()
	}
	return float64(us) / 1e6
}

// fromM is the time an M value holds, in Unix microseconds.
func fromM(m float64) int64 {
	if math.IsNaN(m) {
		return geoio.NoTime
	}
	return int64(math.Round(m * 1e6))
}

// Get returns a stored track with its analysis.
func (s *Store) Get(ctx context.Context, id int64) (Track, error) {
	var t Track
	var body []byte
	err := s.pool.QueryRow(ctx, `SELECT analysis FROM track WHERE id = $1`, id).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, problem.NotFound("track", fmt.Sprint(id))
	}
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(body, &t); err != nil {
		return t, fmt.Errorf("track %d: stored analysis: %w", id, err)
	}
	return t, nil
}

// Owner is a track's subject and the code of its reserve ("" for none), for
// permission checks: one indexed row, without the stored analysis.
func (s *Store) Owner(ctx context.Context, id int64) (subject, reserve string, err error) {
	var code *string
	err = s.pool.QueryRow(ctx, `SELECT t.subject, r.code FROM track t LEFT JOIN reserve r ON r.id = t.reserve_id WHERE t.id = $1`, id).Scan(&subject, &code)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", problem.NotFound("track", fmt.Sprint(id))
	}
	if err != nil {
		return "", "", fmt.Errorf("patrol: owner of track %d: %w", id, err)
	}
	if code != nil {
		reserve = *code
	}
	return subject, reserve, nil
}

// Filter selects tracks for List. Zero values do not filter.
type Filter struct {
	Reserve, Subject string
	// From and To select tracks recorded in [From, To) (overlapping it);
	// tracks without times by their upload time.
	From, To time.Time
	// Limit (default 50, at most 500) and Offset page the list, newest first.
	Limit, Offset int
}

// Page is one page of tracks.
type Page struct {
	Total  int       `json:"total"`
	Limit  int       `json:"limit"`
	Offset int       `json:"offset"`
	Tracks []Summary `json:"tracks"`
}

// List limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// List returns the tracks that match f, most recently recorded first.
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	if err := db.CheckPage(&f.Limit, f.Offset, DefaultLimit, MaxLimit); err != nil {
		return Page{}, err
	}
	var q db.Filter
	if f.Reserve != "" {
		q.And("t.reserve_id = (SELECT id FROM reserve WHERE code = " + q.Bind(f.Reserve) + ")")
	}
	q.Equal("t.subject", f.Subject)
	if !f.From.IsZero() {
		q.And("coalesce(t.ended_at, t.created_at) >= " + q.Bind(f.From))
	}
	if !f.To.IsZero() {
		q.And("coalesce(t.started_at, t.created_at) < " + q.Bind(f.To))
	}
	p := Page{Limit: f.Limit, Offset: f.Offset, Tracks: []Summary{}}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM track t`+q.Where(), q.Args...).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("patrol: count tracks: %w", err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT analysis - 'visits' - 'observations' - 'findings' - 'notes' FROM track t`+q.Where()+`
		ORDER BY coalesce(t.started_at, t.created_at) DESC, t.id DESC`+q.Page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return p, fmt.Errorf("patrol: list tracks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return p, err
		}
		var sm Summary
		if err := json.Unmarshal(body, &sm); err != nil {
			return p, fmt.Errorf("stored analysis: %w", err)
		}
		p.Tracks = append(p.Tracks, sm)
	}
	return p, rows.Err()
}

// Visits returns a track's zone visits in order along the track (as
// analysed when it was saved; the zone_visit table holds the same rows).
func (s *Store) Visits(ctx context.Context, id int64) ([]Visit, error) {
	t, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return t.Visits, nil
}

// storedTrack is a track as stored, for the GPX and KML exports.
type storedTrack struct {
	name         string
	created      time.Time
	summary      Summary
	segments     []geoio.Segment
	observations []Observation
}

func (s *Store) stored(ctx context.Context, id int64) (storedTrack, error) {
	var st storedTrack
	var body []byte
	err := s.pool.QueryRow(ctx, `SELECT analysis, created_at FROM track WHERE id = $1`, id).Scan(&body, &st.created)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, problem.NotFound("track", fmt.Sprint(id))
	}
	if err != nil {
		return st, err
	}
	var t Track
	if err := json.Unmarshal(body, &t); err != nil {
		return st, fmt.Errorf("track %d: stored analysis: %w", id, err)
	}
	st.name, st.observations, st.summary = t.File.TrackName, t.Observations, t.Summary
	rows, err := s.pool.Query(ctx, `SELECT ST_AsEWKB(geom) FROM track_segment WHERE track_id = $1 ORDER BY ordinal`, id)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return st, err
		}
		g, err := ewkb.Unmarshal(b)
		if err != nil {
			return st, fmt.Errorf("track %d: stored segment: %w", id, err)
		}
		flat, stride := g.FlatCoords(), g.Stride()
		if g.Layout() != geom.XYZM {
			return st, fmt.Errorf("track %d: stored segment has layout %v, want XYZM", id, g.Layout())
		}
		n := len(flat) / stride
		seg := geoio.Segment{XY: make([]orb.Point, n), Ele: make([]float64, n), T: make([]int64, n)}
		for k := range n {
			i := k * stride
			seg.XY[k], seg.Ele[k], seg.T[k] = orb.Point{flat[i], flat[i+1]}, flat[i+2], fromM(flat[i+3])
		}
		st.segments = append(st.segments, seg)
	}
	return st, rows.Err()
}

// reserves is the codes of the reserves the visits are in, each once, in
// order of first visit.
func (a *analysis) reserves() []string {
	var out []string
	for _, v := range a.visits {
		if v.zone.reserve != "" && !slices.Contains(out, v.zone.reserve) {
			out = append(out, v.zone.reserve)
		}
	}
	return out
}
