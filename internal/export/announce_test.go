package export

import (
	"bytes"
	"strings"
	"testing"

	"warden/internal/geoio"
)

func TestDMS(t *testing.T) {
	for _, c := range []struct {
		deg      float64
		pos, neg string
		want     string
	}{
		{81.407288, "E", "W", "81°24′26.2368″E"},
		{33.05249, "N", "S", "33°03′08.9640″N"},
		{-0.5, "E", "W", "0°30′00.0000″W"},
		{29.99999999, "N", "S", "30°00′00.0000″N"}, // rounding carries into degrees
		{1.0000138889, "E", "W", "1°00′00.0500″E"},
	} {
		if got := DMS(c.deg, c.pos, c.neg); got != c.want {
			t.Errorf("DMS(%v) = %s, want %s", c.deg, got, c.want)
		}
	}
}

func TestAnnouncementCSVFormat(t *testing.T) {
	x, y := 3658643.18, 27538039.95
	var buf bytes.Buffer
	if err := AnnouncementCSV(&buf, []Announced{
		{Code: "QT-001", Kind: "post", Status: "intact", Lon: 81.407288, Lat: 33.05249, Zone: 27, CRS: geoio.CRS(4515), X: &x, Y: &y},
		{Code: "AP-001", Kind: "monument", Status: "damaged", Lon: 1.244884, Lat: 42.384336},
	}); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF序号 No.,点号 code,类型 kind,状态 status,经度 lon (°),纬度 lat (°),经度 lon (DMS),纬度 lat (DMS),带号 zone,坐标系 CRS,X 纵坐标 northing (m),Y 横坐标 easting (m)\r\n" +
		"1,QT-001,界桩,完好,81.40728800,33.05249000,81°24′26.2368″E,33°03′08.9640″N,27,EPSG:4515,3658643.180,27538039.950\r\n" +
		"2,AP-001,界碑,损坏,1.24488400,42.38433600,1°14′41.5824″E,42°23′03.6096″N,,,,\r\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
	if !strings.HasPrefix(buf.String(), "\xEF\xBB\xBF") {
		t.Error("no UTF-8 BOM")
	}
}
