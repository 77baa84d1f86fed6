// Package basemap keeps the offline base map in PostGIS: Natural Earth's
// land, ocean, lakes, rivers, country and first-order administrative
// boundaries (geodata/naturalearth), with label points for countries and
// named divisions, and GeoNames' places (geodata/places), loaded into basemap_feature so that internal/tiles serves
// them as the vector tile layer "basemap" under the reserves, with no outside
// tile server.
package basemap

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"warden/geodata"
	"warden/internal/db"
)

// objects maps the TopoJSON objects the base map uses to the layer kind a
// feature gets in basemap_feature (the tile's "kind" attribute).
var objects = map[string]string{
	"ocean":     "ocean",
	"land":      "land",
	"lakes":     "lake",
	"rivers":    "river",
	"countries": "country",
	"subunits":  "admin1",
}

// Row is one feature as stored: its kind, its code (a country's ISO 3166-1
// alpha-3 code; a state's or province's postal code in the 1:50m file, its
// Natural Earth name in the 1:10m one; a place's English name), the country
// a first-order division (alpha-3) or a place (alpha-2) belongs to, the
// names its label shows (divisions of the 1:10m file listed in
// geodata/naturalearth/admin1_names.csv, and places; countries are named by
// the pages from their code), and a place's population.
type Row struct {
	Kind, Code, Country string
	NameEN, NameZH      string
	Population          int64
	Geometry            orb.Geometry
}

// Rows decodes the shipped files into the rows to store: the Natural Earth
// 1:50m topology, the 1:10m first-order divisions of the countries it has
// none for, and the GeoNames places.
func Rows() ([]Row, error) {
	rows, err := worldRows()
	if err != nil {
		return nil, err
	}
	divisions, err := admin1Rows(geodata.Admin1, geodata.Admin1Names)
	if err != nil {
		return nil, err
	}
	places, err := placeRows(geodata.Places)
	if err != nil {
		return nil, err
	}
	return append(append(rows, divisions...), places...), nil
}

func worldRows() ([]Row, error) {
	t, err := DecodeTopoJSON(geodata.NaturalEarth)
	if err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	var rows []Row
	for name, kind := range objects {
		fs := t.Objects[name]
		if len(fs) == 0 {
			return nil, fmt.Errorf("basemap: the Natural Earth file has no object %q", name)
		}
		for _, f := range fs {
			country, _ := f.Properties["gu"].(string)
			rows = append(rows, Row{Kind: kind, Code: f.ID, Country: country, Geometry: f.Geometry})
		}
	}
	return rows, nil
}

// admin1Rows reads first-order divisions from a GeoJSON file whose features
// carry their Natural Earth "name" and "adm0_a3", with the names of their
// labels from a CSV of country,name,name_en,name_zh.
func admin1Rows(collection, names []byte) ([]Row, error) {
	fc, err := geojson.UnmarshalFeatureCollection(collection)
	if err != nil {
		return nil, fmt.Errorf("basemap: first-order divisions: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(names))
	r.FieldsPerRecord = 4
	records, err := r.ReadAll()
	if err != nil || len(records) == 0 {
		return nil, fmt.Errorf("basemap: division names: want a header and rows of country,name,name_en,name_zh: %v", err)
	}
	label := map[[2]string][2]string{}
	for _, r := range records[1:] {
		label[[2]string{r[0], r[1]}] = [2]string{r[2], r[3]}
	}
	rows := make([]Row, 0, len(fc.Features))
	for i, f := range fc.Features {
		name, country := f.Properties.MustString("name", ""), f.Properties.MustString("adm0_a3", "")
		if name == "" || country == "" || f.Geometry == nil {
			return nil, fmt.Errorf("basemap: first-order division %d has no name, country or geometry", i)
		}
		n := label[[2]string{country, name}]
		rows = append(rows, Row{Kind: "admin1", Code: name, Country: country, NameEN: n[0], NameZH: n[1], Geometry: f.Geometry})
	}
	return rows, nil
}

// placeRows reads places from a CSV of country,name_en,name_zh,lon,lat,
// population (a header, then one place a row).
func placeRows(places []byte) ([]Row, error) {
	r := csv.NewReader(bytes.NewReader(places))
	r.FieldsPerRecord = 6
	records, err := r.ReadAll()
	if err != nil || len(records) == 0 {
		return nil, fmt.Errorf("basemap: places: want a header and rows of country,name_en,name_zh,lon,lat,population: %v", err)
	}
	rows := make([]Row, 0, len(records)-1)
	for i, rec := range records[1:] {
		lon, err1 := strconv.ParseFloat(rec[3], 64)
		lat, err2 := strconv.ParseFloat(rec[4], 64)
		pop, err3 := strconv.ParseInt(rec[5], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || lon < -180 || lon > 180 || lat < -90 || lat > 90 || rec[1] == "" || rec[2] == "" {
			return nil, fmt.Errorf("basemap: places: row %d (%v) is not a named place with lon, lat and population", i+2, rec)
		}
		rows = append(rows, Row{Kind: "place", Code: rec[1], Country: rec[0], NameEN: rec[1], NameZH: rec[2], Population: pop, Geometry: orb.Point{lon, lat}})
	}
	return rows, nil
}

// Sync loads the shipped base map into basemap_feature unless the same file
// is loaded already (its SHA-256 is kept in basemap_source), replacing what
// was there, in one transaction. `warden migrate` and `warden serve` run it.
func Sync(ctx context.Context, pool *pgxpool.Pool) error {
	h := sha256.New()
	for _, f := range [][]byte{geodata.NaturalEarth, geodata.Admin1, geodata.Admin1Names, geodata.Places} {
		h.Write(f)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	var have bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM basemap_source WHERE sha256 = $1)`, digest).Scan(&have); err != nil {
		return fmt.Errorf("basemap: sync: %w", err)
	}
	if have {
		return nil
	}
	rows, err := Rows()
	if err != nil {
		return err
	}
	n := len(rows)
	kinds, codes, countries, en, zh := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	pops, geoms := make([]int64, n), make([]driver.Valuer, n)
	for i, r := range rows {
		kinds[i], codes[i], countries[i], en[i], zh[i], pops[i], geoms[i] = r.Kind, r.Code, r.Country, r.NameEN, r.NameZH, r.Population, db.Geom(r.Geometry)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// The load repairs and labels the shipped outlines once per data
		// version: its size is fixed by the repository, not by any request,
		// so it may take longer than the pool's statement timeout on a
		// slow or busy machine.
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '10min'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM basemap_feature; DELETE FROM basemap_source`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO basemap_feature (kind, code, country, name_en, name_zh, population, geom)
			SELECT k, c, g, e, z, p, ST_MakeValid(ST_GeomFromWKB(w, 4326))
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bytea[]) AS u(k, c, g, e, z, p, w)`,
			kinds, codes, countries, en, zh, pops, geoms); err != nil {
			return err
		}
		// A label sits in the largest part of its area (a country's mainland,
		// not its islands), at the centre of the largest circle inside it
		// (inside even for a crescent, unlike the centroid); the shipped,
		// generalised outlines keep this cheap.
		if _, err := tx.Exec(ctx, `
			INSERT INTO basemap_feature (kind, code, country, name_en, name_zh, geom)
			SELECT b.kind || '-label', b.code, b.country, b.name_en, b.name_zh,
				(SELECT (ST_MaximumInscribedCircle(d.geom)).center FROM ST_Dump(b.geom) d ORDER BY ST_Area(d.geom) DESC LIMIT 1)
			FROM basemap_feature b
			WHERE (b.kind = 'country' AND b.code ~ '^[A-Z]{3}$') OR (b.kind = 'admin1' AND b.name_zh <> '')`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO basemap_source (sha256) VALUES ($1)`, digest)
		return err
	})
	if err != nil {
		return fmt.Errorf("basemap: sync: %w", err)
	}
	return nil
}
