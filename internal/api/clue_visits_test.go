package api_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestClueLiveVisitsAndPhotoExif: a live device whose positions cross a
// polygon clue between two fixes, and pass 46 m from a point clue, is each
// clue's visit (another device far off is not); verifying with a photo
// records where and when it was taken as its EXIF says, read by the server
// (the client's contrary position is ignored), in the reserve's local time
// with its offset; a photo without EXIF keeps the client's position.
func TestClueLiveVisitsAndPhotoExif(t *testing.T) {
	e, _ := newClueEnv(t)
	fc := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"变化类型":"采石"},"geometry":` + poly(86, 34.8, 0.003) + `},
		{"type":"Feature","properties":{"变化类型":"道路"},"geometry":{"type":"Point","coordinates":[86.05,34.8]}}]}`
	b := e.uploadClues("live.geojson", []byte(fc), "2026-05-01").expect(201)
	cs := e.list(fmt.Sprintf("/api/v1/clues?batch=%v", b.get("id")))
	quarry, road := int64(cs[0]["id"].(float64)), int64(cs[1]["id"].(float64))

	for _, d := range []string{"phone-zhaxi", "phone-far"} {
		e.do("POST", "/api/v1/devices", map[string]any{"id": d, "kind": "phone", "subject": d, "subject_kind": "patrol", "reserves": []string{"qiangtang"}}, true).expect(201)
	}
	fix := func(dev, at string, lon, lat float64) map[string]any {
		return map[string]any{"device": dev, "time": at, "lon": lon, "lat": lat, "accuracy": 5}
	}
	res := e.do("POST", "/api/v1/positions", map[string]any{"fixes": []map[string]any{
		fix("phone-zhaxi", "2026-05-10T02:56:00Z", 85.9965, 34.8), // 0.0005° west of the quarry
		fix("phone-zhaxi", "2026-05-10T03:00:00Z", 86.0035, 34.8), // 0.0005° east: the line between crosses it
		fix("phone-zhaxi", "2026-05-10T03:20:00Z", 86.0495, 34.8),
		fix("phone-far", "2026-05-10T03:00:00Z", 86.2, 34.9),
		fix("phone-far", "2026-05-10T03:05:00Z", 86.21, 34.9),
	}}, true).expect(200)
	for _, r := range res.get("results").([]any) {
		if r.(map[string]any)["status"] != "accepted" {
			t.Fatalf("fix not accepted: %v", r)
		}
	}

	for _, tc := range []struct {
		clue int64
		at   string
	}{{quarry, "2026-05-10T11:00:00+08:00"}, {road, "2026-05-10T11:20:00+08:00"}} {
		vs, _ := e.do("GET", fmt.Sprintf("/api/v1/clues/%d", tc.clue), nil, true).expect(200).get("visits").([]any)
		if len(vs) != 1 {
			t.Fatalf("clue %d visits: %v", tc.clue, vs)
		}
		v := vs[0].(map[string]any)
		if v["source"] != "live" || v["device"] != "phone-zhaxi" || v["at"] != tc.at {
			t.Errorf("clue %d visit %v, want phone-zhaxi at %s", tc.clue, v, tc.at)
		}
	}

	jpg, err := os.ReadFile(filepath.Join("..", "photoexif", "testdata", "clue-photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	body, ct := multipartBody([][2]string{{"result", "illegal_activity"}, {"note", "采石坑"}, {"photo_lon", "90"}, {"photo_lat", "30"}}, "photo", "现场.jpg", jpg)
	v := e.doType("POST", fmt.Sprintf("/api/v1/clues/%d/verification", quarry), ct, body).expect(200)
	p := v.get("photos", 0).(map[string]any)
	if math.Abs(p["lon"].(float64)-86.0005) > 1e-6 || math.Abs(p["lat"].(float64)-34.8) > 1e-6 || p["position_from"] != "exif" ||
		p["taken_at"] != "2026-05-10T11:05:00+08:00" || p["taken_at_from"] != "exif" || p["distance_m"] != 0.0 {
		t.Errorf("photo as read from its EXIF: %v", p)
	}
	if v.get("visit_device") != "phone-zhaxi" || v.get("visited_at") != "2026-05-10T11:00:00+08:00" || v.get("case") == nil {
		t.Errorf("verification's visit and case: %v %v %v", v.get("visit_device"), v.get("visited_at"), v.get("case"))
	}

	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	body, ct = multipartBody([][2]string{{"result", "natural_change"}, {"device", "phone-far"}}, "photo", "road.png", png)
	e.doType("POST", fmt.Sprintf("/api/v1/clues/%d/verification", road), ct, body).problem(422, "phone-far", "did not pass")
	body, ct = multipartBody([][2]string{{"result", "natural_change"}, {"device", "phone-zhaxi"}, {"photo_lon", "86.0502"}, {"photo_lat", "34.8"},
		{"photo_taken_at", "2026-05-10T03:21:00Z"}}, "photo", "road.png", png)
	p = e.doType("POST", fmt.Sprintf("/api/v1/clues/%d/verification", road), ct, body).expect(200).get("photos", 0).(map[string]any)
	if p["position_from"] != "client" || p["taken_at"] != "2026-05-10T11:21:00+08:00" || math.Abs(p["distance_m"].(float64)-18.3) > 0.5 {
		t.Errorf("a photo without EXIF keeps the client's position and time: %v", p)
	}
}
