// Package basemap keeps the offline base map in PostGIS: Natural Earth's
// land, ocean, lakes, rivers, country and first-order administrative
// boundaries (geodata/naturalearth), loaded into basemap_feature so that
// internal/tiles serves them as the vector tile layer "basemap" under the
// reserves, with no outside tile server.
package basemap

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

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
// alpha-3 code, a state's or province's postal code) and the country a
// first-order division belongs to.
type Row struct {
	Kind, Code, Country string
	Geometry            orb.Geometry
}

// Rows decodes the shipped Natural Earth topology into the rows to store.
func Rows() ([]Row, error) {
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

// Sync loads the shipped base map into basemap_feature unless the same file
// is loaded already (its SHA-256 is kept in basemap_source), replacing what
// was there, in one transaction. `warden migrate` and `warden serve` run it.
func Sync(ctx context.Context, pool *pgxpool.Pool) error {
	sum := sha256.Sum256(geodata.NaturalEarth)
	digest := hex.EncodeToString(sum[:])
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
	kinds, codes, countries, geoms := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows)), make([]driver.Valuer, len(rows))
	for i, r := range rows {
		kinds[i], codes[i], countries[i], geoms[i] = r.Kind, r.Code, r.Country, db.Geom(r.Geometry)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM basemap_feature; DELETE FROM basemap_source`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO basemap_feature (kind, code, country, geom)
			SELECT k, c, g, ST_MakeValid(ST_GeomFromWKB(w, 4326))
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) AS u(k, c, g, w)`, kinds, codes, countries, geoms); err != nil {
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
