package law

import (
	"bufio"
	"fmt"
	"strings"
	"unicode"
)

// Article is one article (条) of an instrument: its number, its paragraphs
// (款) and their items (项), with the authentic Chinese text.
type Article struct {
	Number     int         `json:"number"`
	Label      string      `json:"label"` // 第二十六条
	Text       string      `json:"text_zh"`
	Paragraphs []Paragraph `json:"paragraphs"`
}

// Paragraph is one paragraph (款) of an article: its opening text and the
// items (项) listed under it.
type Paragraph struct {
	Number int    `json:"number"`
	Text   string `json:"text_zh"`
	Items  []Item `json:"items,omitempty"`
}

// Item is one numbered item (项) of a paragraph, （一）… in the text.
type Item struct {
	Number int    `json:"number"`
	Label  string `json:"label"` // （一）
	Text   string `json:"text_zh"`
}

// Parse reads an instrument in the Markdown layout of the shipped texts:
// headings (#), a preamble up to the first article, then articles that start
// with "第…条 " on a line of their own, one paragraph a line, items as lines
// that start with （一） or (一). Anything before the first article is the
// preamble and is not quoted.
func Parse(src string) ([]Article, error) {
	var out []Article
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "<!--") {
			continue
		}
		if n, label, rest, ok := articleHead(s); ok {
			if len(out) > 0 && n <= out[len(out)-1].Number {
				return nil, fmt.Errorf("line %d: article %s after article %d", line, label, out[len(out)-1].Number)
			}
			out = append(out, Article{Number: n, Label: label, Paragraphs: []Paragraph{{Number: 1, Text: rest}}})
			continue
		}
		if len(out) == 0 {
			continue // preamble
		}
		a := &out[len(out)-1]
		if n, label, rest, ok := itemHead(s); ok {
			p := &a.Paragraphs[len(a.Paragraphs)-1]
			if n != len(p.Items)+1 {
				return nil, fmt.Errorf("line %d: item %s of %s out of order", line, label, a.Label)
			}
			p.Items = append(p.Items, Item{Number: n, Label: label, Text: rest})
			continue
		}
		a.Paragraphs = append(a.Paragraphs, Paragraph{Number: len(a.Paragraphs) + 1, Text: s})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no article found")
	}
	for i := range out {
		out[i].Text = articleText(out[i])
	}
	return out, nil
}

// articleText joins an article's paragraphs and items, one a line, as the
// shipped text has them (after the article's label).
func articleText(a Article) string {
	var b strings.Builder
	for i, p := range a.Paragraphs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
		for _, it := range p.Items {
			b.WriteString("\n" + it.Label + it.Text)
		}
	}
	return b.String()
}

// articleHead recognises "第二十六条 text" and returns 26, "第二十六条", "text".
func articleHead(s string) (int, string, string, bool) {
	if !strings.HasPrefix(s, "第") {
		return 0, "", "", false
	}
	end := strings.Index(s, "条")
	if end < 0 {
		return 0, "", "", false
	}
	num := s[len("第"):end]
	n, ok := ParseNumeral(num)
	if !ok {
		return 0, "", "", false
	}
	rest := strings.TrimLeftFunc(s[end+len("条"):], unicode.IsSpace)
	if rest == s[end+len("条"):] && rest != "" {
		return 0, "", "", false // "第二条规定…" inside a paragraph is no heading
	}
	return n, s[:end+len("条")], rest, true
}

// itemHead recognises "（一）text" and "(一)text".
func itemHead(s string) (int, string, string, bool) {
	for _, br := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if !strings.HasPrefix(s, br[0]) {
			continue
		}
		end := strings.Index(s, br[1])
		if end < 0 {
			continue
		}
		n, ok := ParseNumeral(s[len(br[0]):end])
		if !ok {
			continue
		}
		return n, s[:end+len(br[1])], strings.TrimSpace(s[end+len(br[1]):]), true
	}
	return 0, "", "", false
}

var digits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
var units = map[rune]int{'十': 10, '百': 100, '千': 1000}

// ParseNumeral reads a Chinese numeral below 10,000 (一, 十二, 二十六,
// 一百零一, 八百六十一, 一千二百四十二).
func ParseNumeral(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	total, cur := 0, -1
	for _, r := range s {
		if d, ok := digits[r]; ok {
			cur = d
			continue
		}
		u, ok := units[r]
		if !ok {
			return 0, false
		}
		if cur < 0 {
			cur = 1 // 十二 = 12
		}
		total += cur * u
		cur = -1
	}
	if cur > 0 {
		total += cur
	}
	return total, total > 0
}

// Numeral writes n (1-9999) as a Chinese numeral, as article labels do:
// 26 → 二十六, 101 → 一百零一, 110 → 一百一十, 1242 → 一千二百四十二.
func Numeral(n int) string {
	ds := []rune("零一二三四五六七八九")
	if n < 10 {
		return string(ds[n])
	}
	if n < 20 {
		s := "十"
		if n%10 != 0 {
			s += string(ds[n%10])
		}
		return s
	}
	var b strings.Builder
	zero := false
	for _, u := range []struct {
		v int
		s string
	}{{1000, "千"}, {100, "百"}, {10, "十"}, {1, ""}} {
		d := n / u.v % 10
		if d == 0 {
			if b.Len() > 0 {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteRune('零')
			zero = false
		}
		b.WriteRune(ds[d])
		b.WriteString(u.s)
	}
	return b.String()
}

// Normalise drops all white space (ASCII, ideographic, line breaks) so that
// texts that differ only in layout compare equal.
func Normalise(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}
