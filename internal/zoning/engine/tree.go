package engine

import (
	"cmp"
	"math"
	"slices"
)

// packedTree is a static R-tree packed bottom-up in Hilbert order (the
// layout of Mapbox's flatbush): items sorted by the Hilbert index of their
// box centres, every treeFanout consecutive items under one node, every
// treeFanout consecutive nodes under one parent, up to a single root. Nodes
// live in one slice of boxes, level by level, so a search allocates nothing
// and a node's children are found by arithmetic.
//
// Why by hand: the index must be searched best-first with a caller's lower
// bound in metres (tangent-plane and ellipsoidal bounds, see Nearest).
// rtreego, the maintained R-tree the Go module proxy serves, offers only
// box intersection and a Euclidean nearest neighbour in its own
// coordinates, and allocates a rectangle for every query; the module that
// has a best-first search with a caller's distance (tidwall/rtree) is not an
// approved release on the proxy.
type packedTree struct {
	n     int   // items
	nodes []box // all levels, the parents of items first
	// cos is, for every node, the cosine of the highest latitude in its
	// box (at least that of 89°): a lower bound of the metres per degree
	// of longitude in it, with the ellipsoid's semi-major axis.
	cos        []float64
	levelStart []int // level l's nodes are nodes[levelStart[l]:levelStart[l+1]]
}

type box struct{ x0, y0, x1, y1 float64 }

const treeFanout = 8

// packTree sorts the items' boxes into Hilbert order and builds the nodes
// over them. It returns the tree and the permutation: position k of the tree
// holds item order[k].
func packTree(items []box) (*packedTree, []int32) { return packGroups(items, nil) }

// packGroups is packTree with the items ordered by group first (group[i] is
// item i's), then in Hilbert order within each group, so that each group's
// items take consecutive positions and a search for one group can skip the
// nodes whose positions lie outside its range (see itemRange).
func packGroups(items []box, group []int32) (*packedTree, []int32) {
	t := &packedTree{n: len(items)}
	order := make([]int32, len(items))
	if len(items) == 0 {
		return t, order
	}
	all := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, b := range items {
		all = all.union(b)
	}
	w, h := math.Max(all.x1-all.x0, 1e-12), math.Max(all.y1-all.y0, 1e-12)
	const side = 1<<16 - 1
	hkey := func(b box) uint32 {
		return hilbert(uint32(side*((b.x0+b.x1)/2-all.x0)/w), uint32(side*((b.y0+b.y1)/2-all.y0)/h))
	}
	if group == nil {
		keys := make([]uint64, len(items))
		for i, b := range items {
			keys[i] = uint64(hkey(b))<<32 | uint64(i)
		}
		slices.Sort(keys)
		for k, key := range keys {
			order[k] = int32(key & 0xffffffff)
		}
	} else {
		type key struct {
			group int32
			h     uint32
			i     int32
		}
		keys := make([]key, len(items))
		for i, b := range items {
			keys[i] = key{group[i], hkey(b), int32(i)}
		}
		slices.SortFunc(keys, func(a, b key) int {
			if a.group != b.group {
				return cmp.Compare(a.group, b.group)
			}
			if a.h != b.h {
				return cmp.Compare(a.h, b.h)
			}
			return cmp.Compare(a.i, b.i)
		})
		for k, key := range keys {
			order[k] = key.i
		}
	}
	// Level 0: the parents of the items.
	level := make([]box, 0, (len(items)+treeFanout-1)/treeFanout)
	for lo := 0; lo < len(items); lo += treeFanout {
		b := items[order[lo]]
		for _, i := range order[lo+1 : min(lo+treeFanout, len(items))] {
			b = b.union(items[i])
		}
		level = append(level, b)
	}
	t.levelStart = append(t.levelStart, 0)
	t.nodes = append(t.nodes, level...)
	for len(level) > 1 {
		t.levelStart = append(t.levelStart, len(t.nodes))
		up := make([]box, 0, (len(level)+treeFanout-1)/treeFanout)
		for lo := 0; lo < len(level); lo += treeFanout {
			b := level[lo]
			for _, c := range level[lo+1 : min(lo+treeFanout, len(level))] {
				b = b.union(c)
			}
			up = append(up, b)
		}
		t.nodes = append(t.nodes, up...)
		level = up
	}
	t.levelStart = append(t.levelStart, len(t.nodes))
	t.nodes = t.nodes[:len(t.nodes):len(t.nodes)]
	t.cos = make([]float64, len(t.nodes))
	for i, b := range t.nodes {
		t.cos[i] = math.Cos(math.Min(89, math.Max(math.Abs(b.y0), math.Abs(b.y1))) * deg)
	}
	return t, order
}

// top is the root's level.
func (t *packedTree) top() int { return len(t.levelStart) - 2 }

// children returns the range of node k of level l's children: items when l
// is 0, nodes of level l-1 otherwise (as indexes within that level).
func (t *packedTree) children(l, k int) (lo, hi int) {
	count := t.n
	if l > 0 {
		count = t.levelStart[l] - t.levelStart[l-1]
	}
	lo = k * treeFanout
	return lo, min(lo+treeFanout, count)
}

// itemRange is the range of item positions under node k of level l.
func (t *packedTree) itemRange(l, k int) (lo, hi int) {
	span := treeFanout
	for range l {
		span *= treeFanout
	}
	return k * span, min(t.n, (k+1)*span)
}

// node is the box of node k of level l.
func (t *packedTree) node(l, k int) *box { return &t.nodes[t.levelStart[l]+k] }

// searchPoint appends to buf the item positions whose parent node's box
// holds (x, y); the caller tests the items themselves.
func (t *packedTree) searchPoint(x, y float64, buf []int32) []int32 {
	if t.n == 0 {
		return buf
	}
	var stack [64]struct{ l, k int32 }
	stack[0] = struct{ l, k int32 }{int32(t.top()), 0}
	for sp := 1; sp > 0; {
		sp--
		l, k := int(stack[sp].l), int(stack[sp].k)
		if !t.node(l, k).holds(x, y) {
			continue
		}
		lo, hi := t.children(l, k)
		for c := lo; c < hi; c++ {
			if l == 0 {
				buf = append(buf, int32(c))
			} else {
				// A depth-first stack holds at most treeFanout entries
				// per level: 64 are enough for any tree in memory.
				stack[sp] = struct{ l, k int32 }{int32(l - 1), int32(c)}
				sp++
			}
		}
	}
	return buf
}

func (b box) union(o box) box {
	return box{math.Min(b.x0, o.x0), math.Min(b.y0, o.y0), math.Max(b.x1, o.x1), math.Max(b.y1, o.y1)}
}

// holds reports whether (x, y) lies in the box, its edges included.
func (b *box) holds(x, y float64) bool { return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 }

// hilbert is the index of (x, y) on the Hilbert curve filling the 2^16 ×
// 2^16 grid.
func hilbert(x, y uint32) uint32 {
	var d uint32
	for s := uint32(1 << 15); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s > 0 {
			rx = 1
		}
		if y&s > 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		if ry == 0 { // rotate the quadrant
			if rx == 1 {
				x, y = 1<<16-1-x, 1<<16-1-y
			}
			x, y = y, x
		}
	}
	return d
}
