package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// sendAs sends a request with a bearer token and a content type.
func (e *env) sendAs(token, method, path, ctype string, body []byte) *resp {
	e.t.Helper()
	return roundTrip(e.t, nil, e.request(method, path, token, ctype, body))
}

// TestReserveLimitsOnTracksAndScreenings: a ranger limited to qiangtang
// cannot store a track lying in alt-pirineu by naming qiangtang (403 naming
// alt-pirineu; no track, no visit, no case); a reviewer limited to qiangtang
// cannot screen a site in alt-pirineu; an officer limited to alt-pirineu
// cannot read qiangtang's screenings or their reports, nor list them.
func TestReserveLimitsOnTracksAndScreenings(t *testing.T) {
	e := newEnv(t, true)
	ranger := e.userToken("ranger-qt", []string{"ranger"}, "qiangtang")
	reviewer := e.userToken("reviewer-qt", []string{"reviewer"}, "qiangtang")
	officer := e.userToken("officer-ap", []string{"officer"}, "alt-pirineu")

	var csv strings.Builder
	csv.WriteString("time,lat,lon\n")
	start := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	for i := range 60 {
		fmt.Fprintf(&csv, "%s,%.6f,%.6f\n", start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), 42.5, 1.15+0.001*float64(i))
	}
	body, ctype := multipartBody([][2]string{{"reserve", "qiangtang"}, {"subject", "ranger-qt"}, {"subject_kind", "patrol"}}, "file", "track.csv", []byte(csv.String()))
	e.sendAs(ranger, "POST", "/api/v1/tracks", ctype, body).problem(403, "alt-pirineu")
	if n := e.do("GET", "/api/v1/tracks", nil, true).expect(200).get("total"); n != float64(0) {
		t.Errorf("%v tracks stored after the refusal", n)
	}
	if n := e.do("GET", "/api/v1/cases?reserve=alt-pirineu", nil, true).expect(200).get("total"); n != nil && n != float64(0) {
		t.Errorf("%v cases opened after the refusal", n)
	}

	ap := map[string]any{"footprint": map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{1.2, 42.5}, {1.21, 42.5}, {1.21, 42.51}, {1.2, 42.51}, {1.2, 42.5}}}},
		"activity": "quarrying", "project": map[string]any{"name": "elsewhere", "status": "proposed"}}
	e.sendAs(reviewer, "POST", "/api/v1/screenings", "application/json", mustJSON(t, ap)).problem(403, "alt-pirineu")
	qt := map[string]any{"footprint": map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{86, 34.5}, {86.02, 34.5}, {86.02, 34.52}, {86, 34.52}, {86, 34.5}}}},
		"activity": "quarrying", "project": map[string]any{"name": "here", "status": "proposed"}}
	r := e.sendAs(reviewer, "POST", "/api/v1/screenings", "application/json", mustJSON(t, qt)).expect(201)
	id := strings.TrimPrefix(r.Header.Get("Location"), "/api/v1/screenings/")
	e.sendAs(reviewer, "GET", "/api/v1/screenings/"+id, "", nil).expect(200)
	e.sendAs(officer, "GET", "/api/v1/screenings/"+id, "", nil).problem(403, "qiangtang")
	e.sendAs(officer, "GET", "/api/v1/screenings/"+id+"/report", "", nil).problem(403, "qiangtang")
	e.sendAs(officer, "GET", "/api/v1/screenings?reserve=qiangtang", "", nil).problem(403, "qiangtang")
	if got := e.sendAs(officer, "GET", "/api/v1/screenings", "", nil).expect(200); strings.Contains(string(got.Raw), `"here"`) {
		t.Errorf("an officer of alt-pirineu lists qiangtang's screening: %.300s", got.Raw)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
