package geoio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"warden/internal/problem"
)

// Byte order marks.
var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
)

// utf16Decoder decodes UTF-16 that starts with a BOM (which says the byte order).
func utf16Decoder() *encoding.Decoder {
	return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
}

// gb18030Decoder decodes GB18030, a superset of GBK and GB 2312: what Excel
// and most Chinese Windows software write when they do not write UTF-8.
func gb18030Decoder() *encoding.Decoder { return simplifiedchinese.GB18030.NewDecoder() }

// trimPartialRune drops a UTF-8 sequence cut off at the end of b (as a
// fixed-size head of a file may end mid-character).
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// textReader returns br's content as UTF-8 for the text formats that declare
// no encoding (CSV, WKT, GeoJSON): a UTF-8 BOM is dropped, UTF-16 with a BOM
// is decoded, and text that is not valid UTF-8 in its first 64 KiB is read as
// GB18030. It returns the name of the encoding used.
func textReader(br *bufio.Reader) (io.Reader, string) {
	head, _ := br.Peek(64 << 10)
	switch {
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		return utf16Decoder().Reader(br), "UTF-16"
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(len(bomUTF8))
		return br, "UTF-8"
	case utf8.Valid(trimPartialRune(head)):
		return br, "UTF-8"
	}
	return gb18030Decoder().Reader(br), "GB18030"
}

// xmlCharset is an encoding/xml CharsetReader that decodes the encodings an
// XML declaration may name (ISO-8859-1, Windows-1252, GBK, GB18030, Big5,
// Shift_JIS... by their WHATWG labels) and records the declared name. When the
// stream started with a byte order mark, the BOM wins over the declaration
// (XML 1.0 appendix F) and the input, already UTF-8, is passed through.
type xmlCharset struct {
	bom       string // "UTF-8" or "UTF-16" when the file started with a BOM
	declared  string
	converted bool // the decoder reads transcoded text
}

func (c *xmlCharset) reader(label string, input io.Reader) (io.Reader, error) {
	c.declared = strings.ToUpper(label)
	if c.bom != "" {
		return input, nil
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return nil, problem.BadRequest("unsupported-encoding",
			fmt.Sprintf("the file declares the character encoding %q, which Warden does not know; save it as UTF-8", label))
	}
	switch {
	case e == unicode.UTF8:
		return input, nil
	case strings.HasPrefix(c.declared, "UTF-16"):
		// The declaration was readable as ASCII and there was no BOM: the
		// bytes are not UTF-16 at all.
		return nil, problem.BadRequest("unsupported-encoding",
			fmt.Sprintf("the file declares %s but has no byte order mark and is not UTF-16; save it as UTF-8", label))
	}
	c.converted = true
	return e.NewDecoder().Reader(input), nil
}

// name is the encoding a Track reports: the BOM's, the declared one, or UTF-8.
func (c *xmlCharset) name() string {
	switch {
	case c.bom != "":
		return c.bom
	case c.declared != "":
		return c.declared
	}
	return "UTF-8"
}
