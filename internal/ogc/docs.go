package ogc

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Media types of the answers.
const (
	TypeJSON    = "application/json"
	TypeGeoJSON = "application/geo+json"
	TypeHTML    = "text/html"
	TypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// Conformance lists the conformance classes this API implements.
var Conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}

// Link is a web link of an OGC API document.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// Landing is the landing page document.
type Landing struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []Link `json:"links"`
}

// ConformanceDoc is the /conformance document.
type ConformanceDoc struct {
	ConformsTo []string `json:"conformsTo"`
}

// CollectionDoc describes one collection.
type CollectionDoc struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	ItemType    string       `json:"itemType"`
	Extent      *ExtentDoc   `json:"extent,omitempty"`
	CRS         []string     `json:"crs"`
	StorageCRS  string       `json:"storageCrs"`
	Links       []Link       `json:"links"`
	Properties  []Property   `json:"-"`
	Collection  *Collection  `json:"-"`
	Queryables  []Queryable  `json:"-"`
	Spatial     string       `json:"-"`
	Temporal    string       `json:"-"`
	TimeAbout   string       `json:"-"`
	Formats     []FormatLink `json:"-"`
}

// FormatLink is a link to a page of the collection in one format (HTML only).
type FormatLink struct {
	Title, Href string
}

// Queryable is a filter parameter shown on the HTML page.
type Queryable struct {
	Name string
	Enum []string
}

// ExtentDoc is a collection's extent: spatial in CRS84, temporal in UTC.
type ExtentDoc struct {
	Spatial  *SpatialExtent  `json:"spatial,omitempty"`
	Temporal *TemporalExtent `json:"temporal,omitempty"`
}

// SpatialExtent is a list of bounding boxes and their CRS.
type SpatialExtent struct {
	BBox [][]float64 `json:"bbox"`
	CRS  string      `json:"crs"`
}

// TemporalExtent is a list of intervals (open ends are null).
type TemporalExtent struct {
	Interval [][]*string `json:"interval"`
	TRS      string      `json:"trs"`
}

// CollectionsDoc is the /collections document.
type CollectionsDoc struct {
	Links       []Link          `json:"links"`
	Collections []CollectionDoc `json:"collections"`
}

// ItemsDoc is an /items answer.
type ItemsDoc struct {
	Type           string    `json:"type"`
	Features       []Feature `json:"features"`
	NumberMatched  int64     `json:"numberMatched"`
	NumberReturned int       `json:"numberReturned"`
	TimeStamp      string    `json:"timeStamp"`
	Links          []Link    `json:"links"`
	// For the HTML page only.
	Collection *Collection `json:"-"`
	Offset     int         `json:"-"`
	CRS        CRS         `json:"-"`
}

// Base is the request's view of the API: the absolute URL of /ogc and the
// query of the request, from which links are made.
type Base struct {
	Root  string     // e.g. http://127.0.0.1:8080/ogc
	Query url.Values // the request's query parameters
}

// url returns Root+path with the request's query, changed by set (an empty
// value removes a parameter). Parameters are sorted, so links are stable.
func (b Base) url(path string, keep bool, set ...string) string {
	q := url.Values{}
	if keep {
		for k, v := range b.Query {
			q[k] = v
		}
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			q.Del(set[i])
		} else {
			q.Set(set[i], set[i+1])
		}
	}
	if len(q) == 0 {
		return b.Root + path
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return b.Root + path + "?" + strings.Join(parts, "&")
}

// selfLinks are the self and alternate links of a document at path, which
// is JSON of type jsonType (and HTML as the alternate), keeping the query.
func (b Base) selfLinks(path, jsonType string, html bool) []Link {
	j := Link{Href: b.url(path, true, "f", "json"), Rel: "self", Type: jsonType, Title: "this document as JSON"}
	h := Link{Href: b.url(path, true, "f", "html"), Rel: "alternate", Type: TypeHTML, Title: "this document as HTML"}
	if html {
		j.Rel, h.Rel = "alternate", "self"
		return []Link{h, j}
	}
	return []Link{j, h}
}

// LandingDoc is the landing page.
func LandingDoc(b Base, html bool) Landing {
	links := b.selfLinks("", TypeJSON, html)
	links = append(links,
		Link{Href: b.url("/api", false, "f", "json"), Rel: "service-desc", Type: TypeOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
		Link{Href: b.url("/api", false, "f", "html"), Rel: "service-doc", Type: TypeHTML, Title: "the API documentation"},
		Link{Href: b.url("/conformance", false), Rel: "conformance", Type: TypeJSON, Title: "conformance classes"},
		Link{Href: b.url("/conformance", false), Rel: "http://www.opengis.net/def/rel/ogc/1.0/conformance", Type: TypeJSON, Title: "conformance classes"},
		Link{Href: b.url("/collections", false), Rel: "data", Type: TypeJSON, Title: "feature collections"},
		Link{Href: b.url("/collections", false), Rel: "http://www.opengis.net/def/rel/ogc/1.0/data", Type: TypeJSON, Title: "feature collections"},
	)
	return Landing{
		Title:       "Warden OGC API - Features",
		Description: "Nature reserves, their zones and boundary markers (自然保护区、功能区、界桩) as OGC API - Features, for QGIS, ArcGIS and GDAL.",
		Links:       links,
	}
}

// NewCollectionDoc describes c with its extent.
func NewCollectionDoc(b Base, c *Collection, e Extent, self, html bool) CollectionDoc {
	path := "/collections/" + c.ID
	d := CollectionDoc{
		ID: c.ID, Title: c.Title, Description: c.Description, ItemType: "feature",
		StorageCRS: crs84URI, Properties: c.Properties, Collection: c,
	}
	for _, crs := range SupportedCRS() {
		d.CRS = append(d.CRS, crs.URI())
	}
	if self {
		d.Links = b.selfLinks(path, TypeJSON, html)
	} else {
		d.Links = []Link{{Href: b.url(path, false), Rel: "collection", Type: TypeJSON, Title: c.Title}}
	}
	d.Links = append(d.Links,
		Link{Href: b.url(path+"/items", false, "f", "json"), Rel: "items", Type: TypeGeoJSON, Title: c.Title + " as GeoJSON"},
		Link{Href: b.url(path+"/items", false, "f", "html"), Rel: "items", Type: TypeHTML, Title: c.Title + " as HTML"},
	)
	d.Formats = []FormatLink{{"GeoJSON", b.url(path+"/items", false, "f", "json")}, {"HTML", b.url(path+"/items", false, "f", "html")}}
	if e.BBox != nil || e.Start != nil {
		d.Extent = &ExtentDoc{}
	}
	if e.BBox != nil {
		d.Extent.Spatial = &SpatialExtent{BBox: [][]float64{e.BBox}, CRS: crs84URI}
		d.Spatial = floats(e.BBox)
	}
	if e.Start != nil {
		s, t := e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339)
		d.Extent.Temporal = &TemporalExtent{Interval: [][]*string{{&s, &t}}, TRS: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
		d.Temporal = s + " / " + t
	}
	if c.Time != nil {
		d.TimeAbout = c.Time.About
	}
	for _, p := range c.Properties {
		if p.Filter {
			d.Queryables = append(d.Queryables, Queryable{p.Name, p.Enum})
		}
	}
	return d
}

func floats(fs []float64) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, strconv.FormatFloat(f, 'f', 6, 64))
	}
	return strings.Join(parts, ", ")
}

// NewCollectionsDoc lists the collections.
func NewCollectionsDoc(b Base, cs []CollectionDoc, html bool) CollectionsDoc {
	return CollectionsDoc{Links: b.selfLinks("/collections", TypeJSON, html), Collections: cs}
}

// NewItemsDoc wraps a page of c's items with its links: self, alternate,
// collection, and next/prev where there are more.
func NewItemsDoc(b Base, c *Collection, q Query, p Page, html bool) ItemsDoc {
	path := "/collections/" + c.ID + "/items"
	d := ItemsDoc{
		Type: "FeatureCollection", Features: p.Features, NumberMatched: p.NumberMatched, NumberReturned: p.NumberReturned,
		TimeStamp: time.Now().UTC().Format(time.RFC3339), Collection: c, Offset: q.Offset, CRS: q.CRS,
	}
	d.Links = b.selfLinks(path, TypeGeoJSON, html)
	f := "json"
	typ := TypeGeoJSON
	if html {
		f, typ = "html", TypeHTML
	}
	if int64(q.Offset+p.NumberReturned) < p.NumberMatched {
		d.Links = append(d.Links, Link{Href: b.url(path, true, "f", f, "offset", strconv.Itoa(q.Offset+p.NumberReturned)), Rel: "next", Type: typ, Title: "next page"})
	}
	if q.Offset > 0 {
		prev := max(q.Offset-q.Limit, 0)
		d.Links = append(d.Links, Link{Href: b.url(path, true, "f", f, "offset", strconv.Itoa(prev)), Rel: "prev", Type: typ, Title: "previous page"})
	}
	d.Links = append(d.Links, Link{Href: b.url("/collections/"+c.ID, false), Rel: "collection", Type: TypeJSON, Title: c.Title})
	return d
}

// ItemLinks sets a feature's links: self, alternate and its collection.
func ItemLinks(b Base, c *Collection, f *Feature, html bool) {
	path := "/collections/" + c.ID + "/items/" + url.PathEscape(idString(f.ID))
	f.Links = append(b.selfLinks(path, TypeGeoJSON, html),
		Link{Href: b.url("/collections/"+c.ID, false), Rel: "collection", Type: TypeJSON, Title: c.Title})
}

func idString(id any) string {
	switch v := id.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}
