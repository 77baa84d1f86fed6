package law

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
)

// Translations: English renderings of the Chinese articles Warden quotes,
// for English pages and reports. They are unofficial: the Chinese text alone
// is authentic, and every English quotation carries TranslationNoteEN.
// texts/*.en.json hold one instrument each, article by article with the
// paragraphs and items of the Chinese text (a test holds the structure
// equal).

// TranslationNoteEN marks every English quotation.
const TranslationNoteEN = "Unofficial translation; the Chinese text is authoritative."

// Translation is the English of some articles of one instrument.
type Translation struct {
	Instrument string              `json:"instrument"`
	NoteEN     string              `json:"note_en"`
	NoteZH     string              `json:"note_zh"`
	Articles   []TranslatedArticle `json:"articles"`
	byNumber   map[int]*TranslatedArticle
}

// TranslatedArticle is an article's paragraphs in English.
type TranslatedArticle struct {
	Number     int                   `json:"number"`
	Paragraphs []TranslatedParagraph `json:"paragraphs"`
}

// TranslatedParagraph is a paragraph's text and its items, in order.
type TranslatedParagraph struct {
	Text  string   `json:"text"`
	Items []string `json:"items,omitempty"`
}

var (
	translationsOnce sync.Once
	translations     map[string]*Translation
	translationsErr  error
)

// Translations returns the shipped English translations by instrument code,
// shared: callers must not change them.
func Translations() (map[string]*Translation, error) {
	translationsOnce.Do(func() {
		translations, translationsErr = loadTranslations(textsFS)
	})
	return translations, translationsErr
}

func loadTranslations(fsys fs.FS) (map[string]*Translation, error) {
	files, err := fs.Glob(fsys, "texts/*.en.json")
	if err != nil {
		return nil, err
	}
	out := map[string]*Translation{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var t Translation
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&t); err != nil {
			return nil, fmt.Errorf("law: %s: %w", f, err)
		}
		t.byNumber = map[int]*TranslatedArticle{}
		for i := range t.Articles {
			t.byNumber[t.Articles[i].Number] = &t.Articles[i]
		}
		out[t.Instrument] = &t
	}
	return out, nil
}

// Article returns the English of article n, if translated.
func (t *Translation) Article(n int) (*TranslatedArticle, bool) {
	if t == nil {
		return nil, false
	}
	a, ok := t.byNumber[n]
	return a, ok
}

// QuoteEN is Quote in English: the unofficial translation of the provision
// c of instrument code, "" where none is shipped. Items are labelled (1),
// (2) … as the Chinese （一）、（二）.
func QuoteEN(code string, c Cite) string {
	ts, err := Translations()
	if err != nil {
		return ""
	}
	a, ok := ts[code].Article(c.Article)
	if !ok {
		return ""
	}
	para := func(p TranslatedParagraph, only int) string {
		var sb strings.Builder
		sb.WriteString(p.Text)
		for i, it := range p.Items {
			if only == 0 || only == i+1 {
				fmt.Fprintf(&sb, "\n(%d) %s", i+1, it)
			}
		}
		return sb.String()
	}
	if c.Paragraph == 0 || c.Paragraph > len(a.Paragraphs) {
		var ps []string
		for _, p := range a.Paragraphs {
			ps = append(ps, para(p, 0))
		}
		return strings.Join(ps, "\n")
	}
	p := a.Paragraphs[c.Paragraph-1]
	if c.Item > len(p.Items) {
		return ""
	}
	return para(p, c.Item)
}
