package api_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// allowedOf is a case's allowed_transitions and the types of its
// blocked_transitions by target.
func allowedOf(t *testing.T, r *resp) ([]string, map[string]string) {
	t.Helper()
	var allowed []string
	for _, a := range r.get("allowed_transitions").([]any) {
		allowed = append(allowed, a.(string))
	}
	blocked := map[string]string{}
	for _, b := range r.get("blocked_transitions").([]any) {
		m := b.(map[string]any)
		if m["reason_zh"] == "" || m["reason_en"] == "" {
			t.Errorf("a blocked step without its reason: %v", m)
		}
		blocked[m["to"].(string)] = m["type"].(string)
	}
	return allowed, blocked
}

// TestCaseStepsOfferedAreAccepted: the upload's answer names the cases it
// opened; a case offers only the steps that would be accepted now and says
// why the others are not yet available (the step refused says the same);
// the evidence upload answers with the case's new version, which the next
// step uses.
func TestCaseStepsOfferedAreAccepted(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	data := coreTrack(t, e, time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC))
	fields := [][2]string{{"subject", "藏A12345"}, {"subject_kind", "vehicle"}, {"timezone", "Asia/Shanghai"}}
	up := e.upload(fields, "drive.gpx", data, true).expect(201)
	refs := up.get("cases").([]any)
	if len(refs) != len(caseList(e, "?source=patrol")) || len(refs) == 0 {
		t.Fatalf("the upload's answer names %d cases: %s", len(refs), up.Raw)
	}
	ref := refs[0].(map[string]any)
	if ref["opened"] != true || ref["link"] != fmt.Sprintf("/api/v1/cases/%v", ref["id"]) || ref["page"] != fmt.Sprintf("/cases/%v", ref["id"]) || ref["number"] == "" {
		t.Errorf("case reference: %v", ref)
	}
	again := e.upload(fields, "drive-again.gpx", data, true).expect(200)
	if len(again.get("cases").([]any)) != len(refs) {
		t.Errorf("the same track again names other cases: %s", again.get("cases"))
	}

	id := int(ref["id"].(float64))
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	step := func(body map[string]any) *resp {
		t.Helper()
		body["version"] = e.do("GET", path, nil, true).expect(200).get("version")
		return e.do("POST", path+"/transitions", body, true)
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	step(map[string]any{"to": "verified"}).expect(200)
	step(map[string]any{"to": "transferred", "unit": "542526", "deadline": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}).expect(200)
	got := step(map[string]any{"to": "rectifying"}).expect(200)
	allowed, blocked := allowedOf(t, got)
	if !slices.Equal(allowed, []string{"rectified"}) || blocked["interviewed"] != "not-overdue-or-stalled" {
		t.Fatalf("rectifying, on time: allowed %v, blocked %v", allowed, blocked)
	}
	interview := map[string]any{"to": "interviewed", "interview": map[string]any{"date": today, "by": "市政府",
		"interviewed": []map[string]any{{"name": "某副县长"}}, "record": "约谈纪要"}}
	if r := step(interview); r.Status != 409 || r.get("type") == nil || !slices.Contains([]string{"not-overdue-or-stalled"}, lastSegment(r.get("type").(string))) {
		t.Fatalf("the blocked step was not refused as said: %d %s", r.Status, r.Raw)
	}
	v := e.do("GET", path, nil, true).expect(200).get("version")
	e.do("POST", path+"/inspections", map[string]any{"version": v, "date": today, "inspectors": []string{"联合检查组"}, "progress": "未动工", "assessment": "slow"}, true).expect(201)
	allowed, blocked = allowedOf(t, e.do("GET", path, nil, true).expect(200))
	if !slices.Equal(allowed, []string{"interviewed", "rectified"}) || len(blocked) != 0 {
		t.Fatalf("rectifying, stalled: allowed %v, blocked %v", allowed, blocked)
	}
	step(interview).expect(200)
	got = step(map[string]any{"to": "rectified", "rectification": map[string]any{"completed_on": today, "description": "车辆已查处"}}).expect(200)
	allowed, blocked = allowedOf(t, got)
	if !slices.Equal(allowed, []string{"rectifying"}) || blocked["closed"] != "verification-evidence-missing" {
		t.Fatalf("rectified without verification evidence: allowed %v, blocked %v", allowed, blocked)
	}
	pngData := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	ev := e.multipartEvidence(id, "verification", "复核.png", pngData).expect(201)
	cur := e.do("GET", path, nil, true).expect(200)
	if ev.get("case_version") != cur.get("version") {
		t.Fatalf("the evidence answer gives case version %v, the case is at %v", ev.get("case_version"), cur.get("version"))
	}
	if allowed, _ := allowedOf(t, cur); !slices.Equal(allowed, []string{"closed", "rectifying"}) {
		t.Fatalf("rectified with verification evidence: allowed %v", allowed)
	}
	e.do("POST", path+"/transitions", map[string]any{"to": "closed", "version": ev.get("case_version"),
		"verification": map[string]any{"date": today, "verifiers": []string{"市林草局"}}}, true).expect(200)

	// the closed case's dossier: every event in local time, the evidence, the legal basis in full
	d := e.do("GET", path+"/dossier", nil, true).expect(200)
	events := d.get("events").([]any)
	if len(events) != int(d.get("case", "version").(float64)) || d.get("case", "status") != "closed" {
		t.Fatalf("dossier: %d events, case %v", len(events), d.get("case", "status"))
	}
	for _, ev := range events {
		if at := ev.(map[string]any)["at_local"].(string); !strings.HasSuffix(at, " +08:00") {
			t.Errorf("event time %q is not local", at)
		}
	}
	basis := d.get("legal_basis").([]any)
	if len(basis) == 0 || basis[0].(map[string]any)["text_zh"] == "" || !strings.HasSuffix(d.get("local_times", "closed_at").(string), "+08:00") {
		t.Errorf("dossier legal basis %v, times %v", basis, d.get("local_times"))
	}
	photos := 0
	for _, it := range d.get("case", "evidence").([]any) {
		if it.(map[string]any)["kind"] == "photo" {
			photos++
		}
	}
	if photos != 1 {
		t.Errorf("the dossier shows %d photos, want the verification photo", photos)
	}
	e.do("GET", "/api/v1/cases/999999/dossier", nil, true).problem(404)
}

// lastSegment is the last path segment of a problem type URI (or the type).
func lastSegment(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' || s[i] == '#' {
			return s[i+1:]
		}
	}
	return s
}

// TestCaseTitleAndParty: a case says what happened, where and when (local
// time with its offset), and names the party only where it is known: a
// vehicle's own track makes the vehicle the party; a ranger's marked waypoint
// makes the ranger the reporter and leaves the party unknown; a screening
// names the project and its developer.
func TestCaseTitleAndParty(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	start := time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC)
	e.upload([][2]string{{"subject", "藏A12345"}, {"subject_kind", "vehicle"}, {"timezone", "Asia/Shanghai"}}, "drive.gpx", coreTrack(t, e, start), true).expect(201)
	e.upload([][2]string{{"subject", "ranger-08"}, {"subject_kind", "patrol"}, {"timezone", "Asia/Shanghai"}}, "patrol.gpx", coreTrack(t, e, start.AddDate(0, 2, 0)), true).expect(201)
	var entry, report map[string]any
	for _, c := range caseList(e, "?source=patrol") {
		switch {
		case c["kind"] == "prohibited_entry" && c["zone_kind"] == "core":
			entry = c
		case c["kind"] == "prohibited_activity" && c["subject"] == "ranger-08":
			report = c
		}
	}
	if entry == nil || report == nil {
		t.Fatalf("cases: entry %v, ranger's report %v", entry, report)
	}
	party := func(c map[string]any) string {
		return fmt.Sprint(c["party"].(map[string]any)["name"], "/", c["party"].(map[string]any)["kind"])
	}
	if entry["title"] != "车辆进入核心区" || party(entry) != "藏A12345/unknown" || entry["reporter"] != "" {
		t.Errorf("the vehicle's entry: title %q, party %s, reporter %q", entry["title"], party(entry), entry["reporter"])
	}
	for _, want := range []string{"藏A12345", "核心区", "西藏羌塘", "+08:00", "深入"} {
		if !strings.Contains(entry["description"].(string), want) {
			t.Errorf("the entry's description %q does not say %q", entry["description"], want)
		}
	}
	if report["title"] != "核心区内砍伐" || party(report) != "/unknown" || report["reporter"] != "ranger-08" {
		t.Errorf("the ranger's report: title %q, party %s, reporter %q", report["title"], party(report), report["reporter"])
	}
	if d := report["description"].(string); !strings.Contains(d, "ranger-08") || !strings.Contains(d, "发现盗伐") || !strings.Contains(d, "2024-09-01 11:00 +08:00") {
		t.Errorf("the report's description: %q", d)
	}
	// the officer names the party once found
	path := fmt.Sprintf("/api/v1/cases/%v", report["id"])
	got := e.do("PATCH", path, map[string]any{"version": report["version"], "party": map[string]any{"name": "张某", "kind": "person"}}, true).expect(200)
	if party(got.JSON) != "张某/person" || got.get("reporter") != "ranger-08" {
		t.Errorf("after naming the party: %s", got.Raw)
	}

	core := findPoint(e, "core_protection")
	body := screeningBody(lonLatSquare(core, 400), "quarrying", "under_construction")
	sc := e.do("POST", "/api/v1/screenings", body, true).expect(201)
	refs := sc.get("cases").([]any)
	if len(refs) != 1 || refs[0].(map[string]any)["title"] != "核心保护区内采石（未批先建）" {
		t.Fatalf("the screening's case: %s", sc.get("cases"))
	}
	c := e.do("GET", refs[0].(map[string]any)["link"].(string), nil, true).expect(200)
	if d := c.get("description").(string); !strings.Contains(d, "某公司") || !strings.Contains(d, "公顷") || !strings.Contains(d, "核心保护区") || party(c.JSON) != "某公司/enterprise" {
		t.Errorf("the screening's case: %q, party %s", d, party(c.JSON))
	}
}

// TestCaseListForAnOffice: the case list sorts by deadline, filters by
// deadline and overdue, and downloads as the problem list workbook with the
// seed's columns and local times.
func TestCaseListForAnOffice(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	core := findPoint(e, "core_protection")
	cst := time.FixedZone("CST", 8*3600)
	yesterday := time.Now().In(cst).AddDate(0, 0, -1).Format(time.DateOnly)
	nextMonth := time.Now().In(cst).AddDate(0, 1, 0).Format(time.DateOnly)
	var ids []string
	for i, deadline := range []string{nextMonth, "", yesterday} {
		r := e.do("POST", "/api/v1/cases", map[string]any{"source": "public_report", "activity": "grazing", "title": fmt.Sprintf("核心区放牧 %d", i),
			"location": lonLatSquare([2]float64{core[0] + 0.1*float64(i), core[1]}, 500)}, true).expect(201)
		id := fmt.Sprint(r.get("id"))
		ids = append(ids, id)
		if deadline == "" {
			continue
		}
		path := "/api/v1/cases/" + id + "/transitions"
		v := e.do("POST", path, map[string]any{"to": "verified", "version": r.get("version")}, true).expect(200).get("version")
		e.do("POST", path, map[string]any{"to": "transferred", "version": v, "deadline": deadline, "rectification_measures": "清退牲畜"}, true).expect(200)
	}
	order := func(q string) string {
		t.Helper()
		var out []string
		for _, c := range caseList(e, q) {
			out = append(out, fmt.Sprint(c["id"]))
		}
		return strings.Join(out, ",")
	}
	for q, want := range map[string]string{
		"?sort=deadline":            ids[2] + "," + ids[0] + "," + ids[1],
		"?sort=-deadline":           ids[0] + "," + ids[2] + "," + ids[1],
		"?sort=reported":            strings.Join(ids, ","),
		"?deadline_to=" + yesterday: ids[2],
		"?deadline_from=" + yesterday + "&sort=deadline": ids[2] + "," + ids[0],
		"?overdue=true": ids[2],
	} {
		if got := order(q); got != want {
			t.Errorf("GET /api/v1/cases%s: %s, want %s", q, got, want)
		}
	}
	e.do("GET", "/api/v1/cases?sort=severity", nil, true).problem(400, "sort", "deadline")
	e.do("GET", "/api/v1/cases?deadline_to=next-week", nil, true).problem(400, "deadline_to")
	e.do("GET", "/api/v1/cases?format=pdf", nil, true).problem(400, "format")

	x := e.do("GET", "/api/v1/cases?format=xlsx&sort=deadline", nil, true).expect(200)
	if !strings.Contains(x.Header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("Content-Disposition %q", x.Header.Get("Content-Disposition"))
	}
	wb, err := excelize.OpenReader(bytes.NewReader(x.Raw))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want the header and 3 cases: %v", len(rows), rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"案件编号", "问题", "违法主体", "责任单位", "整改措施", "完成时限", "状态", "是否逾期", "登记时间"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("no column %s in %v", h, rows[0])
		}
	}
	first := rows[1]
	if first[col["完成时限"]] != yesterday || first[col["状态"]] != "已移交" || first[col["是否逾期"]] != "逾期" || first[col["整改措施"]] != "清退牲畜" ||
		!strings.HasSuffix(first[col["责任单位"]], "人民政府") || !strings.HasSuffix(first[col["登记时间"]], "+08:00") || first[col["违法主体"]] != "待查明" {
		t.Errorf("the overdue case's row: %v", first)
	}
}

// TestChineseNamesAndLocalTimes: Chinese names are accepted wherever a code
// is (activities, levels), and the daily report's CSV gives local times with
// their offset, as its JSON does.
func TestChineseNamesAndLocalTimes(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	r := e.do("POST", "/api/v1/reserves", map[string]any{"code": "wolong", "name_zh": "四川卧龙国家级自然保护区", "level": "国家级", "zoning_scheme": "three_zone"}, true).expect(201)
	if r.get("level") != "national" {
		t.Errorf("level 国家级 stored as %v", r.get("level"))
	}
	e.do("POST", "/api/v1/reserves", map[string]any{"code": "x", "name_zh": "x", "level": "乡级", "zoning_scheme": "three_zone"}, true).problem(422, "国家级")
	core := findPoint(e, "core_protection")
	sc := e.do("POST", "/api/v1/screenings", screeningBody(lonLatSquare(core, 400), "采石", "proposed"), true).expect(201)
	if sc.get("activity", "code") != "quarrying" && sc.get("activity") != "quarrying" {
		t.Errorf("activity 采石 screened as %v", sc.get("activity"))
	}
	e.do("POST", "/api/v1/screenings", screeningBody(lonLatSquare(core, 400), "炼丹", "proposed"), true).problem(422, "炼丹")
	c := e.do("POST", "/api/v1/cases", map[string]any{"source": "public_report", "activity": "放牧", "location": lonLatSquare(core, 500)}, true).expect(201)
	if c.get("activity") != "grazing" {
		t.Errorf("activity 放牧 stored as %v", c.get("activity"))
	}
	if n := len(caseList(e, "?activity=放牧")); n != 1 {
		t.Errorf("?activity=放牧: %d cases", n)
	}
	day := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	csv := e.do("GET", "/api/v1/reports/daily?format=csv&reserve=qiangtang&date="+day, nil, true).expect(200)
	if !bytes.Contains(csv.Raw, []byte("T12:00:00+08:00")) || bytes.Contains(csv.Raw, []byte("T04:00:00Z")) {
		t.Errorf("the daily CSV's due times are not local: %.600s", csv.Raw)
	}
}

// TestReserveTimeZone: a reserve has a time zone (default Asia/Shanghai); a
// case there in no administrative area takes it.
func TestReserveTimeZone(t *testing.T) {
	e := newEnv(t, true)
	if tz := e.do("GET", "/api/v1/reserves/qiangtang", nil, false).expect(200).get("time_zone"); tz != "Asia/Shanghai" {
		t.Errorf("the default time zone: %v", tz)
	}
	e.do("POST", "/api/v1/reserves", map[string]any{"code": "mars", "name_zh": "x", "level": "county", "zoning_scheme": "three_zone", "time_zone": "Mars/Olympus"}, true).problem(422, "time_zone")
	r := e.do("POST", "/api/v1/reserves", map[string]any{"code": "kanas", "name_zh": "新疆喀纳斯国家级自然保护区", "level": "national", "zoning_scheme": "three_zone", "time_zone": "Asia/Urumqi"}, true).expect(201)
	if r.get("time_zone") != "Asia/Urumqi" {
		t.Fatalf("time_zone: %s", r.Raw)
	}
	c := e.do("POST", "/api/v1/cases", map[string]any{"source": "public_report", "reserve": "kanas", "activity": "logging",
		"location": map[string]any{"type": "Point", "coordinates": []float64{87.0, 48.8}}}, true).expect(201)
	if c.get("timezone") != "Asia/Urumqi" {
		t.Errorf("a case in the reserve, in no area: time zone %v", c.get("timezone"))
	}
	d := e.do("GET", fmt.Sprintf("/api/v1/cases/%v/dossier", c.get("id")), nil, true).expect(200)
	if !strings.HasSuffix(d.get("local_times", "reported_at").(string), "+06:00") {
		t.Errorf("local time in Asia/Urumqi: %v", d.get("local_times"))
	}
}
