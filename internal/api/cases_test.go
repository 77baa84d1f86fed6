package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"warden/internal/grid"
)

// withCaseSample gives the env the illustrative units of the Qiangtang
// sample (through PUT /api/v1/admin-areas) and a 50 km grid (through the
// generator), as the sample loader does.
func withCaseSample(t *testing.T, e *env) {
	t.Helper()
	r := e.do("GET", "/api/v1/reserves/qiangtang", nil, true).expect(200)
	var bb [4]float64
	for i, v := range r.get("bbox").([]any) {
		bb[i] = v.(float64)
	}
	fc := grid.IllustrativeAreas("qiangtang", bb)
	e.do("PUT", "/api/v1/admin-areas", fc, false).problem(401, "Bearer")
	if got := e.do("PUT", "/api/v1/admin-areas", fc, true).expect(200); got.get("stored") != 7.0 {
		t.Fatalf("areas: %s", got.Raw)
	}
	if n := len(e.do("POST", "/api/v1/reserves/qiangtang/grid-cells/generate?size_m=50000", nil, true).expect(200).get("features").([]any)); n < 100 {
		t.Fatalf("%d grid cells", n)
	}
}

// multipartEvidence posts a file as evidence on a case.
func (e *env) multipartEvidence(id int, role, name string, data []byte) *resp {
	e.t.Helper()
	body, ct := multipartBody([][2]string{{"role", role}}, "file", name, data)
	return e.doType("POST", fmt.Sprintf("/api/v1/cases/%d/evidence", id), ct, body)
}

func caseList(e *env, q string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, c := range e.do("GET", "/api/v1/cases"+q, nil, true).expect(200).get("cases").([]any) {
		out = append(out, c.(map[string]any))
	}
	return out
}

// TestCaseLifecycleAPI runs a case through the API from a patrol finding to
// closure through all four steps: the track upload opens the cases (a second
// upload of the same file opens none), the officer verifies it while a
// colleague's concurrent change is refused, hands it to the county, records
// inspections, the interview, the special inspection with accountability,
// the rectification and the verification evidence, and closes it.
func TestCaseLifecycleAPI(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	data := coreTrack(t, e, time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC))
	fields := [][2]string{{"subject", "藏A12345"}, {"subject_kind", "vehicle"}, {"timezone", "Asia/Shanghai"}}
	e.upload(fields, "drive.gpx", data, true).expect(201)
	patrol := caseList(e, "?source=patrol")
	// one intrusion (the buffer twice and the core between, each visit within
	// 50 m of the last) and the logging seen in the core
	if len(patrol) != 2 {
		t.Fatalf("%d patrol cases, want 2 (the entry, the logging): %v", len(patrol), patrol)
	}
	e.upload(fields, "drive-again.gpx", data, true).expect(200)
	if n := len(caseList(e, "?source=patrol")); n != 2 {
		t.Fatalf("the same track uploaded twice: %d cases", n)
	}
	var c map[string]any
	for _, p := range patrol {
		if p["kind"] == "prohibited_entry" && p["zone_kind"] == "core" {
			c = p
		}
	}
	if c == nil || c["status"] != "reported" || c["area"] == nil || c["grid_cell"] == nil || c["subject"] != "藏A12345" {
		t.Fatalf("buffer entry case: %v", c)
	}
	id := int(c["id"].(float64))
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	got := e.do("GET", path, nil, true).expect(200)
	if ev := got.get("evidence").([]any); len(ev) != 3 {
		t.Errorf("the two buffer visits and the core visit should all be evidence: %v", ev)
	}
	version := got.get("version").(float64)
	unit := got.get("area", "code").(string)

	// 409 with the allowed transitions
	r := e.do("POST", path+"/transitions", map[string]any{"to": "closed", "version": version}, true).problem(409, "cannot go to closed", "verified, dismissed")
	if fmt.Sprint(r.get("allowed")) != "[verified dismissed]" || r.get("status") != "reported" {
		t.Errorf("409 body: %s", r.Raw)
	}
	e.do("POST", path+"/transitions", map[string]any{"to": "verified", "version": version}, false).problem(401, "Bearer")
	e.do("POST", path+"/transitions", map[string]any{"to": "verified", "version": version, "colour": "red"}, true).problem(400, "unknown field")

	// two officers at once: one wins, the other is told the case moved on
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, officer := range []string{"甲", "乙"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"to": "verified", "version": version, "comment": "核实 " + officer})
			req, _ := http.NewRequest("POST", e.srv.URL+path+"/transitions", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+adminToken)
			req.Header.Set("X-Actor", officer)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	if !((statuses[0] == 200 && statuses[1] == 409) || (statuses[0] == 409 && statuses[1] == 200)) {
		t.Fatalf("concurrent transitions answered %v, want one 200 and one 409", statuses)
	}
	got = e.do("GET", path, nil, true).expect(200)
	events := got.get("events").([]any)
	last := events[len(events)-1].(map[string]any)
	if got.get("version").(float64) != version+1 || len(events) != int(version)+1 || last["comment"] != "核实 "+last["actor"].(string) {
		t.Fatalf("after the race: version %v, last event %v", got.get("version"), last)
	}
	step := func(body map[string]any) *resp {
		t.Helper()
		body["version"] = e.do("GET", path, nil, true).expect(200).get("version")
		return e.do("POST", path+"/transitions", body, true).expect(200)
	}
	yesterday := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -1).Format(time.DateOnly)
	e.do("POST", path+"/transitions", map[string]any{"to": "transferred", "version": got.get("version"), "unit": unit}, true).problem(422, "deadline is required")
	step(map[string]any{"to": "transferred", "unit": unit, "deadline": yesterday, "rectification_measures": "查处车辆，设置警示牌", "comment": "移交属地县政府"})
	step(map[string]any{"to": "rectifying", "inspection": map[string]any{"date": yesterday, "inspectors": []string{"县林草局", "县公安局"}, "progress": "已设置警示牌"}})
	v := e.do("GET", path, nil, true).expect(200).get("version")
	e.do("POST", path+"/inspections", map[string]any{"version": v, "date": yesterday, "inspectors": []string{"联合检查组"}, "progress": "车辆未查获", "assessment": "incomplete"}, true).expect(201)
	step(map[string]any{"to": "interviewed", "interview": map[string]any{"date": yesterday, "by": "市政府", "interviewed": []map[string]any{{"name": "某副县长", "unit": unit}}, "record": "约谈纪要"},
		"deadline": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)})
	step(map[string]any{"to": "special_inspection", "special_inspection": map[string]any{"date": yesterday, "inspectors": []string{"市专项督察组"}, "findings": "整改不到位",
		"accountability": []map[string]any{{"kind": "notified_criticism", "target": "县林草局"}}}})
	v = e.do("GET", path, nil, true).expect(200).get("version")
	e.do("POST", path+"/measures", map[string]any{"version": v, "kind": "administrative_penalty", "decided_on": yesterday, "amount": 3000, "decision_no": "林罚〔2025〕1号"}, true).expect(201)
	step(map[string]any{"to": "rectified", "rectification": map[string]any{"completed_on": yesterday, "description": "车辆已查处，警示牌已设置"}})
	closing := map[string]any{"to": "closed", "verification": map[string]any{"date": yesterday, "verifiers": []string{"市林草局"}, "note": "复核通过"}}
	closing["version"] = e.do("GET", path, nil, true).expect(200).get("version")
	e.do("POST", path+"/transitions", closing, true).problem(409, "no verification evidence")
	pngData := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	ev := e.multipartEvidence(id, "verification", "复核.png", pngData)
	ev.expect(201)
	if ev.get("kind") != "photo" || ev.get("content_type") != "image/png" {
		t.Errorf("evidence: %s", ev.Raw)
	}
	e.multipartEvidence(id, "evidence", "x.bin", []byte("\x00\x01\x02binary")).problem(415, "photo")
	file := e.do("GET", ev.get("content").(string), nil, true).expect(200)
	if file.Header.Get("Content-Type") != "image/png" || !bytes.Equal(file.Raw, pngData) {
		t.Errorf("file: %s, %d bytes", file.Header.Get("Content-Type"), len(file.Raw))
	}
	done := step(closing)
	if done.get("status") != "closed" || done.get("closed_at") == nil {
		t.Fatalf("closed: %s", done.Raw)
	}
	var kinds []string
	for _, ev := range done.get("events").([]any) {
		m := ev.(map[string]any)
		k := m["kind"].(string)
		if k == "transition" {
			k = m["to"].(string)
		}
		kinds = append(kinds, k)
	}
	if got := strings.Join(kinds, ","); got != "created,evidence,evidence,verified,transferred,rectifying,inspection,interviewed,special_inspection,measure,rectified,evidence,closed" {
		t.Errorf("the case's history: %s", got)
	}
	// the daily report of today shows the unit's touched cases
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	d := e.do("GET", "/api/v1/reports/daily?reserve=qiangtang&date="+today, nil, true).expect(200)
	found := false
	for _, u := range d.get("units").([]any) {
		m := u.(map[string]any)
		if m["unit"] == unit {
			found = len(m["touched"].([]any)) >= 1
		}
	}
	if !found {
		t.Errorf("the daily report does not show %s's touched case: %.2000s", unit, d.Raw)
	}
	csv := e.do("GET", "/api/v1/reports/daily?format=csv&reserve=qiangtang&date="+today, nil, true).expect(200)
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(csv.Raw, []byte("\xef\xbb\xbfunit,")) || !bytes.Contains(csv.Raw, []byte(done.get("number").(string))) {
		t.Errorf("csv: %s\n%.500s", csv.Header.Get("Content-Type"), csv.Raw)
	}
	xlsx := e.do("GET", "/api/v1/reports/weekly?format=xlsx", nil, true).expect(200)
	if !bytes.HasPrefix(xlsx.Raw, []byte("PK\x03\x04")) {
		t.Errorf("xlsx: %.40q", xlsx.Raw)
	}
	e.do("GET", "/api/v1/reports/daily?date=yesterday", nil, true).problem(400, "date")
	e.do("GET", "/api/v1/reports/weekly?week=2025-W99", nil, true).problem(400, "week")
	e.do("GET", "/api/v1/reports/daily?format=pdf", nil, true).problem(400, "format")
	e.do("GET", "/api/v1/reports/overdue", nil, true).expect(200)
	e.do("GET", "/api/v1/reports/units?format=csv", nil, true).expect(200)
	e.do("GET", "/api/v1/notifications?status=lost", nil, true).problem(400, "status")
}

// TestScreeningCaseAPI: POST a screening of an under-construction quarry in
// the Qiangtang core → a case appears, routed to its county and grid cell;
// the list filters find it.
func TestScreeningCaseAPI(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	core := findPoint(e, "core_protection")
	sc := e.do("POST", "/api/v1/screenings", screeningBody(lonLatSquare(core, 400), "quarrying", "under_construction"), true).expect(201)
	if len(sc.get("findings").([]any)) != 1 {
		t.Fatalf("findings: %s", sc.Raw)
	}
	cs := caseList(e, "?source=screening")
	if len(cs) != 1 {
		t.Fatalf("%d cases", len(cs))
	}
	c := cs[0]
	area := c["area"].(map[string]any)
	cell := c["grid_cell"].(map[string]any)
	// 86°E is the fourth of the seven strips: 改则县
	if c["status"] != "reported" || c["kind"] != "unapproved_construction" || c["zone_kind"] != "core_protection" || area["code"] != "542526" || cell["code"] == "" ||
		c["party"].(map[string]any)["name"] != "某公司" || !strings.HasPrefix(c["number"].(string), "qiangtang-") {
		t.Fatalf("case: %v", c)
	}
	for q, want := range map[string]int{
		"?reserve=qiangtang": 1, "?reserve=alt-pirineu": 0, "?unit=542526": 1, "?unit=540624": 0, "?grid_cell=" + cell["code"].(string): 1,
		"?status=reported,verified": 1, "?status=closed": 0, "?overdue=false": 1, "?overdue=true": 0, "?source=public_report": 0, "?to=2000-01-01": 0,
	} {
		if n := len(caseList(e, q)); n != want {
			t.Errorf("GET /api/v1/cases%s: %d cases, want %d", q, n, want)
		}
	}
	e.do("GET", "/api/v1/cases?status=open", nil, true).problem(400, "status")
	e.do("GET", "/api/v1/cases?overdue=maybe", nil, true).problem(400, "overdue")
	e.do("GET", "/api/v1/cases/999999", nil, true).problem(404, "999999")
	// a case from a public letter, drawn on the map
	r := e.do("POST", "/api/v1/cases", map[string]any{"source": "public_report", "source_ref": "来信2025-17", "activity": "grazing", "title": "核心区放牧",
		"location": lonLatSquare([2]float64{core[0] + 0.2, core[1]}, 1000)}, true).expect(201)
	if r.get("zone_kind") != "core_protection" || r.get("basis_zh") == "" || r.Header.Get("Location") != fmt.Sprintf("/api/v1/cases/%v", r.get("id")) {
		t.Errorf("public letter case: %s", r.Raw)
	}
	e.do("POST", "/api/v1/cases", map[string]any{"source": "public_report", "activity": "grazing"}, true).problem(422, "location")
	e.do("POST", "/api/v1/cases", map[string]any{"source": "public_report", "activity": "grazing", "location": map[string]any{"type": "Point", "coordinates": []float64{200, 0}}}, true).problem(422)
}

// TestCoverageAPI: a patrol track makes the cells it crosses visited; the
// others are blind spots.
func TestCoverageAPI(t *testing.T) {
	e := newEnv(t, true)
	withCaseSample(t, e)
	data := coreTrack(t, e, time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC))
	e.upload([][2]string{{"subject", "巡护队1"}, {"subject_kind", "patrol"}, {"timezone", "Asia/Shanghai"}}, "patrol.gpx", data, true).expect(201)
	cv := e.do("GET", "/api/v1/grid-cells/coverage?reserve=qiangtang&from=2024-07-01&to=2024-07-01", nil, true).expect(200)
	visited := cv.get("cells_visited").(float64)
	blind := len(cv.get("blind_spots").([]any))
	cells := len(cv.get("cells").([]any))
	km := 0.0
	for _, c := range cv.get("cells").([]any) {
		km += c.(map[string]any)["km_patrolled"].(float64)
	}
	if visited < 2 || blind == 0 || int(visited)+blind != cells || km < 100 {
		t.Errorf("coverage: %v visited, %d blind of %d cells, %.1f km", visited, blind, cells, km)
	}
	if n := len(caseList(e, "?source=patrol")); n != 1 {
		t.Errorf("a patrol on duty raises no entry case, only the logging it saw: %d cases", n)
	}
	none := e.do("GET", "/api/v1/grid-cells/coverage?reserve=qiangtang&from=2024-08-01&to=2024-08-31", nil, true).expect(200)
	if none.get("cells_visited") != 0.0 {
		t.Errorf("August: %v visited", none.get("cells_visited"))
	}
	e.do("GET", "/api/v1/grid-cells/coverage?reserve=qiangtang", nil, true).problem(400, "from")
	e.do("GET", "/api/v1/grid-cells/coverage?reserve=nowhere&from=2024-08-01&to=2024-08-31", nil, true).problem(404, "nowhere")
	// grid cells: list, one, patch staff
	fc := e.do("GET", "/api/v1/reserves/qiangtang/grid-cells", nil, true).expect(200)
	id := fc.get("features", 0, "id").(float64)
	p := e.do("PATCH", fmt.Sprintf("/api/v1/grid-cells/%v", id), map[string]any{"staff": []map[string]any{{"name": "次仁", "unit": "保护站", "phone": "13800000000"}}}, true).expect(200)
	if p.get("properties", "staff", 0, "name") != "次仁" {
		t.Errorf("patched cell: %s", p.Raw)
	}
	bad := e.do("PATCH", fmt.Sprintf("/api/v1/grid-cells/%v", id), map[string]any{"staff": []map[string]any{{"phone": "x"}}}, true).problem(422, "name is required")
	if typ, _ := bad.JSON["type"].(string); !strings.HasSuffix(typ, "/invalid-grid-cell") {
		t.Errorf("a grid cell refused: type %v, want /problems/invalid-grid-cell", typ)
	}
	e.do("POST", "/api/v1/reserves/qiangtang/grid-cells/generate?size_m=10", nil, true).problem(422, "size_m")
}
