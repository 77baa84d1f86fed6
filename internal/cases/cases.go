// Package cases keeps violation cases and works them through the enforcement
// method of the seed's section 六: every case is a line of the problem list
// (responsible unit, rectification measures, deadline), handed to the county
// government where it lies (step 1), inspected monthly (step 2), escalated to
// a public interview (step 3) and a special inspection with accountability
// (step 4) when rectification is overdue or stalled, and closed one by one
// once rectified and verified (销号). Cases are opened automatically by
// database triggers (migrations/00004_cases.sql) for every finding a
// screening or a patrol track records and for every damaged or missing
// marker, or through the API for outside sources (inspection hand-overs,
// ministry patrols, public letters and visits). A case carries its history,
// evidence, enforcement measures and dossier. The places cases are routed to
// are internal/grid's; the reports on them internal/reports'; the webhooks
// that tell of them internal/notify's.
package cases

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/db"
	"warden/internal/law"
)

// Status is a case's place in the workflow.
type Status string

// Statuses, in workflow order.
const (
	Reported          Status = "reported"           // 已登记
	Verified          Status = "verified"           // 已核实
	Dismissed         Status = "dismissed"          // 不予立案 (with a reason)
	Transferred       Status = "transferred"        // step 1: 移交属地县级政府
	Rectifying        Status = "rectifying"         // step 2: 整改中, monthly joint inspections
	Interviewed       Status = "interviewed"        // step 3: 公开约谈
	SpecialInspection Status = "special_inspection" // step 4: 专项督察、问责
	Rectified         Status = "rectified"          // 整改完成
	Closed            Status = "closed"             // 销号
)

var statusZH = map[Status]string{
	Reported: "已登记", Verified: "已核实", Dismissed: "不予立案", Transferred: "已移交", Rectifying: "整改中",
	Interviewed: "已约谈", SpecialInspection: "专项督察", Rectified: "已整改", Closed: "已销号",
}

// ZH is the status's Chinese name.
func (s Status) ZH() string { return statusZH[s] }

// transitions are the workflow: from each status, where a case may go.
var transitions = map[Status][]Status{
	Reported:          {Verified, Dismissed},
	Verified:          {Transferred, Dismissed},
	Transferred:       {Rectifying},
	Rectifying:        {Interviewed, Rectified},
	Interviewed:       {SpecialInspection, Rectified},
	SpecialInspection: {Rectified},
	Rectified:         {Closed, Rectifying},
}

// Allowed lists the statuses a case in status s may move to.
func (s Status) Allowed() []Status {
	if t := transitions[s]; t != nil {
		return t
	}
	return []Status{}
}

// CanMove reports whether the workflow lets a case go from s to t.
func (s Status) CanMove(t Status) bool { return slices.Contains(transitions[s], t) }

// Open reports whether a case in status s is still being worked.
func (s Status) Open() bool { return s != Dismissed && s != Closed }

// ParseStatus reads a status code.
func ParseStatus(s string) (Status, bool) {
	_, ok := statusZH[Status(s)]
	return Status(s), ok
}

// Sources of cases.
var sources = map[string]string{
	"patrol":                "巡护轨迹",
	"screening":             "选址筛查",
	"marker_check":          "界桩巡查",
	"central_inspection":    "中央环保督察移交",
	"provincial_inspection": "省级督查",
	"ministry_patrol":       "部督查、巡查",
	"special_action":        "专项行动",
	"public_report":         "群众来信来访",
	"system":                "系统发现",
	"remote_sensing":        "遥感监测问题线索（绿盾）",
}

// outsideSources are the sources a person registers through the API; the
// others are opened by the system itself.
var outsideSources = []string{"central_inspection", "provincial_inspection", "ministry_patrol", "special_action", "public_report"}

// Options tune the store.
type Options struct {
	// MaxFileBytes caps an uploaded photo or document (default 20 MiB).
	MaxFileBytes int64
	// DefaultTimezone is used where a case lies in no administrative area
	// (default Asia/Shanghai).
	DefaultTimezone string
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
}

// DefaultMaxFileBytes is the default cap on uploaded evidence files.
const DefaultMaxFileBytes = 20 << 20

// Store keeps cases, their history, evidence and measures in PostGIS.
type Store struct {
	pool db.Pool
	opts Options
	law  *law.Store
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool, opts Options) *Store {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.DefaultTimezone == "" {
		opts.DefaultTimezone = "Asia/Shanghai"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{pool: db.Scoped(pool), opts: opts, law: law.NewStore(pool)}
}

// MaxFileBytes is the cap on an uploaded evidence file.
func (s *Store) MaxFileBytes() int64 { return s.opts.MaxFileBytes }

// Party is who is responsible for the violation.
type Party struct {
	Name string `json:"name"`
	// Kind is person, enterprise or unknown.
	Kind string `json:"kind"`
	// ID is the enterprise's unified social credit code (统一社会信用代码)
	// or the person's identity number, if known.
	ID string `json:"id,omitempty"`
}

// AreaRef names an administrative area.
type AreaRef struct {
	Code     string `json:"code"`
	NameZH   string `json:"name_zh"`
	UnitName string `json:"unit_name,omitempty"`
}

// CellRef names a grid cell.
type CellRef struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name,omitempty"`
}

// Case is one line of the problem list.
type Case struct {
	ID          int64         `json:"id"`
	Number      string        `json:"number"`
	Reserve     string        `json:"reserve"`
	Source      string        `json:"source"`
	SourceZH    string        `json:"source_zh"`
	SourceRef   string        `json:"source_ref,omitempty"`
	Kind        string        `json:"kind"`
	Status      Status        `json:"status"`
	StatusZH    string        `json:"status_zh"`
	Version     int           `json:"version"`
	Allowed     []Status      `json:"allowed_transitions"`
	Blocked     []BlockedStep `json:"blocked_transitions"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	ZoneKind    *string       `json:"zone_kind"`
	Activity    string        `json:"activity"`
	Articles    []string      `json:"articles"`
	BasisZH     string        `json:"basis_zh"`
	BasisEN     string        `json:"basis_en"`
	// LegalBasis quotes the provisions in force on the day of the act;
	// Penalty is the penalty article with its range (a measure outside it
	// is refused).
	LegalBasis json.RawMessage `json:"legal_basis"`
	Penalty    json.RawMessage `json:"penalty,omitempty"`
	// LawChange, for a case judged under a replaced instrument, says
	// whether the old or the new rule applies (Administrative Penalty Law
	// Art. 37).
	LawChange *LawChange `json:"law_change,omitempty"`
	Subject   string     `json:"subject"`
	// Reporter is who reported what the case is about (a ranger's marked
	// waypoint); the Party is who did it, unknown until an officer says.
	Reporter   string          `json:"reporter"`
	Party      Party           `json:"party"`
	Criminal   bool            `json:"criminal"`
	Area       *AreaRef        `json:"area"`
	Cell       *CellRef        `json:"grid_cell"`
	Unit       *AreaRef        `json:"unit"`
	Measures   string          `json:"rectification_measures"`
	Deadline   *string         `json:"deadline"`
	Overdue    bool            `json:"overdue"`
	OverdueAt  *time.Time      `json:"overdue_marked_at"`
	Timezone   string          `json:"timezone"`
	Marker     *string         `json:"marker,omitempty"`
	ObservedAt time.Time       `json:"observed_at"`
	LastSeenAt time.Time       `json:"last_seen_at"`
	ReportedAt time.Time       `json:"reported_at"`
	ClosedAt   *time.Time      `json:"closed_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Location   json.RawMessage `json:"location"`
	Point      [2]float64      `json:"point"`
	// Filled by Get only.
	Events         []Event    `json:"events,omitempty"`
	Evidence       []Evidence `json:"evidence,omitempty"`
	MeasuresTaken  []Measure  `json:"enforcement_measures,omitempty"`
	AccruedPenalty *float64   `json:"accrued_penalty_total,omitempty"`
}

// Event is one entry of a case's append-only history.
type Event struct {
	ID      int64           `json:"id"`
	Version int             `json:"version"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Kind    string          `json:"kind"`
	From    *Status         `json:"from,omitempty"`
	To      *Status         `json:"to,omitempty"`
	Comment string          `json:"comment"`
	Data    json.RawMessage `json:"data"`
}
