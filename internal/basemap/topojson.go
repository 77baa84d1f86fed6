package basemap

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Topology is a decoded TopoJSON document: each named object's geometries
// with their arcs resolved into orb geometry in lon/lat.
type Topology struct {
	Objects map[string][]Feature
}

// Feature is one geometry of a TopoJSON object with its id and properties.
type Feature struct {
	ID         string
	Properties map[string]any
	Geometry   orb.Geometry
}

type rawTopology struct {
	Type      string                                 `json:"type"`
	Transform *struct{ Scale, Translate [2]float64 } `json:"transform"`
	Arcs      [][][]float64                          `json:"arcs"`
	Objects   map[string]rawGeometry                 `json:"objects"`
}

type rawGeometry struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []rawGeometry   `json:"geometries"`
}

// DecodeTopoJSON reads a TopoJSON topology (quantized or not) and resolves
// every object's LineString, MultiLineString, Polygon and MultiPolygon
// geometries (a GeometryCollection contributes its members). An arc index
// out of range, a ring of fewer than four positions or a coordinate that is
// not finite is an error naming the object and the geometry.
func DecodeTopoJSON(b []byte) (*Topology, error) {
	var raw rawTopology
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	if raw.Type != "Topology" {
		return nil, fmt.Errorf("topojson: type %q, want Topology", raw.Type)
	}
	arcs, err := decodeArcs(raw)
	if err != nil {
		return nil, err
	}
	t := &Topology{Objects: map[string][]Feature{}}
	for name, obj := range raw.Objects {
		members := []rawGeometry{obj}
		if obj.Type == "GeometryCollection" {
			members = obj.Geometries
		}
		for i, g := range members {
			geom, err := resolve(arcs, g)
			if err != nil {
				return nil, fmt.Errorf("topojson: object %s, geometry %d: %w", name, i, err)
			}
			if geom == nil {
				continue
			}
			id := ""
			if g.ID != nil {
				id = fmt.Sprint(g.ID)
			}
			t.Objects[name] = append(t.Objects[name], Feature{ID: id, Properties: g.Properties, Geometry: geom})
		}
	}
	return t, nil
}

// decodeArcs turns the arcs into positions: quantized arcs are delta-encoded
// integers, scaled and translated by the transform.
func decodeArcs(raw rawTopology) ([]orb.LineString, error) {
	out := make([]orb.LineString, len(raw.Arcs))
	for i, arc := range raw.Arcs {
		ls := make(orb.LineString, 0, len(arc))
		var x, y float64
		for j, p := range arc {
			if len(p) < 2 {
				return nil, fmt.Errorf("topojson: arc %d, position %d: %d coordinates", i, j, len(p))
			}
			if raw.Transform != nil {
				x, y = x+p[0], y+p[1]
				p = []float64{x*raw.Transform.Scale[0] + raw.Transform.Translate[0], y*raw.Transform.Scale[1] + raw.Transform.Translate[1]}
			}
			if !finite(p[0]) || !finite(p[1]) {
				return nil, fmt.Errorf("topojson: arc %d, position %d: coordinate not finite", i, j)
			}
			ls = append(ls, orb.Point{p[0], p[1]})
		}
		out[i] = ls
	}
	return out, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// resolve builds one geometry from its arc indexes; nil for a geometry
// without arcs (TopoJSON's null geometry) or of a type without arcs.
func resolve(arcs []orb.LineString, g rawGeometry) (orb.Geometry, error) {
	if len(g.Arcs) == 0 {
		return nil, nil
	}
	switch g.Type {
	case "LineString":
		var idx []int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		return join(arcs, idx)
	case "MultiLineString", "Polygon":
		var idx [][]int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		parts, err := joinAll(arcs, idx, g.Type == "Polygon")
		if err != nil {
			return nil, err
		}
		if g.Type == "Polygon" {
			return ringsOf(parts), nil
		}
		return orb.MultiLineString(parts), nil
	case "MultiPolygon":
		var idx [][][]int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		mp := make(orb.MultiPolygon, 0, len(idx))
		for _, poly := range idx {
			parts, err := joinAll(arcs, poly, true)
			if err != nil {
				return nil, err
			}
			mp = append(mp, ringsOf(parts))
		}
		return mp, nil
	}
	return nil, nil
}

func ringsOf(parts []orb.LineString) orb.Polygon {
	p := make(orb.Polygon, len(parts))
	for i, r := range parts {
		p[i] = orb.Ring(r)
	}
	return p
}

// joinAll joins each list of arc indexes; rings must close and have four
// positions.
func joinAll(arcs []orb.LineString, idx [][]int, rings bool) ([]orb.LineString, error) {
	out := make([]orb.LineString, 0, len(idx))
	for _, part := range idx {
		ls, err := join(arcs, part)
		if err != nil {
			return nil, err
		}
		if rings && (len(ls) < 4 || ls[0] != ls[len(ls)-1]) {
			return nil, errors.New("a ring is not closed or has fewer than four positions")
		}
		out = append(out, ls)
	}
	return out, nil
}

// join concatenates arcs by index (~i, that is -i-1, is arc i reversed),
// dropping the position each arc shares with the one before.
func join(arcs []orb.LineString, idx []int) (orb.LineString, error) {
	var out orb.LineString
	for _, i := range idx {
		rev := i < 0
		if rev {
			i = ^i
		}
		if i >= len(arcs) {
			return nil, fmt.Errorf("arc %d does not exist (%d arcs)", i, len(arcs))
		}
		a := arcs[i]
		for k := range a {
			p := a[k]
			if rev {
				p = a[len(a)-1-k]
			}
			if k == 0 && len(out) > 0 {
				continue
			}
			out = append(out, p)
		}
	}
	if len(out) < 2 {
		return nil, errors.New("a line has fewer than two positions")
	}
	return out, nil
}
