package screening

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"warden/internal/db"
	"warden/internal/zoning"
)

//go:embed report.html
var reportHTML string

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"area":   func(m2 float64) string { return fmtArea(m2, false) },
	"ha":     func(v float64) string { return thousands(v, 2) },
	"metres": func(m float64) string { return thousands(m, 0) },
	"length": func(m float64) string { return fmtLength(m, false) },
	"pct":    fmtPct,
	"statusZH": func(s Status) string {
		return map[Status]string{Proposed: "拟建", UnderConstruction: "在建", Existing: "已建成"}[s]
	},
	"statusEN": func(s Status) string { return strings.ReplaceAll(string(s), "_", " ") },
	"upper":    strings.ToUpper,
	"cite": func(arts []Article, codes []string, zh bool) string {
		m := map[string]Article{}
		for _, a := range arts {
			m[a.Code] = a
		}
		return cite(m, codes, zh)
	},
	"bbox": func(b []float64) string {
		if len(b) != 4 {
			return ""
		}
		return fmt.Sprintf("%.6f, %.6f – %.6f, %.6f", b[0], b[1], b[2], b[3])
	},
	"verdictZH": func(v Verdict) string { return v.ZH() },
	"verdictEN": func(v Verdict) string { return v.EN() },
}).Parse(reportHTML))

// Report renders a stored screening as a printable HTML page: verdict,
// reasons, inputs, a map drawn server-side as SVG, the per-zone table,
// findings and the articles quoted.
func (s *Store) Report(ctx context.Context, id int64) (_ []byte, err error) {
	defer db.Wrap(&err, "screening: report %d", id)
	sc, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	m, err := s.drawMap(ctx, sc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// Created is written in the service's time zone with its offset, as the
	// reserves' people read it (a screening may touch several reserves).
	if err := reportTmpl.Execute(&buf, struct {
		S       Screening
		Map     template.HTML
		Created string
	}{sc, m, sc.CreatedAt.In(s.loc).Format("2006-01-02 15:04:05 -07:00")}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Map size and styling.
const (
	mapWidth  = 760.0
	minAspect = 0.45 // height / width
	maxAspect = 0.8
)

var kindFill = map[zoning.Kind]string{
	zoning.Core:           "#c0392b",
	zoning.Buffer:         "#e67e22",
	zoning.Experimental:   "#f4d03f",
	zoning.Peripheral:     "#b7c9a8",
	zoning.CoreProtection: "#c0392b",
	zoning.GeneralControl: "#f4d03f",
}

// judgedDay is the day a screening was judged for (nil for one stored
// before: the current zones).
func judgedDay(sc Screening) *time.Time {
	if sc.Law == nil {
		return nil
	}
	return &sc.Law.On.Time
}

// drawMap draws the footprint over the zones of its day around it. The extent is
// the footprint's bounding box with a margin that reaches the nearest zone
// when the footprint touches none; zones are clipped to it and simplified to
// about half a pixel (SimplifyBounded, in Go: never GEOS's topology-preserving
// simplifier, see prepare.go), so the SVG stays small however detailed the
// zones are.
func (s *Store) drawMap(ctx context.Context, sc Screening) (template.HTML, error) {
	f, ok := frameOf(sc)
	if !ok {
		return "", nil
	}
	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="map of the footprint and zones">`, mapWidth, f.height)
	fmt.Fprintf(&svg, `<rect width="%.0f" height="%.0f" fill="#f7f7f2"/>`, mapWidth, f.height)
	zones, present, err := s.zonesIn(ctx, f, judgedDay(sc))
	if err != nil {
		return "", err
	}
	// Least strict first, so stricter zones are drawn on top.
	for _, k := range []zoning.Kind{zoning.Peripheral, zoning.GeneralControl, zoning.Experimental, zoning.Buffer, zoning.CoreProtection, zoning.Core} {
		for _, z := range zones {
			if z.kind == k {
				fmt.Fprintf(&svg, `<path d="%s" fill="%s" fill-opacity="0.55" fill-rule="evenodd" stroke="#555" stroke-width="0.6"/>`, pathData(z.g, f.project), kindFill[k])
			}
		}
	}
	var raw []byte
	if err := s.pool.QueryRow(ctx, `SELECT ST_AsBinary(footprint) FROM screening WHERE id = $1`, sc.ID).Scan(&raw); err != nil {
		return "", err
	}
	fpg, err := wkb.Unmarshal(raw)
	if err != nil {
		return "", err
	}
	fpg = SimplifyBounded(fpg, f.tol)
	drawFootprint(&svg, fpg, f.project)
	drawFurniture(&svg, f, present)
	svg.WriteString(`</svg>`)
	return template.HTML(svg.String()), nil
}

// mPerDeg is the length of a degree of latitude, in metres, near enough
// for drawing.
const mPerDeg = 111_320.0

// mapFrame is the extent of the map in degrees and how it is drawn: kx
// shrinks longitude at the map's latitude, scale is pixels per degree of
// latitude, tol half a pixel in degrees.
type mapFrame struct {
	minx, miny, maxx, maxy float64
	kx, w, scale, height   float64
	tol                    float64
}

// frameOf is the map's extent: the footprint's bounding box with a margin
// that reaches the nearest zone when the footprint touches none, widened on
// its narrow side to keep the aspect ratio within bounds. False without a
// bounding box.
func frameOf(sc Screening) (mapFrame, bool) {
	b := sc.Footprint.BBox
	if len(b) != 4 {
		return mapFrame{}, false
	}
	lat0 := (b[1] + b[3]) / 2
	kx := math.Max(math.Cos(lat0*math.Pi/180), 0.05)
	diag := math.Hypot((b[2]-b[0])*kx, b[3]-b[1]) * mPerDeg
	margin := math.Max(diag*0.3, 300)
	if sc.Verdict == Outside {
		nearest := math.Inf(1)
		for _, r := range sc.Reserves {
			nearest = math.Min(nearest, r.DistanceM)
		}
		if !math.IsInf(nearest, 1) {
			margin = math.Max(margin, math.Min(nearest, sc.SearchDistanceM)*1.15)
		}
	}
	minx, maxx := b[0]-margin/(mPerDeg*kx), b[2]+margin/(mPerDeg*kx)
	miny, maxy := b[1]-margin/mPerDeg, b[3]+margin/mPerDeg
	// Keep the aspect ratio within bounds by widening the narrow side.
	w, h := (maxx-minx)*kx, maxy-miny
	if h/w < minAspect {
		pad := (w*minAspect - h) / 2
		miny, maxy = miny-pad, maxy+pad
	} else if h/w > maxAspect {
		pad := (h/maxAspect - w) / 2 / kx
		minx, maxx = minx-pad, maxx+pad
	}
	miny, maxy = math.Max(miny, -90), math.Min(maxy, 90)
	w, h = (maxx-minx)*kx, maxy-miny
	scale := mapWidth / w
	return mapFrame{minx: minx, miny: miny, maxx: maxx, maxy: maxy, kx: kx, w: w, scale: scale,
		height: math.Round(h * scale), tol: 0.5 / scale}, true
}

// project is p in the map's pixels, to a tenth.
func (f mapFrame) project(p orb.Point) (float64, float64) {
	return math.Round((p[0]-f.minx)*f.kx*f.scale*10) / 10, math.Round((f.maxy-p[1])*f.scale*10) / 10
}

// drawnZone is a zone clipped to the map and simplified.
type drawnZone struct {
	kind zoning.Kind
	g    orb.Geometry
}

// zonesIn reads the zones in force on day clipped to the map's extent and
// simplified to half a pixel, and which kinds are present.
func (s *Store) zonesIn(ctx context.Context, f mapFrame, day *time.Time) ([]drawnZone, map[zoning.Kind]bool, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT z.kind, ST_AsBinary(g.geom)
		FROM zone z JOIN reserve r ON r.id = z.reserve_id AND z.version_id = zoning_version_on(r.id, $5::date)
		CROSS JOIN LATERAL (SELECT ST_ClipByBox2D(z.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) AS geom) g
		WHERE z.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND NOT ST_IsEmpty(g.geom)`, f.minx, f.miny, f.maxx, f.maxy, day)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var zones []drawnZone
	present := map[zoning.Kind]bool{}
	for rows.Next() {
		var k zoning.Kind
		var raw []byte
		if err := rows.Scan(&k, &raw); err != nil {
			return nil, nil, err
		}
		g, err := wkb.Unmarshal(raw)
		if err != nil {
			return nil, nil, err
		}
		zones = append(zones, drawnZone{k, SimplifyBounded(g, f.tol)})
		present[k] = true
	}
	return zones, present, rows.Err()
}

// drawFurniture draws the legend of the kinds present, the scale bar and
// the north arrow.
func drawFurniture(svg *strings.Builder, f mapFrame, present map[zoning.Kind]bool) {
	y := 14.0
	legend := func(fill, label string) {
		fmt.Fprintf(svg, `<rect x="10" y="%.0f" width="14" height="10" fill="%s" fill-opacity="0.7" stroke="#555" stroke-width="0.6"/><text x="30" y="%.0f" font-size="11">%s</text>`, y-9, fill, y, template.HTMLEscapeString(label))
		y += 16
	}
	fmt.Fprintf(svg, `<rect x="4" y="2" width="190" height="%d" fill="#fff" fill-opacity="0.8"/>`, 16*(len(present)+1)+6)
	for _, k := range allKinds {
		if present[k] {
			legend(kindFill[k], k.ZH()+" "+k.EN())
		}
	}
	fmt.Fprintf(svg, `<rect x="10" y="%.0f" width="14" height="10" fill="#1f5fbf" fill-opacity="0.35" stroke="#1f5fbf" stroke-width="2"/><text x="30" y="%.0f" font-size="11">项目用地 footprint</text>`, y-9, y)
	metres := f.w * mPerDeg
	bar := niceLength(metres / 5)
	px := bar / metres * mapWidth
	fmt.Fprintf(svg, `<g transform="translate(%.0f %.0f)"><rect x="-6" y="-16" width="%.1f" height="24" fill="#fff" fill-opacity="0.8"/><path d="M0 0h%.1f" stroke="#000" stroke-width="3"/><text x="0" y="-5" font-size="11">%s</text></g>`,
		mapWidth-px-16, f.height-10, px+12, px, barLabel(bar))
	fmt.Fprintf(svg, `<text x="%.0f" y="20" font-size="14" font-weight="bold" text-anchor="middle">N ↑</text>`, mapWidth-20)
}

func barLabel(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("%g km", m/1000)
	}
	return fmt.Sprintf("%g m", m)
}

// niceLength rounds m down to 1, 2 or 5 times a power of ten.
func niceLength(m float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{5, 2, 1} {
		if f*p <= m {
			return f * p
		}
	}
	return p
}

type projector func(orb.Point) (float64, float64)

// pathData writes SVG path data for the lines and rings of g, dropping
// points that fall on the same tenth of a pixel as the one before.
func pathData(g orb.Geometry, project projector) string {
	var b strings.Builder
	line := func(pts []orb.Point, closed bool) {
		lastX, lastY := math.NaN(), math.NaN()
		n := 0
		for _, p := range pts {
			x, y := project(p)
			if x == lastX && y == lastY {
				continue
			}
			if n == 0 {
				fmt.Fprintf(&b, "M%g %g", x, y)
			} else {
				fmt.Fprintf(&b, "L%g %g", x, y)
			}
			lastX, lastY = x, y
			n++
		}
		if closed && n > 0 {
			b.WriteString("Z")
		}
	}
	var walk func(orb.Geometry)
	walk = func(g orb.Geometry) {
		switch t := g.(type) {
		case orb.LineString:
			line(t, false)
		case orb.MultiLineString:
			for _, l := range t {
				line(l, false)
			}
		case orb.Polygon:
			for _, r := range t {
				line(r, true)
			}
		case orb.MultiPolygon:
			for _, p := range t {
				walk(p)
			}
		case orb.Collection:
			for _, m := range t {
				walk(m)
			}
		}
	}
	walk(g)
	return b.String()
}

func drawFootprint(svg *strings.Builder, g orb.Geometry, project projector) {
	switch t := g.(type) {
	case orb.Point:
		x, y := project(t)
		fmt.Fprintf(svg, `<circle cx="%g" cy="%g" r="4" fill="#1f5fbf" stroke="#fff" stroke-width="1"/>`, x, y)
	case orb.MultiPoint:
		for _, p := range t {
			drawFootprint(svg, p, project)
		}
	case orb.LineString, orb.MultiLineString:
		fmt.Fprintf(svg, `<path d="%s" fill="none" stroke="#1f5fbf" stroke-width="2.5" stroke-linejoin="round"/>`, pathData(g, project))
	case orb.Polygon, orb.MultiPolygon:
		fmt.Fprintf(svg, `<path d="%s" fill="#1f5fbf" fill-opacity="0.35" fill-rule="evenodd" stroke="#1f5fbf" stroke-width="2"/>`, pathData(g, project))
	case orb.Collection:
		for _, m := range t {
			drawFootprint(svg, m, project)
		}
	}
}
