package basemap_test

import (
	"bytes"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"warden/geodata"
	"warden/internal/basemap"
	"warden/internal/testdb"
	"warden/internal/tiles"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestSync loads the shipped Natural Earth file: every layer is there, the
// Qiangtang sample lies on land in China and the Alt Pirineu one in Spain,
// the Yangtze's source region has rivers, a second Sync loads nothing again,
// and the base map tile over Qiangtang holds land, country and river
// features.
func TestSync(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	if err := basemap.Sync(ctx, pool); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	rows, err := pool.Query(ctx, `SELECT kind, count(*) FROM basemap_feature GROUP BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		counts[k] = n
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for k, atLeast := range map[string]int{"ocean": 1, "land": 1000, "lake": 200, "river": 400, "country": 200, "admin1": 100} {
		if counts[k] < atLeast {
			t.Errorf("%d %s features, want at least %d (%v)", counts[k], k, atLeast, counts)
		}
	}
	for _, c := range []struct {
		lon, lat float64
		country  string
	}{{86, 34.5, "CHN"}, {1.2, 42.5, "ESP"}} {
		var country string
		var land bool
		if err := pool.QueryRow(ctx, `SELECT
				(SELECT code FROM basemap_feature WHERE kind = 'country' AND ST_Covers(geom, ST_Point($1, $2, 4326))),
				EXISTS (SELECT 1 FROM basemap_feature WHERE kind = 'land' AND ST_Covers(geom, ST_Point($1, $2, 4326)))`, c.lon, c.lat).Scan(&country, &land); err != nil {
			t.Fatal(err)
		}
		if country != c.country || !land {
			t.Errorf("%v, %v: country %q land %v, want %s on land", c.lon, c.lat, country, land, c.country)
		}
	}
	var loaded1, loaded2 string
	_ = pool.QueryRow(ctx, `SELECT loaded_at::text FROM basemap_source`).Scan(&loaded1)
	if err := basemap.Sync(ctx, pool); err != nil {
		t.Fatal(err)
	}
	_ = pool.QueryRow(ctx, `SELECT loaded_at::text FROM basemap_source`).Scan(&loaded2)
	if loaded1 == "" || loaded1 != loaded2 {
		t.Errorf("the second Sync loaded again: %q then %q", loaded1, loaded2)
	}

	l, err := tiles.Find("basemap")
	if err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(orb.Point{86, 34.5}, 4)
	b, err := tiles.NewStore(pool).Tile(ctx, l, tiles.TileID{Z: int(tile.Z), X: int(tile.X), Y: int(tile.Y)}, tiles.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"land", "country", "river", "lake"} {
		if !bytes.Contains(b, []byte(kind)) {
			t.Errorf("the z4 tile over Qiangtang (%d bytes) has no %s feature", len(b), kind)
		}
	}
}

// TestDecodeShipped: the shipped file decodes into closed rings and lines,
// with China and Spain among the countries and the states of four countries.
func TestDecodeShipped(t *testing.T) {
	topo, err := basemap.DecodeTopoJSON(geodata.NaturalEarth)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range topo.Objects["countries"] {
		ids[f.ID] = true
	}
	if !ids["CHN"] || !ids["ESP"] {
		t.Errorf("countries lack China or Spain: %d countries", len(ids))
	}
	gu := map[string]int{}
	for _, f := range topo.Objects["subunits"] {
		g, _ := f.Properties["gu"].(string)
		gu[g]++
	}
	if gu["USA"] != 51 || gu["CAN"] != 13 || gu["AUS"] != 9 || gu["BRA"] != 27 {
		t.Errorf("first-order divisions by country: %v", gu)
	}
	for _, f := range topo.Objects["lakes"] {
		p, ok := f.Geometry.(orb.Polygon)
		if !ok || p[0][0] != p[0][len(p[0])-1] {
			t.Fatalf("lake %v is not a closed polygon", f.Geometry)
		}
	}
}
