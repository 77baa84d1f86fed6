package geoio

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// errFastDecline says the fast XML tokenizer met something it leaves to
// encoding/xml: ReadTrackFile then reads the file again the usual way.
var errFastDecline = errors.New("geoio: the fast XML tokenizer declines this file")

// fastXML tokenizes the plain XML that GPS devices and apps write, in about
// half the CPU time of encoding/xml (BenchmarkReadTrackGPX), giving exactly the tokens
// xml.Decoder.RawToken gives (start and end elements with the same names
// and attributes, character data; comments and the XML declaration read
// and dropped, as xmlScanner drops them). Anything outside that plain
// subset — entity or character references, CDATA, a DOCTYPE, a carriage
// return, a name that is not ASCII, an encoding other than UTF-8, a
// token longer than the read buffer, and every fault — makes it decline
// (errFastDecline) rather than guess, and the file is read again by
// encoding/xml, whose answers and error messages stay the reference.
// FuzzFastXML holds the two equal.
type fastXML struct {
	br      *bufio.Reader
	line    int       // line of the read position, from 1
	pending *xml.Name // the end of an element written <a/>
	names   map[string]xml.Name
	// Tokens that hold nothing but a name, or a little white space, are
	// made once and handed out again (their readers only read them): a
	// token boxed anew each time would cost an allocation.
	ends, starts map[xml.Name]xml.Token
	spaces       map[string]xml.Token
}

func newFastXML(br *bufio.Reader) *fastXML {
	return &fastXML{br: br, line: 1, names: map[string]xml.Name{},
		ends: map[xml.Name]xml.Token{}, starts: map[xml.Name]xml.Token{}, spaces: map[string]xml.Token{}}
}

// end is the end element of name, made once.
func (f *fastXML) end(name xml.Name) xml.Token {
	tok, ok := f.ends[name]
	if !ok {
		tok = xml.EndElement{Name: name}
		f.ends[name] = tok
	}
	return tok
}

// charData is text as a token: white space up to 32 bytes made once.
func (f *fastXML) charData(text []byte) xml.Token {
	if len(text) > 32 || len(bytes.TrimLeft(text, " \t\n")) > 0 {
		return xml.CharData(bytes.Clone(text))
	}
	tok, ok := f.spaces[string(text)]
	if !ok {
		tok = xml.CharData(bytes.Clone(text))
		f.spaces[string(text)] = tok
	}
	return tok
}

// token is RawToken's next token, or errFastDecline, or io.EOF.
func (f *fastXML) token() (xml.Token, error) {
	for {
		if f.pending != nil {
			n := *f.pending
			f.pending = nil
			return f.end(n), nil
		}
		text, err := f.br.ReadSlice('<')
		if err == io.EOF && len(text) == 0 {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, errFastDecline
		}
		if err == nil {
			text = text[:len(text)-1]
		}
		if len(text) > 0 {
			if !plainText(text) {
				return nil, errFastDecline
			}
			f.line += bytes.Count(text, []byte{'\n'})
			cd := f.charData(text)
			if err == nil {
				if err := f.br.UnreadByte(); err != nil {
					return nil, errFastDecline
				}
			}
			return cd, nil
		}
		tok, err := f.tag()
		if err != nil || tok != nil {
			return tok, err
		}
	}
}

// tag reads the markup after a '<': an element's start or end tag, or a
// comment or the XML declaration (nil: nothing to return).
func (f *fastXML) tag() (xml.Token, error) {
	raw, err := f.br.ReadSlice('>')
	if err != nil || !balancedQuotes(raw) {
		return nil, errFastDecline
	}
	f.line += bytes.Count(raw, []byte{'\n'})
	t := raw[:len(raw)-1]
	switch {
	case len(t) == 0:
		return nil, errFastDecline
	case t[0] == '/':
		name, rest, ok := f.name(t[1:])
		if !ok || len(bytes.TrimLeft(rest, " \t\n")) > 0 {
			return nil, errFastDecline
		}
		return f.end(name), nil
	case t[0] == '?':
		return nil, f.procInst(t[1:])
	case t[0] == '!':
		if len(t) < 5 || !bytes.HasPrefix(t, []byte("!--")) || bytes.Index(t[3:], []byte("--")) != len(t)-5 {
			return nil, errFastDecline
		}
		return nil, nil
	}
	return f.start(t)
}

// start reads a start tag's name and attributes.
func (f *fastXML) start(t []byte) (xml.Token, error) {
	name, rest, ok := f.name(t)
	if !ok {
		return nil, errFastDecline
	}
	e := xml.StartElement{Name: name}
	for {
		trimmed := bytes.TrimLeft(rest, " \t\n")
		switch {
		case len(trimmed) == 0 && e.Attr == nil:
			tok, ok := f.starts[name]
			if !ok {
				tok = e
				f.starts[name] = tok
			}
			return tok, nil
		case len(trimmed) == 0:
			return e, nil
		case len(trimmed) == 1 && trimmed[0] == '/':
			f.pending = &e.Name
			return e, nil
		case len(trimmed) == len(rest): // no space before an attribute
			return nil, errFastDecline
		}
		var a xml.Attr
		if a.Name, rest, ok = f.name(trimmed); !ok {
			return nil, errFastDecline
		}
		if a.Value, rest, ok = attrValue(rest); !ok {
			return nil, errFastDecline
		}
		e.Attr = append(e.Attr, a)
	}
}

// procInst checks a processing instruction: the XML declaration may give
// version 1.0 and the encoding UTF-8; any other is declined.
func (f *fastXML) procInst(t []byte) error {
	if len(t) < 4 || !bytes.HasPrefix(t, []byte("xml")) || !bytes.HasSuffix(t, []byte("?")) || !isXMLSpace(t[3]) {
		return errFastDecline
	}
	rest := t[3 : len(t)-1]
	for {
		trimmed := bytes.TrimLeft(rest, " \t\n")
		if len(trimmed) == 0 {
			return nil
		}
		if len(trimmed) == len(rest) {
			return errFastDecline
		}
		name, r, ok := f.name(trimmed)
		if !ok {
			return errFastDecline
		}
		v, r, ok := attrValue(r)
		if !ok || name.Space != "" {
			return errFastDecline
		}
		switch name.Local {
		case "version":
			ok = v == "1.0"
		case "encoding":
			ok = strings.EqualFold(v, "utf-8")
		case "standalone":
		default:
			ok = false
		}
		if !ok {
			return errFastDecline
		}
		rest = r
	}
}

// name reads an ASCII XML name at the start of b and splits it at its
// colon as RawToken does; ok is false for anything else.
func (f *fastXML) name(b []byte) (xml.Name, []byte, bool) {
	n := 0
	for n < len(b) && isNameByte(b[n]) {
		n++
	}
	if n == 0 || n < len(b) && b[n] >= utf8.RuneSelf {
		return xml.Name{}, nil, false
	}
	if c := b[0]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == ':') {
		return xml.Name{}, nil, false
	}
	if name, ok := f.names[string(b[:n])]; ok {
		return name, b[n:], true
	}
	s := string(b[:n])
	var name xml.Name
	switch space, local, found := strings.Cut(s, ":"); {
	case strings.Count(s, ":") > 1:
		return xml.Name{}, nil, false
	case !found || space == "" || local == "":
		name.Local = s
	default:
		name.Space, name.Local = space, local
	}
	f.names[s] = name
	return name, b[n:], true
}

// attrValue reads ="value" or ='value' (spaces allowed around =) and
// returns the value; ok is false for anything but plain text in it.
func attrValue(b []byte) (string, []byte, bool) {
	b = bytes.TrimLeft(b, " \t\n")
	if len(b) == 0 || b[0] != '=' {
		return "", nil, false
	}
	b = bytes.TrimLeft(b[1:], " \t\n")
	if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
		return "", nil, false
	}
	end := bytes.IndexByte(b[1:], b[0])
	if end < 0 {
		return "", nil, false
	}
	v := b[1 : 1+end]
	if !plainText(v) || bytes.IndexByte(v, '<') >= 0 {
		return "", nil, false
	}
	return string(v), b[2+end:], true
}

// plainText says whether b is text RawToken gives back as it is: valid
// UTF-8 of XML characters, without references ('&') or carriage returns
// (which it rewrites).
func plainText(b []byte) bool {
	if bytes.Contains(b, []byte("]]>")) {
		return false
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == '&' || c == '\r' || (c < 0x20 && c != '\t' && c != '\n') {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !isInCharacterRange(r) {
			return false
		}
		i += size
	}
	return true
}

// balancedQuotes says whether a tag read up to a '>' closes every quote it
// opens (a '>' inside an attribute value would end it early).
func balancedQuotes(b []byte) bool {
	var q byte
	for _, c := range b {
		switch {
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\''):
			q = c
		}
	}
	return q == 0
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isNameByte and isInCharacterRange are encoding/xml's.
func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '.' || c == '-'
}

func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
