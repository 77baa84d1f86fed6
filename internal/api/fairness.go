package api

import (
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"warden/internal/problem"
)

// heavyRoutes are the requests whose database work can last seconds to
// minutes: uploads of tracks, zones, areas, cells, markers and clue batches,
// batch locate, screenings and their reports, coverage and other reports,
// workbook and GIS exports. At most Config.MaxHeavy of them run at once, so
// that the rest of the connection pool stays free for short requests
// (reading zones, a single locate, /readyz) however many heavy ones arrive.
var heavyRoutes = map[string]bool{
	"POST /api/v1/tracks":                             true,
	"POST /api/v1/devices/:id/tracks":                 true,
	"POST /api/v1/locate":                             true,
	"POST /api/v1/screenings":                         true,
	"GET /api/v1/screenings/:id/report":               true,
	"PUT /api/v1/reserves/:code/zones":                true,
	"GET /api/v1/reserves/:code/zones.:format":        true,
	"POST /api/v1/reserves/:code/markers":             true,
	"GET /api/v1/reserves/:code/markers.:format":      true,
	"POST /api/v1/admin-areas":                        true,
	"PUT /api/v1/admin-areas":                         true,
	"PUT /api/v1/reserves/:code/grid-cells":           true,
	"POST /api/v1/reserves/:code/grid-cells/generate": true,
	"GET /api/v1/grid-cells/coverage":                 true,
	"POST /api/v1/clue-batches":                       true,
	"GET /api/v1/clues.xlsx":                          true,
	"GET /api/v1/cases/:id/dossier":                   true,
	"GET /api/v1/reports/daily":                       true,
	"GET /api/v1/reports/weekly":                      true,
	"GET /api/v1/reports/units":                       true,
}

// heavyRetry is the Retry-After, in seconds, of a heavy request refused
// because the heavy budget is taken.
const heavyRetry = 5

// heavyBudget runs a heavy request (heavyRoutes) only if one of the
// MaxHeavy slots is free, and holds it until the answer is written; with
// none free it answers 503 busy with Retry-After at once, rather than
// waiting for a connection that short requests need.
func (s *Server) heavyBudget(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !heavyRoutes[c.Request().Method+" "+c.Path()] {
			return next(c)
		}
		select {
		case s.heavy <- struct{}{}:
			defer func() { <-s.heavy }()
			return next(c)
		default:
			c.Response().Header().Set("Retry-After", fmt.Sprint(heavyRetry))
			return &problem.Error{Status: http.StatusServiceUnavailable, Type: "busy", Title: "Service busy",
				Detail: fmt.Sprintf("%d long requests (uploads, batches, reports, exports) are running, the most this service runs at once; try again in %d s", cap(s.heavy), heavyRetry),
				Extra:  map[string]any{"retry_after": heavyRetry}}
		}
	}
}

// defaultMaxHeavy is half the pool's connections, at least one: the other
// half is kept for short requests.
func defaultMaxHeavy(pool *pgxpool.Pool) int {
	if pool == nil { // a server built only for its routes
		return 1
	}
	return max(1, int(pool.Config().MaxConns)/2)
}

// registerSlots publishes how many heavy-request and track-decode slots are
// taken: an operator sees the budgets fill, and tests wait on them.
func (s *Server) registerSlots(reg *prometheus.Registry) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "warden_heavy_requests_running", Help: "Heavy requests (uploads, batches, reports, exports) running; at most WARDEN_MAX_HEAVY."},
			func() float64 { return float64(len(s.heavy)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "warden_track_decodes_running", Help: "Track uploads being decoded and analysed; at most WARDEN_MAX_TRACK_DECODES."},
			func() float64 { return float64(len(s.decodes)) }),
	)
}
