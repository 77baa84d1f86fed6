package geoio

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"warden/internal/problem"
)

// TestXMLElementLimit: a document with more elements than the scanner's
// limit is a 413, however shallow and small its elements are.
func TestXMLElementLimit(t *testing.T) {
	doc := "<gpx>" + strings.Repeat("<x/>", 100) + "</gpx>"
	for limit, want := range map[int]int{1000: 0, 50: 413} {
		x := newXMLScanner(bufio.NewReader(strings.NewReader(doc)), DefaultMaxXMLDepth)
		x.maxElements = limit
		var err error
		for err == nil {
			_, err = x.next()
		}
		got := 0
		if p, ok := problem.As(err); ok {
			got = p.Status
		} else if !errors.Is(err, io.EOF) {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if got != want {
			t.Errorf("101 elements under a limit of %d: %v, want status %d", limit, err, want)
		}
	}
	if x := newXMLScanner(bufio.NewReader(strings.NewReader("")), 1); x.maxElements != DefaultMaxXMLElements {
		t.Errorf("the default element limit is %d", x.maxElements)
	}
}

// TestCheckFeatureLimits: too many features, or a geometry with too many
// vertices, is a 413 naming the feature.
func TestCheckFeatureLimits(t *testing.T) {
	feats, err := DecodeGeoJSON([]byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}},
		{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,1],[2,2],[3,3]]}}]}`), GeoJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckFeatureLimits(feats, 2, 3); err != nil {
		t.Errorf("within the limits: %v", err)
	}
	if p, ok := problem.As(CheckFeatureLimits(feats, 1, 0)); !ok || p.Status != 413 || !strings.Contains(p.Detail, "2 features") {
		t.Errorf("2 features, limit 1: %v", p)
	}
	if p, ok := problem.As(CheckFeatureLimits(feats, 0, 2)); !ok || p.Status != 413 || !strings.Contains(p.Detail, "feature 1 has 3 vertices") {
		t.Errorf("3 vertices, limit 2: %v", p)
	}
}
