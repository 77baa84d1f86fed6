// Package clues keeps Green Shield (绿盾) clues: remote-sensing change
// detections (问题线索) uploaded in batches, each located in the zones of the
// reserves under the law in force on the change date (imaged_after), routed to
// its county and grid cell, assigned to the cell's staff with a deadline,
// verified in the field (a patrol track passing it is recognised as the visit,
// photos are kept with their EXIF position and time), and then either turned
// into a case (source remote_sensing) or closed with its reason. The package
// owns the clue_batch, clue, clue_zone and clue_photo tables
// (migrations/00070_clues.sql).
package clues

import (
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/cases"
	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/zoning"
)

// ChangeType is what changed on the ground, as change detection classifies it.
type ChangeType string

// Change types.
const (
	Construction    ChangeType = "construction"
	QuarryMine      ChangeType = "quarry_mine"
	Road            ChangeType = "road"
	Farmland        ChangeType = "farmland"
	Hydropower      ChangeType = "hydropower"
	TourismFacility ChangeType = "tourism_facility"
	Deforestation   ChangeType = "deforestation"
	Other           ChangeType = "other"
)

// changeTypes gives each change type its Chinese name, the law's activity
// it implies (none for other), and the names accepted for it.
var changeTypes = map[ChangeType]struct {
	zh, activity string
	names        []string
}{
	Construction:    {"新增建设", "non_production_facility", []string{"building", "buildings", "建设", "建筑", "新增建筑", "建筑物", "房屋", "建设用地", "新增建设用地", "工业用地"}},
	QuarryMine:      {"采石采矿", "mining", []string{"quarry", "mine", "mining", "quarrying", "采石", "采矿", "采石场", "矿山", "矿产开发", "采矿场", "矿产资源开发", "采石采矿"}},
	Road:            {"道路", "road", []string{"roads", "道路", "公路", "修路", "道路建设"}},
	Farmland:        {"开垦耕地", "land_clearing", []string{"cropland", "agriculture", "cultivation", "耕地", "农田", "开垦", "农业用地", "开垦耕地", "新增耕地"}},
	Hydropower:      {"水电", "hydropower", []string{"dam", "水电", "水电站", "小水电", "水电开发"}},
	TourismFacility: {"旅游设施", "inconsistent_tourism", []string{"tourism", "tourist_facility", "旅游设施", "旅游", "旅游开发", "旅游项目"}},
	Deforestation:   {"毁林", "logging", []string{"forest_loss", "tree_cover_loss", "logging", "毁林", "森林砍伐", "砍伐", "林地减少", "森林减少"}},
	Other:           {"其他", "", []string{"其他", "其它", "unknown"}},
}

// ZH is the change type's Chinese name.
func (c ChangeType) ZH() string { return changeTypes[c].zh }

// Activity is the law's activity the change implies ("" for other).
func (c ChangeType) Activity() string { return changeTypes[c].activity }

// ParseChangeType reads a change type by its code or any of its Chinese or
// English names (case, spaces, hyphens and underscores do not matter).
func ParseChangeType(s string) (ChangeType, bool) {
	n := normName(s)
	if n == "" {
		return "", false
	}
	for c, v := range changeTypes {
		if normName(string(c)) == n {
			return c, true
		}
		for _, name := range v.names {
			if normName(name) == n {
				return c, true
			}
		}
	}
	return "", false
}

// normName lower-cases s and keeps only letters and digits.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Status is where a clue is in the loop.
type Status string

// Statuses.
const (
	New        Status = "new"         // 待分派
	Assigned   Status = "assigned"    // 待核查
	CaseOpened Status = "case_opened" // 已立案
	Closed     Status = "closed"      // 已办结
	Linked     Status = "linked"      // 重复线索, linked to an earlier clue or an open case
)

var statusZH = map[Status]string{New: "待分派", Assigned: "待核查", CaseOpened: "已立案", Closed: "已办结", Linked: "重复（已关联）"}

// ZH is the status's Chinese name.
func (s Status) ZH() string { return statusZH[s] }

// Result is the finding of the field verification.
type Result string

// Results.
const (
	IllegalActivity Result = "illegal_activity" // 违法违规人类活动
	Lawful          Result = "lawful"           // 合法（已批准）
	PreExisting     Result = "pre_existing"     // 保护区设立前已存在
	NaturalChange   Result = "natural_change"   // 自然变化
	FalseDetection  Result = "false_detection"  // 误判
)

var resultZH = map[Result]string{IllegalActivity: "违法违规人类活动", Lawful: "合法（已批准）", PreExisting: "保护区设立前已存在",
	NaturalChange: "自然变化", FalseDetection: "误判"}

// ZH is the result's Chinese name.
func (r Result) ZH() string { return resultZH[r] }

// Options tune the store.
type Options struct {
	// VisitDistanceM is how near a track must pass a point clue to count as
	// its visit (default 100 m); a polygon clue is visited from inside.
	VisitDistanceM float64
	// NearM is how far outside a reserve a clue is still located to it, with
	// its distance to the boundary (default 5 km).
	NearM float64
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Store keeps clue batches and clues in PostGIS.
type Store struct {
	pool  db.Pool
	opts  Options
	law   *law.Store
	cases *cases.Store
	eng   *zoning.Engine
}

// UseEngine makes clue location measure clues with the zone engine when
// their change date's zonings are the current ones.
func (s *Store) UseEngine(e *zoning.Engine) { s.eng = e }

// NewStore returns a Store on pool; cases opened from clues get their
// photos through cs.
func NewStore(pool *pgxpool.Pool, cs *cases.Store, opts Options) *Store {
	if opts.VisitDistanceM == 0 {
		opts.VisitDistanceM = 100
	}
	if opts.NearM == 0 {
		opts.NearM = 5000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{pool: db.Scoped(pool), opts: opts, law: law.NewStore(pool), cases: cs}
}

// Batch is an uploaded batch of change detections.
type Batch struct {
	ID           int64          `json:"id"`
	Source       string         `json:"source"`
	ImagedBefore *law.Date      `json:"imaged_before,omitempty"`
	ImagedAfter  law.Date       `json:"imaged_after"`
	FileName     string         `json:"file_name"`
	Format       string         `json:"format"`
	Features     int            `json:"features"`
	Clues        int            `json:"clues"`
	Linked       int            `json:"linked"`
	ByStatus     map[string]int `json:"by_status"`
	UploadedBy   string         `json:"uploaded_by"`
	UploadedAt   time.Time      `json:"uploaded_at"`
}

// ZoneShare is a clue's overlap with one zone kind of one reserve.
type ZoneShare struct {
	Reserve       string  `json:"reserve"`
	ZoneKind      string  `json:"zone_kind"`
	LegalZoneKind string  `json:"legal_zone_kind,omitempty"`
	AreaHa        float64 `json:"area_ha"`
}

// CaseRef names the case a clue opened or repeats.
type CaseRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Status string `json:"status"`
}

// Clue is one change detection with where it lies and how it was worked.
type Clue struct {
	ID                int64           `json:"id"`
	Number            string          `json:"number"`
	Batch             int64           `json:"batch"`
	Source            string          `json:"source"`
	ExternalID        string          `json:"external_id,omitempty"`
	ChangeType        ChangeType      `json:"change_type"`
	ChangeTypeZH      string          `json:"change_type_zh"`
	Confidence        *float64        `json:"confidence,omitempty"`
	ReportedAreaHa    *float64        `json:"reported_area_ha,omitempty"`
	AreaHa            float64         `json:"area_ha"`
	Center            [2]float64      `json:"center"`
	ImagedBefore      *law.Date       `json:"imaged_before,omitempty"`
	ImagedAfter       law.Date        `json:"imaged_after"`
	Reserve           *string         `json:"reserve"`
	ReserveName       string          `json:"reserve_name,omitempty"`
	ReserveLevel      string          `json:"reserve_level,omitempty"`
	Inside            bool            `json:"inside"`
	BoundaryDistanceM *float64        `json:"boundary_distance_m,omitempty"`
	Zones             []ZoneShare     `json:"zones"`
	County            *string         `json:"county"`
	GridCell          *string         `json:"grid_cell"`
	Priority          string          `json:"priority"`
	Activity          *string         `json:"activity"`
	Verdict           *string         `json:"verdict"`
	RuleSet           *string         `json:"rule_set,omitempty"`
	LegalZoneKind     *string         `json:"legal_zone_kind,omitempty"`
	LegalBasis        json.RawMessage `json:"legal_basis"`
	Penalty           json.RawMessage `json:"penalty,omitempty"`
	Status            Status          `json:"status"`
	StatusZH          string          `json:"status_zh"`
	LinkedClue        *int64          `json:"linked_clue,omitempty"`
	LinkedCase        *CaseRef        `json:"linked_case,omitempty"`
	Assignee          *string         `json:"assignee"`
	AssignedAt        *time.Time      `json:"assigned_at,omitempty"`
	Deadline          *law.Date       `json:"deadline"`
	Overdue           bool            `json:"overdue"`
	Result            *Result         `json:"result"`
	Approval          string          `json:"approval,omitempty"`
	Note              string          `json:"note,omitempty"`
	VisitTrack        *int64          `json:"visit_track,omitempty"`
	VisitDevice       *string         `json:"visit_device,omitempty"`
	VisitedAt         *time.Time      `json:"visited_at,omitempty"`
	VerifiedBy        *string         `json:"verified_by,omitempty"`
	VerifiedAt        *time.Time      `json:"verified_at,omitempty"`
	Case              *CaseRef        `json:"case"`
	Photos            []Photo         `json:"photos"`
	// Visits are the patrol tracks and live devices that passed the clue
	// after its later image (GET of one clue only).
	Visits     []Visit         `json:"visits,omitempty"`
	TimeZone   string          `json:"time_zone"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// Photo is a verification photo with where and when it was taken, as its
// EXIF says (read by the server) or, lacking that, as the client sent it;
// TakenAt is in the reserve's time zone with its offset.
type Photo struct {
	ID           int64      `json:"id"`
	FileName     string     `json:"file_name"`
	ContentType  string     `json:"content_type"`
	TakenAt      *time.Time `json:"taken_at,omitempty"`
	TakenAtFrom  *string    `json:"taken_at_from,omitempty"`
	Lon          *float64   `json:"lon,omitempty"`
	Lat          *float64   `json:"lat,omitempty"`
	PositionFrom *string    `json:"position_from,omitempty"`
	DistanceM    *float64   `json:"distance_m,omitempty"`
	AddedBy      string     `json:"added_by"`
	AddedAt      time.Time  `json:"added_at"`
}
