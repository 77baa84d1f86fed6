package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"warden/internal/app"
	"warden/internal/cases"
	"warden/internal/geoio"
	"warden/internal/notify"
	"warden/internal/patrol"
	"warden/internal/screening"
	"warden/internal/web"
	"warden/internal/zoning"
)

// runContext is what every command's Run gets from main: the signal
// context, the configuration from the global flags and the logger.
type runContext struct {
	ctx context.Context
	cfg app.Config
	log *slog.Logger
}

// withEnv runs fn on the database (DATABASE_URL, or the private cluster,
// started or joined) and closes it after: the commands that work on the
// database directly.
func (rc *runContext) withEnv(fn func(*app.Env) error) error {
	env, err := app.Open(rc.ctx, rc.cfg, rc.log)
	if err != nil {
		return err
	}
	defer env.Close()
	return fn(env)
}

func (versionCmd) Run(rc *runContext) error {
	fmt.Println("warden", rc.cfg.Version)
	return nil
}

func (s *serveCmd) Run(rc *runContext) error {
	cfg := rc.cfg
	cfg.Addr, cfg.AdminToken, cfg.Migrate, cfg.Sample = s.Addr, s.AdminToken, s.Migrate, s.Sample
	cfg.PublicURL = s.PublicURL
	cfg.MaxBodyBytes, cfg.MaxGeometryBytes = s.MaxBodyBytes, s.MaxGeometryBytes
	cfg.MaxFootprintVertices = s.MaxFootprintVertices
	cfg.MaxTrackDecodes, cfg.MaxHeavy = s.MaxTrackDecodes, s.MaxHeavy
	cfg.Web = web.Config{Dir: s.WebDir, BasemapURL: s.BasemapURL, BasemapAttribution: s.BasemapAttribution}
	speeds, err := patrol.ParseMaxSpeeds(s.TrackMaxSpeeds)
	if err != nil {
		return err
	}
	cfg.Patrol = patrol.Options{MaxBytes: s.MaxTrackBytes, MaxSpeedsKmh: speeds, JitterDwell: s.JitterDwell, JitterDepthM: s.JitterDepthM}
	if cfg.Auth, err = authConfig(s.securityFlags); err != nil {
		return err
	}
	cfg.Cases = cases.Options{MaxFileBytes: s.MaxEvidenceBytes, DefaultTimezone: s.CaseTimezone}
	cfg.Notify = notify.Options{Webhooks: s.Webhooks, Secret: s.WebhookSecret, Every: s.CaseJobEvery}
	if cfg.Live, err = s.liveFlags.options(cfg.Patrol); err != nil {
		return err
	}
	cfg.LiveMQTT = s.liveFlags.mqtt()
	s.scaleFlags.apply(&cfg)
	return app.Serve(rc.ctx, cfg, rc.log)
}

func (u *uploadCmd) Run(rc *runContext) error {
	token, err := app.TokenFrom(u.Token, rc.cfg.DataDir)
	if err != nil {
		return err
	}
	return app.Upload(rc.ctx, u.Files, app.UploadOptions{
		URL: u.URL, Token: token, Reserve: u.Reserve, Subject: u.Subject, SubjectKind: u.SubjectKind, Permit: u.Permit,
		Timezone: u.Timezone, Coords: u.Coords, MaxSpeedKmh: u.MaxSpeedKmh, Progress: os.Stderr,
	}, os.Stdout)
}

func (migrateCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.Migrate(rc.ctx, env, rc.log) })
}

func (z *importZonesCmd) Run(rc *runContext) error {
	crs, err := geoio.ParseCRS(z.CRS)
	if err != nil {
		return err
	}
	return rc.withEnv(func(env *app.Env) error {
		v, err := app.ImportZones(rc.ctx, env, z.Reserve, z.File, zoning.VersionInput{CRS: crs, ApprovedOn: z.ApprovedOn, Approval: z.Approval})
		if err != nil {
			return err
		}
		fmt.Printf("reserve %s: zoning version %d is now current\n", z.Reserve, v.Version)
		for _, zn := range v.Zones {
			fmt.Printf("  %-16s %-8s %14.1f ha  %7d vertices  %s\n", zn.Kind, zn.KindZH, zn.AreaHa, zn.Vertices, zn.Name)
		}
		return nil
	})
}

func (m *importMarkersCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error {
		ms, err := app.ImportMarkers(rc.ctx, env, m.Reserve, m.File)
		if err != nil {
			return err
		}
		fmt.Printf("reserve %s: %d markers imported\n", m.Reserve, len(ms))
		return nil
	})
}

func (r *importReserveCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error {
		if err := app.ImportReserve(rc.ctx, env, r.Dir); err != nil {
			return err
		}
		fmt.Println("imported", r.Dir)
		return nil
	})
}

func (r *importRulesCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.ImportRules(rc.ctx, env, r.File, r.Reserve, os.Stdout) })
}

type importSampleCmd struct{}

func (importSampleCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error {
		loaded, err := app.LoadSamples(rc.ctx, env)
		if err != nil {
			return err
		}
		if len(loaded) == 0 {
			fmt.Println("the database already has reserves; samples not loaded")
		}
		for _, l := range loaded {
			fmt.Println("loaded sample reserve", l)
		}
		return nil
	})
}

func (s *screenCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error {
		sc, err := app.Screen(rc.ctx, env, s.File, app.ScreenOptions{
			Activity: s.Activity, CRS: s.CRS, Shape: s.Shape, DistanceM: s.DistanceM, MaxVertices: s.MaxVertices,
			Project: screening.Project{Name: s.Project, Developer: s.Developer, Status: screening.Status(s.Status), StartedOn: s.StartedOn},
		})
		if err != nil {
			return err
		}
		app.PrintScreening(os.Stdout, sc)
		return nil
	})
}

func (u *userCreateCmd) Run(rc *runContext) error {
	o, err := u.options()
	if err != nil {
		return err
	}
	return rc.withEnv(func(env *app.Env) error { return app.CreateUser(rc.ctx, env, u.Name, o, os.Stdout) })
}

func (u *userSetCmd) Run(rc *runContext) error {
	o, err := u.options()
	if err != nil {
		return err
	}
	o.AllReserves, o.Disable, o.Enable = u.AllReserves, u.Disable, u.Enable
	return rc.withEnv(func(env *app.Env) error { return app.SetUser(rc.ctx, env, u.Name, o, os.Stdout) })
}

type userListCmd struct{}

func (userListCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.ListUsers(rc.ctx, env, os.Stdout) })
}

func (t *tokenCreateCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.CreateToken(rc.ctx, env, t.User, t.Name, t.Expires, os.Stdout) })
}

func (t *tokenRevokeCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.RevokeToken(rc.ctx, env, t.ID, os.Stdout) })
}

func (t *tokenListCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error { return app.ListTokens(rc.ctx, env, t.User, os.Stdout) })
}

func (r *reportCmd) Run(rc *runContext) error {
	return rc.withEnv(func(env *app.Env) error {
		return app.Report(rc.ctx, env, r.Kind, r.Date, r.Week, r.Reserve, r.Format, os.Stdout)
	})
}
