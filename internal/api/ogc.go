package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"warden/internal/ogc"
)

// ogcServer serves OGC API - Features at /ogc from the collections of
// ogc.Default().
type ogcServer struct {
	svc *ogc.Service
	// base is the server's public base URL, given the request (Server.publicBase).
	base func(echo.Context) string
}

// ogcRoutes mounts OGC API - Features at /ogc (read only, no token).
func (s *Server) ogcRoutes(e *echo.Echo) {
	o := &ogcServer{svc: ogc.New(s.pool, ogc.Default()), base: s.publicBase}
	e.GET("/ogc", o.landing)
	e.GET("/ogc/", o.landing)
	e.GET("/ogc/api", o.api)
	e.GET("/ogc/conformance", o.conformance)
	e.GET("/ogc/collections", o.collections)
	e.GET("/ogc/collections/:collectionId", o.collection)
	e.GET("/ogc/collections/:collectionId/items", o.items)
	e.GET("/ogc/collections/:collectionId/items/:featureId", o.item)
}

// ogcViewer is who asks: the roles of the request's principal (an admin has
// every role; anonymous visitors none, so they see the public collections),
// which the registry checks for every route, and the principal's name and
// reserves, to which it narrows the rows of the collections that are not
// public (tracks, observations).
func ogcViewer(c echo.Context) ogc.Viewer {
	if p := principalOf(c); p != nil {
		return ogc.Viewer{Roles: p.RoleNames(), Name: p.Name, AllReserves: p.AllReserves, Reserves: p.Reserves}
	}
	return ogc.Viewer{}
}

func (o *ogcServer) ogcBase(c echo.Context) ogc.Base {
	return ogc.Base{Root: o.base(c) + "/ogc", Query: c.QueryParams()}
}

// format negotiates the answer's format and refuses parameters other than
// those named (and f).
func ogcFormat(c echo.Context, params ...string) (ogc.Format, error) {
	if err := ogc.OnlyParams(c.QueryParams(), append(params, "f")...); err != nil {
		return ogc.JSON, err
	}
	return ogc.Negotiate(c.QueryParam("f"), c.Request().Header.Get(echo.HeaderAccept))
}

// ogcWrite writes doc as JSON of type typ, or as the HTML page named page.
func ogcWrite(c echo.Context, f ogc.Format, typ, page string, doc, htmlDoc any) error {
	h := c.Response().Header()
	h.Add("Vary", "Accept")
	if f == ogc.HTML {
		h.Set(echo.HeaderContentType, "text/html; charset=utf-8")
		c.Response().WriteHeader(http.StatusOK)
		return ogc.RenderHTML(c.Response(), page, htmlDoc)
	}
	h.Set(echo.HeaderContentType, typ)
	c.Response().WriteHeader(http.StatusOK)
	return json.NewEncoder(c.Response()).Encode(doc)
}

// GET /ogc[?f=json|html]: the landing page (links to the API definition,
// conformance and collections).
func (o *ogcServer) landing(c echo.Context) error {
	f, err := ogcFormat(c)
	if err != nil {
		return err
	}
	doc := ogc.LandingDoc(o.ogcBase(c), f == ogc.HTML)
	return ogcWrite(c, f, ogc.TypeJSON, "landing", doc, doc)
}

// GET /ogc/api[?f=json|html]: the OpenAPI 3.0 definition of /ogc, with the
// collections the caller may read.
func (o *ogcServer) api(c echo.Context) error {
	f, err := ogcFormat(c)
	if err != nil {
		return err
	}
	doc := ogc.OpenAPI(o.ogcBase(c).Root, o.svc.Registry().Visible(ogcViewer(c)))
	return ogcWrite(c, f, ogc.TypeOpenAPI, "api", doc, ogc.APIPage{Title: "Warden OGC API - Features", Paths: ogc.APIPaths(doc)})
}

// GET /ogc/conformance[?f=json|html]: the conformance classes.
func (o *ogcServer) conformance(c echo.Context) error {
	f, err := ogcFormat(c)
	if err != nil {
		return err
	}
	doc := ogc.ConformanceDoc{ConformsTo: ogc.Conformance}
	return ogcWrite(c, f, ogc.TypeJSON, "conformance", doc, doc)
}

// GET /ogc/collections[?f=json|html]: the collections the caller may read,
// each with its extent in CRS84.
func (o *ogcServer) collections(c echo.Context) error {
	f, err := ogcFormat(c)
	if err != nil {
		return err
	}
	b := o.ogcBase(c)
	docs := []ogc.CollectionDoc{}
	for _, col := range o.svc.Registry().Visible(ogcViewer(c)) {
		e, err := o.svc.Extent(c.Request().Context(), col)
		if err != nil {
			return err
		}
		docs = append(docs, ogc.NewCollectionDoc(b, col, e, false, f == ogc.HTML))
	}
	doc := ogc.NewCollectionsDoc(b, docs, f == ogc.HTML)
	return ogcWrite(c, f, ogc.TypeJSON, "collections", doc, doc)
}

// GET /ogc/collections/{collectionId}[?f=json|html]: one collection; 404 if
// unknown (or not readable by the caller).
func (o *ogcServer) collection(c echo.Context) error {
	f, err := ogcFormat(c)
	if err != nil {
		return err
	}
	col, err := o.svc.Registry().Get(c.Param("collectionId"), ogcViewer(c))
	if err != nil {
		return err
	}
	e, err := o.svc.Extent(c.Request().Context(), col)
	if err != nil {
		return err
	}
	doc := ogc.NewCollectionDoc(o.ogcBase(c), col, e, true, f == ogc.HTML)
	return ogcWrite(c, f, ogc.TypeJSON, "collection", doc, doc)
}

// GET /ogc/collections/{collectionId}/items[?limit=&offset=&bbox=&bbox-crs=&crs=&datetime=&<property>=&f=]:
// a page of features as GeoJSON (or HTML) with numberMatched, numberReturned,
// next/prev links and the Content-Crs header; 400 for an unknown or malformed
// parameter.
func (o *ogcServer) items(c echo.Context) error {
	col, err := o.svc.Registry().Get(c.Param("collectionId"), ogcViewer(c))
	if err != nil {
		return err
	}
	q, err := ogc.ParseItemsQuery(col, c.QueryParams())
	if err != nil {
		return err
	}
	f, err := ogc.Negotiate(c.QueryParam("f"), c.Request().Header.Get(echo.HeaderAccept))
	if err != nil {
		return err
	}
	page, err := o.svc.Items(c.Request().Context(), col, q)
	if err != nil {
		return err
	}
	doc := ogc.NewItemsDoc(o.ogcBase(c), col, q, page, f == ogc.HTML)
	c.Response().Header().Set("Content-Crs", "<"+q.CRS.URI()+">")
	return ogcWrite(c, f, ogc.TypeGeoJSON, "items", doc, doc)
}

// GET /ogc/collections/{collectionId}/items/{featureId}[?crs=&f=]: one feature
// with the Content-Crs header; 404 if there is no such feature.
func (o *ogcServer) item(c echo.Context) error {
	f, err := ogcFormat(c, "crs")
	if err != nil {
		return err
	}
	col, err := o.svc.Registry().Get(c.Param("collectionId"), ogcViewer(c))
	if err != nil {
		return err
	}
	crs, err := ogc.ParseCRS("crs", c.QueryParam("crs"))
	if err != nil {
		return err
	}
	feat, err := o.svc.Item(c.Request().Context(), col, c.Param("featureId"), crs)
	if err != nil {
		return err
	}
	ogc.ItemLinks(o.ogcBase(c), col, &feat, f == ogc.HTML)
	c.Response().Header().Set("Content-Crs", "<"+crs.URI()+">")
	return ogcWrite(c, f, ogc.TypeGeoJSON, "item", feat, ogc.ItemPage{Collection: col, Feature: feat})
}
