package engine

import "math"

// pairEntry is a pair of the zone edge tree (node k of level la, or edge
// ka when la is -1) and the footprint's tree (likewise lb, kb), with a
// lower bound of the distance between them; exact says the bound is the
// plane distance of two edges, and they are measured next.
type pairEntry struct {
	key            float64
	la, ka, lb, kb int32
	exact          bool
}

// footprintDistance is the geodesic distance in metres from f to the
// boundary of zone zi (for a footprint that does not meet the zone, the
// distance between them), or +Inf when it is more than limit. The two edge
// trees are searched together best-first: pairs of nodes come off a heap
// in the order of a lower bound of the distance between their boxes (as in
// Nearest: the tangent plane with the smallest scales in either box, then
// an ellipsoidal bound), the larger node of a pair is split, and a pair of
// edges is first bounded by their plane distance and then measured:
// between two disjoint edges the nearest points include an end of one of
// them, so four segmentDistance calls give it.
func (ix *Index) footprintDistance(f *Footprint, zi int32, limit float64) float64 {
	first := &f.edges[0]
	best, _ := ix.nearest(first.x1, first.y1, zi)
	if best > limit {
		best = limit
	}
	found := best < limit
	t, zr := ix.edgeTree, ix.zoneEdges[zi]
	var heap []pairEntry
	heap = pushPair(heap, pairEntry{0, int32(t.top()), 0, int32(f.tree.top()), 0, false})
	for len(heap) > 0 {
		var h pairEntry
		heap, h = popPair(heap)
		if h.key > best {
			break
		}
		switch {
		case h.la < 0 && h.lb < 0 && h.exact:
			if d := edgeDistance(&ix.edges[h.ka].edge, &f.edges[h.kb].edge); d < best || (d == best && !found) {
				best, found = d, true
			}
		case h.la < 0 && h.lb < 0:
			if key := planeEdgeBound(&ix.edges[h.ka].edge, &f.edges[h.kb].edge); key <= best {
				h.key, h.exact = key, true
				heap = pushPair(heap, h)
			}
		case h.lb < 0 || (h.la >= 0 && t.node(int(h.la), int(h.ka)).span() >= f.tree.node(int(h.lb), int(h.kb)).span()):
			bb := pairBox(f.tree, h.lb, h.kb, f.edges)
			lo, hi := t.children(int(h.la), int(h.ka))
			for c := lo; c < hi; c++ {
				var ab box
				if h.la == 0 {
					if ix.edges[c].z != zi {
						continue
					}
					ab = ix.edges[c].box()
				} else {
					// Only the nodes over the zone's own edges.
					if ilo, ihi := t.itemRange(int(h.la)-1, c); ihi <= int(zr[0]) || ilo >= int(zr[1]) {
						continue
					}
					ab = *t.node(int(h.la)-1, c)
				}
				if key := boxPairBound(ab, bb, best); key <= best {
					heap = pushPair(heap, pairEntry{key, h.la - 1, int32(c), h.lb, h.kb, false})
				}
			}
		default:
			var ab box
			if h.la < 0 {
				ab = ix.edges[h.ka].box()
			} else {
				ab = *t.node(int(h.la), int(h.ka))
			}
			lo, hi := f.tree.children(int(h.lb), int(h.kb))
			for c := lo; c < hi; c++ {
				var bb box
				if h.lb == 0 {
					bb = f.edges[c].box()
				} else {
					bb = *f.tree.node(int(h.lb)-1, c)
				}
				if key := boxPairBound(ab, bb, best); key <= best {
					heap = pushPair(heap, pairEntry{key, h.la, h.ka, h.lb - 1, int32(c), false})
				}
			}
		}
	}
	if !found {
		return math.Inf(1)
	}
	return best
}

// pairBox is the box of the footprint tree's node k of level l, or of edge
// k when l is -1.
func pairBox(t *packedTree, l, k int32, edges []fpEdge) box {
	if l < 0 {
		return edges[k].box()
	}
	return *t.node(int(l), int(k))
}

// span is the larger side of a box, in degrees.
func (b *box) span() float64 { return max(b.x1-b.x0, b.y1-b.y0) }

// boxPairBound is a lower bound of the geodesic distance between any point
// of a and any point of b, for paths no longer than limit: in the tangent
// plane with the smallest scales anywhere in either box (see boxKey) up to
// planeLimit, and beyond it the bound of boxLowerBound.
func boxPairBound(a, b box, limit float64) float64 {
	dx, dy := max(0, a.x0-b.x1, b.x0-a.x1), max(0, a.y0-b.y1, b.y0-a.y1)
	if dx == 0 && dy == 0 {
		return 0
	}
	hi := max(math.Abs(a.y0), math.Abs(a.y1), math.Abs(b.y0), math.Abs(b.y1))
	c := math.Cos(math.Min(89, hi) * deg)
	ex, ny := dx*wgsA*deg*c, dy*mMin*deg
	if d := math.Sqrt(ex*ex + ny*ny); d <= planeLimit {
		return planeBound(d, c)
	}
	lb := mMin * dy * deg
	if dx > 0 && !math.IsInf(limit, 1) {
		if h := hi + limit/mMin/deg; h < 90 {
			lb = math.Max(lb, wgsA*math.Cos(h*deg)*dx*deg)
		}
	}
	return lb
}

// planeEdgeBound is a lower bound of the geodesic distance between edges a
// and b: their distance in the tangent plane with the scales at the
// mid-latitude of their nearest points, shrunk as planeBound does (with the
// highest latitude of their ends) and by a further thousandth for the
// choice of scales; beyond planeLimit, their boxes' bound.
func planeEdgeBound(a, b *edge) float64 {
	if segmentsMeet(a, b) {
		return 0
	}
	kx, ky, _ := scale((a.y1 + a.y2 + b.y1 + b.y2) / 4)
	d, y := planeEdgeDistance(a, b, kx, ky)
	if d > planeLimit {
		return boxPairBound(a.box(), b.box(), math.Inf(1))
	}
	kx, ky, _ = scale(y)
	d, _ = planeEdgeDistance(a, b, kx, ky)
	hi := max(math.Abs(a.y1), math.Abs(a.y2), math.Abs(b.y1), math.Abs(b.y2))
	return planeBound(d, math.Cos(math.Min(89, hi)*deg)) * 0.999
}

// planeEdgeDistance is the plane distance between edges a and b (scales kx,
// ky in metres per degree) as the least of each end's distance to the other
// edge, and the mid-latitude of the nearest pair.
func planeEdgeDistance(a, b *edge, kx, ky float64) (float64, float64) {
	best, y := math.Inf(1), 0.0
	for _, c := range [4]struct {
		x, y float64
		e    *edge
	}{{a.x1, a.y1, b}, {a.x2, a.y2, b}, {b.x1, b.y1, a}, {b.x2, b.y2, a}} {
		if d, _, py := planePoint(c.x, c.y, kx, ky, c.e); d < best {
			best, y = d, (c.y+py)/2
		}
	}
	return best, y
}

// edgeDistance is the geodesic distance between edges a and b: 0 if they
// meet, else the least of each end's distance to the other edge.
func edgeDistance(a, b *edge) float64 {
	if segmentsMeet(a, b) {
		return 0
	}
	return min(segmentDistance(a.x1, a.y1, b.x1, b.y1, b.x2, b.y2), segmentDistance(a.x2, a.y2, b.x1, b.y1, b.x2, b.y2),
		segmentDistance(b.x1, b.y1, a.x1, a.y1, a.x2, a.y2), segmentDistance(b.x2, b.y2, a.x1, a.y1, a.x2, a.y2))
}

// segmentsMeet reports whether edges a and b have a point in common.
func segmentsMeet(a, b *edge) bool {
	var buf [2]float64
	return len(segmentMeets([2]float64{a.x1, a.y1}, [2]float64{a.x2, a.y2}, b, 0, buf[:0])) > 0
}

func pushPair(h []pairEntry, e pairEntry) []pairEntry {
	h = append(h, e)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].key <= e.key {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
	return h
}

func popPair(h []pairEntry) ([]pairEntry, pairEntry) {
	top, last := h[0], h[len(h)-1]
	h = h[:len(h)-1]
	n, i := len(h), 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].key < h[c].key {
			c++
		}
		if last.key <= h[c].key {
			break
		}
		h[i] = h[c]
		i = c
	}
	if n > 0 {
		h[i] = last
	}
	return h, top
}
