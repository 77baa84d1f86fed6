package ogc

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseCRS(t *testing.T) {
	for in, want := range map[string]CRS{
		"": CRS84,
		"http://www.opengis.net/def/crs/OGC/1.3/CRS84": CRS84,
		"[OGC:CRS84]": CRS84,
		"http://www.opengis.net/def/crs/EPSG/0/4326": {4326},
		"[EPSG:4490]":                {4490},
		"EPSG:4515":                  {4515},
		"urn:ogc:def:crs:EPSG::4554": {4554},
	} {
		got, err := ParseCRS("crs", in)
		if err != nil || got != want {
			t.Errorf("ParseCRS(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"EPSG:3857", "EPSG:4555", "http://www.opengis.net/def/crs/EPSG/0/2000", "WGS84?"} {
		if _, err := ParseCRS("crs", in); err == nil || !strings.Contains(err.Error(), "not a CRS this API serves") {
			t.Errorf("ParseCRS(%q) = %v, want a refusal", in, err)
		}
	}
	if n := len(SupportedCRS()); n != 3+64 {
		t.Errorf("%d CRSs, want CRS84, 4326, 4490 and 4491-4554", n)
	}
	if !(CRS{4326}).Swapped() || !(CRS{4513}).Swapped() || CRS84.Swapped() {
		t.Error("EPSG:4326 and the Gauss-Krüger systems list latitude/northing first, CRS84 longitude")
	}
}

func TestParseDatetime(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for in, want := range map[string][2]*time.Time{
		"2024-05-01T08:00:00Z":  {ptr(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)), ptr(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC))},
		"2024-05-01":            {ptr(day("2024-05-01")), ptr(day("2024-05-02").Add(-time.Microsecond))},
		"2024-05-01/..":         {ptr(day("2024-05-01")), nil},
		"/2024-05-01":           {nil, ptr(day("2024-05-02").Add(-time.Microsecond))},
		"2024-01-01/2024-12-31": {ptr(day("2024-01-01")), ptr(day("2025-01-01").Add(-time.Microsecond))},
	} {
		from, to, err := ParseDatetime(in)
		if err != nil || !same(from, want[0]) || !same(to, want[1]) {
			t.Errorf("ParseDatetime(%q) = %v, %v, %v; want %v, %v", in, from, to, err, want[0], want[1])
		}
	}
	for _, in := range []string{"../..", "2024-13-01", "2024-05-02/2024-05-01", "a/b/c", "now"} {
		if _, _, err := ParseDatetime(in); err == nil {
			t.Errorf("ParseDatetime(%q) accepted", in)
		}
	}
}

func ptr(t time.Time) *time.Time { return &t }

func same(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }

func TestParseItemsQuery(t *testing.T) {
	zones := Zones()
	q, err := ParseItemsQuery(zones, url.Values{"limit": {"50000"}, "kind": {"核心区"}, "reserve": {"qiangtang"}, "bbox": {"80,30,90,37"}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Limit != MaxLimit || q.Filters["kind"] != "core" || q.Filters["reserve"] != "qiangtang" || len(q.BBox) != 4 {
		t.Errorf("query %+v", q)
	}
	// EPSG:4326 bbox is lat,lon: 100 is not a latitude.
	if _, err := ParseItemsQuery(zones, url.Values{"bbox": {"100,30,110,37"}, "bbox-crs": {"EPSG:4326"}}); err == nil {
		t.Error("a lon,lat bbox was accepted as EPSG:4326 lat,lon")
	}
	for _, v := range []url.Values{{"status": {"intact"}}, {"limit": {"-1"}}, {"offset": {"x"}}, {"bbox": {"1,2,3,4,5"}}, {"kind": {"park"}}} {
		if _, err := ParseItemsQuery(zones, v); err == nil {
			t.Errorf("%v accepted for zones", v)
		}
	}
	if _, err := ParseItemsQuery(Markers(), url.Values{"status": {"损坏"}}); err != nil {
		t.Errorf("status=损坏: %v", err)
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		f, accept string
		want      Format
	}{
		{"", "", JSON},
		{"", "*/*", JSON},
		{"", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML},
		{"", "application/geo+json, application/json", JSON},
		{"", "application/json;q=0.5, text/html;q=0.9", HTML},
		{"json", "text/html", JSON},
		{"html", "", HTML},
	} {
		got, err := Negotiate(c.f, c.accept)
		if err != nil || got != c.want {
			t.Errorf("Negotiate(%q, %q) = %v, %v; want %v", c.f, c.accept, got, err, c.want)
		}
	}
	if _, err := Negotiate("xml", ""); err == nil {
		t.Error("f=xml accepted")
	}
}

func TestRegistryRoles(t *testing.T) {
	secret := &Collection{ID: "cases", Roles: []string{"officer"}}
	r := NewRegistry(Zones(), secret)
	if got := len(r.Visible(Viewer{})); got != 1 {
		t.Errorf("anonymous sees %d collections, want 1", got)
	}
	if _, err := r.Get("cases", Viewer{}); err == nil {
		t.Error("anonymous may read cases")
	}
	if _, err := r.Get("cases", Viewer{Roles: []string{"officer"}}); err != nil {
		t.Errorf("an officer may not read cases: %v", err)
	}
	doc := OpenAPI("http://x/ogc", Default().Visible(Viewer{}))
	for _, c := range Default().Visible(Viewer{}) {
		if _, ok := doc["paths"].(obj)["/collections/"+c.ID+"/items"]; !ok {
			t.Errorf("the API definition lacks /collections/%s/items", c.ID)
		}
	}
	if len(APIPaths(doc)) != 4+3*3 {
		t.Errorf("%d paths", len(APIPaths(doc)))
	}
}
