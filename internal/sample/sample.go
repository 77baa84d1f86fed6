// Package sample loads the sample reserves embedded from geodata/ into a
// database that has none, so that a first run has something to show.
package sample

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"warden/geodata"
	"warden/internal/geoio"
	"warden/internal/law"
	"warden/internal/markers"
	"warden/internal/zoning"
)

type reserveFile struct {
	zoning.ReserveInput
	NoteZH string `json:"note_zh"`
	NoteEN string `json:"note_en"`
}

// Extra loads more sample data for a reserve once its zones and markers are
// in, e.g. grid.Store.LoadSample (illustrative administrative units and a
// grid of cells).
type Extra func(ctx context.Context, reserve string) error

// LoadIfEmpty loads every sample when there is no reserve yet, and reports the
// codes loaded (none if the database already had reserves).
func LoadIfEmpty(ctx context.Context, zs *zoning.Store, ms *markers.Store, extras ...Extra) ([]string, error) {
	existing, err := zs.Reserves(ctx)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, nil
	}
	dirs, err := fs.ReadDir(geodata.FS, ".")
	if err != nil {
		return nil, err
	}
	var loaded []string
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if err := Load(ctx, zs, ms, geodata.FS, d.Name(), extras...); err != nil {
			return loaded, fmt.Errorf("sample %s: %w", d.Name(), err)
		}
		loaded = append(loaded, d.Name())
	}
	return loaded, nil
}

// Load reads one reserve folder (reserve.json, zones.geojson, markers.geojson,
// and versions.json with the later zoning versions it lists, if any) from
// fsys and stores it, then runs the extras on it.
func Load(ctx context.Context, zs *zoning.Store, ms *markers.Store, fsys fs.FS, dir string, extras ...Extra) error {
	raw, err := fs.ReadFile(fsys, path.Join(dir, "reserve.json"))
	if err != nil {
		return err
	}
	var rf reserveFile
	if err := json.Unmarshal(raw, &rf); err != nil {
		return fmt.Errorf("reserve.json: %w", err)
	}
	in := rf.ReserveInput
	if in.Note == "" {
		in.Note = strings.TrimSpace(rf.NoteZH + "\n" + rf.NoteEN)
	}
	if _, err := zs.CreateReserve(ctx, in); err != nil {
		return err
	}
	if fam := law.SampleFamily(in.Code); fam != "" {
		// the sample is judged under its own illustrative rules
		if err := zs.SetRuleFamily(ctx, in.Code, fam); err != nil {
			return err
		}
	}
	zones, err := readFeatures(fsys, path.Join(dir, "zones.geojson"))
	if err != nil {
		return err
	}
	if _, err := zs.PutZones(ctx, in.Code, zones, zoning.VersionInput{Note: "sample zoning (illustrative)"}); err != nil {
		return fmt.Errorf("zones.geojson: %w", err)
	}
	feats, err := readFeatures(fsys, path.Join(dir, "markers.geojson"))
	if err != nil {
		return err
	}
	ins, err := markers.FromFeatures(feats)
	if err != nil {
		return fmt.Errorf("markers.geojson: %w", err)
	}
	if _, err := ms.Create(ctx, in.Code, ins); err != nil {
		return fmt.Errorf("markers.geojson: %w", err)
	}
	if err := laterVersions(ctx, zs, fsys, dir, in.Code); err != nil {
		return err
	}
	for _, x := range extras {
		if err := x(ctx, in.Code); err != nil {
			return err
		}
	}
	return nil
}

// laterVersions stores the later zoning versions a sample folder lists in
// versions.json (Qiangtang: its two-zone zoning approved 2026-06-01, derived
// by the default conversion), each as a new version with its approval date,
// so the transition from three zones to two shows in the sample: an act is
// located in the zoning approved on or before its day, so acts before
// 2026-06-01 are located in the three zones (judged under the 2026
// Regulations through the conversion from 2026-03-15) and acts from it in
// the two.
func laterVersions(ctx context.Context, zs *zoning.Store, fsys fs.FS, dir, reserve string) error {
	raw, err := fs.ReadFile(fsys, path.Join(dir, "versions.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var vs []struct {
		File       string `json:"file"`
		ApprovedOn string `json:"approved_on"`
		Approval   string `json:"approval"`
		Note       string `json:"note"`
	}
	if err := json.Unmarshal(raw, &vs); err != nil {
		return fmt.Errorf("versions.json: %w", err)
	}
	for _, v := range vs {
		feats, err := readFeatures(fsys, path.Join(dir, v.File))
		if err != nil {
			return err
		}
		if _, err := zs.PutZones(ctx, reserve, feats, zoning.VersionInput{ApprovedOn: v.ApprovedOn, Approval: v.Approval, Note: v.Note}); err != nil {
			return fmt.Errorf("%s: %w", v.File, err)
		}
	}
	return nil
}

func readFeatures(fsys fs.FS, name string) ([]geoio.Feature, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	feats, err := geoio.DecodeGeoJSON(raw, geoio.GeoJSONOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path.Base(name), err)
	}
	return feats, nil
}
