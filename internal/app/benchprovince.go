package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BenchProvinceOptions are the flags of `warden bench province`.
type BenchProvinceOptions struct {
	// URLs are the running warden serve processes (one or more, on one
	// database); the uploads are spread over them in turn.
	URLs    []string
	Token   string // an admin token
	Tracks  int    // tracks in the measured sample of the day
	Workers int    // uploads at once, over all URLs
	Seed    uint64
	// DayTracks is the size of the day the sample is extrapolated to (100,000).
	DayTracks int
}

// benchArea is a reserve's extent, and a point in one of its core zones.
type benchArea struct {
	code                   string
	minX, minY, maxX, maxY float64
	coreX, coreY           float64
}

// benchTrack is one generated day's track, as GPX.
type benchTrack struct {
	reserve, subject, kind string
	gpx                    []byte
	points                 int
}

// BenchProvince generates a province's patrol day, in a sample of Tracks
// tracks, and uploads it through the API over Workers connections spread
// over the serve processes: rangers walking 3-10 h at one fix each 5-10 s
// inside and around the reserves, one track in ten a vehicle, one in twenty
// a visitor walking into a core zone. It prints tracks and points a second,
// the database's growth per million points, and the time a DayTracks day
// would take at the measured rate (extrapolated, and labelled so).
func BenchProvince(ctx context.Context, env *Env, o BenchProvinceOptions, out io.Writer) error {
	areas, err := benchAreas(ctx, env)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 18))
	day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	tracks := make([]benchTrack, o.Tracks)
	points := 0
	run := strconv.FormatInt(time.Now().UnixNano(), 36) // each run's files are new, not already stored
	for i := range tracks {
		tracks[i] = genTrack(rng, areas[i%len(areas)], i, day, run)
		points += tracks[i].points
	}
	var size0 int64
	if err := env.Pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&size0); err != nil {
		return fmt.Errorf("bench: database size: %w", err)
	}
	fmt.Fprintf(out, "bench province: %d tracks, %d points (%.0f a track), %d reserves, %d connections over %d processes\n",
		len(tracks), points, float64(points)/float64(len(tracks)), len(areas), o.Workers, len(o.URLs))
	start := time.Now()
	var done, existing, refused, retried atomic.Int64
	var firstErr sync.Once
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := strings.TrimRight(o.URLs[w%len(o.URLs)], "/")
			for i := range jobs {
				n, created, err := benchUpload(ctx, base, o.Token, tracks[i])
				retried.Add(int64(n))
				switch {
				case err != nil:
					refused.Add(1)
					firstErr.Do(func() { fmt.Fprintf(out, "first refusal: %v\n", err) })
				case created:
					done.Add(1)
				default:
					existing.Add(1)
				}
			}
		}()
	}
	for i := range tracks {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	secs := time.Since(start).Seconds()
	var size1 int64
	if err := env.Pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&size1); err != nil {
		return fmt.Errorf("bench: database size: %w", err)
	}
	stored := float64(points) * float64(done.Load()) / float64(len(tracks))
	tps, pps := float64(done.Load())/secs, stored/secs
	fmt.Fprintf(out, "stored          %d tracks in %.1f s (%d already stored, %d refused, %d retries after 429/503)\n",
		done.Load(), secs, existing.Load(), refused.Load(), retried.Load())
	fmt.Fprintf(out, "rate            %.2f tracks/s, %.0f points/s\n", tps, pps)
	if stored > 0 {
		fmt.Fprintf(out, "database growth %.0f MiB per million points (%.1f MiB for this sample)\n",
			float64(size1-size0)/(1<<20)/(stored/1e6), float64(size1-size0)/(1<<20))
	}
	if tps > 0 {
		d := time.Duration(float64(o.DayTracks) / tps * float64(time.Second)).Round(time.Minute)
		fmt.Fprintf(out, "a %d-track day  %s at this rate (extrapolated from the measured sample), %.0f million points, %.0f GiB\n",
			o.DayTracks, d, float64(o.DayTracks)*float64(points)/float64(len(tracks))/1e6,
			float64(size1-size0)/(1<<30)*float64(o.DayTracks)/float64(max(done.Load(), 1)))
	}
	return nil
}

// benchAreas reads each reserve's extent and a point inside a core zone.
func benchAreas(ctx context.Context, env *Env) ([]benchArea, error) {
	rows, err := env.Pool.Query(ctx, `SELECT r.code, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), ST_X(c), ST_Y(c)
		FROM reserve r
		JOIN LATERAL (SELECT ST_Extent(z.geom)::geometry AS e,
		                     ST_PointOnSurface((array_agg(z.geom ORDER BY z.kind IN ('core', 'core_protection') DESC, z.area_ha DESC))[1]) AS c
		              FROM zone z JOIN zoning_version v ON v.id = z.version_id AND v.is_current WHERE z.reserve_id = r.id) x ON x.e IS NOT NULL
		ORDER BY r.code`)
	if err != nil {
		return nil, fmt.Errorf("bench: reserves: %w", err)
	}
	defer rows.Close()
	var out []benchArea
	for rows.Next() {
		var a benchArea
		if err := rows.Scan(&a.code, &a.minX, &a.minY, &a.maxX, &a.maxY, &a.coreX, &a.coreY); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no reserve has zones: start warden serve with --sample")
	}
	return out, nil
}

// genTrack makes track i of the day in area a: a ranger (most), a vehicle
// (one in ten) or a visitor walking into the core (one in twenty).
func genTrack(rng *rand.Rand, a benchArea, i int, day time.Time, run string) benchTrack {
	t := benchTrack{reserve: a.code, subject: fmt.Sprintf("ranger-%05d", i), kind: "patrol"}
	hours, speed := 3+7*rng.Float64(), 2.5+2*rng.Float64() // km/h
	step := func() time.Duration { return time.Duration(5+rng.IntN(6)) * time.Second }
	w, h := a.maxX-a.minX, a.maxY-a.minY
	x, y := a.minX-0.1*w+1.2*w*rng.Float64(), a.minY-0.1*h+1.2*h*rng.Float64() // inside and around
	switch {
	case i%20 == 7:
		t.subject, t.kind, hours, speed = fmt.Sprintf("visitor-%05d", i), "visitor", 1+2*rng.Float64(), 4
		x, y = a.coreX+0.05*(rng.Float64()-0.5), a.coreY+0.05*(rng.Float64()-0.5)
	case i%10 == 3:
		t.subject, t.kind, hours, speed = fmt.Sprintf("vehicle-%05d", i), "vehicle", 1+2*rng.Float64(), 30+20*rng.Float64()
		step = func() time.Duration { return 5 * time.Second }
	}
	heading := rng.Float64() * 2 * math.Pi
	at := day.Add(time.Duration(6+rng.IntN(4)) * time.Hour).Add(time.Duration(rng.IntN(3600)) * time.Second)
	end := at.Add(time.Duration(hours * float64(time.Hour)))
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<gpx version="1.1" creator="warden bench" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>` + t.subject + " " + run + `</name><trkseg>` + "\n")
	for ; at.Before(end); t.points++ {
		fmt.Fprintf(&b, `<trkpt lat="%.6f" lon="%.6f"><ele>%.0f</ele><time>%s</time></trkpt>`+"\n", y, x, 3000+200*math.Sin(float64(t.points)/500), at.Format(time.RFC3339))
		d := step()
		heading += rng.NormFloat64() * 0.3
		km := speed * d.Hours()
		y += km / 111.32 * math.Cos(heading)
		x += km / (111.32 * math.Cos(y*math.Pi/180)) * math.Sin(heading)
		if x < a.minX-0.1*w || x > a.maxX+0.1*w || y < a.minY-0.1*h || y > a.maxY+0.1*h {
			heading += math.Pi // turn back at the edge of the area
		}
		at = at.Add(d)
	}
	b.WriteString("</trkseg></trk></gpx>\n")
	t.gpx = b.Bytes()
	return t
}

// benchUpload posts one track, waiting and trying again while the service
// answers 429 (its decode slots or rate limits) or 503; it returns how many
// times it tried again and whether the track was new (201, not 200).
func benchUpload(ctx context.Context, base, token string, t benchTrack) (int, bool, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range [][2]string{{"reserve", t.reserve}, {"subject", t.subject}, {"subject_kind", t.kind}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	fw, _ := mw.CreateFormFile("file", t.subject+".gpx")
	_, _ = fw.Write(t.gpx)
	_ = mw.Close()
	for retries := 0; ; retries++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/tracks", bytes.NewReader(body.Bytes()))
		if err != nil {
			return retries, false, err
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return retries, false, err
		}
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK:
			return retries, res.StatusCode == http.StatusCreated, nil
		case (res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable) && retries < 1000:
			wait := 50 * time.Millisecond
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 1 {
				wait = time.Duration(s) * time.Second
			}
			select {
			case <-ctx.Done():
				return retries, false, ctx.Err()
			case <-time.After(wait):
			}
		default:
			return retries, false, fmt.Errorf("%s: %d %s", t.subject, res.StatusCode, msg)
		}
	}
}
