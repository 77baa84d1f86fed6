package sample_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"warden/geodata"
	"warden/internal/law"
	"warden/internal/markers"
	"warden/internal/sample"
	"warden/internal/testcorpus"
	"warden/internal/testdb"
	"warden/internal/zoning"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestSampleDataReproducible re-runs geodata/derive.sql on PostGIS and checks
// that it writes exactly the committed sample files.
func TestSampleDataReproducible(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Fatal("psql is needed to re-derive the sample data (Debian postgresql-client-15)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	for _, d := range []string{"qiangtang", "alt-pirineu"} {
		if err := os.MkdirAll(filepath.Join(work, "geodata", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(psql, testdb.URL(t), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "corpus="+testcorpus.Dir(t),
		"-f", filepath.Join(root, "geodata", "derive.sql"))
	cmd.Dir = work
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("derive.sql: %v\n%s", err, out)
	}
	n := 0
	err = fs.WalkDir(geodata.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		want, _ := fs.ReadFile(geodata.FS, path)
		got, err := os.ReadFile(filepath.Join(work, "geodata", path))
		if err != nil {
			t.Errorf("derive.sql did not write %s", path)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: derive.sql writes %d bytes that differ from the committed %d", path, len(got), len(want))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Errorf("%d sample files compared, want 10", n)
	}
}

func TestLoadIfEmptyLoadsOnce(t *testing.T) {
	pool := testdb.New(t)
	zs, ms := zoning.NewStore(pool), markers.NewStore(pool)
	loaded, err := sample.LoadIfEmpty(t.Context(), zs, ms)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 2 {
		t.Fatalf("loaded %v", loaded)
	}
	again, err := sample.LoadIfEmpty(t.Context(), zs, ms)
	if err != nil || len(again) != 0 {
		t.Fatalf("second load: %v %v", again, err)
	}
	list, err := ms.List(t.Context(), "qiangtang", markers.Filter{})
	if err != nil || len(list) != 40 {
		t.Fatalf("%d qiangtang markers, %v", len(list), err)
	}
	// each sample keeps its local time: Tibet on Beijing time, the Pyrenees on Madrid's
	for code, want := range map[string]string{"qiangtang": "Asia/Shanghai", "alt-pirineu": "Europe/Madrid"} {
		r, err := zs.Reserve(t.Context(), code)
		if err != nil || r.TimeZone != want {
			t.Errorf("%s: time zone %q, want %q (%v)", code, r.TimeZone, want, err)
		}
	}
}

// TestQiangtangTwoZoneVersion: loaded on first start, the Qiangtang sample
// has the three-zone zoning and, from 2026-06-01, the two-zone zoning
// derived by the conversion (core and buffer → core protection zone,
// experimental → general control zone, the same outline), and the rule view
// of each day uses the zoning of that day.
func TestQiangtangTwoZoneVersion(t *testing.T) {
	pool := testdb.New(t)
	ctx := t.Context()
	zs, ms := zoning.NewStore(pool), markers.NewStore(pool)
	if _, err := sample.LoadIfEmpty(ctx, zs, ms); err != nil {
		t.Fatal(err)
	}
	ls := law.NewStore(pool)
	for _, c := range []struct {
		day     string
		version int
		kinds   string
	}{
		{"2026-05-31", 1, "[core buffer experimental]"},
		{"2026-06-01", 2, "[core_protection general_control]"},
	} {
		v, kinds, err := ls.ZoningOn(ctx, "qiangtang", law.MustDate(c.day))
		if err != nil || v != c.version || fmt.Sprint(kinds) != c.kinds {
			t.Errorf("zoning on %s: version %d %v %v, want %d %s", c.day, v, kinds, err, c.version, c.kinds)
		}
	}
	var scheme, approved string
	var same bool
	if err := pool.QueryRow(ctx, `SELECT r.zoning_scheme, to_char(v.approved_on, 'YYYY-MM-DD'),
			(SELECT ST_Equals(ST_Union(z.geom), (SELECT ST_Union(o.geom) FROM zone o WHERE o.version_id = v1.id AND o.kind IN ('core', 'buffer')))
			 FROM zone z WHERE z.version_id = v.id AND z.kind = 'core_protection')
		FROM reserve r JOIN zoning_version v ON v.reserve_id = r.id AND v.is_current JOIN zoning_version v1 ON v1.reserve_id = r.id AND v1.version = 1
		WHERE r.code = 'qiangtang'`).Scan(&scheme, &approved, &same); err != nil {
		t.Fatal(err)
	}
	if scheme != "two_zone" || approved != "2026-06-01" || !same {
		t.Errorf("qiangtang now: %s, approved %s, core protection = core + buffer: %v", scheme, approved, same)
	}
}
