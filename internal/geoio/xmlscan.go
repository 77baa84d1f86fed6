package geoio

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"warden/internal/problem"
)

// xmlScanner streams the elements of an XML document for the GPX, KML and
// TCX readers. It is hand-written on encoding/xml's tokenizer because no
// maintained streaming reader for these formats is served to this project
// (go-gpx and gpxgo are not, and go-kml only writes): a DOM of a 50 MB track
// would cost several times its size, and xml.Unmarshal into structs cannot
// bound nesting or report where a bad coordinate is.
//
// It uses RawToken, which skips namespace translation (the readers match
// elements by local name, prefixes ignored) and is about half again as fast
// as Token; it checks itself what Token would: that end tags match start
// tags and that the document is complete. It also bounds the nesting depth.
type xmlScanner struct {
	d        *xml.Decoder
	fast     *fastXML // set: tokens come from it, and any fault declines
	charset  *xmlCharset
	lines    *lineTracker // the bytes the decoder reads, for columns in characters
	stack    []xml.Name
	maxDepth int
	// elements counts the start tags; more than maxElements is a 413.
	elements, maxElements int
	buf                   []byte // text's buffer, reused
}

// newXMLScanner prepares to read XML from br, which must not have been read
// from yet: a UTF-16 BOM makes it transcode, a UTF-8 BOM is dropped.
func newXMLScanner(br *bufio.Reader, maxDepth int) *xmlScanner {
	cs := &xmlCharset{}
	var r io.Reader = br
	if dropBOM(br, cs) {
		r = bufio.NewReaderSize(utf16Decoder().Reader(br), 64<<10)
	}
	lines := &lineTracker{r: r}
	d := xml.NewDecoder(bufio.NewReaderSize(lines, 64<<10))
	d.CharsetReader = cs.reader
	return &xmlScanner{d: d, charset: cs, lines: lines, maxDepth: maxDepth, maxElements: DefaultMaxXMLElements}
}

// newFastXMLScanner is newXMLScanner on the fast tokenizer (see fastXML),
// or nil for UTF-16, which it leaves to encoding/xml.
func newFastXMLScanner(br *bufio.Reader, maxDepth int) *xmlScanner {
	cs := &xmlCharset{}
	if dropBOM(br, cs) {
		return nil
	}
	return &xmlScanner{fast: newFastXML(br), charset: cs, maxDepth: maxDepth, maxElements: DefaultMaxXMLElements}
}

// dropBOM notes a byte order mark in cs and drops a UTF-8 one; utf16 says
// the text is UTF-16 (its BOM left for the transcoder).
func dropBOM(br *bufio.Reader, cs *xmlCharset) (utf16 bool) {
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(3)
		cs.bom = "UTF-8"
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		cs.bom = "UTF-16"
		return true
	}
	return false
}

// next returns the next start element, end element or character data,
// skipping comments, processing instructions and directives. At the end of a
// complete document it returns io.EOF.
func (x *xmlScanner) next() (xml.Token, error) {
	tok, err := x.nextToken()
	if err != nil && err != io.EOF && x.fast != nil {
		return nil, errFastDecline // encoding/xml will say what is wrong
	}
	return tok, err
}

// nextToken is next, before a fault of the fast tokenizer is made a decline.
func (x *xmlScanner) nextToken() (xml.Token, error) {
	for {
		var tok xml.Token
		var err error
		if x.fast != nil {
			tok, err = x.fast.token()
		} else {
			tok, err = x.d.RawToken()
		}
		if err != nil {
			if err == io.EOF {
				if len(x.stack) > 0 {
					return nil, x.syntax(fmt.Sprintf("unexpected end of file: <%s> is not closed", qname(x.stack[len(x.stack)-1])))
				}
				return nil, io.EOF
			}
			if x.fast != nil {
				return nil, errFastDecline
			}
			return nil, x.fail(err)
		}
		// Return tok itself: the concrete values re-boxed would allocate.
		switch t := tok.(type) {
		case xml.StartElement:
			if len(x.stack) >= x.maxDepth {
				if x.fast != nil {
					return nil, errFastDecline
				}
				line, col := x.d.InputPos()
				return nil, problem.Invalid("xml-too-deep",
					fmt.Sprintf("elements are nested more than %d deep", x.maxDepth),
					problem.Detail{Line: line, Column: col, Reason: fmt.Sprintf("<%s> is nested more than %d elements deep", qname(t.Name), x.maxDepth)})
			}
			if x.elements++; x.elements > x.maxElements {
				return nil, problem.TooLarge(fmt.Sprintf("the XML has more than %d elements, the limit", x.maxElements))
			}
			x.stack = append(x.stack, t.Name)
			return tok, nil
		case xml.EndElement:
			if len(x.stack) == 0 {
				return nil, x.syntax(fmt.Sprintf("unexpected end element </%s>", qname(t.Name)))
			}
			if top := x.stack[len(x.stack)-1]; top != t.Name {
				return nil, x.syntax(fmt.Sprintf("element <%s> closed by </%s>", qname(top), qname(t.Name)))
			}
			x.stack = x.stack[:len(x.stack)-1]
			return tok, nil
		case xml.CharData:
			return tok, nil
		}
	}
}

// text reads the character data of the element just started, up to and
// including its end tag; the text of nested elements is included.
func (x *xmlScanner) text() (string, error) {
	depth := len(x.stack)
	x.buf = x.buf[:0]
	for {
		tok, err := x.next()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			x.buf = append(x.buf, t...)
		case xml.EndElement:
			if len(x.stack) < depth {
				return string(x.buf), nil
			}
		}
	}
}

// skip reads past the end of the element just started.
func (x *xmlScanner) skip() error {
	depth := len(x.stack)
	for {
		tok, err := x.next()
		if err != nil {
			return err
		}
		if _, ok := tok.(xml.EndElement); ok && len(x.stack) < depth {
			return nil
		}
	}
}

// children calls f for each child element of the element just started, until
// its end tag; f must consume the child (read its text, skip it, or call
// children on it).
func (x *xmlScanner) children(f func(xml.StartElement) error) error {
	depth := len(x.stack)
	for {
		tok, err := x.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := f(t); err != nil {
				return err
			}
		case xml.EndElement:
			if len(x.stack) < depth {
				return nil
			}
		}
	}
}

// line is the line the decoder has reached (of the token just read).
func (x *xmlScanner) line() int {
	if x.fast != nil {
		return x.fast.line
	}
	l, _ := x.d.InputPos()
	return l
}

// syntax is a malformed-XML problem at the current position.
func (x *xmlScanner) syntax(msg string) error {
	if x.fast != nil {
		return errFastDecline
	}
	line, col := x.faultPos()
	return malformedXML(line, col, msg)
}

// faultPos is the line and column of the last character the decoder read,
// where it found a fault. The column counts characters when the decoder reads
// the bytes as given (UTF-8), and bytes of the decoded text otherwise.
func (x *xmlScanner) faultPos() (int, int) {
	line, col := x.d.InputPos()
	if !x.charset.converted {
		if c := x.lines.runeCol(x.d.InputOffset()); c > 0 {
			col = c
		}
	}
	return line, max(col-1, 1)
}

// fail turns a tokenizer error into a problem: a syntax error with its line
// and column, or the reader's own problem (a size limit, corrupt gzip data, a
// bad encoding). Other errors are the reader failing, not bad input.
func (x *xmlScanner) fail(err error) error {
	if _, ok := problem.As(err); ok {
		return err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		_, col := x.faultPos()
		return malformedXML(se.Line, col, se.Msg)
	}
	if err == io.ErrUnexpectedEOF {
		return x.syntax("unexpected end of file")
	}
	if x.lines.err != nil && errors.Is(err, x.lines.err) {
		return fmt.Errorf("reading the file: %w", err)
	}
	// The decoder's own complaints (an XML version other than 1.0...).
	return x.syntax(strings.TrimPrefix(err.Error(), "xml: "))
}

func malformedXML(line, col int, msg string) error {
	return problem.BadRequest("malformed-xml",
		fmt.Sprintf("the file is not well-formed XML: line %d, column %d: %s", line, col, msg),
		problem.Detail{Line: line, Column: col, Reason: msg})
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// attr returns the value of the attribute with the local name, if present.
func attr(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}
