package cases_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"warden/internal/cases"
	"warden/internal/cases/casetest"
	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/markers"
	"warden/internal/problem"
	"warden/internal/problem/problemtest"
	"warden/internal/screening"
	"warden/internal/testdb"
	"warden/internal/zoning"
	"warden/migrations"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// fixture adds to casetest's the screenings and findings that open cases.
type fixture struct{ *casetest.Fixture }

func newFixture(t *testing.T) *fixture { return &fixture{casetest.New(t)} }

func square(c [2]float64, h float64) map[string]any {
	dy := h / 111_320
	dx := dy / 0.82
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
		{c[0] - dx, c[1] - dy}, {c[0] + dx, c[1] - dy}, {c[0] + dx, c[1] + dy}, {c[0] - dx, c[1] + dy}, {c[0] - dx, c[1] - dy}}}}
}

func (f *fixture) screen(c [2]float64, developer string) screening.Screening {
	f.T.Helper()
	doc, _ := json.Marshal(square(c, 300))
	feats, err := geoio.DecodeGeoJSON(doc, geoio.GeoJSONOptions{})
	if err != nil {
		f.T.Fatal(err)
	}
	sc, err := screening.NewStore(f.Pool, screening.Options{}).Screen(f.T.Context(), screening.Request{Features: feats, Format: "geojson",
		Activity: "quarrying", Project: screening.Project{Name: "采石场", Developer: developer, Status: screening.UnderConstruction}})
	if err != nil {
		f.T.Fatal(err)
	}
	if len(sc.Findings) != 1 {
		f.T.Fatalf("screening: %d findings, want 1", len(sc.Findings))
	}
	return sc
}

// patrolFinding stores a track with one observation and the finding a
// patrol track would raise for it, as internal/patrol does (source
// observation), without going through internal/patrol.
func (f *fixture) patrolFinding(subject string, p [2]float64, at time.Time, activity string) int64 {
	f.T.Helper()
	return f.observationFinding(subject, "visitor", p, at, activity, zoning.Core, nil)
}

// observationFinding is patrolFinding by a track of the subject kind, in a
// given zone kind, worded and judged as j says when j is not nil.
func (f *fixture) observationFinding(subject, kind string, p [2]float64, at time.Time, activity string, zone zoning.Kind, j *law.Judgment) int64 {
	f.T.Helper()
	ctx := f.T.Context()
	sum := make([]byte, 32)
	rand.Read(sum)
	var tid, oid, fid int64
	if err := f.Pool.QueryRow(ctx, `INSERT INTO track (sha256, reserve_id, subject, subject_kind, format, started_at, ended_at, points, length_m)
		SELECT $1, id, $2, $4, 'gpx', $3, $3, 1, 0 FROM reserve WHERE code = 'qiangtang' RETURNING id`, sum, subject, at, kind).Scan(&tid); err != nil {
		f.T.Fatal(err)
	}
	if err := f.Pool.QueryRow(ctx, `INSERT INTO observation (track_id, ordinal, geom, observed_at, category, activity)
		VALUES ($1, 0, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $5) RETURNING id`, tid, p[0], p[1], at, activity).Scan(&oid); err != nil {
		f.T.Fatal(err)
	}
	arts, zh, en, basis, penalty, ruleSet := []string{"NRR-26"}, "依据《自然保护区条例》第二十六条", "Art. 26", []law.Basis{}, (*law.Penalty)(nil), (*string)(nil)
	if j != nil {
		arts, zh, en, basis, penalty, ruleSet = nil, j.SentenceZH, j.SentenceEN, j.LegalBasis, j.Penalty, &j.RuleSet
		for _, x := range j.LegalBasis {
			arts = append(arts, fmt.Sprintf("%s/%d", x.Instrument, x.Article))
		}
	}
	if err := f.Pool.QueryRow(ctx, `INSERT INTO finding (kind, reserve_id, zone_kind, geom, activity, articles, basis_zh, basis_en, source,
			track_id, observation_id, subject, subject_kind, observed_at, observed_until, legal_basis, penalty, rule_set)
		SELECT 'prohibited_activity', r.id, $8, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $9, $10, $11,
		       'observation', $1, $5, $6, $15, $7, $7, $12, $13, $14
		FROM reserve r WHERE r.code = 'qiangtang' RETURNING id`, tid, p[0], p[1], activity, oid, subject, at,
		string(zone), arts, zh, en, basis, penalty, ruleSet, kind).Scan(&fid); err != nil {
		f.T.Fatal(err)
	}
	return fid
}

// caseOf is the case a finding became evidence on.
func (f *fixture) caseOf(finding int64) cases.Case {
	f.T.Helper()
	id := f.Scalar(`SELECT case_id FROM case_evidence WHERE finding_id = $1`, finding).(int64)
	c, err := f.Cases.Get(f.T.Context(), id)
	if err != nil {
		f.T.Fatal(err)
	}
	return c
}

// TestScreeningFindingOpensCase: an under-construction quarry screened today
// in the Qiangtang core protection zone opens a case, numbered, routed to
// its county and grid cell; the same quarry screened again the same day is
// evidence on it.
func TestScreeningFindingOpensCase(t *testing.T) {
	f := newFixture(t)
	sc := f.screen(casetest.CorePoint, "某矿业公司")
	c := f.caseOf(sc.Findings[0].ID)
	if c.Number != fmt.Sprintf("qiangtang-%d-0001", casetest.ThisYear()) || c.Source != "screening" || c.Status != cases.Reported || c.Kind != "unapproved_construction" ||
		c.Activity != "quarrying" || *c.ZoneKind != "core_protection" || c.Party.Name != "某矿业公司" || c.Party.Kind != "enterprise" {
		t.Fatalf("case: %+v", c)
	}
	// 86°E lies in the fourth of seven strips of 79.95-90.88°E: 改则县
	if c.Area == nil || c.Area.Code != "542526" || c.Area.UnitName != "改则县人民政府" {
		t.Errorf("area %+v, want 542526 改则县", c.Area)
	}
	wantCell := f.Scalar(`SELECT g.code FROM grid_cell g JOIN reserve r ON r.id = g.reserve_id WHERE r.code = 'qiangtang'
		AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`, casetest.CorePoint[0], casetest.CorePoint[1]).(string)
	if c.Cell == nil || c.Cell.Code != wantCell {
		t.Errorf("cell %+v, want %s", c.Cell, wantCell)
	}
	if len(c.Events) != 1 || c.Events[0].Kind != "created" || c.Events[0].Actor != "system" || len(c.Evidence) != 1 || *c.Evidence[0].ScreeningID != sc.ID {
		t.Errorf("events %+v evidence %+v", c.Events, c.Evidence)
	}
	again := f.screen(casetest.CorePoint, "某矿业公司")
	c2 := f.caseOf(again.Findings[0].ID)
	if c2.ID != c.ID || len(c2.Evidence) != 2 || c2.Version != 2 || c2.Events[1].Kind != "evidence" {
		t.Errorf("second screening: case %d (want %d), %d evidence, version %d", c2.ID, c.ID, len(c2.Evidence), c2.Version)
	}
	if n := f.Count(`SELECT count(*) FROM violation_case`); n != 1 {
		t.Errorf("%d cases, want 1", n)
	}
}

// TestDeduplication holds the matching rules: same subject, zone kind and
// activity on the same local day; or within 50 m and 30 days with the same
// activity and subject (findings of different people at one spot are
// different cases); nothing else.
func TestDeduplication(t *testing.T) {
	f := newFixture(t)
	day := time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC) // 09:00 Beijing
	far := func(km float64) [2]float64 { return [2]float64{casetest.CorePoint[0] + km/92.0, casetest.CorePoint[1]} }
	first := f.caseOf(f.patrolFinding("张三", casetest.CorePoint, day, "logging"))
	for _, c := range []struct {
		name    string
		subject string
		at      time.Time
		p       [2]float64
		act     string
		same    bool
	}{
		{"same subject, zone and day, 5 km away", "张三", day.Add(10 * time.Hour), far(5), "logging", true},      // 19:00 Beijing
		{"same subject, next local day, 5 km away", "张三", day.Add(16 * time.Hour), far(5.2), "logging", false}, // 01:00 next day
		{"another subject at the same spot, same day", "李四", day.Add(time.Hour), casetest.CorePoint, "logging", false},
		{"another subject within 50 m, 20 days on", "李四", day.AddDate(0, 0, 20), [2]float64{casetest.CorePoint[0] + 0.0003, casetest.CorePoint[1]}, "logging", false},
		{"same subject within 50 m, 20 days on", "张三", day.AddDate(0, 0, 20), [2]float64{casetest.CorePoint[0] + 0.0003, casetest.CorePoint[1]}, "logging", true},
		{"same subject within 50 m but 31 days after the last", "张三", day.AddDate(0, 0, 52), casetest.CorePoint, "logging", false},
		{"same place and day, another activity", "张三", day.Add(time.Hour), casetest.CorePoint, "hunting", false},
		{"60 m west, same day, another subject", "赵六", day.Add(2 * time.Hour), [2]float64{casetest.CorePoint[0] - 60.0/92000, casetest.CorePoint[1]}, "logging", false},
	} {
		got := f.caseOf(f.patrolFinding(c.subject, c.p, c.at, c.act))
		if (got.ID == first.ID) != c.same {
			t.Errorf("%s: case %d, first %d, want same=%v", c.name, got.ID, first.ID, c.same)
		}
	}
	// a ranger's observation is about the act seen, not the ranger: a second
	// ranger reporting the same logging site joins the first one's case
	site := [2]float64{casetest.CorePoint[0], casetest.CorePoint[1] + 0.1}
	seenBy := func(who, kind string, at time.Time) cases.Case {
		return f.caseOf(f.observationFinding(who, kind, site, at, "logging", zoning.Core, nil))
	}
	byRanger := seenBy("护林员王五", "patrol", day)
	if got := seenBy("护林员钱七", "patrol", day.AddDate(0, 0, 3)); got.ID != byRanger.ID {
		t.Errorf("two rangers at one logging site: cases %d and %d", byRanger.ID, got.ID)
	}
	if got := seenBy("孙八", "visitor", day.AddDate(0, 0, 3)); got.ID == byRanger.ID {
		t.Errorf("a visitor's own finding at the site joined the rangers' case %d", got.ID)
	}
	// a closed or dismissed case takes no more evidence
	if _, err := f.Pool.Exec(t.Context(), `UPDATE violation_case SET status = 'dismissed' WHERE id = $1`, first.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.caseOf(f.patrolFinding("张三", casetest.CorePoint, day.Add(3*time.Hour), "logging")); got.ID == first.ID {
		t.Error("a dismissed case took new evidence")
	}
	// the same subject again that day joins the case opened after the dismissal
	next := f.caseOf(f.patrolFinding("张三", casetest.CorePoint, day, "logging"))
	if next.ID == first.ID || len(next.Evidence) != 2 {
		t.Errorf("after the dismissal: case %d with %d evidence", next.ID, len(next.Evidence))
	}
}

// TestNumberingConcurrent registers cases from many goroutines at once: the
// numbers are unique and without gaps, per reserve and year.
func TestNumberingConcurrent(t *testing.T) {
	f := newFixture(t)
	const n = 16
	var wg sync.WaitGroup
	nums := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			loc, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{84 + float64(i)*0.1, 34.5}})
			c, err := f.Cases.Create(context.Background(), cases.CreateInput{Source: "public_report", Location: loc, Activity: "hunting", Title: fmt.Sprint("来信 ", i)}, "test")
			nums[i], errs[i] = c.Number, err
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		seen[nums[i]] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[fmt.Sprintf("qiangtang-%d-%04d", casetest.ThisYear(), i)] {
			t.Errorf("number qiangtang-%d-%04d missing from %v", casetest.ThisYear(), i, nums)
		}
	}
	// a new year starts again at 1, in the case's time zone: 31 December 17:00 UTC is next year in Beijing
	f.Clock.Set(time.Date(casetest.ThisYear(), 12, 31, 17, 0, 0, 0, time.UTC))
	loc, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{86, 34.5}})
	c, err := f.Cases.Create(t.Context(), cases.CreateInput{Source: "central_inspection", SourceRef: "督察组交办第3批", Location: loc, Activity: "mining"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("qiangtang-%d-0001", casetest.ThisYear()+1); c.Number != want {
		t.Errorf("number %s, want %s", c.Number, want)
	}
	if c.BasisZH == "" || len(c.Articles) == 0 || !strings.Contains(c.BasisZH, "第二十六条") {
		t.Errorf("basis from the rule table: %q %v", c.BasisZH, c.Articles)
	}
}

// TestCreateRefusals: outside sources only, a location, a known activity,
// a reserve, a valid geometry; nothing is stored for a refusal.
func TestCreateRefusals(t *testing.T) {
	f := newFixture(t)
	pt := json.RawMessage(`{"type":"Point","coordinates":[86,34.8]}`)
	for _, c := range []struct {
		in        cases.CreateInput
		status    int
		fragments []string
	}{
		{cases.CreateInput{Location: pt, Activity: "hunting"}, 422, []string{"source is required"}},
		{cases.CreateInput{Source: "screening", Location: pt, Activity: "hunting"}, 422, []string{"opened by Warden itself"}},
		{cases.CreateInput{Source: "public_report", Activity: "hunting"}, 422, []string{"needs a location"}},
		{cases.CreateInput{Source: "public_report", Location: pt, Activity: "knitting"}, 422, []string{"not in the rule table"}},
		{cases.CreateInput{Source: "public_report", Location: json.RawMessage(`{"type":"Point","coordinates":[10,10]}`), Activity: "hunting"}, 422, []string{"name the reserve"}},
		{cases.CreateInput{Source: "public_report", Location: json.RawMessage(`{"type":"Polygon","coordinates":[[[86,34],[87,35],[87,34],[86,35],[86,34]]]}`), Activity: "hunting"}, 422, []string{"Self-intersection"}},
		{cases.CreateInput{Source: "public_report", Location: pt, Activity: "hunting", Party: &cases.Party{Name: "x", Kind: "company"}}, 422, []string{"party.kind"}},
		{cases.CreateInput{Source: "public_report", Location: pt, Activity: "hunting", Reserve: "nowhere"}, 422, []string{"does not exist"}},
	} {
		_, err := f.Cases.Create(t.Context(), c.in, "test")
		problemtest.Want(t, err, c.status, c.fragments...)
	}
	if n := f.Count(`SELECT count(*) FROM violation_case`); n != 0 {
		t.Errorf("%d cases stored", n)
	}
}

var (
	inspection = &cases.Inspection{Date: "2025-07-01", Inspectors: []string{"县林草局 李", "市生态环境局 王"}, Progress: "已停工，正在拆除设备", Findings: "现场仍有堆料"}
	interview  = &cases.Interview{Date: "2025-08-05", By: "市政府", Interviewed: []cases.Person{{Name: "赵某", Title: "副县长", Unit: "尼玛县人民政府"}}, Record: "约谈纪要：限期一个月完成整改"}
	special    = &cases.Special{Date: "2025-09-10", Inspectors: []string{"市督察组"}, Findings: "整改仍不到位",
		Accountability: []cases.Accountability{{Kind: "notified_criticism", Target: "尼玛县林草局"}, {Kind: "discipline_referral", Target: "尼玛县林草局局长"}}}
)

// TestTransitionRules walks the four steps and refuses every transition the
// workflow does not allow, with 409 and the allowed list, and every missing
// field with 422.
func TestTransitionRules(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	c := f.NewCase(casetest.CorePoint)
	refuse := func(c cases.Case, in cases.TransitionInput, status int, fragments ...string) *problem.Error {
		t.Helper()
		if in.Version == 0 {
			in.Version = c.Version
		}
		_, err := f.Cases.Transition(ctx, c.ID, in, "officer")
		return problemtest.Want(t, err, status, fragments...)
	}
	// not allowed from reported
	for _, to := range []cases.Status{cases.Transferred, cases.Rectifying, cases.Interviewed, cases.SpecialInspection, cases.Rectified, cases.Closed} {
		p := refuse(c, cases.TransitionInput{To: to}, 409, "cannot go to "+string(to), "allowed: verified, dismissed")
		if fmt.Sprint(p.Extra["allowed"]) != "[verified dismissed]" {
			t.Errorf("allowed %v", p.Extra["allowed"])
		}
	}
	refuse(c, cases.TransitionInput{To: "reported"}, 422, "must be one of")
	refuse(c, cases.TransitionInput{To: "fixed"}, 422, "must be one of")
	refuse(c, cases.TransitionInput{To: cases.Verified, Version: -1}, 422, "version is required")
	refuse(c, cases.TransitionInput{To: cases.Verified, Version: c.Version + 5}, 409, "is at version 1, not 6")
	refuse(c, cases.TransitionInput{To: cases.Dismissed}, 422, "reason is required")

	c = f.Move(c, cases.TransitionInput{To: cases.Verified, Comment: "现场核实属实"})
	refuse(c, cases.TransitionInput{To: cases.Transferred, Unit: "542526"}, 422, "deadline is required")
	refuse(c, cases.TransitionInput{To: cases.Transferred, Unit: "999999", Deadline: casetest.Day(30)}, 422, "not an administrative area")
	refuse(c, cases.TransitionInput{To: cases.Transferred, Deadline: "31/07/2025"}, 422, "must be a date")
	// step 1: the unit defaults to the county the case lies in
	c = f.Move(c, cases.TransitionInput{To: cases.Transferred, Deadline: casetest.Day(30), Measures: "停止开采，拆除设备，恢复植被"})
	if c.Unit == nil || c.Unit.Code != "542526" || *c.Deadline != casetest.Day(30) || c.Measures != "停止开采，拆除设备，恢复植被" {
		t.Fatalf("transferred: unit %+v deadline %v", c.Unit, c.Deadline)
	}
	refuse(c, cases.TransitionInput{To: cases.Closed}, 409, "allowed: rectifying")
	refuse(c, cases.TransitionInput{To: cases.Rectifying, Inspection: &cases.Inspection{Date: "2025-07-01"}}, 422, "inspection.inspectors", "inspection.progress")
	c = f.Move(c, cases.TransitionInput{To: cases.Rectifying, Inspection: inspection})
	// step 3 needs overdue or stalled
	refuse(c, cases.TransitionInput{To: cases.Interviewed, Interview: interview}, 409, "neither overdue nor stalled")
	c, err := f.Cases.RecordInspection(ctx, c.ID, c.Version, cases.Inspection{Date: "2025-07-20", Inspectors: []string{"联合检查组"}, Progress: "进展缓慢", Assessment: "slow"}, "officer")
	if err != nil {
		t.Fatal(err)
	}
	refuse(c, cases.TransitionInput{To: cases.Interviewed}, 422, "interview is required")
	refuse(c, cases.TransitionInput{To: cases.Interviewed, Interview: &cases.Interview{Date: "2025-08-05", Record: "x"}}, 422, "who was interviewed")
	c = f.Move(c, cases.TransitionInput{To: cases.Interviewed, Interview: interview, Deadline: casetest.Day(60)})
	if *c.Deadline != casetest.Day(60) {
		t.Errorf("deadline after the interview: %v", *c.Deadline)
	}
	// step 4
	refuse(c, cases.TransitionInput{To: cases.SpecialInspection, Special: &cases.Special{Date: "2025-09-10", Inspectors: []string{"x"}, Findings: "y"}}, 422, "at least one measure")
	refuse(c, cases.TransitionInput{To: cases.SpecialInspection, Special: &cases.Special{Date: "2025-09-10", Inspectors: []string{"x"}, Findings: "y",
		Accountability: []cases.Accountability{{Kind: "sacking", Target: "z"}}}}, 422, "notified_criticism")
	c = f.Move(c, cases.TransitionInput{To: cases.SpecialInspection, Special: special})
	if len(c.MeasuresTaken) != 2 || c.MeasuresTaken[1].Kind != "discipline_referral" {
		t.Errorf("accountability measures: %+v", c.MeasuresTaken)
	}
	refuse(c, cases.TransitionInput{To: cases.Rectified}, 422, "rectification is required")
	c = f.Move(c, cases.TransitionInput{To: cases.Rectified, Rectification: &cases.Rectification{CompletedOn: "2025-10-01", Description: "设备已拆除，植被恢复中"}})
	refuse(c, cases.TransitionInput{To: cases.Rectifying}, 422, "comment is required")
	refuse(c, cases.TransitionInput{To: cases.Closed}, 422, "verification is required")
	// 销号 needs verification evidence
	refuse(c, cases.TransitionInput{To: cases.Closed, Verification: &cases.Verification{Date: "2025-10-10", Verifiers: []string{"市林草局"}}}, 409, "no verification evidence")
	if _, err := f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "现场.png", Data: png, Role: "verification", Note: "复核照片"}, "officer"); err != nil {
		t.Fatal(err)
	}
	c, _ = f.Cases.Get(ctx, c.ID)
	c = f.Move(c, cases.TransitionInput{To: cases.Closed, Verification: &cases.Verification{Date: "2025-10-10", Verifiers: []string{"市林草局"}, Note: "核查属实，予以销号"}})
	if c.ClosedAt == nil || len(c.Allowed) != 0 {
		t.Errorf("closed: %+v", c)
	}
	p := refuse(c, cases.TransitionInput{To: cases.Rectifying, Comment: "again"}, 409, "none (the case is finished)")
	if fmt.Sprint(p.Extra["allowed"]) != "[]" {
		t.Errorf("allowed after closing: %v", p.Extra["allowed"])
	}
	kinds := []string{}
	for _, e := range c.Events {
		kinds = append(kinds, e.Kind)
		if e.Version < 1 {
			t.Errorf("event %+v", e)
		}
	}
	if got := strings.Join(kinds, ","); got != "created,transition,transition,transition,inspection,transition,transition,transition,evidence,transition" {
		t.Errorf("events: %s", got)
	}
	// dismissal with a reason is final
	d := f.NewCase([2]float64{85, 34.5})
	d = f.Move(d, cases.TransitionInput{To: cases.Dismissed, Reason: "经核实为合法科研活动"})
	refuse(d, cases.TransitionInput{To: cases.Verified}, 409, "allowed: none")
	// an overdue case may go to step 3 without a stalled inspection
	o := f.NewCase([2]float64{85.5, 34.5})
	o = f.Move(o, cases.TransitionInput{To: cases.Verified})
	o = f.Move(o, cases.TransitionInput{To: cases.Transferred, Deadline: casetest.Day(-1)})
	o = f.Move(o, cases.TransitionInput{To: cases.Rectifying})
	if !o.Overdue {
		t.Fatalf("deadline %s has passed but the case is not overdue", casetest.Day(-1))
	}
	o = f.Move(o, cases.TransitionInput{To: cases.Interviewed, Interview: interview})
	if !strings.Contains(string(o.Events[len(o.Events)-1].Data), `"grounds": "overdue"`) && !strings.Contains(string(o.Events[len(o.Events)-1].Data), `"grounds":"overdue"`) {
		t.Errorf("grounds: %s", o.Events[len(o.Events)-1].Data)
	}
}

// png is a 1×1 PNG.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// TestConcurrentTransitions: two officers move the same case from the same
// version at once; one wins, the other gets 409, and the log has exactly
// one event for it.
func TestConcurrentTransitions(t *testing.T) {
	f := newFixture(t)
	for round := range 5 {
		c := f.NewCase([2]float64{84 + float64(round)*0.2, 34.6})
		var wg sync.WaitGroup
		var ok, stale atomic.Int32
		start := make(chan struct{})
		for _, to := range []cases.Status{cases.Verified, cases.Dismissed} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.Cases.Transition(context.Background(), c.ID, cases.TransitionInput{To: to, Version: c.Version, Reason: "重复"}, string(to))
				if err == nil {
					ok.Add(1)
				} else if p, isP := problem.As(err); isP && p.Status == 409 && p.Type == "stale-version" {
					stale.Add(1)
				} else {
					t.Errorf("%s: %v", to, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		got, err := f.Cases.Get(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok.Load() != 1 || stale.Load() != 1 || got.Version != 2 || len(got.Events) != 2 || string(*got.Events[1].To) != got.Events[1].Actor {
			t.Errorf("round %d: %d won, %d stale, version %d, events %+v", round, ok.Load(), stale.Load(), got.Version, got.Events)
		}
	}
}

// TestMeasures holds the rules of enforcement measures, the accrual of a
// daily consecutive penalty, credit cards per enterprise, and refuses to
// close a criminal case settled with a fine (以罚代刑).
func TestMeasures(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	c := f.NewCase(casetest.CorePoint)
	add := func(in cases.MeasureInput) (cases.Case, error) { return f.Cases.AddMeasure(ctx, c.ID, in, "officer") }
	for _, m := range []struct {
		in        cases.MeasureInput
		fragments []string
	}{
		{cases.MeasureInput{Kind: "fine", DecidedOn: "2025-06-01"}, []string{"must be one of"}},
		{cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2025-06-01"}, []string{"amount is required"}},
		{cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2025-06-01", Amount: ptr(-5.0)}, []string{"more than 0"}},
		{cases.MeasureInput{Kind: "administrative_penalty", Amount: ptr(5000.0)}, []string{"decided_on is required"}},
		{cases.MeasureInput{Kind: "daily_penalty", DecidedOn: "2025-06-01", DailyAmount: ptr(10000.0)}, []string{"start_on is required"}},
		{cases.MeasureInput{Kind: "daily_penalty", DecidedOn: "2025-06-01", DailyAmount: ptr(10000.0), StartOn: "2025-06-05", EndOn: "2025-06-01"}, []string{"before start_on"}},
		{cases.MeasureInput{Kind: "credit_card", DecidedOn: "2025-06-01", Card: "green"}, []string{"red or yellow"}},
		{cases.MeasureInput{Kind: "police_referral", DecidedOn: "2025-06-01"}, []string{"authority is required"}},
		{cases.MeasureInput{Kind: "seizure", DecidedOn: "2025-06-01"}, []string{"description is required"}},
		{cases.MeasureInput{Kind: "seizure", DecidedOn: "2025-06-01", Description: "挖掘机2台", Amount: ptr(1.0)}, []string{"applies only to administrative_penalty"}},
	} {
		_, err := add(m.in)
		problemtest.Want(t, err, 422, m.fragments...)
	}
	if _, err := add(cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2025-06-02", Amount: ptr(50000.0), DecisionNo: "藏林罚〔2025〕12号"}); err != nil {
		t.Fatal(err)
	}
	// 10,000 a day from nine days ago to today: 10 days
	got, err := add(cases.MeasureInput{Kind: "daily_penalty", DecidedOn: casetest.Day(-9), DailyAmount: ptr(10000.0), StartOn: casetest.Day(-9)})
	if err != nil {
		t.Fatal(err)
	}
	if got.AccruedPenalty == nil || *got.AccruedPenalty != 100000 || *got.MeasuresTaken[1].Days != 10 {
		t.Errorf("accrued %v, measure %+v", got.AccruedPenalty, got.MeasuresTaken[1])
	}
	f.Clock.Advance(5 * 24 * time.Hour)
	got, _ = f.Cases.Get(ctx, c.ID)
	if *got.AccruedPenalty != 150000 {
		t.Errorf("five days on: accrued %v, want 150000", *got.AccruedPenalty)
	}
	for _, card := range []string{"yellow", "red"} {
		if _, err := add(cases.MeasureInput{Kind: "credit_card", DecidedOn: "2025-06-03", Card: card, Description: "纳入环境信用评价"}); err != nil {
			t.Fatal(err)
		}
	}
	cards, err := f.Cases.CreditCards(ctx, "91540000MA6T000000", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 2 || cards[0].Enterprise != "某矿业有限公司" || cards[0].CaseNumber != c.Number {
		t.Errorf("cards: %+v", cards)
	}
	if other, _ := f.Cases.CreditCards(ctx, "另一家公司", ""); len(other) != 0 {
		t.Errorf("cards of another enterprise: %+v", other)
	}
	// a person's case gets no credit card
	p := f.NewCase([2]float64{85, 34.5})
	if _, err := f.Cases.Update(ctx, p.ID, cases.Patch{Version: p.Version, Party: &cases.Party{Name: "张三", Kind: "person"}, Criminal: ptr(true)}, "officer"); err != nil {
		t.Fatal(err)
	}
	_, err = f.Cases.AddMeasure(ctx, p.ID, cases.MeasureInput{Kind: "credit_card", DecidedOn: "2025-06-03", Card: "red"}, "officer")
	problemtest.Want(t, err, 422, "not an enterprise")

	// the criminal case: fined, rectified, verified — and refused closing
	c, _ = f.Cases.Get(ctx, c.ID)
	if c, err = f.Cases.Update(ctx, c.ID, cases.Patch{Version: c.Version, Criminal: ptr(true), Comment: "涉嫌非法采矿罪"}, "officer"); err != nil {
		t.Fatal(err)
	}
	if last := c.Events[len(c.Events)-1]; last.Kind != "edit" || !strings.Contains(string(last.Data), `"criminal"`) {
		t.Errorf("edit event %+v", last)
	}
	c = f.Move(c, cases.TransitionInput{To: cases.Verified})
	c = f.Move(c, cases.TransitionInput{To: cases.Transferred, Deadline: casetest.Day(60)})
	c = f.Move(c, cases.TransitionInput{To: cases.Rectifying})
	c = f.Move(c, cases.TransitionInput{To: cases.Rectified, Rectification: &cases.Rectification{CompletedOn: casetest.Day(2), Description: "已停产"}})
	if end := c.MeasuresTaken[1].EndOn; end == nil || *end != casetest.Day(2) || *c.AccruedPenalty != 120000 {
		t.Errorf("rectified: daily penalty end %v accrued %v", end, *c.AccruedPenalty)
	}
	if _, err := f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "复核.pdf", Data: []byte("%PDF-1.4\n%%EOF\n"), Role: "verification"}, "officer"); err != nil {
		t.Fatal(err)
	}
	c, _ = f.Cases.Get(ctx, c.ID)
	closing := cases.TransitionInput{To: cases.Closed, Version: c.Version, Verification: &cases.Verification{Date: "2025-06-14", Verifiers: []string{"市林草局"}}}
	_, err = f.Cases.Transition(ctx, c.ID, closing, "officer")
	problemtest.Want(t, err, 409, "以罚代刑", "police_referral")
	if c, err = f.Cases.AddMeasure(ctx, c.ID, cases.MeasureInput{Kind: "police_referral", DecidedOn: "2025-06-13", Authority: "尼玛县公安局"}, "officer"); err != nil {
		t.Fatal(err)
	}
	closing.Version = c.Version
	if c, err = f.Cases.Transition(ctx, c.ID, closing, "officer"); err != nil || c.Status != cases.Closed {
		t.Fatalf("closing after the referral: %v", err)
	}
	_, err = f.Cases.AddMeasure(ctx, c.ID, cases.MeasureInput{Kind: "media_exposure", DecidedOn: "2025-06-20", Description: "电视台"}, "officer")
	problemtest.Want(t, err, 409, "no more measures")
}

func ptr[T any](v T) *T { return &v }

// TestEventsAppendOnly: the database refuses to change or delete events.
func TestEventsAppendOnly(t *testing.T) {
	f := newFixture(t)
	f.NewCase(casetest.CorePoint)
	owner := testdb.Owner(t, f.Pool) // the service's role may not even truncate
	for _, sql := range []string{`UPDATE case_event SET comment = 'rewritten'`, `DELETE FROM case_event`, `TRUNCATE case_event CASCADE`} {
		_, err := owner.Exec(t.Context(), sql)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}
	if n := f.Count(`SELECT count(*) FROM case_event`); n != 1 {
		t.Errorf("%d events", n)
	}
}

// TestEvidenceFiles: photos and documents are sniffed, capped, kept once and
// served back; the same file twice on a case is a conflict.
func TestEvidenceFiles(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	c := f.NewCase(casetest.CorePoint)
	e, err := f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "p.png", Data: png, Note: "现场", Version: c.Version}, "ranger")
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "photo" || *e.ContentType != "image/png" || *e.Bytes != int64(len(png)) || len(*e.SHA256) != 64 || e.Content == "" {
		t.Errorf("evidence %+v", e)
	}
	_, err = f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "again.png", Data: png}, "ranger")
	problemtest.Want(t, err, 409, "already evidence")
	_, err = f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "x.exe", Data: []byte("MZ\x90\x00binary")}, "ranger")
	problemtest.Want(t, err, 415, "photo")
	_, err = f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "big.pdf", Data: append([]byte("%PDF-1.4 "), make([]byte, 1<<20)...)}, "ranger")
	problemtest.Want(t, err, 413, "at most")
	_, err = f.Cases.AddFile(ctx, c.ID, cases.Upload{FileName: "p2.png", Data: append(png, 0), Version: 1}, "ranger")
	problemtest.Want(t, err, 409, "not 1")
	ct, name, data, err := f.Cases.File(ctx, c.ID, e.ID)
	if err != nil || ct != "image/png" || name != "p.png" || string(data) != string(png) {
		t.Errorf("file: %s %s %d bytes %v", ct, name, len(data), err)
	}
	sc := f.screen([2]float64{86.5, 34.8}, "")
	if _, err := f.Cases.Link(ctx, c.ID, cases.LinkInput{Kind: "screening", ID: sc.ID, Note: "相关筛查"}, "officer"); err != nil {
		t.Fatal(err)
	}
	_, err = f.Cases.Link(ctx, c.ID, cases.LinkInput{Kind: "screening", ID: sc.ID}, "officer")
	problemtest.Want(t, err, 409, "already evidence")
	_, err = f.Cases.Link(ctx, c.ID, cases.LinkInput{Kind: "track", ID: 999999}, "officer")
	problemtest.Want(t, err, 422, "does not exist")
}

// TestMarkerCheckOpensCase: a marker found damaged opens a marker_check case;
// found missing later, it is evidence on the same case.
func TestMarkerCheckOpensCase(t *testing.T) {
	f := newFixture(t)
	ms := markers.NewStore(f.Pool)
	id := f.Scalar(`SELECT id FROM marker WHERE code = 'QT-005'`).(int64)
	for _, st := range []string{"damaged", "missing"} {
		if _, err := ms.Update(t.Context(), id, markers.Patch{Status: &st}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f.Cases.List(t.Context(), cases.Filter{Source: "marker_check"})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Cases[0]
	if p.Total != 1 || c.Marker == nil || *c.Marker != "QT-005" || c.Activity != "marker_damage" || c.Version != 2 ||
		!strings.Contains(c.BasisZH, "第十七条第二款") || !strings.Contains(string(c.LegalBasis), `"instrument": "nrr-2026"`) ||
		!strings.Contains(string(c.Penalty), `"max_yuan": 20000`) || fmt.Sprint(c.Articles) != "[nrr-2026/17/2 nrr-2026/39/1]" {
		t.Fatalf("marker case since 2026-03-15: %+v %s %s", c, c.LegalBasis, c.Penalty)
	}
	checkMarkerEnglish(t, c.LegalBasis)
	// Art. 39 allows at most 20,000 yuan, and no other regulation's higher amount.
	for _, in := range []cases.MeasureInput{
		{Kind: "administrative_penalty", DecidedOn: "2026-12-01", Amount: ptr(30000.0)},
		{Kind: "administrative_penalty", DecidedOn: "2026-12-01", Amount: ptr(30000.0), HigherAmountBasis: "某条例第十条"},
	} {
		_, err = f.Cases.AddMeasure(t.Context(), c.ID, in, "officer")
		problemtest.Want(t, err, 422, "0 to 20000 CNY")
	}
	if got, err := f.Cases.AddMeasure(t.Context(), c.ID, cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: "2026-12-01", Amount: ptr(15000.0)}, "officer"); err != nil || len(got.MeasuresTaken) != 1 {
		t.Fatalf("a fine within the range: %v", err)
	}
	// A marker found damaged by the inspection of 2026-03-10, recorded
	// later: the case is dated by the inspection and judged under the 2017
	// Regulations, in force that day.
	id6 := f.Scalar(`SELECT id FROM marker WHERE code = 'QT-006'`).(int64)
	st, day := "damaged", "2026-03-10"
	if _, err := ms.Update(t.Context(), id6, markers.Patch{Status: &st, LastInspectedOn: &day}); err != nil {
		t.Fatal(err)
	}
	p, err = f.Cases.List(t.Context(), cases.Filter{Source: "marker_check"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Cases {
		if c.Marker == nil || *c.Marker != "QT-006" {
			continue
		}
		if got := c.ObservedAt.In(casetest.Beijing).Format(time.DateTime); got != "2026-03-10 00:00:00" || fmt.Sprint(c.Articles) != "[nrr-2017/15/2 nrr-2017/34/1/1]" ||
			!strings.Contains(c.BasisZH, "（2017年修订）第十五条第二款") || !strings.Contains(string(c.Penalty), `"max_yuan": 5000`) {
			t.Fatalf("marker case of the inspection of 2026-03-10: observed %s, %+v %s", got, c, c.Penalty)
		}
		return
	}
	t.Fatalf("no case for QT-006: %+v", p.Cases)
}

// checkMarkerEnglish holds a marker case's basis under the 2026 Regulations
// to Art. 17 ¶2 with its shipped unofficial English and the note saying so.
func checkMarkerEnglish(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var bs []law.Basis
	if err := json.Unmarshal(raw, &bs); err != nil {
		t.Fatal(err)
	}
	want := law.QuoteEN("nrr-2026", law.Cite{Article: 17, Paragraph: 2})
	if len(bs) != 1 || bs[0].Article != 17 || want == "" || bs[0].TextEN != want || bs[0].TextENNote != law.TranslationNoteEN || bs[0].TextZH == "" {
		t.Fatalf("marker basis %s, want Art. 17 ¶2 with text_en %q", raw, want)
	}
}

// TestMarkerBasisEnglishMigration: a marker case stored before its basis
// carried English (as 00017 finds them) gains it from 00017, the rest of
// the basis unchanged; one under the 2017 Regulations is left alone.
func TestMarkerBasisEnglishMigration(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ms := markers.NewStore(f.Pool)
	for code, day := range map[string]string{"QT-005": "2026-04-01", "QT-006": "2026-03-10"} {
		id := f.Scalar(`SELECT id FROM marker WHERE code = $1`, code).(int64)
		st := "damaged"
		if _, err := ms.Update(ctx, id, markers.Patch{Status: &st, LastInspectedOn: &day}); err != nil {
			t.Fatal(err)
		}
	}
	owner := testdb.Owner(t, f.Pool)
	if _, err := owner.Exec(ctx, `UPDATE violation_case SET legal_basis = (SELECT jsonb_agg(e - 'text_en' - 'text_en_note') FROM jsonb_array_elements(legal_basis) e)
		WHERE activity = 'marker_damage'`); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	rows, err := f.Pool.Query(ctx, `SELECT m.code, c.legal_basis::text FROM violation_case c JOIN marker m ON m.id = c.marker_id WHERE c.activity = 'marker_damage'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code, basis string
		if err := rows.Scan(&code, &basis); err != nil {
			t.Fatal(err)
		}
		before[code] = basis
	}
	if err := rows.Err(); err != nil || len(before) != 2 {
		t.Fatalf("marker cases: %v %v", before, err)
	}
	b, err := fs.ReadFile(migrations.FS, "00017_marker_basis_english.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, _ := strings.Cut(string(b), "-- +goose Down")
	if _, err := owner.Exec(ctx, up); err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	if err := f.Pool.QueryRow(ctx, `SELECT c.legal_basis FROM violation_case c JOIN marker m ON m.id = c.marker_id WHERE m.code = 'QT-005'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	checkMarkerEnglish(t, raw)
	var old string
	if err := f.Pool.QueryRow(ctx, `SELECT c.legal_basis::text FROM violation_case c JOIN marker m ON m.id = c.marker_id WHERE m.code = 'QT-006'`).Scan(&old); err != nil || old != before["QT-006"] {
		t.Errorf("the 2017 marker case's basis changed: %s, was %s (%v)", old, before["QT-006"], err)
	}
}

// TestLawChangeAtDecision: cases of acts done under the 2017 Regulations,
// decided now: an original resident's grazing in the old experimental zone
// is no longer unlawful, so the new rule applies; a visitor's entry into
// the core zone is fined more heavily now (Art. 40), so the old rule and
// its range apply (Administrative Penalty Law Art. 37).
func TestLawChangeAtDecision(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	b, err := law.NewStore(f.Pool).Book(ctx)
	if err != nil {
		t.Fatal(err)
	}
	open := func(subject, kind string, zone zoning.Kind, activity, day string) cases.Case {
		at, _ := time.Parse(time.DateOnly, day)
		j, err := b.Judge(law.Act{On: law.MustDate(day), ZoneKind: zone, Activity: activity, Subject: law.Subject(kind)})
		if err != nil || !j.Breach || j.RuleSet != "cn-nrr-2017" {
			t.Fatalf("%s under 2017: %+v %v", activity, j, err)
		}
		fid := f.patrolFinding(subject, casetest.CorePoint, at, activity)
		// the resident's finding names its rule set; the visitor's does not,
		// and the case's act day finds it
		var rs *string
		if kind == "original_resident" {
			rs = &j.RuleSet
		}
		if _, err := f.Pool.Exec(ctx, `UPDATE finding SET zone_kind = $2, subject_kind = $3, legal_basis = $4, penalty = $5, rule_set = $6 WHERE id = $1`,
			fid, string(zone), kind, j.LegalBasis, j.Penalty, rs); err != nil {
			t.Fatal(err)
		}
		c := f.caseOf(fid)
		if _, err := f.Pool.Exec(ctx, `UPDATE violation_case SET zone_kind = $2, legal_basis = $3, penalty = $4 WHERE id = $1`, c.ID, string(zone), j.LegalBasis, j.Penalty); err != nil {
			t.Fatal(err)
		}
		if c, err = f.Cases.Get(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		return c
	}
	res := open("herder-1", "original_resident", zoning.Experimental, "grazing", "2025-06-01")
	if lc := res.LawChange; lc == nil || lc.Applies != "new" || lc.OldRuleSet != "cn-nrr-2017" || lc.NewRuleSet != "cn-nrr-2026" || !strings.Contains(lc.ReasonZH, "不再违法") ||
		lc.Basis.Instrument != "apl-2021" || lc.Basis.Article != 37 || !strings.Contains(lc.Basis.TextZH, "新的规定处罚较轻或者不认为是违法的") {
		t.Errorf("resident grazing: %+v", lc)
	}
	vis := open("visitor-9", "visitor", zoning.Core, "entry", "2025-09-01")
	if lc := vis.LawChange; lc == nil || lc.Applies != "old" || lc.OldRuleSet != "cn-nrr-2017" || lc.NewPenalty == nil || lc.NewPenalty.Max != 100000 || !strings.Contains(lc.ReasonEN, "not lighter") {
		t.Errorf("visitor entry: %+v", lc)
	}
	// The comparison is made on the day the penalty is decided: decided
	// before 2026-03-15 the 2017 Regulations were still in force, so there
	// is no law change; decided after, the new rule is weighed on that day.
	decide := func(c cases.Case, on string) cases.Case {
		var p struct {
			Min float64 `json:"min"`
		}
		if err := json.Unmarshal(c.Penalty, &p); err != nil {
			t.Fatal(err)
		}
		got, err := f.Cases.AddMeasure(ctx, c.ID, cases.MeasureInput{Kind: "administrative_penalty", DecidedOn: on, Amount: ptr(max(p.Min, 100))}, "officer")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if lc := decide(vis, "2026-03-10").LawChange; lc != nil {
		t.Errorf("visitor entry decided on 2026-03-10, under the 2017 Regulations still: %+v", lc)
	}
	if lc := decide(res, "2026-04-02").LawChange; lc == nil || lc.Applies != "new" || lc.JudgedOnNew.String() != "2026-04-02" {
		t.Errorf("resident grazing decided on 2026-04-02: %+v", lc)
	}
}

// TestStricterZoneTakesItsLaw: a visitor seen in the buffer zone and, an
// hour later and 20 m on, in the core zone is one case of the core zone,
// worded and judged as the core finding is (2017 Regulations Art. 27, not
// Art. 28 of the buffer zone).
func TestStricterZoneTakesItsLaw(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	b, err := law.NewStore(f.Pool).Book(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)
	find := func(zone zoning.Kind, p [2]float64, at time.Time) int64 {
		j, err := b.Judge(law.Act{On: law.MustDate("2025-06-01"), ZoneKind: zone, Activity: "entry", Subject: law.Visitor})
		if err != nil || !j.Breach {
			t.Fatalf("entry into %s: %+v %v", zone, j, err)
		}
		return f.observationFinding("游客甲", "visitor", p, at, "entry", zone, &j)
	}
	buffer := f.caseOf(find(zoning.Buffer, casetest.CorePoint, at))
	core := f.caseOf(find(zoning.Core, [2]float64{casetest.CorePoint[0] + 20.0/92000, casetest.CorePoint[1]}, at.Add(time.Hour)))
	if core.ID != buffer.ID {
		t.Fatalf("two cases: %d and %d", buffer.ID, core.ID)
	}
	if !strings.Contains(buffer.BasisZH, "缓冲区") || !strings.Contains(buffer.BasisZH, "第二十八条") {
		t.Fatalf("buffer case: %s", buffer.BasisZH)
	}
	if *core.ZoneKind != "core" || strings.Contains(core.BasisZH, "缓冲区") || !strings.Contains(core.BasisZH, "第二十七条") ||
		!strings.Contains(core.BasisEN, "Art. 27") || fmt.Sprint(core.Articles) != "[nrr-2017/18 nrr-2017/27]" ||
		!strings.Contains(string(core.LegalBasis), `"article": 27`) || strings.Contains(string(core.LegalBasis), `"article": 28`) {
		t.Errorf("the case moved to the core zone keeps the buffer's law: %s %s %v %s", core.BasisZH, core.BasisEN, core.Articles, core.LegalBasis)
	}
}
