package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"warden/internal/api"
)

// openapiMethods are the operation keys of an OpenAPI path item.
var openapiMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true,
}

// echoParam matches an Echo path parameter (":code").
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// servedOpenAPI fetches /api/v1/openapi.json from a server without a database
// (the document is embedded, so the handler needs none) and decodes it.
func servedOpenAPI(t *testing.T) (*api.Server, map[string]any) {
	t.Helper()
	s := api.New(api.Config{}, nil, slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d: %s", rec.Code, rec.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return s, doc
}

// TestOpenAPIMatchesRoutes checks that the OpenAPI document describes exactly
// the routes the server registers: every route is documented with its method,
// and every documented operation is a real route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, doc := servedOpenAPI(t)

	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf(`"openapi" is %q, want 3.x`, doc["openapi"])
	}
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatal(`the document has no "paths"`)
	}

	routes := map[string]bool{} // "get /api/v1/reserves/{code}"
	for _, r := range s.Echo().Routes() {
		if strings.HasPrefix(r.Method, "echo_") || strings.Contains(r.Path, "*") {
			continue // Echo's own not-found and catch-all routes
		}
		path := echoParam.ReplaceAllString(r.Path, "{$1}")
		key := strings.ToLower(r.Method) + " " + path
		routes[key] = true
		item, ok := paths[path].(map[string]any)
		if !ok {
			t.Errorf("route %s %s (%s) is not in openapi.json: document it under paths[%q]", r.Method, r.Path, r.Name, path)
			continue
		}
		if _, ok := item[strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is in openapi.json without its %q operation", r.Method, r.Path, strings.ToLower(r.Method))
		}
	}
	if len(routes) == 0 {
		t.Fatal("the server registers no routes")
	}

	documented := 0
	for path, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			t.Errorf("paths[%q] is not an object", path)
			continue
		}
		for method, o := range item {
			if !openapiMethods[method] {
				continue // parameters, summary, servers...
			}
			key := method + " " + path
			documented++
			if !routes[key] {
				t.Errorf("openapi.json documents %s %s, which is not a route", strings.ToUpper(method), path)
			}
			op, ok := o.(map[string]any)
			if !ok {
				t.Errorf("%s: the operation is not an object", key)
				continue
			}
			if sum, _ := op["summary"].(string); strings.TrimSpace(sum) == "" {
				t.Errorf("%s: no summary", key)
			}
			if rs, _ := op["responses"].(map[string]any); len(rs) == 0 {
				t.Errorf("%s: no responses", key)
			}
			checkPathParams(t, doc, key, path, op)
		}
	}
	t.Logf("%d routes, %d documented operations", len(routes), documented)
}

// checkPathParams asserts every {param} in path is declared as an in: path
// parameter of the operation.
func checkPathParams(t *testing.T, doc map[string]any, key, path string, op map[string]any) {
	t.Helper()
	declared := map[string]bool{}
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		pm, _ := p.(map[string]any)
		if ref, ok := pm["$ref"].(string); ok {
			pm, _ = resolveRef(doc, ref).(map[string]any)
		}
		if pm["in"] == "path" {
			name, _ := pm["name"].(string)
			declared[name] = true
		}
	}
	for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
		if !declared[m[1]] {
			t.Errorf("%s: path parameter %q is not declared", key, m[1])
		}
	}
}

// TestOpenAPISecurityAndRefs checks that the routes that need credentials
// by default (writes, reads that are not public) declare bearerAuth and the
// others do not, and that every $ref in the document resolves.
func TestOpenAPISecurityAndRefs(t *testing.T) {
	s, doc := servedOpenAPI(t)

	comps, _ := doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	bearer, _ := schemes["bearerAuth"].(map[string]any)
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Fatalf("components.securitySchemes.bearerAuth is %v, want an HTTP bearer scheme", bearer)
	}
	paths, _ := doc["paths"].(map[string]any)
	for path, v := range paths {
		item, _ := v.(map[string]any)
		for method, o := range item {
			if !openapiMethods[method] {
				continue
			}
			op, _ := o.(map[string]any)
			write := needsCredentials(t, s, method, path) // by the access rules (authz_test.go)
			secured := false
			sec, _ := op["security"].([]any)
			for _, req := range sec {
				if m, _ := req.(map[string]any); m != nil {
					if _, ok := m["bearerAuth"]; ok {
						secured = true
					}
				}
			}
			if write != secured {
				t.Errorf("%s %s: bearerAuth required = %v, want %v", strings.ToUpper(method), path, secured, write)
			}
			if rs, _ := op["responses"].(map[string]any); write && rs["401"] == nil {
				t.Errorf("%s %s: a write route should document its 401", strings.ToUpper(method), path)
			}
		}
	}

	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && resolveRef(doc, ref) == nil {
				t.Errorf("%s: $ref %q does not resolve", where, ref)
			}
			for k, c := range x {
				walk(where+"/"+k, c)
			}
		case []any:
			for _, c := range x {
				walk(where+"[]", c)
			}
		}
	}
	walk("#", doc)
}

// resolveRef follows a local JSON pointer ("#/components/schemas/Reserve").
func resolveRef(doc map[string]any, ref string) any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}
