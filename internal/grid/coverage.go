package grid

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"warden/internal/db"
	"warden/internal/problem"
)

// CellCoverage is how much patrol a cell had in a period.
type CellCoverage struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	// KmPatrolled is the geodesic length of patrol tracks inside the cell.
	KmPatrolled float64 `json:"km_patrolled"`
	// HoursSpent is the time between fixes inside the cell (tracks with times).
	HoursSpent float64 `json:"hours_spent"`
	Tracks     int     `json:"tracks"`
	// Covered is the share of the cell within 100 m of a patrol track.
	Covered   float64 `json:"covered_share"`
	BlindSpot bool    `json:"blind_spot"`
	AreaHa    float64 `json:"area_ha"`
	Staff     []Staff `json:"staff"`
}

// Coverage is patrol coverage per cell over a period.
type Coverage struct {
	Reserve string         `json:"reserve"`
	From    time.Time      `json:"from"`
	To      time.Time      `json:"to"`
	BufferM float64        `json:"buffer_m"`
	Cells   []CellCoverage `json:"cells"`
	// VisitedShare is the share of cells with any patrol; BlindSpots lists
	// the codes of the cells nobody patrolled.
	Visited      int      `json:"cells_visited"`
	VisitedShare float64  `json:"visited_share"`
	BlindSpots   []string `json:"blind_spots"`
	// AreaCovered is the share of all cells' area within 100 m of a track.
	AreaCovered float64 `json:"area_covered_share"`
	// Skipped says which tracks were left out, and why: a stored geometry
	// PostGIS cannot measure or buffer must not break the whole report.
	Skipped []string `json:"skipped"`
}

// coverageBufferM is the distance from a track within which a cell counts
// as seen.
const coverageBufferM = 100

// coverageSQL measures each cell of reserve $1 over [$2, $3): the patrol
// tracks' pieces cut to the period, their length and time per cell, the
// cell's share within $4 metres of them, and the tracks left out because
// PostGIS cannot buffer them. A track of the period ends in it or after it
// (fixes_end >= $2), which keeps the fixes' older months out (00082).
const coverageSQL = `
		WITH cells AS (SELECT id, code, name, geom, area_ha, staff FROM grid_cell WHERE reserve_id = $1),
		ext AS (SELECT ST_Expand(ST_Extent(geom)::geometry, 0.01) e FROM cells),
		seg AS (
			SELECT t.id AS track, CASE WHEN t.started_at IS NULL THEN ts.geom
			                           ELSE ST_LocateBetween(ts.geom, extract(epoch FROM $2::timestamptz), extract(epoch FROM $3::timestamptz)) END g
			FROM track t JOIN track_segment ts ON ts.track_id = t.id AND ts.fixes_end = t.fixes_end, ext
			WHERE t.subject_kind = 'patrol' AND ts.geom && ext.e AND ts.fixes_end >= $2
			  AND ((t.started_at IS NULL AND t.created_at >= $2 AND t.created_at < $3)
			       OR (t.started_at < $3 AND coalesce(t.ended_at, t.started_at) >= $2))),
		parts AS (SELECT track, g, coverage_band(g, $4) b FROM seg WHERE g IS NOT NULL AND NOT ST_IsEmpty(g) AND ST_Dimension(g) = 1),
		bad AS (SELECT DISTINCT track FROM parts WHERE b IS NULL),
		live AS (SELECT track, g, b FROM parts WHERE track NOT IN (SELECT track FROM bad)),
		pieces AS (SELECT live.track, d.geom g FROM live, ST_DumpSegments(live.g) d),
		per AS (
			SELECT c.id, sum(ST_Length(ST_Force2D(p.g)::geography)) m,
			       sum(CASE WHEN ST_M(ST_EndPoint(p.g)) > ST_M(ST_StartPoint(p.g)) THEN ST_M(ST_EndPoint(p.g)) - ST_M(ST_StartPoint(p.g)) END) s,
			       count(DISTINCT p.track) n
			FROM pieces p JOIN cells c ON ST_Intersects(c.geom, ST_LineInterpolatePoint(ST_Force2D(p.g), 0.5))
			GROUP BY c.id),
		buf AS (SELECT ST_Union(b) b FROM live)
		SELECT c.id, c.code, c.name, c.area_ha, c.staff, coalesce(per.m, 0), coalesce(per.s, 0), coalesce(per.n, 0),
		       coverage_share(c.geom, buf.b), buf.b IS NOT NULL, (SELECT coalesce(array_agg(track ORDER BY track), '{}') FROM bad)
		FROM cells c LEFT JOIN per ON per.id = c.id, buf
		ORDER BY c.code`

// Coverage measures patrol coverage per grid cell in [from, to): tracks of
// subject kind patrol, cut to the period by their fix times (M); a track
// without times counts whole if it was uploaded in the period. Length and
// time are summed over each pair of consecutive fixes whose midpoint lies in
// the cell; the covered share is the cell's area within 100 m of the tracks.
func (s *Store) Coverage(ctx context.Context, reserve string, from, to time.Time) (_ Coverage, err error) {
	defer db.Wrap(&err, "grid: coverage %q", reserve)
	cv := Coverage{Reserve: reserve, From: from, To: to, BufferM: coverageBufferM, Cells: []CellCoverage{}, BlindSpots: []string{}, Skipped: []string{}}
	if !to.After(from) {
		return cv, problem.BadRequest("invalid-parameter", "to must be after from")
	}
	rid, err := reserveRef(ctx, s.pool, reserve)
	if err != nil {
		return cv, err
	}
	rows, err := s.pool.Query(ctx, coverageSQL, rid, from, to, float64(coverageBufferM))
	if err != nil {
		return cv, err
	}
	defer rows.Close()
	var area, covered float64
	var bad []int64
	for rows.Next() {
		var c CellCoverage
		var staff []byte
		var m, sec float64
		var share *float64
		var banded bool
		if err := rows.Scan(&c.ID, &c.Code, &c.Name, &c.AreaHa, &staff, &m, &sec, &c.Tracks, &share, &banded, &bad); err != nil {
			return cv, err
		}
		if err := json.Unmarshal(staff, &c.Staff); err != nil {
			return cv, err
		}
		if share != nil {
			c.Covered = round4(*share)
		} else if banded {
			cv.Skipped = append(cv.Skipped, fmt.Sprintf("cell %s: the area within %d m of the tracks could not be intersected with it; its covered share counts as 0", c.Code, coverageBufferM))
		}
		c.KmPatrolled, c.HoursSpent = round3(m/1000), round3(sec/3600)
		c.BlindSpot = c.Tracks == 0 && c.Covered == 0
		if c.BlindSpot {
			cv.BlindSpots = append(cv.BlindSpots, c.Code)
		} else {
			cv.Visited++
		}
		area += c.AreaHa
		covered += c.AreaHa * c.Covered
		cv.Cells = append(cv.Cells, c)
	}
	if err := rows.Err(); err != nil {
		return cv, err
	}
	for _, id := range bad {
		cv.Skipped = append(cv.Skipped, fmt.Sprintf("track %d: left out, its geometry cannot be measured on the ellipsoid (coordinates that are not numbers or lie outside longitude and latitude, or a line crossing the antimeridian)", id))
	}
	if len(cv.Cells) > 0 {
		cv.VisitedShare = round4(float64(cv.Visited) / float64(len(cv.Cells)))
	}
	if area > 0 {
		cv.AreaCovered = round4(covered / area)
	}
	return cv, nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }
