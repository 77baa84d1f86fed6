package grid

import (
	"context"
	"encoding/json"
	"fmt"

	"warden/internal/db"
	"warden/internal/geoio"
)

// illustrativeUnits are the sample reserves' administrative units, west to
// east. Qiangtang: the seven counties its source data lists (adminarea: 安多、
// 尼玛、双湖、革吉、日土、改则、噶尔), ordered by the longitude of their county
// seats, with their GB/T 2260 codes. Alt Pirineu: the two comarques of the
// Pallars Sobirà and the Alt Urgell.
var illustrativeUnits = map[string][]Area{
	"qiangtang": {
		{Code: "542524", NameZH: "日土县", NameEN: "Rutog County", ParentCode: "542500", ParentName: "阿里地区"},
		{Code: "542523", NameZH: "噶尔县", NameEN: "Gar County", ParentCode: "542500", ParentName: "阿里地区"},
		{Code: "542525", NameZH: "革吉县", NameEN: "Gê'gyai County", ParentCode: "542500", ParentName: "阿里地区"},
		{Code: "542526", NameZH: "改则县", NameEN: "Gêrzê County", ParentCode: "542500", ParentName: "阿里地区"},
		{Code: "540629", NameZH: "尼玛县", NameEN: "Nyima County", ParentCode: "540600", ParentName: "那曲市"},
		{Code: "540630", NameZH: "双湖县", NameEN: "Shuanghu County", ParentCode: "540600", ParentName: "那曲市"},
		{Code: "540624", NameZH: "安多县", NameEN: "Amdo County", ParentCode: "540600", ParentName: "那曲市"},
	},
	"alt-pirineu": {
		{Code: "es-25-pallars-sobira", NameZH: "帕利亚尔斯索比拉", NameEN: "Pallars Sobirà", ParentCode: "es-25", ParentName: "Lleida",
			UnitName: "Consell Comarcal del Pallars Sobirà", Timezone: "Europe/Madrid"},
		{Code: "es-25-alt-urgell", NameZH: "上乌赫尔", NameEN: "Alt Urgell", ParentCode: "es-25", ParentName: "Lleida",
			UnitName: "Consell Comarcal de l'Alt Urgell", Timezone: "Europe/Madrid"},
	},
}

// IllustrativeAreas cuts a sample reserve's bounding box (minLon, minLat,
// maxLon, maxLat), widened by 0.05°, into equal-width north-south strips, one
// per unit in illustrativeUnits, west to east. They are NOT the real county
// boundaries (there is no openly licensed set in the corpus): they only give
// every place in the sample reserve a responsible unit to route to. Nil for
// a reserve without illustrative units.
func IllustrativeAreas(reserve string, bbox [4]float64) *FeatureCollection {
	units := illustrativeUnits[reserve]
	if units == nil {
		return nil
	}
	const pad = 0.05
	x0, y0, x1, y1 := bbox[0]-pad, bbox[1]-pad, bbox[2]+pad, bbox[3]+pad
	w := (x1 - x0) / float64(len(units))
	fc := &FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	round := func(v float64) float64 { return float64(int64(v*1e6+0.5*sign(v))) / 1e6 }
	for i, u := range units {
		a, b := round(x0+float64(i)*w), round(x0+float64(i+1)*w)
		if i == len(units)-1 {
			b = round(x1)
		}
		ring := [][2]float64{{a, round(y0)}, {b, round(y0)}, {b, round(y1)}, {a, round(y1)}, {a, round(y0)}}
		g, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}})
		tz := u.Timezone
		if tz == "" {
			tz = "Asia/Shanghai"
		}
		props := map[string]any{"code": u.Code, "name_zh": u.NameZH, "name_en": u.NameEN, "level": "county", "parent_code": u.ParentCode,
			"parent_name": u.ParentName, "timezone": tz, "illustrative": true,
			"note": fmt.Sprintf("ILLUSTRATIVE, not the real boundary: strip %d of %d of the sample reserve %s's extent, west to east", i+1, len(units), reserve)}
		if u.UnitName != "" {
			props["unit_name"] = u.UnitName
		}
		fc.Features = append(fc.Features, Feature{Type: "Feature", Geometry: g, Properties: props})
	}
	return fc
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// sampleCellM is the grid cell size generated for each sample reserve.
var sampleCellM = map[string]float64{"qiangtang": 50_000, "alt-pirineu": 5_000}

// LoadSample gives a sample reserve its ILLUSTRATIVE administrative units
// (IllustrativeAreas over the reserve's extent) and a regular grid of cells
// clipped to its zones. Reserves without illustrative units are left alone.
// It is called by internal/sample once the reserve's zones are in.
func (s *Store) LoadSample(ctx context.Context, reserve string) (err error) {
	defer db.Wrap(&err, "grid: load sample %q", reserve)
	if illustrativeUnits[reserve] == nil {
		return nil
	}
	var b [4]float64
	if err := s.pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(z.geom)::geometry e FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current
		      JOIN reserve r ON r.id = z.reserve_id WHERE r.code = $1) x`, reserve).Scan(&b[0], &b[1], &b[2], &b[3]); err != nil {
		return err
	}
	doc, err := json.Marshal(IllustrativeAreas(reserve, b))
	if err != nil {
		return err
	}
	if _, _, err := s.ImportAreas(ctx, doc, geoio.WGS84, false, "sample"); err != nil {
		return err
	}
	_, err = s.GenerateGrid(ctx, reserve, sampleCellM[reserve], "sample")
	return err
}
