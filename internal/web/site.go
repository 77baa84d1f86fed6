// Package web serves the browser pages: the files built from web/ (MapLibre
// GL and Warden's pages) embedded in the binary, or, in development, read from
// a directory on disk, and the small configuration document the pages read.
package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"warden/internal/problem"
	webfiles "warden/web"
)

// Config says where the pages come from and what they are told.
type Config struct {
	// Dir, if set, serves the pages from this directory (e.g. web/dist) instead
	// of the files built into the binary, re-read on every request: for
	// working on the pages without rebuilding the binary.
	Dir string
	// BasemapURL is an optional base map under the data layers: an XYZ raster
	// tile URL template (with {z}, {x} and {y}) or the URL of a MapLibre style
	// document. Empty: no base map (the map works offline).
	BasemapURL string
	// BasemapAttribution is shown on the map with the base map.
	BasemapAttribution string
}

// Site is the set of pages and assets.
type Site struct {
	cfg   Config
	files fs.FS
	// etags of the embedded files, computed once; nil when serving from Dir.
	etags map[string]string
	// broken says why the files cannot be served at all.
	broken error
}

// New returns the site for cfg. A site that cannot serve (no such Dir)
// answers every page with a 503 saying why; see Built.
func New(cfg Config) *Site {
	if cfg.Dir != "" {
		s := &Site{cfg: cfg, files: os.DirFS(cfg.Dir)}
		if st, err := os.Stat(cfg.Dir); err != nil || !st.IsDir() {
			s.broken = fmt.Errorf("the web directory %q (WARDEN_WEB_DIR) is not a directory", cfg.Dir)
		}
		return s
	}
	s := &Site{cfg: cfg, etags: map[string]string{}}
	sub, err := fs.Sub(webfiles.Dist, "dist")
	if err == nil {
		s.files = sub
		err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(sub, p)
			s.etags[p] = etagOf(b)
			return err
		})
	}
	if err != nil {
		s.broken = fmt.Errorf("the embedded web files cannot be read: %w", err)
	}
	return s
}

// Built returns nil when the pages can be served, else a 503 problem saying
// what to do: build them (`make web`), or fix WARDEN_WEB_DIR.
func (s *Site) Built() error {
	if s.broken != nil {
		return &problem.Error{Status: http.StatusServiceUnavailable, Type: "web-not-built", Title: "Service unavailable",
			Detail: s.broken.Error(), Err: s.broken}
	}
	if _, err := fs.Stat(s.files, "index.html"); err != nil {
		where := "into this binary: run `make web` and rebuild it (`make build` does both)"
		if s.cfg.Dir != "" {
			where = "in " + s.cfg.Dir + ": run `make web`"
		}
		return &problem.Error{Status: http.StatusServiceUnavailable, Type: "web-not-built", Title: "Service unavailable",
			Detail: "the web pages are not built " + where}
	}
	return nil
}

// File is one page or asset, ready to send.
type File struct {
	Body        []byte
	ContentType string
	ETag        string
	// CacheControl: revalidate every time (the names carry no content hash).
	CacheControl string
}

// Open returns the file at name (a slash-separated path under the built
// directory, without a leading slash); a missing file is a 404, and every
// page answers 503 while the site is not built.
func (s *Site) Open(name string) (File, error) {
	if err := s.Built(); err != nil {
		return File{}, err
	}
	b, err := fs.ReadFile(s.files, name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) || strings.HasSuffix(name, "/") {
		return File{}, problem.NotFound("file", "/"+name)
	}
	if err != nil {
		return File{}, err
	}
	f := File{Body: b, ContentType: contentType(name), CacheControl: "no-cache"}
	if s.etags != nil {
		f.ETag = s.etags[name]
	} else {
		f.ETag = etagOf(b)
	}
	return f, nil
}

// PageConfig is what the pages fetch from /config.json.
type PageConfig struct {
	// Basemap is nil when no base map is configured.
	Basemap *Basemap `json:"basemap"`
	Version string   `json:"version"`
}

// Basemap is the optional base map: Type "raster" (an XYZ tile template) or
// "style" (a MapLibre style URL).
type Basemap struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	Attribution string `json:"attribution"`
}

// PageConfig returns the configuration the pages read.
func (s *Site) PageConfig(version string) PageConfig {
	pc := PageConfig{Version: version}
	if u := s.cfg.BasemapURL; u != "" {
		typ := "style"
		if strings.Contains(u, "{z}") {
			typ = "raster"
		}
		pc.Basemap = &Basemap{Type: typ, URL: u, Attribution: s.cfg.BasemapAttribution}
	}
	return pc
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// contentType names the media type by extension; module scripts (.mjs) must
// be served as JavaScript for the browser to run them.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".txt", ".md":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}
