package api_test

import (
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"warden/internal/api"
)

// injections are request texts that would change a query built by pasting
// them into SQL.
var injections = []string{
	`' OR '1'='1`,
	`qiangtang' --`,
	`1; DROP TABLE reserve; --`,
	`"; DROP TABLE zone; --`,
	`1) OR (1=1`,
	`' UNION SELECT password_hash, name FROM app_user --`,
	`'; UPDATE app_user SET roles = '{admin}'; --`,
	`$1`,
	`1' AND pg_sleep(30) IS NULL --`,
	"a\x00b",
	`%27%20OR%201%3D1`,
	`\'; DELETE FROM marker; --`,
	strings.Repeat("A'", 2000),
}

// TestSQLInjection sends every injection through every query parameter of
// every GET operation in openapi.json, and through every path parameter,
// as the admin (who may reach every route): no answer is a 5xx, and the
// tables are as they were.
func TestSQLInjection(t *testing.T) {
	w := newWalkEnv(t, api.Config{})
	_, doc := servedOpenAPI(t)
	before := w.tableCounts()
	admin := caller{token: adminToken}
	paths := doc["paths"].(map[string]any)
	var keys []string
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	pathParam := regexp.MustCompile(`\{[^}]+\}`)
	sent, params := 0, 0
	for _, p := range keys {
		op, ok := paths[p].(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		// a real value for each path parameter, and each query parameter in turn
		concrete := pathParam.ReplaceAllStringFunc(p, func(m string) string { return w.pathValue(m) })
		var queryParams []string
		prms, _ := op["parameters"].([]any)
		for _, prm := range prms {
			pm := prm.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				pm = resolveRef(doc, ref).(map[string]any)
			}
			if pm["in"] == "query" {
				queryParams = append(queryParams, pm["name"].(string))
			}
		}
		params += len(queryParams) + len(pathParam.FindAllString(p, -1))
		for _, inj := range injections {
			var targets []string
			for _, q := range queryParams {
				v := url.Values{q: {inj}}
				// a stream ends when its max_seconds have passed
				if slices.Contains(queryParams, "max_seconds") && q != "max_seconds" {
					v.Set("max_seconds", "0.05")
				}
				targets = append(targets, concrete+"?"+v.Encode())
			}
			for _, m := range pathParam.FindAllString(p, -1) {
				targets = append(targets, strings.Replace(p, m, url.PathEscape(inj), 1))
			}
			for _, target := range targets {
				target = pathParam.ReplaceAllStringFunc(target, func(m string) string { return w.pathValue(m) })
				r := w.send("GET", target, nil, admin)
				sent++
				if r.Status >= 500 {
					t.Errorf("GET %s: status %d: %.300s", target, r.Status, r.Raw)
				}
			}
		}
	}
	// A filter with an injection matches nothing (it is a value, not SQL).
	for _, q := range []string{"/api/v1/tracks?reserve=", "/api/v1/tracks?subject=", "/api/v1/screenings?activity=", "/api/v1/cases?unit=", "/api/v1/audit?actor="} {
		r := w.send("GET", q+url.QueryEscape(`' OR '1'='1`), nil, admin)
		if r.Status == 200 && r.JSON["total"] != 0.0 {
			t.Errorf("GET %s' OR '1'='1: total %v, want 0", q, r.JSON["total"])
		}
	}
	if after := w.tableCounts(); after != before {
		t.Errorf("the tables changed:\nbefore %s\nafter  %s", before, after)
	}
	t.Logf("%d requests: %d injection strings through %d parameters of the GET routes", sent, len(injections), params)
}

// pathValue is a real value for a path parameter ("{code}").
func (w *walkEnv) pathValue(param string) string {
	switch strings.Trim(param, "{}") {
	case "code":
		return targetReserve
	case "layer":
		return "zones"
	case "z", "x", "y":
		return "0"
	case "collectionId":
		return "zones"
	case "format":
		return "geojson"
	case "name":
		return "viewer"
	}
	return "1"
}

// tableCounts sums up the rows of every table in the public schema.
func (w *walkEnv) tableCounts() string {
	w.t.Helper()
	rows, err := w.pool.Query(w.t.Context(), `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		w.t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			w.t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	var b strings.Builder
	for _, n := range names {
		if n == "user_session" || n == "goose_db_version" {
			continue
		}
		var c int
		// n is a table name read from the catalogue, quoted as an identifier.
		if err := w.pool.QueryRow(w.t.Context(), `SELECT count(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			w.t.Fatal(err)
		}
		b.WriteString(n + "=" + strconv.Itoa(c) + " ")
	}
	var users string
	if err := w.pool.QueryRow(w.t.Context(), `SELECT string_agg(name || ':' || array_to_string(roles, '+'), ',' ORDER BY name) FROM app_user`).Scan(&users); err != nil {
		w.t.Fatal(err)
	}
	return b.String() + "users=" + users
}
