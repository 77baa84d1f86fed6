package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"warden/internal/markers"
)

// announcementHeader names the columns of the coordinate announcement table,
// in Chinese and English.
var announcementHeader = []string{
	"序号 No.", "点号 code", "类型 kind", "状态 status",
	"经度 lon (°)", "纬度 lat (°)", "经度 lon (DMS)", "纬度 lat (DMS)",
	"带号 zone", "坐标系 CRS", "X 纵坐标 northing (m)", "Y 横坐标 easting (m)",
}

// AnnouncementCSV writes the boundary-marker coordinate announcement table
// (公告坐标点位) as reserves publish it: per marker its code and kind, the
// CGCS2000 longitude and latitude in decimal degrees (8 decimals, about 1 mm)
// and in degrees-minutes-seconds (0.0001″), and its CGCS2000 3-degree
// Gauss-Krüger X (northing) and Y (easting with the zone number prefixed) in
// metres. The file is UTF-8 with a byte-order mark and CRLF line ends, so
// that Excel opens the Chinese text correctly.
func AnnouncementCSV(w io.Writer, rows []Announced) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(announcementHeader); err != nil {
		return err
	}
	for i, a := range rows {
		rec := []string{
			strconv.Itoa(i + 1), a.Code, markers.Kinds[a.Kind], markers.Statuses[a.Status],
			strconv.FormatFloat(a.Lon, 'f', 8, 64), strconv.FormatFloat(a.Lat, 'f', 8, 64),
			DMS(a.Lon, "E", "W"), DMS(a.Lat, "N", "S"),
			"", "", "", "",
		}
		if a.X != nil && a.Y != nil {
			rec[8], rec[9] = strconv.Itoa(a.Zone), a.CRS.String()
			rec[10], rec[11] = strconv.FormatFloat(*a.X, 'f', 3, 64), strconv.FormatFloat(*a.Y, 'f', 3, 64)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// DMS writes an angle in degrees as degrees, minutes and seconds to 0.0001″
// with its hemisphere letter (pos for positive values, neg for negative):
// DMS(81.4072880, "E", "W") is 81°24′26.2368″E.
func DMS(deg float64, pos, neg string) string {
	h := pos
	if deg < 0 {
		h = neg
	}
	const unit = 10000 // units of 0.0001″ per second
	u := int64(math.Round(math.Abs(deg) * 3600 * unit))
	d := u / (3600 * unit)
	m := u % (3600 * unit) / (60 * unit)
	s := float64(u%(60*unit)) / unit
	return fmt.Sprintf("%d°%02d′%07.4f″%s", d, m, s, h)
}
