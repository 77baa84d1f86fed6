package api

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"warden/internal/auth"
	"warden/internal/cases"
	"warden/internal/clues"
	"warden/internal/export"
	"warden/internal/grid"
	"warden/internal/law"
	"warden/internal/markers"
	"warden/internal/notify"
	"warden/internal/patrol"
	"warden/internal/reports"
	"warden/internal/screening"
	"warden/internal/tiles"
	"warden/internal/zoning"
)

// Stores are the domain stores the handlers serve from. The service builds
// them once (app.Open calls NewStores) and hands the same ones to the server
// (NewHandler), its background jobs and its commands, as miniflux's
// api.NewHandler(store, pool) is given its storage.
type Stores struct {
	Zones      *zoning.Store
	Markers    *markers.Store
	Tiles      *tiles.Store
	Export     *export.Store
	Law        *law.Store
	Screenings *screening.Store
	Tracks     *patrol.Store
	Cases      *cases.Store
	Grid       *grid.Store
	Reports    *reports.Store
	Notify     *notify.Store
	Clues      *clues.Store
	Auth       *auth.Store
}

// StoreOptions tune the stores: track uploads, cases and their time zone,
// the largest screening footprint.
type StoreOptions struct {
	Patrol patrol.Options
	Cases  cases.Options
	// CaseZone is the time zone of cases in no administrative area and of
	// the screenings' days (nil: Cases.DefaultTimezone, else Asia/Shanghai).
	CaseZone             *time.Location
	MaxFootprintVertices int
}

// NewStores builds every store on pool.
func NewStores(pool *pgxpool.Pool, o StoreOptions) *Stores {
	if o.CaseZone == nil {
		o.CaseZone = caseZone(o.Cases.DefaultTimezone)
	}
	st := &Stores{Zones: zoning.NewStore(pool), Markers: markers.NewStore(pool), Tiles: tiles.NewStore(pool),
		Export: export.NewStore(pool), Law: law.NewStore(pool), Auth: auth.NewStore(pool)}
	st.Screenings = screening.NewStore(pool, screening.Options{MaxVertices: o.MaxFootprintVertices, Law: st.Law, Location: o.CaseZone})
	st.Tracks = patrol.NewStore(pool, o.Patrol)
	st.Cases = cases.NewStore(pool, o.Cases)
	st.Grid = grid.NewStore(pool)
	st.Reports = reports.NewStore(pool, reports.Options{DefaultTimezone: o.Cases.DefaultTimezone, Now: o.Cases.Now})
	st.Notify = notify.NewStore(pool, o.Cases.Now)
	st.Clues = clues.NewStore(pool, st.Cases, clues.Options{Now: o.Cases.Now})
	return st
}

// UseEngine makes the stores that locate points, lines and footprints
// (zones, tracks, screenings, clues) answer from the zone engine instead of asking PostGIS.
func (st *Stores) UseEngine(eng *zoning.Engine) {
	st.Zones.UseEngine(eng)
	st.Tracks.UseEngine(eng)
	st.Screenings.UseEngine(eng)
	st.Clues.UseEngine(eng)
}
