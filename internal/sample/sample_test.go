package sample_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"warden/geodata"
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
	if n != 8 {
		t.Errorf("%d sample files compared, want 8", n)
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
}
