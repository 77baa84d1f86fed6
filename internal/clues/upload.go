package clues

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"warden/internal/db"
	"warden/internal/export"
	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/problem"
)

// MaxClues caps the change detections in one batch.
const MaxClues = 10_000

// UploadInput is a batch upload: the file and the multipart fields.
type UploadInput struct {
	FileName     string
	Data         []byte
	Source       string
	ImagedBefore string
	ImagedAfter  string
}

// detection is one feature of a batch file, read and checked.
type detection struct {
	index      int
	geom       orb.Geometry
	change     ChangeType
	externalID string
	confidence *float64
	areaHa     *float64
	props      map[string]any
}

// Attribute names read from a detection's properties, normalised (see
// normName), in order of preference.
var (
	changeKeys     = []string{"changetype", "change", "type", "class", "变化类型", "变化类别", "问题类型", "类型", "类别", "地类"}
	confidenceKeys = []string{"confidence", "conf", "score", "置信度", "可信度"}
	areaKeys       = []string{"areaha", "area", "面积公顷", "面积", "图斑面积"}
	idKeys         = []string{"id", "alertid", "clueid", "编号", "图斑编号", "线索编号"}
)

// Upload reads a batch of change detections and stores it with every clue
// located, all or nothing. The same file uploaded again answers the stored
// batch with created false and stores nothing. Every refusal is a
// *problem.Error saying where.
func (s *Store) Upload(ctx context.Context, in UploadInput, actor string) (Batch, bool, error) {
	before, after, err := checkFields(in)
	if err != nil {
		return Batch{}, false, err
	}
	sum := sha256.Sum256(in.Data)
	var existing int64
	err = s.pool.QueryRow(ctx, `SELECT id FROM clue_batch WHERE sha256 = $1`, sum[:]).Scan(&existing)
	if err == nil {
		b, err := s.Batch(ctx, existing)
		return b, false, err
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return Batch{}, false, fmt.Errorf("clues: batch by file: %w", err)
	}
	format, feats, crs, err := decode(ctx, in.FileName, in.Data)
	if err != nil {
		return Batch{}, false, err
	}
	dets, err := readDetections(feats)
	if err != nil {
		return Batch{}, false, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return Batch{}, false, fmt.Errorf("clues: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	geoms, err := checkGeometries(ctx, tx, dets, crs)
	if err != nil {
		return Batch{}, false, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO clue_batch (sha256, source, imaged_before, imaged_after, file_name, format, features, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		sum[:], in.Source, before, after.Time, in.FileName, format, len(dets), actor).Scan(&id); err != nil {
		return Batch{}, false, fmt.Errorf("clues: batch: %w", err)
	}
	lc, err := s.locator(ctx, tx, after)
	if err != nil {
		return Batch{}, false, err
	}
	for i, d := range dets {
		if err := lc.store(ctx, tx, id, d, geoms[i], before); err != nil {
			return Batch{}, false, fmt.Errorf("clues: batch %d feature %d: %w", id, d.index, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return Batch{}, false, fmt.Errorf("clues: commit batch: %w", err)
	}
	b, err := s.Batch(ctx, id)
	return b, true, err
}

// checkFields checks the form fields: a source and the image dates.
func checkFields(in UploadInput) (*law.Date, law.Date, error) {
	var ps []problem.Detail
	if strings.TrimSpace(in.Source) == "" {
		ps = append(ps, problem.At(-1, "source", "source is required: name where the detections come from, e.g. 省级遥感解译 or an alert feed"))
	} else if len(in.Source) > 500 {
		ps = append(ps, problem.At(-1, "source", "source is longer than 500 bytes"))
	}
	var before *law.Date
	after, err := law.ParseDate(in.ImagedAfter)
	if err != nil {
		ps = append(ps, problem.At(-1, "imaged_after", "imaged_after (the date of the later image, YYYY-MM-DD) is required: the change is judged under the law in force that day"))
	}
	if in.ImagedBefore != "" {
		d, err := law.ParseDate(in.ImagedBefore)
		switch {
		case err != nil:
			ps = append(ps, problem.At(-1, "imaged_before", fmt.Sprintf("imaged_before %q is not a date YYYY-MM-DD", in.ImagedBefore)))
		case len(ps) == 0 && d.After(after.Time):
			ps = append(ps, problem.At(-1, "imaged_before", fmt.Sprintf("imaged_before %s is after imaged_after %s", d, after)))
		default:
			before = &d
		}
	}
	if len(in.Data) == 0 {
		ps = append(ps, problem.At(-1, "file", "the file part is missing or empty"))
	}
	if len(ps) > 0 {
		return nil, after, problem.Invalid("invalid-clue-batch", problem.Summary(ps), ps...)
	}
	return before, after, nil
}

// decode reads the batch file by its content: a zipped shapefile, a
// GeoPackage, GeoJSON or a CSV of points.
func decode(ctx context.Context, name string, data []byte) (string, []geoio.Feature, geoio.CRS, error) {
	if export.IsGeoPackage(data) {
		g, err := export.ReadGeoPackage(ctx, data)
		return "gpkg", g.Features, g.CRS, err
	}
	switch geoio.DetectFormat(name, data[:min(len(data), 4096)]) {
	case geoio.FormatZip:
		sh, err := export.ReadShapefile(ctx, data, export.ShapefileOptions{})
		return "shapefile", sh.Features, sh.CRS, err
	case geoio.FormatGeoJSON:
		feats, err := geoio.DecodeGeoJSON(data, geoio.GeoJSONOptions{})
		return "geojson", feats, geoio.WGS84, err
	case geoio.FormatCSV:
		feats, err := geoio.ReadPointTable(data)
		return "csv", feats, geoio.WGS84, err
	}
	return "", nil, 0, &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-format", Title: "Unsupported format",
		Detail: fmt.Sprintf("the file %q is not a batch of change detections Warden reads: send GeoJSON, a zipped shapefile, a GeoPackage or a CSV of points with lon/lat columns", name)}
}

// readDetections checks every feature's geometry type and attributes and
// reports every fault together.
func readDetections(feats []geoio.Feature) ([]detection, error) {
	if len(feats) == 0 {
		return nil, problem.Invalid("empty-collection", "the file has no features: a batch needs at least one change detection")
	}
	if len(feats) > MaxClues {
		return nil, problem.TooLarge(fmt.Sprintf("the file has %d features; a batch holds at most %d", len(feats), MaxClues))
	}
	var ps []problem.Detail
	bad := func(i int, ptr, format string, args ...any) {
		if len(ps) < 50 {
			ps = append(ps, problem.At(i, fmt.Sprintf("features[%d].%s", i, ptr), fmt.Sprintf("feature %d: ", i)+fmt.Sprintf(format, args...)))
		}
	}
	out := make([]detection, 0, len(feats))
	for i, f := range feats {
		d := detection{index: i, geom: f.Geometry, props: f.Properties}
		switch f.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon, orb.Point, orb.MultiPoint:
		case nil:
			bad(i, "geometry", "has no geometry")
		default:
			bad(i, "geometry", "is a %s: a change detection is a polygon or a point", f.Geometry.GeoJSONType())
		}
		key, v := prop(f.Properties, changeKeys)
		if ct, ok := ParseChangeType(fmt.Sprint(v)); ok && v != nil {
			d.change = ct
		} else if key == "" {
			bad(i, "properties.change_type", "has no change type: give change_type (or 变化类型) as construction, quarry_mine, road, farmland, hydropower, tourism_facility, deforestation or other, or their Chinese names")
		} else {
			bad(i, "properties."+key, "change type %q is unknown: use construction, quarry_mine, road, farmland, hydropower, tourism_facility, deforestation or other (新增建设、采石采矿、道路、开垦耕地、水电、旅游设施、毁林、其他)", fmt.Sprint(v))
		}
		if key, v := prop(f.Properties, confidenceKeys); key != "" {
			c, ok := number(v)
			if ok && c > 1 && c <= 100 {
				c /= 100 // a percentage
			}
			if !ok || c < 0 || c > 1 {
				bad(i, "properties."+key, "confidence %v is not a number from 0 to 1 (or a percentage)", v)
			}
			d.confidence = &c
		}
		if key, v := prop(f.Properties, areaKeys); key != "" {
			a, ok := number(v)
			if !ok || a < 0 {
				bad(i, "properties."+key, "area %v is not a number of hectares", v)
			}
			d.areaHa = &a
		}
		if key, v := prop(f.Properties, idKeys); key != "" && v != nil {
			d.externalID = fmt.Sprint(v)
		} else if f.ID != nil {
			d.externalID = fmt.Sprint(f.ID)
		}
		out = append(out, d)
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-clue-batch", "the batch is refused whole: "+problem.Summary(ps), ps...)
	}
	return out, nil
}

// prop finds the first of keys among props (names compared normalised).
func prop(props map[string]any, keys []string) (string, any) {
	for _, k := range keys {
		for name, v := range props {
			if normName(name) == k {
				return name, v
			}
		}
	}
	return "", nil
}

// number reads a JSON number or a numeric string.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(x), "%"), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// checkGeometries transforms every detection to WGS 84 and checks it with
// ST_IsValidDetail, reporting every invalid one with its reason and place.
// It returns the geometries as EWKB in EPSG:4326.
func checkGeometries(ctx context.Context, tx pgx.Tx, dets []detection, crs geoio.CRS) ([][]byte, error) {
	srid := crs.SRID()
	if srid == 0 {
		srid = 4326
	}
	raws := make([]driver.Valuer, len(dets))
	for i, d := range dets {
		raws[i] = db.Geom(d.geom)
	}
	rows, err := tx.Query(ctx, `SELECT i - 1, v.valid, v.reason, ST_X(v.location), ST_Y(v.location), ST_AsEWKB(g.geom)
		FROM unnest($1::bytea[]) WITH ORDINALITY AS u(raw, i),
		LATERAL (SELECT ST_Transform(ST_SetSRID(ST_GeomFromWKB(u.raw), $2), 4326) AS geom) g,
		LATERAL ST_IsValidDetail(g.geom) v ORDER BY i`, raws, srid)
	if err != nil {
		return nil, fmt.Errorf("clues: check geometries: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, len(dets))
	var ps []problem.Detail
	for rows.Next() {
		var i int
		var valid bool
		var reason *string
		var x, y *float64
		var g []byte
		if err := rows.Scan(&i, &valid, &reason, &x, &y, &g); err != nil {
			return nil, fmt.Errorf("clues: check geometries: %w", err)
		}
		out[i] = g
		if !valid && len(ps) < 50 {
			d := problem.At(dets[i].index, fmt.Sprintf("features[%d].geometry", dets[i].index), fmt.Sprintf("feature %d: invalid geometry: %s", dets[i].index, deref(reason)))
			if x != nil && y != nil {
				d.Location = []float64{*x, *y}
			}
			ps = append(ps, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clues: check geometries: %w", err)
	}
	if len(ps) > 0 {
		return nil, problem.Invalid("invalid-geometry", "the batch is refused whole: "+problem.Summary(ps), ps...)
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
