package ogc

import (
	"sort"
)

// ItemPage is the data of a single feature's HTML page.
type ItemPage struct {
	Collection *Collection
	Feature    Feature
}

// APIPage is the data of the API definition's HTML page.
type APIPage struct {
	Title string
	Paths []APIPath
}

// APIPath is one path of the API definition.
type APIPath struct {
	Path, Summary string
}

// obj is a JSON object of the API definition.
type obj = map[string]any

// OpenAPI is the API definition of /ogc (OpenAPI 3.0, as the oas30
// conformance class requires), with each collection's own items path and
// filter parameters, generated from the collections cs (those the caller may
// read). server is the absolute URL of /ogc.
func OpenAPI(server string, cs []*Collection) obj {
	paths := obj{
		"/": obj{"get": obj{"summary": "Landing page", "operationId": "getLandingPage", "tags": []string{"Capabilities"},
			"parameters": []any{paramRef("f")}, "responses": jsonAnswer("links to the API definition, conformance and collections", "landingPage")}},
		"/api": obj{"get": obj{"summary": "This API definition (OpenAPI 3.0)", "operationId": "getAPI", "tags": []string{"Capabilities"},
			"parameters": []any{paramRef("f")}, "responses": obj{"200": obj{"description": "the API definition", "content": obj{
				TypeOpenAPI: obj{"schema": obj{"type": "object"}}, TypeHTML: obj{"schema": obj{"type": "string"}}}}}}},
		"/conformance": obj{"get": obj{"summary": "Conformance classes", "operationId": "getConformance", "tags": []string{"Capabilities"},
			"parameters": []any{paramRef("f")}, "responses": jsonAnswer("the conformance classes implemented", "confClasses")}},
		"/collections": obj{"get": obj{"summary": "Feature collections", "operationId": "getCollections", "tags": []string{"Capabilities"},
			"parameters": []any{paramRef("f")}, "responses": jsonAnswer("the collections", "collections")}},
	}
	for _, c := range cs {
		collectionPaths(paths, c)
	}
	problemDoc := obj{"description": "a problem document (RFC 9457)", "content": obj{"application/problem+json": obj{"schema": obj{"type": "object"}}}}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "Warden OGC API - Features", "version": "1.0.0",
			"description": "Nature reserves, zones and boundary markers as OGC API - Features (Part 1 Core, GeoJSON, HTML; Part 2 CRS)."},
		"servers": []any{obj{"url": server}},
		"paths":   paths,
		"components": obj{
			"parameters": openapiParams(),
			"responses":  obj{"BadRequest": problemDoc, "NotFound": problemDoc},
			"schemas":    openapiSchemas(),
		},
	}
}

// paramRef refers to a parameter of the components.
func paramRef(name string) obj { return obj{"$ref": "#/components/parameters/" + name} }

// jsonAnswer is a GET's answers: JSON of the named schema or HTML, or a 400.
func jsonAnswer(desc, schema string) obj {
	return obj{"200": obj{"description": desc, "content": obj{
		TypeJSON: obj{"schema": obj{"$ref": "#/components/schemas/" + schema}},
		TypeHTML: obj{"schema": obj{"type": "string"}},
	}}, "400": obj{"$ref": "#/components/responses/BadRequest"}}
}

// openapiParams are the query and path parameters the paths refer to.
func openapiParams() obj {
	params := obj{
		"f": obj{"name": "f", "in": "query", "required": false, "description": "format: json (GeoJSON for features) or html; else by the Accept header",
			"schema": obj{"type": "string", "enum": []string{"json", "html"}}, "style": "form", "explode": false},
		"limit": obj{"name": "limit", "in": "query", "required": false, "description": "features per page; larger values are lowered to the maximum",
			"schema": obj{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}, "style": "form", "explode": false},
		"offset": obj{"name": "offset", "in": "query", "required": false, "description": "features to skip (the next links use it)",
			"schema": obj{"type": "integer", "minimum": 0, "default": 0}, "style": "form", "explode": false},
		"bbox": obj{"name": "bbox", "in": "query", "required": false, "description": "lower and upper corner, in the axis order of bbox-crs (CRS84: lon,lat)",
			"schema": obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}, "style": "form", "explode": false},
		"bbox-crs": obj{"name": "bbox-crs", "in": "query", "required": false, "description": "CRS of bbox (default CRS84)",
			"schema": obj{"type": "string", "format": "uri"}, "style": "form", "explode": false},
		"crs": obj{"name": "crs", "in": "query", "required": false, "description": "CRS of the answer's coordinates (default CRS84); also in the Content-Crs header",
			"schema": obj{"type": "string", "format": "uri"}, "style": "form", "explode": false},
		"datetime": obj{"name": "datetime", "in": "query", "required": false, "description": "an instant or interval (RFC 3339; .. for an open end)",
			"schema": obj{"type": "string"}, "style": "form", "explode": false},
		"featureId": obj{"name": "featureId", "in": "path", "required": true, "description": "the feature's id", "schema": obj{"type": "string"}},
	}
	var crsList []string
	for _, c := range SupportedCRS() {
		crsList = append(crsList, c.URI())
	}
	params["crs"].(obj)["schema"].(obj)["enum"] = crsList
	params["bbox-crs"].(obj)["schema"].(obj)["enum"] = crsList
	return params
}

// collectionPaths adds a collection's paths: its description, its
// features (with a filter parameter per filterable property) and one
// feature.
func collectionPaths(paths obj, c *Collection) {
	contentCRS := obj{"Content-Crs": obj{"description": "the CRS of the coordinates, as <URI>", "schema": obj{"type": "string"}}}
	base := "/collections/" + c.ID
	paths[base] = obj{"get": obj{"summary": c.Title, "description": c.Description, "operationId": "describe_" + c.ID, "tags": []string{c.ID},
		"parameters": []any{paramRef("f")}, "responses": jsonAnswer("the collection", "collection")}}
	ps := []any{paramRef("f"), paramRef("limit"), paramRef("offset"), paramRef("bbox"), paramRef("bbox-crs"), paramRef("crs")}
	if c.Time != nil {
		ps = append(ps, paramRef("datetime"))
	}
	for _, p := range c.Properties {
		if !p.Filter {
			continue
		}
		schema := obj{"type": p.Type}
		if p.Enum != nil {
			schema["enum"] = p.Enum
		}
		ps = append(ps, obj{"name": p.Name, "in": "query", "required": false, "description": "only features whose " + p.Name + " equals this",
			"schema": schema, "style": "form", "explode": false})
	}
	paths[base+"/items"] = obj{"get": obj{"summary": c.Title + ": features", "operationId": "getFeatures_" + c.ID, "tags": []string{c.ID},
		"parameters": ps, "responses": obj{
			"200": obj{"description": "a page of features", "headers": contentCRS, "content": obj{
				TypeGeoJSON: obj{"schema": obj{"$ref": "#/components/schemas/featureCollectionGeoJSON"}}, TypeHTML: obj{"schema": obj{"type": "string"}}}},
			"400": obj{"$ref": "#/components/responses/BadRequest"}, "404": obj{"$ref": "#/components/responses/NotFound"}}}}
	paths[base+"/items/{featureId}"] = obj{"get": obj{"summary": c.Title + ": one feature", "operationId": "getFeature_" + c.ID, "tags": []string{c.ID},
		"parameters": []any{paramRef("featureId"), paramRef("f"), paramRef("crs")}, "responses": obj{
			"200": obj{"description": "the feature", "headers": contentCRS, "content": obj{
				TypeGeoJSON: obj{"schema": obj{"$ref": "#/components/schemas/featureGeoJSON"}}, TypeHTML: obj{"schema": obj{"type": "string"}}}},
			"404": obj{"$ref": "#/components/responses/NotFound"}}}}
}

// openapiSchemas are the schemas of the answers.
func openapiSchemas() obj {
	linkSchema := obj{"type": "object", "required": []string{"href", "rel"}, "properties": obj{
		"href": obj{"type": "string"}, "rel": obj{"type": "string"}, "type": obj{"type": "string"}, "title": obj{"type": "string"}}}
	links := obj{"type": "array", "items": obj{"$ref": "#/components/schemas/link"}}
	return obj{
		"link":        linkSchema,
		"landingPage": obj{"type": "object", "required": []string{"links"}, "properties": obj{"title": obj{"type": "string"}, "description": obj{"type": "string"}, "links": links}},
		"confClasses": obj{"type": "object", "required": []string{"conformsTo"}, "properties": obj{"conformsTo": obj{"type": "array", "items": obj{"type": "string"}}}},
		"collection":  obj{"type": "object", "required": []string{"id", "links"}, "properties": obj{"id": obj{"type": "string"}, "title": obj{"type": "string"}, "description": obj{"type": "string"}, "links": links, "extent": obj{"type": "object"}, "itemType": obj{"type": "string"}, "crs": obj{"type": "array", "items": obj{"type": "string"}}, "storageCrs": obj{"type": "string"}}},
		"collections": obj{"type": "object", "required": []string{"links", "collections"}, "properties": obj{"links": links, "collections": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/collection"}}}},
		"featureCollectionGeoJSON": obj{"type": "object", "required": []string{"type", "features"}, "properties": obj{
			"type": obj{"type": "string", "enum": []string{"FeatureCollection"}}, "features": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/featureGeoJSON"}},
			"links": links, "timeStamp": obj{"type": "string", "format": "date-time"}, "numberMatched": obj{"type": "integer", "minimum": 0}, "numberReturned": obj{"type": "integer", "minimum": 0}}},
		"featureGeoJSON": obj{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": obj{
			"type": obj{"type": "string", "enum": []string{"Feature"}}, "geometry": obj{"type": "object", "nullable": true}, "properties": obj{"type": "object", "nullable": true},
			"id": obj{"oneOf": []any{obj{"type": "string"}, obj{"type": "integer"}}}, "links": links}},
	}
}

// APIPaths lists the definition's paths for its HTML page.
func APIPaths(doc obj) []APIPath {
	var out []APIPath
	for p, v := range doc["paths"].(obj) {
		get := v.(obj)["get"].(obj)
		out = append(out, APIPath{Path: "/ogc" + p, Summary: get["summary"].(string)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
