package patrol

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"time"
)

// WriteGPX writes a stored track as GPX 1.1: its observations as waypoints
// (name, description, type, symbol, elevation, time) and one trkseg per
// stored segment, each fix with its elevation and time where it has them,
// exactly as stored (WGS 84, times to the microsecond).
func (s *Store) WriteGPX(ctx context.Context, id int64, w io.Writer) error {
	st, err := s.stored(ctx, id)
	if err != nil {
		return err
	}
	b := bufio.NewWriterSize(w, 64<<10)
	b.WriteString(xml.Header)
	b.WriteString(`<gpx version="1.1" creator="Warden" xmlns="http://www.topografix.com/GPX/1/1">` + "\n")
	b.WriteString(" <metadata>")
	text(b, "name", st.name)
	text(b, "time", st.created.UTC().Format(time.RFC3339))
	b.WriteString("</metadata>\n")
	for _, o := range st.observations {
		b.WriteString(" <wpt")
		latLon(b, o.Lat, o.Lon)
		if o.Ele != nil {
			text(b, "ele", num(*o.Ele))
		}
		if o.ObservedAt != nil {
			text(b, "time", o.ObservedAt.UTC().Format(time.RFC3339Nano))
		}
		text(b, "name", o.Name)
		text(b, "desc", o.Description)
		text(b, "sym", o.Sym)
		text(b, "type", o.Type)
		b.WriteString("</wpt>\n")
	}
	if len(st.segments) > 0 {
		b.WriteString(" <trk>")
		text(b, "name", st.name)
		b.WriteString("\n")
		for _, seg := range st.segments {
			b.WriteString("  <trkseg>\n")
			for k := range seg.Len() {
				f := seg.At(k)
				b.WriteString("   <trkpt")
				latLon(b, f.Lat, f.Lon)
				if !math.IsNaN(f.Ele) {
					text(b, "ele", num(f.Ele))
				}
				if !f.Time.IsZero() {
					text(b, "time", f.Time.UTC().Format(time.RFC3339Nano))
				}
				b.WriteString("</trkpt>\n")
			}
			b.WriteString("  </trkseg>\n")
		}
		b.WriteString(" </trk>\n")
	}
	b.WriteString("</gpx>\n")
	return b.Flush()
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func latLon(b *bufio.Writer, lat, lon float64) {
	b.WriteString(` lat="` + num(lat) + `" lon="` + num(lon) + `">`)
}

// text writes <tag>v</tag>, escaped; nothing for empty v.
func text(b *bufio.Writer, tag, v string) {
	if v == "" {
		return
	}
	b.WriteString("<" + tag + ">")
	_ = xml.EscapeText(b, []byte(v))
	b.WriteString("</" + tag + ">")
}
