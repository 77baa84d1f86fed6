package screening

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/geoio"
	"warden/internal/zoning"
)

// footprint is the assembled footprint: its polygonal, linear and point parts
// as WKB in EPSG:4326 (nil when absent; overlaps dissolved), the whole as
// screened, and its measures.
type footprint struct {
	poly, line, point, whole []byte
	// simple is whole simplified by tau metres at most (Hausdorff distance),
	// for finding the nearest zone boundaries cheaply.
	simple                  []byte
	tau                     float64
	skipped                 int
	areaM2, lengthM         float64
	points, features, verts int
	bbox                    [4]float64
}

func (f footprint) measure() string {
	switch {
	case f.poly != nil:
		return "area"
	case f.line != nil:
		return "length"
	}
	return "points"
}

// zoning is the footprint as zoning measures it.
func (f footprint) zoning() zoning.Footprint {
	return zoning.Footprint{Polys: f.poly, Lines: f.line, Points: f.point, Whole: f.whole, Simple: f.simple, Tau: f.tau}
}

// assemble transforms the elements to EPSG:4326 and splits them by dimension.
// Several polygons are dissolved into one MultiPolygon (ST_UnaryUnion) so
// that overlaps are not counted twice; lines and points likewise.
func assemble(ctx context.Context, tx pgx.Tx, els []element, crs geoio.CRS, distance float64, limit int) (footprint, error) {
	w, dims := columns(els)
	// tau is a thousandth of the search distance: distances found with the
	// simplified footprint are refined with the footprint itself (see nearest).
	f := footprint{tau: distance / 1000}
	npoly := 0
	feats := map[int]bool{}
	for _, e := range els {
		if e.dim == 2 {
			npoly++
		}
		feats[e.feature] = true
	}
	f.features = len(feats)
	var minx, miny, maxx, maxy float64
	err := tx.QueryRow(ctx, `
		WITH e AS (
			SELECT t.d, ST_Transform(ST_SetSRID(ST_GeomFromWKB(t.w), $2::int), 4326) AS g
			FROM unnest($1::bytea[], $3::int[]) AS t(w, d)
		), c AS (
			SELECT ST_CollectionExtract(ST_Collect(g) FILTER (WHERE d = 2), 3) AS a,
			       ST_CollectionExtract(ST_Collect(g) FILTER (WHERE d = 1), 2) AS l,
			       ST_CollectionExtract(ST_Collect(g) FILTER (WHERE d = 0), 1) AS p,
			       CASE WHEN count(*) = 1 THEN (array_agg(g))[1] ELSE ST_Collect(g) END AS whole
			FROM e
		), u AS (
			SELECT ST_Multi(CASE WHEN $4 THEN ST_UnaryUnion(a) ELSE a END) AS a,
			       ST_Multi(ST_UnaryUnion(l)) AS l, ST_Multi(ST_UnaryUnion(p)) AS p, whole
			FROM c
		)
		SELECT ST_AsBinary(a), ST_AsBinary(l), ST_AsBinary(p), ST_AsBinary(whole),
		       coalesce(ST_Area(a::geography), 0), coalesce(ST_Length(l::geography), 0), coalesce(ST_NumGeometries(p), 0),
		       ST_NPoints(whole), ST_XMin(whole), ST_YMin(whole), ST_XMax(whole), ST_YMax(whole)
		FROM u`, w, crs.SRID(), dims, npoly > 1).
		Scan(&f.poly, &f.line, &f.point, &f.whole, &f.areaM2, &f.lengthM, &f.points, &f.verts, &minx, &miny, &maxx, &maxy)
	if err != nil {
		return f, err
	}
	f.bbox = [4]float64{minx, miny, maxx, maxy}
	if f.line, err = LinePieces(f.line, pieceVertices); err != nil {
		return f, err
	}
	f.simple, err = simplified(f.whole, f.tau, limit)
	return f, err
}

// simplified is the footprint whole (WKB, lon/lat) simplified by tau metres
// at most, for finding the nearest zone boundaries cheaply (see
// simplifyDegrees), prepared in Go with bounded work (SimplifyBounded,
// Segmentize); more than limit vertices is refused.
func simplified(whole []byte, tau float64, limit int) ([]byte, error) {
	g, err := wkb.Unmarshal(whole)
	if err != nil {
		return nil, fmt.Errorf("screening: read footprint: %w", err)
	}
	g, ok := Segmentize(SimplifyBounded(g, simplifyDegrees(tau)), EdgeDegrees, limit)
	if !ok {
		return nil, tooComplex(limit)
	}
	return wkb.Marshal(g)
}

// simplifyDegrees is the SimplifyBounded tolerance, in degrees,
// that moves no point of a lon/lat geometry by more than tau/2 metres (a
// degree is at most 111.7 km). The simplified footprint is then segmentized
// to edges of at most EdgeDegrees (about 2 km), so that reading its edges as great
// circles rather than straight lon/lat lines moves them by well under a metre;
// all told it stays within tau of the footprint.
func simplifyDegrees(tau float64) float64 { return tau / 2 / 111_700 }
