// Package patrol stores GPS tracks of patrols, researchers, visitors and
// vehicles, and says where and when each was inside which zone: it cleans
// the decoded fixes (reporting every point dropped and why), stores each
// segment as a LINESTRINGZM in PostGIS (Z elevation, M Unix time) with the
// raw file for audit, keeps waypoints as observations, finds the zone visits
// with entry and exit times interpolated at the boundary crossings, and turns
// what breaks the rules (a visitor in the core zone, research outside its
// permit, an observation of logging in a buffer zone) into findings, judged
// with the screening rule table and stored in the same finding table.
package patrol

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones for the timezone hint, whatever the host has

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/zoning"
)

// SubjectKind is who or what moved along a track.
type SubjectKind string

// Subject kinds.
const (
	Patrol         SubjectKind = "patrol"          // forestry patrol staff, on duty
	ResearchPermit SubjectKind = "research_permit" // a researcher entering under a permit
	// OriginalResident: a resident (原有居民) whose necessary production and
	// living the 2026 Regulations allow within the existing scale (Art. 29).
	OriginalResident SubjectKind = "original_resident"
	Visitor          SubjectKind = "visitor"
	Vehicle          SubjectKind = "vehicle"
	Unknown          SubjectKind = "unknown" // e.g. a track found on a seized device
)

var subjectKinds = []SubjectKind{Patrol, ResearchPermit, OriginalResident, Visitor, Vehicle, Unknown}

// subjectAliases are the law's names of subject kinds, accepted as input.
var subjectAliases = map[string]SubjectKind{"ranger": Patrol, "researcher_with_permit": ResearchPermit, "原有居民": OriginalResident,
	"巡护人员": Patrol, "访客": Visitor}

// ParseSubjectKind reads a subject kind; empty is unknown.
func ParseSubjectKind(s string) (SubjectKind, error) {
	if s == "" {
		return Unknown, nil
	}
	for _, k := range subjectKinds {
		if string(k) == s {
			return k, nil
		}
	}
	if k, ok := subjectAliases[s]; ok {
		return k, nil
	}
	return "", fmt.Errorf("subject_kind %q must be one of patrol (ranger), research_permit (researcher_with_permit), original_resident, visitor, vehicle, unknown", s)
}

// Defaults of Options.
const (
	DefaultMaxBytes     = 50 << 20
	DefaultJitterDwell  = 60 * time.Second
	DefaultJitterDepthM = 15.0
	footKmh             = 15.0
	vehicleKmh          = 150.0
)

// DefaultMaxSpeedsKmh are the speeds above which a fix is a speed outlier,
// by subject kind: people on foot, and vehicles (and unknown subjects, which
// may be either).
func DefaultMaxSpeedsKmh() map[SubjectKind]float64 {
	return map[SubjectKind]float64{Patrol: footKmh, ResearchPermit: footKmh, OriginalResident: footKmh, Visitor: footKmh, Vehicle: vehicleKmh, Unknown: vehicleKmh}
}

// ParseMaxSpeeds reads "patrol=15,vehicle=150" (km/h by subject kind) over
// the defaults.
func ParseMaxSpeeds(s string) (map[SubjectKind]float64, error) {
	out := DefaultMaxSpeedsKmh()
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		kind, err := ParseSubjectKind(strings.TrimSpace(k))
		if !ok || err != nil || k == "" {
			return nil, fmt.Errorf("max speeds %q: each entry is subject_kind=km/h with a kind of patrol, research_permit, visitor, vehicle, unknown", s)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f <= 0 || f > 2000 {
			return nil, fmt.Errorf("max speeds %q: %s must be a speed in km/h above 0", s, kv)
		}
		out[kind] = f
	}
	return out, nil
}

// Options tunes a Store. Zero values take the defaults.
type Options struct {
	// MaxBytes caps an uploaded file, compressed or not (default 50 MiB).
	MaxBytes int64
	// MaxSpeedsKmh is the outlier speed by subject kind (DefaultMaxSpeedsKmh
	// for kinds not given).
	MaxSpeedsKmh map[SubjectKind]float64
	// JitterDwell and JitterDepthM: a visit shorter than the dwell, or never
	// deeper inside than the depth (GPS noise), is boundary jitter (default
	// 60 s and 15 m).
	JitterDwell  time.Duration
	JitterDepthM float64
	// Now is the clock (for the local-time check); default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	speeds := DefaultMaxSpeedsKmh()
	for k, v := range o.MaxSpeedsKmh {
		if v > 0 {
			speeds[k] = v
		}
	}
	o.MaxSpeedsKmh = speeds
	if o.JitterDwell <= 0 {
		o.JitterDwell = DefaultJitterDwell
	}
	if o.JitterDepthM <= 0 {
		o.JitterDepthM = DefaultJitterDepthM
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Store reads, analyses and keeps tracks and permits.
type Store struct {
	pool db.Pool
	law  *law.Store
	opts Options
	eng  *zoning.Engine
}

// UseEngine makes track analysis ask the zone engine, rather than PostGIS,
// about tracks on days of the current zoning.
func (s *Store) UseEngine(e *zoning.Engine) { s.eng = e }

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool, opts Options) *Store {
	return &Store{pool: db.Scoped(pool), law: law.NewStore(pool), opts: opts.withDefaults()}
}

// MaxBytes is the largest file accepted.
func (s *Store) MaxBytes() int64 { return s.opts.MaxBytes }
