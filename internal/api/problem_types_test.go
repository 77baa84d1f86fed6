package api_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestProblemTypes: the pages translate refusals by their type: every type
// has a Chinese and an English title, the refusals a page meets are in the
// table, and the OpenAPI document lists the same types.
func TestProblemTypes(t *testing.T) {
	e := newEnv(t, true)
	r := e.do("GET", "/api/v1/problem-types", nil, false).expect(200)
	var seen []string
	for slug, v := range r.JSON {
		m := v.(map[string]any)
		if m["zh"] == "" || m["en"] == "" {
			t.Errorf("%s has no title: %v", slug, m)
		}
		seen = append(seen, slug)
	}
	for _, refusal := range []*resp{
		e.do("GET", "/api/v1/cases?sort=x", nil, true),
		e.do("GET", "/api/v1/cases/999999", nil, true),
		e.do("GET", "/api/v1/cases", nil, false),
		e.do("POST", "/api/v1/reserves", map[string]any{"code": "qiangtang", "name_zh": "x", "level": "national", "zoning_scheme": "three_zone"}, true),
		e.do("POST", "/api/v1/reserves", "{", true),
	} {
		typ, _ := refusal.JSON["type"].(string)
		slug := typ[strings.LastIndex(typ, "/")+1:]
		if refusal.Status < 400 || !slices.Contains(seen, slug) {
			t.Errorf("%d %q is not in the problem types", refusal.Status, typ)
		}
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if got := doc.Components.Schemas["ProblemType"].Enum; !slices.Equal(got, seen) {
		t.Errorf("the OpenAPI ProblemType enum %v differs from the served table %v", got, seen)
	}
}
