package markers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"warden/internal/geoio"
	"warden/internal/problem"
)

var knownProps = map[string]bool{
	"code": true, "kind": true, "status": true, "installed_on": true, "last_inspected_on": true,
	"note": true, "survey_crs": true, "survey_x": true, "survey_y": true,
}

// FromFeatures reads markers from GeoJSON features: a Point geometry (or null
// with survey coordinates) and properties code, kind, status, installed_on,
// last_inspected_on, note, survey_crs, survey_x, survey_y. Unknown properties
// are refused so that a misspelt field is not silently lost.
func FromFeatures(feats []geoio.Feature) ([]Input, error) {
	var ps []problem.Detail
	ins := make([]Input, 0, len(feats))
	for _, f := range feats {
		i := f.Index
		bad := func(ptr, format string, args ...any) {
			ps = append(ps, problem.At(i, fmt.Sprintf("features[%d].%s", i, ptr), fmt.Sprintf("feature %d: ", i)+fmt.Sprintf(format, args...)))
		}
		var unknown []string
		for k := range f.Properties {
			if !knownProps[k] {
				unknown = append(unknown, k)
			}
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			bad("properties", "unknown properties %s (known: code, kind, status, installed_on, last_inspected_on, note, survey_crs, survey_x, survey_y)", strings.Join(unknown, ", "))
		}
		str := func(k string) string {
			v, ok := f.Properties[k]
			if !ok || v == nil {
				return ""
			}
			s, ok := v.(string)
			if !ok {
				bad("properties."+k, "%s must be a string", k)
			}
			return s
		}
		in := Input{Code: str("code"), Kind: str("kind"), Status: str("status"), InstalledOn: str("installed_on"),
			LastInspectedOn: str("last_inspected_on"), Note: str("note")}
		switch g := f.Geometry.(type) {
		case nil:
		case orb.Point:
			in.Point = &g
		default:
			bad("geometry", "a marker's geometry must be a Point, got %s", g.GeoJSONType())
		}
		if crs := str("survey_crs"); crs != "" {
			x, okx := f.Properties["survey_x"].(float64)
			y, oky := f.Properties["survey_y"].(float64)
			if !okx || !oky {
				bad("properties", "survey_crs needs numeric survey_x and survey_y")
			} else {
				in.Survey = &Survey{CRS: crs, X: x, Y: y}
			}
		}
		ins = append(ins, in)
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-marker", ps[0].Reason, ps...)
	}
	return ins, nil
}
