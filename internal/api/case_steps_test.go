package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
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
