package geoio

import (
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"time"
)

// tcxReader reads Garmin Training Center XML (TCX v2): activities with laps
// and courses, each Track a segment. See xmlScanner for why this is
// hand-written.
type tcxReader struct {
	b *trackBuilder
	x *xmlScanner
}

// tcxPoint is a Trackpoint or CoursePoint as read.
type tcxPoint struct {
	lon, lat   float64
	hasPos, ok bool
	ele        float64
	time       time.Time
	name, desc string
	typ        string
}

func readTCX(b *trackBuilder, x *xmlScanner) error {
	root, err := rootElement(x)
	if err != nil {
		return err
	}
	if root.Name.Local != "TrainingCenterDatabase" {
		return unsupported(fmt.Sprintf("the file looked like TCX but its root element is <%s>", qname(root.Name)), trackFormats)
	}
	r := &tcxReader{b: b, x: x}
	if err := r.walk(); err != nil {
		return err
	}
	if err := endOfDocument(x); err != nil {
		return err
	}
	b.t.Encoding = x.charset.name()
	return nil
}

// walk descends through the containers (Activities, Activity, Lap, Courses,
// Course...) to the Tracks and CoursePoints.
func (r *tcxReader) walk() error {
	return r.x.children(func(e xml.StartElement) error {
		switch e.Name.Local {
		case "Track":
			err := r.x.children(func(e xml.StartElement) error {
				if e.Name.Local != "Trackpoint" {
					return r.x.skip()
				}
				p, err := r.point()
				if err != nil || !p.ok {
					return err
				}
				return r.b.add(Fix{Lon: p.lon, Lat: p.lat, Ele: p.ele, Time: p.time})
			})
			r.b.endSegment()
			return err
		case "CoursePoint":
			p, err := r.point()
			if err != nil || !p.ok {
				return err
			}
			return r.b.waypoint(Waypoint{Lon: p.lon, Lat: p.lat, Ele: p.ele, Time: p.time, Name: p.name, Desc: p.desc, Type: p.typ})
		case "Id", "Name":
			parent := r.x.stack[len(r.x.stack)-2].Local
			s, err := r.x.text()
			if (parent == "Activity" || parent == "Course") && r.b.t.Name == "" {
				r.b.t.Name = strings.TrimSpace(s)
			}
			return err
		case "Extensions", "Creator", "Author", "Workouts":
			return r.x.skip()
		}
		return r.walk()
	})
}

// point reads a Trackpoint or CoursePoint. A point without a Position is
// counted apart (TCX records them during pauses and for sensor-only samples);
// one whose degrees are not numbers is counted as unreadable. ok says the
// point has a usable position.
func (r *tcxReader) point() (tcxPoint, error) {
	p := tcxPoint{ele: math.NaN()}
	line := r.x.line()
	var latS, lonS string
	err := r.x.children(func(e xml.StartElement) error {
		var dst *string
		switch e.Name.Local {
		case "Position":
			p.hasPos = true
			return r.x.children(func(e xml.StartElement) error {
				switch e.Name.Local {
				case "LatitudeDegrees":
					dst = &latS
				case "LongitudeDegrees":
					dst = &lonS
				default:
					return r.x.skip()
				}
				s, err := r.x.text()
				*dst = s
				return err
			})
		case "AltitudeMeters":
			s, err := r.x.text()
			p.ele = r.b.ele(s, r.x.line())
			return err
		case "Time":
			s, err := r.x.text()
			p.time = r.b.time(s, r.x.line())
			return err
		case "Name":
			dst = &p.name
		case "Notes":
			dst = &p.desc
		case "PointType":
			dst = &p.typ
		default:
			return r.x.skip()
		}
		s, err := r.x.text()
		*dst = strings.TrimSpace(s)
		return err
	})
	if err != nil {
		return p, err
	}
	if !p.hasPos {
		r.b.noPos++
		return p, nil
	}
	var latOK, lonOK bool
	p.lat, latOK = coord(latS)
	p.lon, lonOK = coord(lonS)
	p.ok = latOK && lonOK
	if !p.ok {
		r.b.badCoord.add(line, fmt.Sprintf("LatitudeDegrees %q, LongitudeDegrees %q", strings.TrimSpace(latS), strings.TrimSpace(lonS)))
	}
	return p, nil
}
