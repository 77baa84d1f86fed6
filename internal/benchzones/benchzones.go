// Package benchzones builds the benchmark reserves several packages'
// benchmarks and large tests share: a sample reserve's zones from geodata/
// densified in PostGIS (ST_Segmentize on the geography) until they reach
// the vertex count the product's speed targets are stated for, stored
// through zoning's own store as any import is. It is test support: only
// _test files import it.
package benchzones

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"warden/geodata"
	"warden/internal/geoio"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

// A Spec says how a benchmark reserve is generated: which sample zoning
// is densified, to what segment length, and how many vertices it must reach.
type Spec struct {
	Code, Source   string
	NameZH, NameEN string
	Scheme         zoning.Scheme
	SegmentM       float64
	MinVertices    int
}

// The benchmark reserves: the Qiangtang sample zones (a 12,700 km outline)
// densified to 350 m segments, over 50,000 vertices (the product
// requirement); and the Alt Pirineu sample zones, the more complex outline
// (a ragged OSM boundary with enclaves, a core in 6 parts: 9,631 vertices on
// 1,166 km), densified to 90,000+ vertices. Both derive from geodata/ (see
// geodata/README.md for sources and licences: CC-BY-4.0 and ODbL-1.0).
var (
	Qiangtang = Spec{Code: "bench-qiangtang", Source: "qiangtang/zones.geojson", NameZH: "羌塘（基准测试，加密）",
		NameEN: "Qiangtang (benchmark, densified)", Scheme: zoning.ThreeZone, SegmentM: 350, MinVertices: 50_000}
	AltPirineu = Spec{Code: "bench-alt-pirineu", Source: "alt-pirineu/zones.geojson", NameZH: "阿尔特比利牛斯（基准测试，加密）",
		NameEN: "Alt Pirineu (benchmark, densified)", Scheme: zoning.TwoZone, SegmentM: 12, MinVertices: 90_000}
)

// Reserve is a generated reserve, as stored.
type Reserve struct {
	Code     string
	Vertices int        // ST_NPoints summed over the stored zones
	BBox     [4]float64 // minLon, minLat, maxLon, maxLat of the zones
	Core     orb.Point  // the first vertex of the core's outer ring: a point on its boundary
	Build    time.Duration
}

// Build generates the reserve sp describes into the database of pool.
func Build(ctx context.Context, pool *pgxpool.Pool, sp Spec) (Reserve, error) {
	start := time.Now()
	doc, err := densify(ctx, pool, sp)
	if err != nil {
		return Reserve{}, err
	}
	feats, err := geoio.DecodeGeoJSON(doc, geoio.GeoJSONOptions{})
	if err != nil {
		return Reserve{}, fmt.Errorf("benchzones: densified %s: %w", sp.Source, err)
	}
	zs := zoning.NewStore(pool)
	if _, err := zs.CreateReserve(ctx, zoning.ReserveInput{Code: sp.Code, NameZH: sp.NameZH, NameEN: sp.NameEN, Level: "national",
		ZoningScheme: sp.Scheme, Illustrative: true,
		Note: fmt.Sprintf("the %s sample zones densified to %v m segments, for benchmarks", sp.Source, sp.SegmentM)}); err != nil {
		return Reserve{}, fmt.Errorf("benchzones: create %s: %w", sp.Code, err)
	}
	v, err := zs.PutZones(ctx, sp.Code, feats, zoning.VersionInput{Note: "benchmark zoning (generated)"})
	if err != nil {
		return Reserve{}, fmt.Errorf("benchzones: put zones of %s: %w", sp.Code, err)
	}
	r := Reserve{Code: sp.Code}
	for _, z := range v.Zones {
		r.Vertices += z.Vertices
	}
	if r.Vertices < sp.MinVertices {
		return r, fmt.Errorf("benchzones: %s has %d vertices, fewer than the %d required: lower its segment length", sp.Code, r.Vertices, sp.MinVertices)
	}
	res, err := zs.Reserve(ctx, sp.Code)
	if err != nil {
		return r, fmt.Errorf("benchzones: read %s: %w", sp.Code, err)
	}
	if len(res.BBox) != 4 {
		return r, fmt.Errorf("benchzones: %s has no bbox", sp.Code)
	}
	copy(r.BBox[:], res.BBox)
	if err := pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(z.geom, 1)), 1) AS p
		FROM zone z JOIN reserve r ON r.id = z.reserve_id JOIN zoning_version v ON v.id = z.version_id AND v.is_current
		WHERE r.code = $1 AND z.kind IN ('core', 'core_protection') ORDER BY z.id LIMIT 1) s`, sp.Code).Scan(&r.Core[0], &r.Core[1]); err != nil {
		return r, fmt.Errorf("benchzones: core vertex of %s: %w", sp.Code, err)
	}
	r.Build = time.Since(start)
	return r, nil
}

// densify returns sp's source zones as a GeoJSON FeatureCollection with
// every geometry segmentized to sp.SegmentM metres.
func densify(ctx context.Context, pool *pgxpool.Pool, sp Spec) ([]byte, error) {
	raw, err := fs.ReadFile(geodata.FS, sp.Source)
	if err != nil {
		return nil, fmt.Errorf("benchzones: %w", err)
	}
	var src struct {
		Features []struct {
			Properties json.RawMessage `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &src); err != nil {
		return nil, fmt.Errorf("benchzones: %s: %w", sp.Source, err)
	}
	var doc bytes.Buffer
	doc.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range src.Features {
		var dense string
		if err := pool.QueryRow(ctx, `
			SELECT ST_AsGeoJSON(ST_Segmentize(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geography, $2)::geometry, 15)`,
			string(f.Geometry), sp.SegmentM).Scan(&dense); err != nil {
			return nil, fmt.Errorf("benchzones: densify zone %d of %s: %w", i, sp.Source, err)
		}
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `{"type":"Feature","properties":%s,"geometry":%s}`, f.Properties, dense)
	}
	doc.WriteString(`]}`)
	return doc.Bytes(), nil
}

// Shared builds the reserves specs describe in one database that lasts as
// long as the test binary (Pool), for a package's benchmarks to share, and
// returns it with them in the order of specs.
func Shared(specs ...Spec) (*pgxpool.Pool, []Reserve, error) {
	pool, err := Pool()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	rs := make([]Reserve, 0, len(specs))
	for _, sp := range specs {
		r, err := Build(ctx, pool, sp)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		rs = append(rs, r)
	}
	return pool, rs, nil
}

// Star is a star-shaped polygon of n vertices around c, the benchmarks'
// project footprint: radius r metres ± 15 % over 40 points.
func Star(c orb.Point, r float64, n int) orb.Polygon {
	ring := make(orb.Ring, 0, n+1)
	k := 111_320 * math.Cos(c[1]*math.Pi/180)
	for i := range n {
		t := 2 * math.Pi * float64(i) / float64(n)
		ri := r * (1 + 0.15*math.Sin(40*t))
		ring = append(ring, orb.Point{c[0] + ri*math.Cos(t)/k, c[1] + ri*math.Sin(t)/111_320})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// Pool returns a pool on a fresh migrated database (testdb) that lasts as
// long as the test binary, for benchmarks that share one reserve: testdb
// drops a test's database when that test ends, and this one must outlive
// each benchmark. It goes with the cluster testdb.Main stops after the last.
func Pool() (pool *pgxpool.Pool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("benchmark database: %v", r)
		}
	}()
	return testdb.New(lastingTB{}), nil
}

// lastingTB stands in for the testing.TB testdb wants: its Cleanup does
// nothing and Fatal panics, which Pool recovers into an error. Any other
// method of the nil embedded TB panics too, and is reported the same way.
type lastingTB struct{ testing.TB }

func (lastingTB) Helper()                           {}
func (lastingTB) Cleanup(func())                    {}
func (lastingTB) Logf(string, ...any)               {}
func (lastingTB) Fatal(args ...any)                 { panic(fmt.Sprint(args...)) }
func (lastingTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
