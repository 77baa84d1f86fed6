package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"warden/internal/live"
)

// The commands `warden device ...` register live devices in the database
// directly, as `warden token ...` does for API tokens; each change is in the
// audit log as the CLI's.

func liveService(env *Env) *live.Service {
	return live.New(env.Pool, nil, live.Options{}, slog.New(slog.DiscardHandler))
}

// DeviceOptions are the flags of `warden device create`.
type DeviceOptions struct {
	Kind, Name, Subject, SubjectKind string
	Reserves                         []string
	ExpectedInterval                 time.Duration
}

// CreateDevice registers a device and prints its ingest token once, with
// the URL a phone app sends to.
func CreateDevice(ctx context.Context, env *Env, id string, o DeviceOptions, publicURL string, out io.Writer) error {
	in := live.DeviceInput{ID: &id, Kind: &o.Kind, Subject: &o.Subject, Reserves: o.Reserves}
	if o.Name != "" {
		in.Name = &o.Name
	}
	if o.SubjectKind != "" {
		in.SubjectKind = &o.SubjectKind
	}
	if o.ExpectedInterval > 0 {
		s := int(o.ExpectedInterval.Seconds())
		in.ExpectedIntervalS = &s
	}
	d, err := liveService(env).CreateDevice(ctx, in)
	if err != nil {
		return err
	}
	if err := record(ctx, env.Auth, cliEntry("create", "device", d.ID), nil, deviceDoc(d)); err != nil {
		return err
	}
	fmt.Fprintf(out, "device %s (%s, %s %s) registered; its token, shown only now:\n\n    %s\n\n"+
		"Traccar Client: server URL %s/ingest/osmand?key=%s, device identifier %s\n",
		d.ID, d.Kind, d.SubjectKind, d.Subject, d.Token, strings.TrimRight(publicURL, "/"), d.Token, d.ID)
	return nil
}

// deviceDoc is a device for the audit log, without its token.
func deviceDoc(d live.Device) live.Device {
	d.Token = ""
	return d
}

// RotateDevice gives a device a new token and prints it once.
func RotateDevice(ctx context.Context, env *Env, id string, out io.Writer) error {
	d, err := liveService(env).UpdateDevice(ctx, id, live.DeviceInput{RotateToken: true})
	if err != nil {
		return err
	}
	if err := record(ctx, env.Auth, cliEntry("rotate", "device", d.ID), nil, deviceDoc(d)); err != nil {
		return err
	}
	fmt.Fprintf(out, "device %s has a new token (the old one no longer works), shown only now:\n\n    %s\n", d.ID, d.Token)
	return nil
}

// DeleteDevice removes a device.
func DeleteDevice(ctx context.Context, env *Env, id string, out io.Writer) error {
	s := liveService(env)
	before, err := s.Device(ctx, id)
	if err != nil {
		return err
	}
	if err := s.DeleteDevice(ctx, id); err != nil {
		return err
	}
	if err := record(ctx, env.Auth, cliEntry("delete", "device", id), before, nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "device %s removed; its fixes stay until retention drops them\n", id)
	return nil
}

// ListDevices prints the devices with their last fix.
func ListDevices(ctx context.Context, env *Env, reserve string, out io.Writer) error {
	ds, err := liveService(env).Devices(ctx, reserve)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSUBJECT\tSUBJECT KIND\tRESERVES\tLAST FIX\tBATTERY")
	for _, d := range ds {
		last, batt := "-", "-"
		if f := d.LastFix; f != nil {
			last = fmt.Sprintf("%s %.5f,%.5f", f.At.Local().Format(time.RFC3339), f.Lon, f.Lat)
			if f.Battery != nil {
				batt = fmt.Sprintf("%.0f%%", *f.Battery)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Kind, d.Subject, d.SubjectKind, strings.Join(d.Reserves, ","), last, batt)
	}
	return tw.Flush()
}
