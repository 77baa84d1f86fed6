package geoio

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The KML reader is written on xmlScanner (see there for why it is
// hand-written): go-kml, the maintained KML library, only writes KML. It walks
// Document and Folder containers to Placemarks and reads each Placemark whole
// (one at a time, so a file is streamed placemark by placemark) into a
// kmlPlacemark, which the track and footprint readers then interpret.

// kmlPlacemark is a Placemark as read.
type kmlPlacemark struct {
	id, name, desc string
	when           string // TimeStamp/when
	whenLine       int
	props          map[string]any // ExtendedData: Data/value and SchemaData/SimpleData
	geoms          []*kmlGeom     // normally one; several are read as a MultiGeometry
	line           int
}

// kmlGeom is a KML geometry as read.
type kmlGeom struct {
	kind   string     // Point, LineString, LinearRing, Polygon, MultiGeometry, Track, MultiTrack
	coords []kmlCoord // Point, LineString, LinearRing, Track
	times  []kmlText  // Track: the when elements
	rings  [][]kmlCoord
	parts  []*kmlGeom // MultiGeometry, MultiTrack
	faults []kmlFault // tuples that could not be read
	badIdx []int      // Track: the indexes of the gx:coords among faults
	line   int
	col    int
}

// kmlCoord is one coordinate tuple; ele is NaN when absent.
type kmlCoord struct {
	lon, lat, ele float64
	line, col     int
}

type kmlText struct {
	s    string
	line int
}

// kmlFault is a coordinate tuple that could not be read.
type kmlFault struct {
	line, col int
	text      string
	reason    string
}

// kmlWalk reads a KML document and calls f for each Placemark, in order.
// docName receives the name of the first Document or Folder that has one.
func kmlWalk(x *xmlScanner, docName *string, f func(*kmlPlacemark) error) error {
	root, err := rootElement(x)
	if err != nil {
		return err
	}
	if root.Name.Local != "kml" {
		return unsupportedKML(root)
	}
	var walk func() error
	walk = func() error {
		return x.children(func(e xml.StartElement) error {
			switch e.Name.Local {
			case "Document", "Folder":
				return walk()
			case "name":
				s, err := x.text()
				if *docName == "" {
					*docName = strings.TrimSpace(s)
				}
				return err
			case "Placemark":
				pm, err := readPlacemark(x, e)
				if err != nil {
					return err
				}
				return f(pm)
			}
			return x.skip()
		})
	}
	if err := walk(); err != nil {
		return err
	}
	return endOfDocument(x)
}

func unsupportedKML(root xml.StartElement) error {
	return unsupported(fmt.Sprintf("the file looked like KML but its root element is <%s>", qname(root.Name)), trackFormats)
}

func readPlacemark(x *xmlScanner, start xml.StartElement) (*kmlPlacemark, error) {
	pm := &kmlPlacemark{line: x.line()}
	pm.id, _ = attr(start, "id")
	err := x.children(func(e xml.StartElement) error {
		switch e.Name.Local {
		case "name":
			s, err := x.text()
			pm.name = strings.TrimSpace(s)
			return err
		case "description":
			s, err := x.text()
			pm.desc = strings.TrimSpace(s)
			return err
		case "TimeStamp":
			return x.children(func(e xml.StartElement) error {
				if e.Name.Local != "when" {
					return x.skip()
				}
				pm.whenLine = x.line()
				s, err := x.text()
				pm.when = s
				return err
			})
		case "ExtendedData":
			return readExtendedData(x, pm)
		}
		g, err := readGeometry(x, e)
		if err != nil || g == nil {
			return err
		}
		pm.geoms = append(pm.geoms, g)
		return nil
	})
	return pm, err
}

// readExtendedData reads Data/value and SchemaData/SimpleData pairs.
func readExtendedData(x *xmlScanner, pm *kmlPlacemark) error {
	set := func(name, value string) {
		if name == "" {
			return
		}
		if pm.props == nil {
			pm.props = map[string]any{}
		}
		pm.props[name] = strings.TrimSpace(value)
	}
	return x.children(func(e xml.StartElement) error {
		switch e.Name.Local {
		case "Data":
			name, _ := attr(e, "name")
			return x.children(func(e xml.StartElement) error {
				if e.Name.Local != "value" {
					return x.skip()
				}
				s, err := x.text()
				set(name, s)
				return err
			})
		case "SchemaData":
			return x.children(func(e xml.StartElement) error {
				if e.Name.Local != "SimpleData" {
					return x.skip()
				}
				name, _ := attr(e, "name")
				s, err := x.text()
				set(name, s)
				return err
			})
		}
		return x.skip()
	})
}

// readGeometry reads a geometry element, or skips an element that is not one
// (styles, regions, models...) and returns nil.
func readGeometry(x *xmlScanner, e xml.StartElement) (*kmlGeom, error) {
	line, col := x.d.InputPos()
	g := &kmlGeom{kind: e.Name.Local, line: line, col: col}
	switch g.kind {
	case "Point", "LineString", "LinearRing":
		err := x.children(func(e xml.StartElement) error {
			if e.Name.Local != "coordinates" {
				return x.skip()
			}
			cs, err := readCoordinates(x, g)
			g.coords = append(g.coords, cs...)
			return err
		})
		return g, err
	case "Polygon":
		err := x.children(func(e xml.StartElement) error {
			switch e.Name.Local {
			case "outerBoundaryIs", "innerBoundaryIs":
				outer := e.Name.Local == "outerBoundaryIs"
				return x.children(func(e xml.StartElement) error {
					if e.Name.Local != "LinearRing" {
						return x.skip()
					}
					ring, err := readGeometry(x, e)
					if err != nil {
						return err
					}
					g.faults = append(g.faults, ring.faults...)
					if outer {
						g.rings = append([][]kmlCoord{ring.coords}, g.rings...)
					} else {
						g.rings = append(g.rings, ring.coords)
					}
					return nil
				})
			}
			return x.skip()
		})
		return g, err
	case "MultiGeometry", "MultiTrack":
		err := x.children(func(e xml.StartElement) error {
			p, err := readGeometry(x, e)
			if err != nil || p == nil {
				return err
			}
			g.parts = append(g.parts, p)
			return nil
		})
		return g, err
	case "Track":
		err := x.children(func(e xml.StartElement) error {
			switch e.Name.Local {
			case "when":
				l := x.line()
				s, err := x.text()
				g.times = append(g.times, kmlText{s, l})
				return err
			case "coord":
				line, col := x.d.InputPos()
				s, err := x.text()
				if c, f := parseGxCoord(s, line, col); f != nil {
					g.badIdx = append(g.badIdx, len(g.coords)+len(g.faults))
					g.faults = append(g.faults, *f)
				} else {
					g.coords = append(g.coords, c)
				}
				return err
			}
			return x.skip()
		})
		return g, err
	}
	return nil, x.skip()
}

// readCoordinates reads a coordinates element: tuples "lon,lat[,alt]"
// separated by white space (white space next to a comma is tolerated, as
// Google Earth does).
func readCoordinates(x *xmlScanner, g *kmlGeom) ([]kmlCoord, error) {
	line, col := x.d.InputPos()
	s, err := x.text()
	if err != nil {
		return nil, err
	}
	var out []kmlCoord
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			if s[i] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i++
		}
		if i == len(s) {
			break
		}
		start, tl, tc := i, line, col
		for i < len(s) {
			if !isSpace(s[i]) {
				i, col = i+1, col+1
				continue
			}
			j := i
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			if s[i-1] != ',' && (j == len(s) || s[j] != ',') {
				break
			}
			for ; i < j; i++ {
				if s[i] == '\n' {
					line, col = line+1, 1
				} else {
					col++
				}
			}
		}
		tuple := s[start:i]
		nums, reason := parseTuple(strings.Split(tuple, ","))
		if reason != "" {
			g.faults = append(g.faults, kmlFault{tl, tc, tuple, reason})
			continue
		}
		out = append(out, kmlCoord{nums[0], nums[1], nums[2], tl, tc})
	}
	return out, nil
}

// parseGxCoord reads a gx:coord: "lon lat [alt]" separated by spaces.
func parseGxCoord(s string, line, col int) (kmlCoord, *kmlFault) {
	nums, reason := parseTuple(strings.Fields(s))
	if reason != "" {
		return kmlCoord{}, &kmlFault{line, col, strings.TrimSpace(s), reason}
	}
	return kmlCoord{nums[0], nums[1], nums[2], line, col}, nil
}

// parseTuple reads lon, lat and an optional altitude (NaN when absent).
func parseTuple(parts []string) ([3]float64, string) {
	out := [3]float64{0, 0, math.NaN()}
	if len(parts) < 2 || len(parts) > 3 {
		return out, fmt.Sprintf("a coordinate needs 2 or 3 numbers (lon,lat[,alt]), got %d", len(parts))
	}
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return out, fmt.Sprintf("%q is not a number", strings.TrimSpace(p))
		}
		out[i] = f
	}
	return out, ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// readKMLTrack reads a KML track: line strings and gx:Tracks are segments,
// points are waypoints.
func readKMLTrack(b *trackBuilder, x *xmlScanner) error {
	var docName, firstName string
	polygons := 0
	err := kmlWalk(x, &docName, func(pm *kmlPlacemark) error {
		if firstName == "" {
			firstName = pm.name
		}
		var add func(g *kmlGeom) error
		add = func(g *kmlGeom) error {
			for _, f := range g.faults {
				b.badCoord.add(f.line, f.text)
			}
			switch g.kind {
			case "Point":
				if len(g.coords) == 0 {
					return nil
				}
				c := g.coords[0]
				return b.waypoint(Waypoint{Lon: c.lon, Lat: c.lat, Ele: c.ele, Time: b.time(pm.when, pm.whenLine), Name: pm.name, Desc: pm.desc})
			case "LineString":
				for _, c := range g.coords {
					if err := b.add(Fix{Lon: c.lon, Lat: c.lat, Ele: c.ele}); err != nil {
						return err
					}
				}
				b.endSegment()
			case "Track":
				return kmlTrackSegment(b, g)
			case "MultiGeometry", "MultiTrack":
				for _, p := range g.parts {
					if err := add(p); err != nil {
						return err
					}
				}
			default:
				polygons++
			}
			return nil
		}
		for _, g := range pm.geoms {
			if err := add(g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.t.Encoding = x.charset.name()
	b.t.Name = docName
	if b.t.Name == "" {
		b.t.Name = firstName
	}
	if polygons > 0 {
		b.note("%s (polygons or rings) ignored: areas are not tracks", plural(polygons, "area"))
	}
	return nil
}

// kmlTrackSegment adds a gx:Track: its coords paired with its whens in order.
// When the counts differ the pairing is unknown, and the times are dropped.
func kmlTrackSegment(b *trackBuilder, g *kmlGeom) error {
	total := len(g.coords) + len(g.faults)
	times := len(g.times) > 0
	if times && len(g.times) != total {
		b.note("a gx:Track at line %d has %d when and %d gx:coord elements: its times are ignored", g.line, len(g.times), total)
		times = false
	}
	ci, bi := 0, 0
	for i := 0; i < total; i++ {
		if bi < len(g.badIdx) && g.badIdx[bi] == i {
			bi++ // an unreadable coord (counted already) and its when
			continue
		}
		c := g.coords[ci]
		ci++
		f := Fix{Lon: c.lon, Lat: c.lat, Ele: c.ele}
		if times {
			f.Time = b.time(g.times[i].s, g.times[i].line)
		}
		if err := b.add(f); err != nil {
			return err
		}
	}
	b.endSegment()
	return nil
}
