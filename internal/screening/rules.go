// Package screening checks a project's footprint (a quarry, a road, a hotel,
// a pipeline) against the current zones of every reserve nearby and gives a
// verdict with its legal basis: per zone kind the geodesic intersection area
// and length, the shares of footprint and zone, the minimum distance, and the
// rule for the activity. Screenings are stored with their inputs and results;
// a prohibited project that is already being built raises a finding for
// enforcement. The rules are data (migrations/00002_screening.sql).
package screening

import (
	"context"
	"fmt"
	"strings"

	"warden/internal/db"
	"warden/internal/law"
	"warden/internal/zoning"
)

// Verdict is the outcome of a rule, or of a whole screening.
type Verdict string

// Verdicts, from the most severe.
const (
	Prohibited    Verdict = "prohibited"
	NeedsApproval Verdict = "needs_approval"
	Allowed       Verdict = "allowed"
	Outside       Verdict = "outside"
)

var verdictNames = map[Verdict][2]string{
	Prohibited:    {"禁止", "prohibited"},
	NeedsApproval: {"须经批准", "needs approval"},
	Allowed:       {"允许", "allowed"},
	Outside:       {"不涉及保护区", "outside every reserve"},
}

// Severity orders verdicts: prohibited 3 > needs_approval 2 > allowed 1 > outside 0.
func (v Verdict) Severity() int {
	switch v {
	case Prohibited:
		return 3
	case NeedsApproval:
		return 2
	case Allowed:
		return 1
	}
	return 0
}

// ZH is the verdict's Chinese name.
func (v Verdict) ZH() string { return verdictNames[v][0] }

// EN is the verdict's English name.
func (v Verdict) EN() string { return verdictNames[v][1] }

// Article is a provision that rules cite, quoted in Chinese (authentic) and
// English (an unofficial working translation).
type Article struct {
	Code    string `json:"code"`
	TitleZH string `json:"title_zh"`
	TitleEN string `json:"title_en"`
	ShortZH string `json:"short_zh"`
	ShortEN string `json:"short_en"`
	TextZH  string `json:"text_zh"`
	TextEN  string `json:"text_en"`
}

// Activity is what a project or visit does in a reserve.
type Activity struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	NoteZH string `json:"note_zh,omitempty"`
	NoteEN string `json:"note_en,omitempty"`
}

// Rule is the verdict for an activity in a zone kind, the articles it rests
// on and the condition attached to it, if any.
type Rule struct {
	Verdict  Verdict  `json:"verdict"`
	Articles []string `json:"articles"`
	NoteZH   string   `json:"note_zh,omitempty"`
	NoteEN   string   `json:"note_en,omitempty"`
	// The law's own answer (screenings judged by the law in force): its
	// verdict, the zone as judged (缓冲区（按核心保护区管理）), the provisions
	// quoted and the penalty.
	LawVerdict  law.Verdict  `json:"law_verdict,omitempty"`
	RuleSet     string       `json:"rule_set,omitempty"`
	JudgedAs    zoning.Kind  `json:"judged_as,omitempty"`
	ZoneLabelZH string       `json:"zone_label_zh,omitempty"`
	ZoneLabelEN string       `json:"zone_label_en,omitempty"`
	LegalBasis  []law.Basis  `json:"legal_basis,omitempty"`
	Penalty     *law.Penalty `json:"penalty,omitempty"`
	SentenceZH  string       `json:"sentence_zh,omitempty"`
	SentenceEN  string       `json:"sentence_en,omitempty"`
}

// ActivityRules is an activity with its rule in each zone kind.
type ActivityRules struct {
	Activity
	Rules map[zoning.Kind]Rule `json:"rules"`
}

// Named is a code with its Chinese and English names.
type Named struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// RuleTable is the whole rule table as GET /api/v1/rules shows it.
type RuleTable struct {
	Verdicts   []Named         `json:"verdicts"`
	ZoneKinds  []Named         `json:"zone_kinds"`
	Activities []ActivityRules `json:"activities"`
	Articles   []Article       `json:"articles"`
}

// allKinds are the zone kinds of both schemes, strictest first within each.
var allKinds = append(zoning.KindsOf(zoning.ThreeZone), zoning.KindsOf(zoning.TwoZone)...)

// Rules returns the rule table.
func (s *Store) Rules(ctx context.Context) (_ RuleTable, err error) {
	defer db.Wrap(&err, "screening: rules")
	t := RuleTable{}
	for _, v := range []Verdict{Prohibited, NeedsApproval, Allowed, Outside} {
		t.Verdicts = append(t.Verdicts, Named{string(v), v.ZH(), v.EN()})
	}
	for _, k := range allKinds {
		t.ZoneKinds = append(t.ZoneKinds, Named{string(k), k.ZH(), k.EN()})
	}
	acts, err := s.activities(ctx, s.pool)
	if err != nil {
		return t, err
	}
	idx := map[string]int{}
	for i, a := range acts {
		idx[a.Code] = i
		t.Activities = append(t.Activities, ActivityRules{Activity: a, Rules: map[zoning.Kind]Rule{}})
	}
	rows, err := s.pool.Query(ctx, `SELECT activity, zone_kind, verdict, articles, note_zh, note_en FROM screening_rule`)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var k zoning.Kind
		var r Rule
		if err := rows.Scan(&code, &k, &r.Verdict, &r.Articles, &r.NoteZH, &r.NoteEN); err != nil {
			return t, err
		}
		t.Activities[idx[code]].Rules[k] = r
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	arts, err := articles(ctx, s.pool)
	if err != nil {
		return t, err
	}
	t.Articles = arts
	return t, nil
}

func (s *Store) activities(ctx context.Context, q db.Querier) ([]Activity, error) {
	rows, err := q.Query(ctx, `SELECT code, name_zh, name_en, note_zh, note_en FROM screening_activity
		WHERE code IN (SELECT activity FROM screening_rule) ORDER BY ordinal`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		var a Activity
		if err := rows.Scan(&a.Code, &a.NameZH, &a.NameEN, &a.NoteZH, &a.NoteEN); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func articles(ctx context.Context, q db.Querier) ([]Article, error) {
	rows, err := q.Query(ctx, `SELECT code, title_zh, title_en, short_zh, short_en, text_zh, text_en FROM screening_article ORDER BY ordinal`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var a Article
		if err := rows.Scan(&a.Code, &a.TitleZH, &a.TitleEN, &a.ShortZH, &a.ShortEN, &a.TextZH, &a.TextEN); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func unknownActivity(code string, acts []Activity) error {
	var names []string
	for _, a := range acts {
		names = append(names, fmt.Sprintf("%s (%s)", a.Code, a.NameZH))
	}
	what := fmt.Sprintf("unknown activity %q", code)
	if code == "" {
		what = "the activity is missing"
	}
	return invalid("unknown-activity", fmt.Sprintf("%s: use one of %s (GET /api/v1/rules lists them with their rules)", what, strings.Join(names, ", ")), "activity")
}

// cite names a rule's articles briefly, joining articles of one instrument:
// "《自然保护区条例》第十八条、第二十七条", "Regulations on Nature Reserves, Art. 18, 27".
func cite(arts map[string]Article, codes []string, zh bool) string {
	sep, join := ", ", "; "
	if zh {
		sep, join = "、", "；"
	}
	var parts []string
	prev := ""
	for _, c := range codes {
		short := arts[c].ShortEN
		if zh {
			short = arts[c].ShortZH
		}
		inst, num, ok := splitArticle(short, zh)
		if ok && inst == prev {
			parts[len(parts)-1] += sep + num
			continue
		}
		prev = ""
		if ok {
			prev = inst
		}
		parts = append(parts, short)
	}
	return strings.Join(parts, join)
}

// splitArticle splits "《自然保护区条例》第十八条" into its instrument and
// article number, and "Regulations on Nature Reserves, Art. 18" likewise.
func splitArticle(s string, zh bool) (inst, num string, ok bool) {
	mark := ", Art. "
	if zh {
		mark = "》第"
	}
	i := strings.LastIndex(s, mark)
	if i < 0 {
		return "", "", false
	}
	if zh {
		return s[:i+len("》")], s[i+len("》"):], true
	}
	return s[:i], s[i+len(mark):], true
}
