package patrol

import (
	"context"
	"io"
	"math"

	"warden/internal/export"
	"warden/internal/geoio"
)

// WriteKML writes a stored track as KML (export.TrackKML): a gx:Track per
// segment with its fixes' times and elevations, and the observations as
// placemarks with their times.
func (s *Store) WriteKML(ctx context.Context, id int64, w io.Writer) error {
	st, err := s.stored(ctx, id)
	if err != nil {
		return err
	}
	t := export.Track{ID: id, Name: st.name, Subject: st.summary.Subject, SubjectKind: string(st.summary.SubjectKind), Segments: st.segments}
	if st.summary.Reserve != nil {
		t.Reserve = *st.summary.Reserve
	}
	for _, o := range st.observations {
		wp := geoio.Waypoint{Lon: o.Lon, Lat: o.Lat, Ele: math.NaN(), Name: o.Name, Desc: o.Description, Type: o.Type, Sym: o.Sym}
		if o.Ele != nil {
			wp.Ele = *o.Ele
		}
		if o.ObservedAt != nil {
			wp.Time = *o.ObservedAt
		}
		t.Observations = append(t.Observations, export.Observation{Waypoint: wp, Category: o.Category, CategoryZH: o.CategoryZH, ZoneKind: string(o.ZoneKind)})
	}
	return export.TrackKML(w, t)
}
