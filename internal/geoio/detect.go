package geoio

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"warden/internal/problem"
)

// Format names a file format Warden reads.
type Format string

// The formats DetectFormat tells apart. FormatGzip and FormatZip are
// containers: ReadTrack and ReadFootprint look inside them. FormatXML is XML
// of a vocabulary Warden does not read (or whose root element could not be
// found in the first bytes).
const (
	FormatUnknown Format = ""
	FormatGPX     Format = "gpx"
	FormatKML     Format = "kml"
	FormatKMZ     Format = "kmz"
	FormatTCX     Format = "tcx"
	FormatGeoJSON Format = "geojson"
	FormatCSV     Format = "csv"
	FormatWKT     Format = "wkt"
	FormatGzip    Format = "gzip"
	FormatZip     Format = "zip"
	FormatXML     Format = "xml"
)

// sniffLen is how many leading bytes DetectFormat is given by the readers.
const sniffLen = 4096

// DetectFormat names the format of a file from its first bytes (a few KiB are
// enough) and, when they do not settle it, its name's extension. Content comes
// first because uploads are often misnamed: zip and gzip magic numbers, then
// the root element of XML (gpx, kml, TrainingCenterDatabase), '{' for GeoJSON,
// a WKT keyword (optionally after an EWKT "SRID=n;"), and a CSV header naming
// coordinate columns. A ".gz" suffix is ignored for the extension.
func DetectFormat(name string, head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return FormatGzip
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if isKMZHead(head) || extFormat(name) == FormatKMZ {
			return FormatKMZ
		}
		return FormatZip
	}
	text, _ := sniffText(head)
	text = strings.TrimLeft(text, " \t\r\n")
	byExt := extFormat(name)
	switch {
	case strings.HasPrefix(text, "<"):
		switch root, ok := xmlRoot(text); {
		case !ok:
			if byExt == FormatGPX || byExt == FormatKML || byExt == FormatTCX {
				return byExt
			}
			return FormatXML
		case root == "gpx":
			return FormatGPX
		case root == "kml":
			return FormatKML
		case root == "TrainingCenterDatabase":
			return FormatTCX
		}
		return FormatXML
	case strings.HasPrefix(text, "{"):
		return FormatGeoJSON
	case wktKeyword(text):
		return FormatWKT
	case csvHead(text):
		return FormatCSV
	}
	return byExt
}

// extFormat names the format a file name's extension stands for.
func extFormat(name string) Format {
	n := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	n = strings.TrimSuffix(strings.TrimSuffix(n, ".gz"), ".gzip")
	switch path.Ext(n) {
	case ".gpx":
		return FormatGPX
	case ".kml":
		return FormatKML
	case ".kmz":
		return FormatKMZ
	case ".tcx":
		return FormatTCX
	case ".geojson", ".json":
		return FormatGeoJSON
	case ".csv", ".tsv", ".txt":
		return FormatCSV
	case ".wkt":
		return FormatWKT
	}
	return FormatUnknown
}

// isKMZHead reports whether the first entry of a zip archive (its local file
// header is at the start) is a .kml file, as in every KMZ Google Earth writes.
func isKMZHead(head []byte) bool {
	if len(head) < 30 {
		return false
	}
	n := int(binary.LittleEndian.Uint16(head[26:28]))
	if len(head) < 30+n {
		return false
	}
	return strings.HasSuffix(strings.ToLower(string(head[30:30+n])), ".kml")
}

// xmlRoot finds the local name of the root element in the start of an XML
// document, skipping the declaration, processing instructions, comments and a
// DOCTYPE. ok is false when the head ends before the root element or the
// markup before it is not XML.
func xmlRoot(s string) (string, bool) {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "<?"):
			i := strings.Index(s, "?>")
			if i < 0 {
				return "", false
			}
			s = s[i+2:]
		case strings.HasPrefix(s, "<!--"):
			i := strings.Index(s, "-->")
			if i < 0 {
				return "", false
			}
			s = s[i+3:]
		case strings.HasPrefix(s, "<!"):
			i := strings.IndexByte(s, '>')
			if i < 0 {
				return "", false
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "<"):
			end := strings.IndexAny(s[1:], " \t\r\n/>")
			if end < 0 {
				return "", false
			}
			name := s[1 : 1+end]
			if i := strings.IndexByte(name, ':'); i >= 0 {
				name = name[i+1:]
			}
			return name, name != ""
		default:
			return "", false
		}
	}
}

var wktTypes = []string{"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"}

// wktKeyword reports whether s starts with a WKT geometry keyword (or an EWKT
// SRID prefix), in any case.
func wktKeyword(s string) bool {
	u := strings.ToUpper(s[:min(len(s), 40)])
	if strings.HasPrefix(u, "SRID=") {
		return true
	}
	for _, k := range wktTypes {
		if strings.HasPrefix(u, k) {
			rest := strings.TrimLeft(u[len(k):], " \t")
			return rest == "" || rest[0] == '(' || strings.HasPrefix(rest, "EMPTY") ||
				rest[0] == 'Z' || rest[0] == 'M'
		}
	}
	return false
}

// csvHead reports whether the first line of s looks like a coordinate table:
// a header with a longitude/latitude or X/Y column pair, or a row of numbers.
func csvHead(s string) bool {
	line, _, _ := strings.Cut(s, "\n")
	line = strings.TrimRight(line, "\r")
	fields := splitLine(line, sniffDelimiter(line))
	if len(fields) < 2 {
		return false
	}
	if knownHeader(fields) {
		return true
	}
	numbers := 0
	for _, f := range fields {
		if _, ok := parseNumber(f); ok {
			numbers++
		}
	}
	return numbers >= 2
}

// sniffText returns head as UTF-8 text for sniffing, decoded as readText
// would decode the whole file, and the name of the encoding.
func sniffText(head []byte) (string, string) {
	switch {
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		b, _ := utf16Decoder().Bytes(head[:len(head)&^1])
		return string(b), "UTF-16"
	case bytes.HasPrefix(head, bomUTF8):
		return string(head[len(bomUTF8):]), "UTF-8"
	case utf8.Valid(trimPartialRune(head)):
		return string(head), "UTF-8"
	}
	b, _ := gb18030Decoder().Bytes(trimPartialRune(head))
	return string(b), "GB18030"
}

// unsupported is the 415 problem for a file that is none of the accepted formats.
func unsupported(what, accepted string) *problem.Error {
	return &problem.Error{
		Status: http.StatusUnsupportedMediaType,
		Type:   "unsupported-format",
		Title:  "Unsupported media type",
		Detail: what + "; accepted formats: " + accepted,
	}
}
