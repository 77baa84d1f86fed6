package cases

import (
	"context"
	"encoding/json"

	"warden/internal/geoio"
)

// sampleCellM is the grid cell size generated for each sample reserve.
var sampleCellM = map[string]float64{"qiangtang": 50_000, "alt-pirineu": 5_000}

// LoadSample gives a sample reserve its ILLUSTRATIVE administrative units
// (IllustrativeAreas over the reserve's extent) and a regular grid of cells
// clipped to its zones. Reserves without illustrative units are left alone.
// It is called by internal/sample once the reserve's zones are in.
func (s *Store) LoadSample(ctx context.Context, reserve string) error {
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
