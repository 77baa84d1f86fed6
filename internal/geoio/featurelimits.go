package geoio

import (
	"fmt"

	"warden/internal/problem"
)

// CheckFeatureLimits refuses (413) more than maxFeatures features, or a
// feature whose geometry has more than maxVertices vertices (naming it): the
// per-request bounds of uploads whose body limit alone would let millions of
// vertices through. A limit of 0 is not checked.
func CheckFeatureLimits(feats []Feature, maxFeatures, maxVertices int) error {
	if maxFeatures > 0 && len(feats) > maxFeatures {
		return problem.TooLarge(fmt.Sprintf("the body has %d features, more than the limit of %d for this route", len(feats), maxFeatures))
	}
	if maxVertices <= 0 {
		return nil
	}
	for i, f := range feats {
		if f.Geometry == nil {
			continue
		}
		if n := CountVertices(f.Geometry); n > maxVertices {
			p := problem.TooLarge(fmt.Sprintf("feature %d has %d vertices, more than the limit of %d per geometry", i, n, maxVertices))
			p.Problems = []problem.Detail{problem.At(i, fmt.Sprintf("features[%d].geometry", i), fmt.Sprintf("%d vertices", n))}
			return p
		}
	}
	return nil
}
