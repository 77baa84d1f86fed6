package geoio

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// gpxReader reads GPX 1.0 and 1.1 (GPX 1.0 has name and time directly under
// gpx, 1.1 in metadata; points are the same). See xmlScanner for why this is
// hand-written.
type gpxReader struct {
	b       *trackBuilder
	x       *xmlScanner
	trkName string
	rteName string
	routes  []Segment
	rteTime bool // a route point had a time
}

// gpxPoint is a wpt, rtept or trkpt as read.
type gpxPoint struct {
	lon, lat float64
	ok       bool // both coordinates are numbers
	ele      float64
	time     time.Time
	name     string
	desc     string
	typ      string
	sym      string
}

func readGPX(b *trackBuilder, x *xmlScanner) error {
	root, err := rootElement(x)
	if err != nil {
		return err
	}
	if root.Name.Local != "gpx" {
		return unsupported(fmt.Sprintf("the file looked like GPX but its root element is <%s>", qname(root.Name)), trackFormats)
	}
	g := &gpxReader{b: b, x: x}
	err = x.children(func(e xml.StartElement) error {
		switch e.Name.Local {
		case "metadata":
			return x.children(func(e xml.StartElement) error {
				if e.Name.Local == "name" {
					return g.name(&b.t.Name)
				}
				return x.skip()
			})
		case "name": // GPX 1.0
			return g.name(&b.t.Name)
		case "wpt":
			p, err := g.point(e, true)
			if err != nil || !p.ok {
				return err
			}
			return b.waypoint(Waypoint{Lon: p.lon, Lat: p.lat, Ele: p.ele, Time: p.time, Name: p.name, Desc: p.desc, Type: p.typ, Sym: p.sym})
		case "rte":
			return g.route()
		case "trk":
			return g.track()
		}
		return x.skip()
	})
	if err != nil {
		return err
	}
	if err := endOfDocument(x); err != nil {
		return err
	}
	b.t.Encoding = x.charset.name()
	g.finish()
	return nil
}

// name reads a name element into *dst unless dst already has one.
func (g *gpxReader) name(dst *string) error {
	s, err := g.x.text()
	if *dst == "" {
		*dst = strings.TrimSpace(s)
	}
	return err
}

func (g *gpxReader) track() error {
	return g.x.children(func(e xml.StartElement) error {
		switch e.Name.Local {
		case "name":
			return g.name(&g.trkName)
		case "trkseg":
			err := g.x.children(func(e xml.StartElement) error {
				if e.Name.Local != "trkpt" {
					return g.x.skip()
				}
				p, err := g.point(e, false)
				if err != nil || !p.ok {
					return err
				}
				return g.b.add(Fix{Lon: p.lon, Lat: p.lat, Ele: p.ele, Time: p.time})
			})
			g.b.endSegment()
			return err
		}
		return g.x.skip()
	})
}

func (g *gpxReader) route() error {
	var rte Segment
	err := g.x.children(func(e xml.StartElement) error {
		switch e.Name.Local {
		case "name":
			return g.name(&g.rteName)
		case "rtept":
			p, err := g.point(e, false)
			if err != nil || !p.ok {
				return err
			}
			if err := g.b.count(); err != nil {
				return err
			}
			g.rteTime = g.rteTime || !p.time.IsZero()
			rte.Append(Fix{Lon: p.lon, Lat: p.lat, Ele: p.ele})
			return nil
		}
		return g.x.skip()
	})
	if rte.Len() > 0 {
		g.routes = append(g.routes, rte)
	}
	return err
}

// point reads a wpt, rtept or trkpt element: its lat and lon attributes and
// the ele, time (and, with meta, name, desc, type, sym) children. A point
// whose coordinates are not numbers is counted and has ok false.
func (g *gpxReader) point(e xml.StartElement, meta bool) (gpxPoint, error) {
	p := gpxPoint{ele: math.NaN()}
	line := g.x.line()
	latS, _ := attr(e, "lat")
	lonS, _ := attr(e, "lon")
	var latOK, lonOK bool
	p.lat, latOK = coord(latS)
	p.lon, lonOK = coord(lonS)
	p.ok = latOK && lonOK
	if !p.ok {
		g.b.badCoord.add(line, fmt.Sprintf(`lat="%s" lon="%s"`, latS, lonS))
	}
	depth := len(g.x.stack)
	for {
		tok, err := g.x.next()
		if err != nil {
			return p, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if len(g.x.stack) < depth {
				return p, nil
			}
		case xml.StartElement:
			var dst *string
			switch t.Name.Local {
			case "ele":
				s, err := g.x.text()
				if err != nil {
					return p, err
				}
				p.ele = g.b.ele(s, g.x.line())
				continue
			case "time":
				s, err := g.x.text()
				if err != nil {
					return p, err
				}
				p.time = g.b.time(s, g.x.line())
				continue
			case "name":
				dst = &p.name
			case "desc":
				dst = &p.desc
			case "type":
				dst = &p.typ
			case "sym":
				dst = &p.sym
			}
			if dst == nil || !meta {
				if err := g.x.skip(); err != nil {
					return p, err
				}
				continue
			}
			s, err := g.x.text()
			if err != nil {
				return p, err
			}
			*dst = strings.TrimSpace(s)
		}
	}
}

// finish names the track and decides what the routes are.
func (g *gpxReader) finish() {
	t := g.b.t
	for _, n := range []string{g.trkName, g.rteName} {
		if t.Name == "" {
			t.Name = n
		}
	}
	if len(g.routes) == 0 {
		return
	}
	points := 0
	for i := range g.routes {
		points += g.routes[i].Len()
	}
	if len(t.Segments) > 0 {
		g.b.note("%s (planned paths, %s) ignored: the recorded track is used", plural(len(g.routes), "route"), plural(points, "point"))
		return
	}
	t.Segments = g.routes
	g.b.note("the file has no track, so its routes (planned paths: %s, %s) are used as the track", plural(len(g.routes), "route"), plural(points, "point"))
	if g.rteTime {
		g.b.note("times in route points ignored: in GPX they are when the point was made, not when it was passed")
	}
}

// rootElement reads up to the document's root element.
func rootElement(x *xmlScanner) (xml.StartElement, error) {
	for {
		tok, err := x.next()
		if err == io.EOF {
			return xml.StartElement{}, x.syntax("the file has no root element")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, nil
		}
	}
}

// endOfDocument reads what follows the root element: only comments and
// white space may.
func endOfDocument(x *xmlScanner) error {
	for {
		tok, err := x.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) == 0 {
				continue
			}
		}
		return x.syntax("content after the end of the root element")
	}
}
