// Package zoning keeps reserves, their zoning versions and zones in PostGIS and
// answers the primitive every check is built on: which zone a point lies in.
package zoning

import (
	"fmt"
	"strings"
)

// Kind is a zone kind. Three-zone reserves (Regulations on Nature Reserves,
// Art. 18) have core, buffer and experimental zones and optionally a peripheral
// belt; reserves under the newer protected-area system have two zones.
type Kind string

// Zone kinds.
const (
	Core           Kind = "core"
	Buffer         Kind = "buffer"
	Experimental   Kind = "experimental"
	Peripheral     Kind = "peripheral"
	CoreProtection Kind = "core_protection"
	GeneralControl Kind = "general_control"
)

// Scheme is a reserve's zoning scheme.
type Scheme string

// Zoning schemes.
const (
	ThreeZone Scheme = "three_zone"
	TwoZone   Scheme = "two_zone"
)

type kindInfo struct {
	zh, en string
	scheme Scheme
	rank   int // lower is stricter: a point on a shared boundary is reported in the stricter zone
}

var kinds = map[Kind]kindInfo{
	Core:           {"核心区", "core zone", ThreeZone, 1},
	Buffer:         {"缓冲区", "buffer zone", ThreeZone, 2},
	Experimental:   {"实验区", "experimental zone", ThreeZone, 3},
	Peripheral:     {"外围保护地带", "peripheral belt", ThreeZone, 4},
	CoreProtection: {"核心保护区", "core protection zone", TwoZone, 1},
	GeneralControl: {"一般控制区", "general control zone", TwoZone, 2},
}

// KindsOf lists the zone kinds a scheme allows, strictest first.
func KindsOf(s Scheme) []Kind {
	if s == TwoZone {
		return []Kind{CoreProtection, GeneralControl}
	}
	return []Kind{Core, Buffer, Experimental, Peripheral}
}

// ZH is the kind's Chinese name.
func (k Kind) ZH() string { return kinds[k].zh }

// EN is the kind's English name.
func (k Kind) EN() string { return kinds[k].en }

// Rank orders kinds from strictest (1).
func (k Kind) Rank() int { return kinds[k].rank }

// ParseKind reads a zone kind by its code ("core") or its Chinese name ("核心区").
func ParseKind(s string) (Kind, error) {
	t := strings.TrimSpace(s)
	for k, info := range kinds {
		if t == string(k) || t == info.zh {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown zone kind %q: use core, buffer, experimental or peripheral (核心区, 缓冲区, 实验区, 外围保护地带) for three-zone reserves, core_protection or general_control (核心保护区, 一般控制区) for two-zone reserves", s)
}

// Allows reports whether scheme s has zones of kind k.
func (s Scheme) Allows(k Kind) bool { return kinds[k].scheme == s }

// Valid reports whether s is a known scheme.
func (s Scheme) Valid() bool { return s == ThreeZone || s == TwoZone }

// Level is a reserve's administrative level.
type Level string

// levelsZH are the levels' Chinese names.
var levelsZH = map[string]string{"国家级": "national", "省级": "provincial", "市级": "municipal", "县级": "county"}

// ParseLevel reads a level by its code or Chinese name (国家级, 省级, 市级,
// 县级); anything else comes back unchanged for ValidLevel to refuse.
func ParseLevel(l string) string {
	t := strings.TrimSpace(l)
	if code, ok := levelsZH[t]; ok {
		return code
	}
	return t
}

// ValidLevel reports whether l is one of national, provincial, municipal, county.
func ValidLevel(l string) bool {
	switch l {
	case "national", "provincial", "municipal", "county":
		return true
	}
	return false
}
