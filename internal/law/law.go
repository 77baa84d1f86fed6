// Package law keeps the law as data: the instruments Warden judges under
// (the 2017 and 2026 Regulations on Nature Reserves, the National Parks Law,
// the Ecological Environment Code, the Administrative Penalty Law) parsed
// from the official texts shipped in texts/ into articles, paragraphs and
// items, and the rule sets built on them (rulesets/): for each zone kind and
// activity the verdict, the articles and items it rests on and the penalty
// with its ranges. Judgments pick the rule set in force on the day of the
// act. Sync loads both into the database, where foreign keys keep every
// citation pointing at an article that is stored.
package law

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"
	"time"
)

//go:embed texts/*.md texts/instruments.json texts/*.en.json
var textsFS embed.FS

// Date is a calendar date written YYYY-MM-DD in JSON.
type Date struct{ time.Time }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

// MustDate is ParseDate for constants.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes YYYY-MM-DD.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads YYYY-MM-DD.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Instrument is a law, regulation or other normative text in one version,
// with its articles.
type Instrument struct {
	Code         string `json:"code"`
	File         string `json:"-"`
	TitleZH      string `json:"title_zh"`
	TitleEN      string `json:"title_en"`
	ShortZH      string `json:"short_zh"`
	ShortEN      string `json:"short_en"`
	Issuer       string `json:"issuer"`
	Published    *Date  `json:"published,omitempty"`
	InForceFrom  Date   `json:"in_force_from"`
	InForceUntil *Date  `json:"in_force_until,omitempty"`
	ReplacedBy   string `json:"replaced_by,omitempty"`
	// Excerpts: only some articles are shipped.
	Excerpts bool `json:"excerpts,omitempty"`
	// Official: a shipped official text; false for an agency's own or an
	// illustrative text brought with an imported rule set.
	Official bool `json:"official"`
	// Language of the authentic text; "" is Chinese (zh).
	Language string    `json:"lang,omitempty"`
	Articles []Article `json:"articles,omitempty"`
}

// InForce reports whether the instrument is in force on day d.
func (in Instrument) InForce(d Date) bool {
	if d.Before(in.InForceFrom.Time) {
		return false
	}
	return in.InForceUntil == nil || !d.After(in.InForceUntil.Time)
}

// Article returns article n, if the instrument has it.
func (in Instrument) Article(n int) (Article, bool) {
	i := sort.Search(len(in.Articles), func(i int) bool { return in.Articles[i].Number >= n })
	if i < len(in.Articles) && in.Articles[i].Number == n {
		return in.Articles[i], true
	}
	return Article{}, false
}

var (
	shippedOnce sync.Once
	shipped     []Instrument
	shippedErr  error
)

// Shipped returns the official instruments in texts/, parsed. The result is
// shared: callers must not change it.
func Shipped() ([]Instrument, error) {
	shippedOnce.Do(func() { shipped, shippedErr = loadShipped(textsFS) })
	return shipped, shippedErr
}

func loadShipped(fsys fs.FS) ([]Instrument, error) {
	raw, err := fs.ReadFile(fsys, "texts/instruments.json")
	if err != nil {
		return nil, err
	}
	var ins []Instrument
	if err := json.Unmarshal(raw, &ins); err != nil {
		return nil, fmt.Errorf("law: instruments.json: %w", err)
	}
	var meta []struct {
		File string `json:"file"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, err
	}
	for i := range ins {
		ins[i].File, ins[i].Official = meta[i].File, true
		src, err := fs.ReadFile(fsys, "texts/"+ins[i].File)
		if err != nil {
			return nil, fmt.Errorf("law: %s: %w", ins[i].Code, err)
		}
		if ins[i].Articles, err = Parse(string(src)); err != nil {
			return nil, fmt.Errorf("law: %s (%s): %w", ins[i].Code, ins[i].File, err)
		}
	}
	return ins, nil
}

// ShippedText returns the raw shipped file of an official instrument, for
// the test that holds stored texts equal to it.
func ShippedText(code string) (string, error) {
	ins, err := Shipped()
	if err != nil {
		return "", err
	}
	for _, in := range ins {
		if in.Code == code {
			b, err := fs.ReadFile(textsFS, "texts/"+in.File)
			return string(b), err
		}
	}
	return "", fmt.Errorf("law: no shipped instrument %q", code)
}
