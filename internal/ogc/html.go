package ogc

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"mime"
	"strconv"
	"strings"

	"warden/internal/problem"
)

// Format is the answer's encoding.
type Format int

// Formats of the answers: JSON (GeoJSON for features) or HTML.
const (
	JSON Format = iota
	HTML
)

// Negotiate picks the format from the f parameter (json, geojson or html),
// else from the Accept header: HTML when the client prefers text/html over
// JSON (browsers do), JSON otherwise.
func Negotiate(f, accept string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(f)) {
	case "json", "geojson", TypeJSON, TypeGeoJSON:
		return JSON, nil
	case "html", TypeHTML:
		return HTML, nil
	case "":
	default:
		return JSON, problem.BadRequest("invalid-parameter", fmt.Sprintf("f %q must be json (GeoJSON for features) or html", f))
	}
	var qHTML, qJSON float64
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		switch mt {
		case TypeHTML, "application/xhtml+xml":
			qHTML = max(qHTML, q)
		case TypeJSON, TypeGeoJSON, "application/vnd.oai.openapi+json", "*/*", "application/*":
			qJSON = max(qJSON, q)
		}
	}
	if qHTML > qJSON {
		return HTML, nil
	}
	return JSON, nil
}

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"value": func(v any) string {
		switch t := v.(type) {
		case nil:
			return ""
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64)
		}
		return fmt.Sprint(v)
	},
	"join": strings.Join,
}).ParseFS(templateFS, "templates/*.html"))

// RenderHTML writes the HTML page of a document: "landing", "conformance",
// "collections", "collection", "items", "item" or "api".
func RenderHTML(w io.Writer, page string, doc any) error {
	return pages.ExecuteTemplate(w, page, doc)
}
