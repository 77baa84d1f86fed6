package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"warden/internal/db"
	"warden/internal/geoio"
	"warden/internal/screening"
)

// ScreenOptions are a command-line screening's parameters.
type ScreenOptions struct {
	Activity string
	// CRS of the file's coordinates; empty lets the file say (else WGS 84).
	CRS string
	// Shape is what a CSV coordinate table draws (polygon, line, points).
	Shape     string
	DistanceM float64
	Project   screening.Project
	// MaxVertices caps the footprint (0: 200,000).
	MaxVertices int
}

// Screen reads a footprint file (GeoJSON, KML, KMZ, WKT, CSV), screens it
// against the current zones and stores the screening, as POST
// /api/v1/screenings does.
func Screen(ctx context.Context, env *Env, file string, o ScreenOptions) (screening.Screening, error) {
	if err := db.CheckSchema(ctx, env.Pool); err != nil {
		return screening.Screening{}, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return screening.Screening{}, err
	}
	var crs geoio.CRS
	if o.CRS != "" {
		if crs, err = geoio.ParseCRS(o.CRS); err != nil {
			return screening.Screening{}, err
		}
	}
	store := screening.NewStore(env.Pool, screening.Options{MaxVertices: o.MaxVertices, Location: env.CaseZone})
	req, err := screening.DecodeFile(file, data, screening.FileOptions{CRS: crs, Shape: o.Shape, MaxVertices: store.MaxVertices()})
	if err != nil {
		return screening.Screening{}, err
	}
	req.Activity, req.DistanceM, req.Project = o.Activity, o.DistanceM, o.Project
	return store.Screen(ctx, req)
}

// PrintScreening writes a screening for a terminal: the verdict, the table of
// reserves and zone kinds, the reasons in Chinese and English, findings and
// where the printable report is.
func PrintScreening(w io.Writer, sc screening.Screening) {
	f := sc.Footprint
	fmt.Fprintf(w, "screening %d, %s\n", sc.ID, sc.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(w, "activity:  %s %s (%s)\n", sc.Activity.Code, sc.Activity.NameZH, sc.Activity.NameEN)
	if sc.Project.Name != "" || sc.Project.Developer != "" {
		fmt.Fprintf(w, "project:   %s\n", strings.TrimSpace(sc.Project.Name+" "+sc.Project.Developer))
	}
	fmt.Fprintf(w, "status:    %s\n", sc.Project.Status)
	if l := sc.Law; l != nil {
		day := "the screening date"
		if l.DayOf == "started_on" {
			day = "the start of construction"
		}
		fmt.Fprintf(w, "judged:    for %s (%s), under the law and zoning in force that day\n", l.On, day)
	}
	var size []string
	if f.AreaM2 > 0 {
		size = append(size, fmt.Sprintf("%.2f ha", f.AreaHa))
	}
	if f.LengthM > 0 {
		size = append(size, fmt.Sprintf("%.0f m", f.LengthM))
	}
	if f.Points > 0 {
		size = append(size, fmt.Sprintf("%d points", f.Points))
	}
	fmt.Fprintf(w, "footprint: %s %s, %s, %d feature(s), %d vertices, %s\n", f.Format, f.FileName, f.CRS, f.Features, f.Vertices, strings.Join(size, ", "))
	fmt.Fprintf(w, "\nVERDICT: %s  %s\n\n", strings.ToUpper(sc.VerdictEN), sc.VerdictZH)
	if len(sc.Reserves) == 0 {
		fmt.Fprintf(w, "no reserve within %.0f m\n", sc.SearchDistanceM)
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "reserve\tzone\tzone ha\toverlap ha\tlength m\tpoints\tof footprint\tof zone\tdistance m\trule\t")
		for _, r := range sc.Reserves {
			name := r.Code
			for _, z := range r.Zones {
				rule := fmt.Sprintf("(%s)", z.Rule.Verdict)
				if z.Intersects {
					rule = string(z.Rule.Verdict)
				}
				fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.2f\t%.0f\t%d\t%.2f%%\t%.4f%%\t%.0f\t%s %s\t\n", name, z.Kind, z.ZoneAreaHa, z.AreaHa, z.LengthM, z.Points,
					100*z.FootprintShare, 100*z.ZoneShare, z.DistanceM, rule, strings.Join(z.Rule.Articles, ","))
				name = ""
			}
		}
		tw.Flush()
		fmt.Fprintf(w, "(a rule in brackets applies only if the project enters that zone)\n")
	}
	fmt.Fprintln(w, "\nreasons:")
	for _, r := range sc.Reasons {
		fmt.Fprintf(w, "  - %s\n    %s\n", r.ZH, r.EN)
	}
	for _, f := range sc.Findings {
		fmt.Fprintf(w, "\nfinding %d: %s in the %s zone of %s\n", f.ID, f.Kind, f.ZoneKind, f.Reserve)
	}
	fmt.Fprintf(w, "\nreport: %s (served by `warden serve`)\n", sc.Report)
}
