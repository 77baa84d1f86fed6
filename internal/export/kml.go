package export

import (
	"fmt"
	"image/color"
	"io"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-kml/v3"

	"warden/internal/markers"
	"warden/internal/zoning"
)

// zoneColors are the KML colours by zone kind: the strictest zones red, the
// buffer orange, zones open to use green, the peripheral belt blue.
var zoneColors = map[zoning.Kind]color.RGBA{
	zoning.Core:           {R: 200, G: 30, B: 30},
	zoning.CoreProtection: {R: 200, G: 30, B: 30},
	zoning.Buffer:         {R: 235, G: 140, B: 20},
	zoning.Experimental:   {R: 40, G: 150, B: 60},
	zoning.GeneralControl: {R: 40, G: 150, B: 60},
	zoning.Peripheral:     {R: 60, G: 100, B: 200},
}

// statusColors are the KML colours of markers by status.
var statusColors = map[string]color.RGBA{
	"intact":  {R: 40, G: 150, B: 60},
	"damaged": {R: 235, G: 140, B: 20},
	"missing": {R: 200, G: 30, B: 30},
	"moved":   {R: 130, G: 60, B: 180},
}

func alpha(c color.RGBA, a uint8) color.RGBA { c.A = a; return c }

// ZonesKML writes zones (EPSG:4326) as a KML document with one shared style
// per zone kind (outline and translucent fill) and the zone's attributes as
// ExtendedData.
func ZonesKML(w io.Writer, title string, zs []Zone) error {
	doc := []kml.Element{kml.Name(title)}
	for _, k := range []zoning.Kind{zoning.Core, zoning.Buffer, zoning.Experimental, zoning.Peripheral, zoning.CoreProtection, zoning.GeneralControl} {
		c := zoneColors[k]
		doc = append(doc, kml.SharedStyle(string(k),
			kml.LineStyle(kml.Color(alpha(c, 255)), kml.Width(2)),
			kml.PolyStyle(kml.Color(alpha(c, 100)))))
	}
	for _, z := range zs {
		name := z.Name
		if name == "" {
			name = z.Kind.ZH()
		}
		var polys []kml.Element
		mp, _ := z.Geom.(orb.MultiPolygon)
		for _, p := range mp {
			poly := []kml.Element{kml.OuterBoundaryIs(kml.LinearRing(ring(p[0])))}
			for _, hole := range p[1:] {
				poly = append(poly, kml.InnerBoundaryIs(kml.LinearRing(ring(hole))))
			}
			polys = append(polys, kml.Polygon(poly...))
		}
		doc = append(doc, kml.Placemark(
			kml.Name(name),
			kml.Description(fmt.Sprintf("%s %s, %.2f ha", z.Kind.ZH(), z.Kind.EN(), z.AreaHa)),
			kml.StyleURL("#"+string(z.Kind)),
			kml.ExtendedData(
				kml.Data("reserve", kml.Value(z.Reserve)),
				kml.Data("version", kml.Value(z.Version)),
				kml.Data("kind", kml.Value(string(z.Kind))),
				kml.Data("kind_zh", kml.Value(z.Kind.ZH())),
				kml.Data("area_ha", kml.Value(strconv.FormatFloat(z.AreaHa, 'f', 4, 64))),
			),
			kml.MultiGeometry(polys...),
		))
	}
	return kml.KML(kml.Document(doc...)).WriteIndent(w, "", " ")
}

// MarkersKML writes markers (EPSG:4326) as a KML document styled by status.
func MarkersKML(w io.Writer, title string, ms []Marker) error {
	doc := []kml.Element{kml.Name(title)}
	for _, s := range []string{"intact", "damaged", "missing", "moved"} {
		doc = append(doc, kml.SharedStyle(s, kml.IconStyle(kml.Color(alpha(statusColors[s], 255)), kml.Scale(0.8),
			kml.Icon(kml.Href("http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png")))))
	}
	for _, m := range ms {
		data := []kml.Element{
			kml.Data("reserve", kml.Value(m.Reserve)),
			kml.Data("kind", kml.Value(m.Kind)),
			kml.Data("kind_zh", kml.Value(markers.Kinds[m.Kind])),
			kml.Data("status", kml.Value(m.Status)),
			kml.Data("status_zh", kml.Value(markers.Statuses[m.Status])),
		}
		if m.SurveyCRS != nil {
			data = append(data, kml.Data("survey_crs", kml.Value(*m.SurveyCRS)),
				kml.Data("survey_x", kml.Value(strconv.FormatFloat(*m.SurveyX, 'f', -1, 64))),
				kml.Data("survey_y", kml.Value(strconv.FormatFloat(*m.SurveyY, 'f', -1, 64))))
		}
		doc = append(doc, kml.Placemark(
			kml.Name(m.Code),
			kml.Description(fmt.Sprintf("%s %s, %s %s", markers.Kinds[m.Kind], m.Kind, markers.Statuses[m.Status], m.Status)),
			kml.StyleURL("#"+m.Status),
			kml.ExtendedData(data...),
			kml.Point(kml.Coordinates(kml.Coordinate{Lon: m.Geom[0], Lat: m.Geom[1]})),
		))
	}
	return kml.KML(kml.Document(doc...)).WriteIndent(w, "", " ")
}

func ring(r orb.Ring) kml.CoordinatesElement {
	cs := make([]kml.Coordinate, len(r))
	for i, p := range r {
		cs[i] = kml.Coordinate{Lon: p[0], Lat: p[1]}
	}
	return kml.Coordinates(cs...)
}
