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

// TestSync loads the shipped Natural Earth files: every layer is there, the
// Qiangtang sample lies on land in China, in Xizang, and the Alt Pirineu one
// in Spain, in Lleida; every label point lies in the area it names; a
// second Sync loads nothing again; and the base map tile over Qiangtang
// holds land, country and river features and Xizang's label in Chinese and
// English.
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
	for k, atLeast := range map[string]int{"ocean": 1, "land": 1000, "lake": 200, "river": 400, "country": 200, "admin1": 190, "country-label": 200, "admin1-label": 32, "place": 8000} {
		if counts[k] < atLeast {
			t.Errorf("%d %s features, want at least %d (%v)", counts[k], k, atLeast, counts)
		}
	}
	if counts["admin1-label"] != 32 {
		t.Errorf("%d division labels, want China's 32", counts["admin1-label"])
	}
	for _, c := range []struct {
		lon, lat        float64
		country, admin1 string
	}{{86, 34.5, "CHN", "Xizang"}, {1.2, 42.5, "ESP", "Lérida"}} {
		var country, admin1 string
		var land bool
		if err := pool.QueryRow(ctx, `SELECT
				(SELECT code FROM basemap_feature WHERE kind = 'country' AND ST_Covers(geom, ST_Point($1, $2, 4326))),
				(SELECT code FROM basemap_feature WHERE kind = 'admin1' AND country = $3 AND ST_Covers(geom, ST_Point($1, $2, 4326))),
				EXISTS (SELECT 1 FROM basemap_feature WHERE kind = 'land' AND ST_Covers(geom, ST_Point($1, $2, 4326)))`,
			c.lon, c.lat, c.country).Scan(&country, &admin1, &land); err != nil {
			t.Fatal(err)
		}
		if country != c.country || admin1 != c.admin1 || !land {
			t.Errorf("%v, %v: country %q division %q land %v, want %s, %s on land", c.lon, c.lat, country, admin1, land, c.country, c.admin1)
		}
	}
	var outside []string
	if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(l.kind || ' ' || l.code), '{}') FROM basemap_feature l
		WHERE l.kind LIKE '%-label' AND NOT EXISTS (SELECT 1 FROM basemap_feature a
			WHERE a.kind || '-label' = l.kind AND a.code = l.code AND a.country = l.country AND ST_Covers(a.geom, l.geom))`).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if len(outside) > 0 {
		t.Errorf("labels outside what they name: %v", outside)
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
	for _, kind := range []string{"land", "country", "river", "lake", "admin1-label", "西藏自治区", "Xizang"} {
		if !bytes.Contains(b, []byte(kind)) {
			t.Errorf("the z4 tile over Qiangtang (%d bytes) has no %s", len(b), kind)
		}
	}
	// Places: Lhasa (about 120,000 people) from zoom 6, Ankang (870,000)
	// from zoom 4, Chengdu (over a million) even in the world tile.
	for _, c := range []struct {
		lon, lat float64
		z        int
		name     string
		shown    bool
	}{{91.1, 29.65, 6, "拉萨", true}, {91.1, 29.65, 5, "拉萨", false}, {109.02, 32.68, 4, "安康", true}, {109.02, 32.68, 3, "安康", false}, {104.07, 30.67, 0, "成都", true}, {2.16, 41.39, 4, "Barcelona", true}} {
		tile := maptile.At(orb.Point{c.lon, c.lat}, maptile.Zoom(c.z))
		b, err := tiles.NewStore(pool).Tile(ctx, l, tiles.TileID{Z: c.z, X: int(tile.X), Y: int(tile.Y)}, tiles.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(c.name)) != c.shown {
			t.Errorf("z%d tile at %v, %v: %s shown %v, want %v", c.z, c.lon, c.lat, c.name, !c.shown, c.shown)
		}
	}
}

// TestDecodeShipped: the shipped files decode into closed rings and lines,
// with China and Spain among the countries, the states of four countries
// from the 1:50m file and the divisions of China (named in English and
// Chinese), Spain and Andorra from the 1:10m one.
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
	rows, err := basemap.Rows()
	if err != nil {
		t.Fatal(err)
	}
	divisions := map[string]int{}
	for _, r := range rows {
		if r.Kind != "admin1" {
			continue
		}
		divisions[r.Country]++
		if named := r.NameEN != "" && r.NameZH != ""; named != (r.Country == "CHN") {
			t.Errorf("division %s of %s named %q, %q: China's divisions, and only they, are named in both languages", r.Code, r.Country, r.NameEN, r.NameZH)
		}
	}
	if divisions["CHN"] != 32 || divisions["ESP"] != 52 || divisions["AND"] != 7 || divisions["USA"] != 51 {
		t.Errorf("first-order divisions by country: %v", divisions)
	}
	places := map[string]basemap.Row{}
	for _, r := range rows {
		if r.Kind == "place" {
			places[r.Country+" "+r.NameEN] = r
		}
	}
	if p := places["CN Lhasa"]; p.NameZH != "拉萨" || p.Population < 100000 || p.Geometry.(orb.Point).Lat() < 29 {
		t.Errorf("Lhasa: %+v", p)
	}
	if p := places["ES Barcelona"]; p.NameZH != "巴塞罗那" || p.Population < 1000000 {
		t.Errorf("Barcelona: %+v", p)
	}
	for _, f := range topo.Objects["lakes"] {
		p, ok := f.Geometry.(orb.Polygon)
		if !ok || p[0][0] != p[0][len(p[0])-1] {
			t.Fatalf("lake %v is not a closed polygon", f.Geometry)
		}
	}
}
