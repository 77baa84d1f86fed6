package api_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// agencyRuleSet is a small rule set an agency brings with its own text.
func agencyRuleSet() map[string]any {
	return map[string]any{
		"code": "walker-rules-2024", "family": "walker-rules", "title_en": "Walker park rules", "instrument": "walker-act",
		"zone_scheme": "three_zone", "in_force_from": "2024-01-01", "currency": "EUR",
		"instruments": []any{map[string]any{"code": "walker-act", "lang": "en", "title_en": "Walker Park Act", "in_force_from": "2024-01-01",
			"articles": []any{
				map[string]any{"number": 1, "text": "No one may enter the core zone.\nBreaches may be fined up to 500 euro."},
				map[string]any{"number": 2, "text": "The other zones are open to visitors."},
			}}},
		"penalties": []any{map[string]any{"code": "p", "cite": map[string]any{"article": 1, "paragraph": 2},
			"ranges": []any{map[string]any{"circumstance": "activity", "min": 0, "max": 500}}}},
		"zones": []any{
			map[string]any{"kind": "core", "default": map[string]any{"verdict": "prohibited", "basis": []any{map[string]any{"article": 1, "paragraph": 1}}, "penalty": "p"}},
			map[string]any{"kind": "buffer", "default": map[string]any{"verdict": "allowed", "basis": []any{map[string]any{"article": 2}}}},
			map[string]any{"kind": "experimental", "default": map[string]any{"verdict": "allowed", "basis": []any{map[string]any{"article": 2}}}},
		},
	}
}

// The instruments are listed with their dates and succession, and one reads
// with its articles, paragraphs and items as the official text has them.
func TestLawInstruments(t *testing.T) {
	e := newEnv(t, false)
	r := e.do("GET", "/api/v1/law/instruments", nil, false).expect(200)
	var list []map[string]any
	if err := json.Unmarshal(r.Raw, &list); err != nil {
		t.Fatal(err)
	}
	byCode := map[string]map[string]any{}
	for _, in := range list {
		byCode[in["code"].(string)] = in
	}
	old, nw := byCode["nrr-2017"], byCode["nrr-2026"]
	if old == nil || nw == nil || old["in_force_until"] != "2026-03-14" || old["replaced_by"] != "nrr-2026" || nw["in_force_from"] != "2026-03-15" ||
		nw["issuer"] != "国务院令第830号" || byCode["eec-2026"]["in_force_from"] != "2026-08-15" || byCode["npl-2025"]["in_force_from"] != "2026-01-01" {
		t.Errorf("instruments: %.1500s", r.Raw)
	}
	in := e.do("GET", "/api/v1/law/instruments/nrr-2026", nil, false).expect(200)
	arts := in.get("articles").([]any)
	a40 := arts[39].(map[string]any)
	if len(arts) != 48 || a40["label"] != "第四十条" || !strings.Contains(a40["text_zh"].(string), "处100万元以上500万元以下的罚款") {
		t.Errorf("nrr-2026 article 40: %v", a40)
	}
	if items := in.get("articles", 26, "paragraphs", 0, "items").([]any); len(items) != 7 {
		t.Errorf("Art. 27 has %d items", len(items))
	}
	e.do("GET", "/api/v1/law/instruments/nrr-1999", nil, false).problem(404, "nrr-1999")
}

// The rules of a three-zone reserve on both sides of 2026-03-15: the 2017
// Regulations, then the 2026 Regulations through the zone conversion, until
// its two-zone zoning approved 2026-06-01.
func TestRulesOnADay(t *testing.T) {
	e := newEnv(t, true)
	before := e.do("GET", "/api/v1/rules?reserve=qiangtang&on=2026-03-14", nil, false).expect(200)
	if before.get("rule_set", "code") != "cn-nrr-2017" || before.get("converted") != false || before.get("zones", 0, "kind") != "core" {
		t.Errorf("2026-03-14: %.800s", before.Raw)
	}
	after := e.do("GET", "/api/v1/rules?reserve=qiangtang&on=2026-03-15", nil, false).expect(200)
	if after.get("rule_set", "code") != "cn-nrr-2026" || after.get("converted") != true || after.get("zones", 1, "label_zh") != "缓冲区（按核心保护区管理）" ||
		after.get("zones", 1, "judged_as") != "core_protection" || after.get("zones", 2, "judged_as") != "general_control" {
		t.Errorf("2026-03-15: %.800s", after.Raw)
	}
	var quarry map[string]any
	for _, l := range after.get("zones", 2, "rules").([]any) {
		if m := l.(map[string]any); m["activity"] == "quarrying" {
			quarry = m
		}
	}
	if quarry == nil || quarry["verdict"] != "prohibited" || !strings.Contains(quarry["cite_zh"].(string), "第二十七条") ||
		quarry["penalty"].(map[string]any)["max_yuan"].(float64) != 500000 {
		t.Errorf("quarrying in the experimental zone after the change: %v", quarry)
	}
	// from 2026-06-01 the sample's approved two zones: nothing converted
	approved := e.do("GET", "/api/v1/rules?reserve=qiangtang&on=2026-06-01", nil, false).expect(200)
	if approved.get("converted") != false || len(approved.get("zones").([]any)) != 2 || approved.get("zones", 0, "kind") != "core_protection" ||
		approved.get("zones", 1, "label_zh") != "一般控制区" {
		t.Errorf("2026-06-01: %.800s", approved.Raw)
	}
	quoted := false
	for _, p := range after.get("provisions").([]any) {
		m := p.(map[string]any)
		if m["instrument"] == "nrr-2026" && m["article"].(float64) == 26 && m["item"] != nil && strings.Contains(m["text_zh"].(string), "原有居民必要的生产生活活动") {
			quoted = true
		}
	}
	if !quoted {
		t.Error("Art. 26(2) is not quoted among the provisions")
	}
	e.do("GET", "/api/v1/rules?reserve=qiangtang&on=14.03.2026", nil, false).problem(400, "YYYY-MM-DD")
	e.do("GET", "/api/v1/rules?reserve=nowhere&on=2026-03-15", nil, false).problem(404, "nowhere")
	e.do("GET", "/api/v1/rules?on=1990-01-01", nil, false).problem(422, "1990-01-01")
}

// An agency imports its own rule set for its reserve: the reserve is judged
// under it from then on; a rule set citing what its text lacks stores nothing.
func TestImportRuleSet(t *testing.T) {
	e := newEnv(t, true)
	bad := agencyRuleSet()
	bad["zones"].([]any)[0].(map[string]any)["default"].(map[string]any)["basis"] = []any{map[string]any{"article": 3}}
	e.do("POST", "/api/v1/rulesets?reserve=alt-pirineu", bad, true).problem(422, "walker-act has no article 3", "/zones/0/default/basis/0")
	e.do("POST", "/api/v1/rulesets", agencyRuleSet(), false).problem(401)
	if r := e.do("GET", "/api/v1/rules?reserve=alt-pirineu&on=2026-06-01", nil, false).expect(200); r.get("family") == "walker-rules" {
		t.Error("a refused import changed the reserve's rules")
	}
	e.do("POST", "/api/v1/rulesets?reserve=qiangtang", agencyRuleSet(), true).expect(201)
	r := e.do("GET", "/api/v1/rules?reserve=qiangtang&on=2026-06-01", nil, false).expect(200)
	if r.get("rule_set", "code") != "walker-rules-2024" || r.get("zones", 0, "rules", 0, "penalty", "currency") != "EUR" ||
		r.get("provisions", 0, "text") != "No one may enter the core zone." {
		t.Errorf("imported rules: %.1000s", r.Raw)
	}
}

// An agency's rule set as CSV (a spreadsheet's export) imports like its
// JSON form; a fault is a 422 naming the line and column, and stores
// nothing.
func TestImportRuleSetCSV(t *testing.T) {
	e := newEnv(t, true)
	doc, err := os.ReadFile("testdata/walker-rules.csv")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(doc), "default,buffer,,allowed,2,,,", "default,buffer,,allowed,7,,,", 1)
	r := e.doType("POST", "/api/v1/rulesets?reserve=qiangtang", "text/csv; charset=utf-8", []byte(bad)).problem(422, "walker-act has no article 7", "line 18")
	if p := r.get("problems", 0); p.(map[string]any)["line"] != 18.0 || p.(map[string]any)["column"] != 5.0 {
		t.Errorf("fault placed at %v, want line 18, column 5", p)
	}
	e.doType("POST", "/api/v1/rulesets?reserve=qiangtang", "text/csv", []byte("record,zone\nrule,core,x\n")).problem(422, "line 2", "cells")
	if r := e.do("GET", "/api/v1/rules?reserve=qiangtang&on=2026-06-01", nil, false).expect(200); r.get("family") == "walker-rules" {
		t.Error("a refused import changed the reserve's rules")
	}
	e.doType("POST", "/api/v1/rulesets?reserve=qiangtang", "text/csv", doc).expect(201)
	r = e.do("GET", "/api/v1/rules?reserve=qiangtang&on=2026-06-01", nil, false).expect(200)
	if r.get("rule_set", "code") != "walker-rules-2024" || r.get("provisions", 0, "text") != "No one may enter the core zone." {
		t.Errorf("imported rules: %.1000s", r.Raw)
	}
}
