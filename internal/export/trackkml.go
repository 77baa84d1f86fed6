package export

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/twpayne/go-kml/v3"

	"warden/internal/geoio"
)

// Track is a patrol track as exported: its stored segments (WGS 84; a fix's
// elevation is NaN and its time zero where the file had none) and its
// observations.
type Track struct {
	ID                            int64
	Name                          string // the track's name in its file
	Reserve, Subject, SubjectKind string
	Segments                      []geoio.Segment
	Observations                  []Observation
}

// Observation is a track's waypoint as exported, with what it was read as.
type Observation struct {
	geoio.Waypoint
	Category, CategoryZH, ZoneKind string
}

// The colours of exported tracks (the web map's) and observations.
var (
	trackColor       = color.RGBA{R: 31, G: 79, B: 214, A: 255}
	observationColor = color.RGBA{R: 200, G: 30, B: 30, A: 255}
)

// TrackKML writes a track as a KML document: a Placemark per segment, as a
// gx:Track (a when and a gx:coord per fix) when every fix has a time, else as
// a LineString (a lone fix without time: a Point); altitudes are absolute
// where every fix of the segment has an elevation, else clamped to the
// ground (written as 0). Times are written to the second (KML's when is RFC
// 3339 without fractions here). Observations are Placemarks with a Point and
// their TimeStamp, in a folder of their own.
func TrackKML(w io.Writer, t Track) error {
	title := fmt.Sprintf("巡护轨迹 Track %d", t.ID)
	if t.Name != "" {
		title += ": " + t.Name
	}
	doc := []kml.Element{kml.Name(title),
		kml.SharedStyle("track", kml.LineStyle(kml.Color(trackColor), kml.Width(3))),
		kml.SharedStyle("observation", kml.IconStyle(kml.Color(observationColor), kml.Scale(0.9),
			kml.Icon(kml.Href("http://maps.google.com/mapfiles/kml/shapes/caution.png")))),
	}
	segs := []kml.Element{kml.Name("轨迹 Segments")}
	for i, seg := range t.Segments {
		segs = append(segs, kml.Placemark(
			kml.Name(fmt.Sprintf("段 Segment %d", i+1)),
			kml.StyleURL("#track"),
			kml.ExtendedData(
				kml.Data("track", kml.Value(strconv.FormatInt(t.ID, 10))),
				kml.Data("segment", kml.Value(strconv.Itoa(i+1))),
				kml.Data("points", kml.Value(strconv.Itoa(seg.Len()))),
				kml.Data("subject", kml.Value(t.Subject)),
				kml.Data("subject_kind", kml.Value(t.SubjectKind)),
				kml.Data("reserve", kml.Value(t.Reserve)),
			),
			segmentGeometry(seg.Fixes()),
		))
	}
	doc = append(doc, kml.Folder(segs...))
	if len(t.Observations) > 0 {
		obs := []kml.Element{kml.Name("观测点 Observations")}
		for _, o := range t.Observations {
			pm := []kml.Element{kml.Name(o.Name), kml.StyleURL("#observation")}
			if o.Desc != "" {
				pm = append(pm, kml.Description(o.Desc))
			}
			if !o.Time.IsZero() {
				pm = append(pm, kml.TimeStamp(kml.When(o.Time.UTC())))
			}
			pm = append(pm,
				kml.ExtendedData(
					kml.Data("category", kml.Value(o.Category)),
					kml.Data("category_zh", kml.Value(o.CategoryZH)),
					kml.Data("zone_kind", kml.Value(o.ZoneKind)),
					kml.Data("type", kml.Value(o.Type)),
					kml.Data("sym", kml.Value(o.Sym)),
				),
				kml.Point(kml.Coordinates(kml.Coordinate{Lon: o.Lon, Lat: o.Lat, Alt: zeroNaN(o.Ele)})))
			obs = append(obs, kml.Placemark(pm...))
		}
		doc = append(doc, kml.Folder(obs...))
	}
	return kml.GxKML(kml.Document(doc...)).WriteIndent(w, "", " ")
}

// segmentGeometry is one segment's KML geometry (see TrackKML).
func segmentGeometry(seg []geoio.Fix) kml.Element {
	timed, withEle := true, true
	for _, f := range seg {
		timed = timed && !f.Time.IsZero()
		withEle = withEle && !math.IsNaN(f.Ele)
	}
	mode := kml.AltitudeMode(kml.AltitudeModeClampToGround)
	if withEle {
		mode = kml.AltitudeMode(kml.AltitudeModeAbsolute)
	}
	coord := func(f geoio.Fix) kml.Coordinate { return kml.Coordinate{Lon: f.Lon, Lat: f.Lat, Alt: zeroNaN(f.Ele)} }
	if timed {
		track := []kml.Element{mode}
		for _, f := range seg {
			track = append(track, kml.When(f.Time.UTC()))
		}
		for _, f := range seg {
			track = append(track, kml.GxCoord(coord(f)))
		}
		return kml.GxTrack(track...)
	}
	cs := make([]kml.Coordinate, len(seg))
	for i, f := range seg {
		cs[i] = coord(f)
	}
	if len(cs) == 1 {
		return kml.Point(mode, kml.Coordinates(cs...))
	}
	return kml.LineString(mode, kml.Coordinates(cs...))
}

func zeroNaN(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
