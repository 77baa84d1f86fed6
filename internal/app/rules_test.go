package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// walkerCSV is a small agency rule set in CSV, with its own text.
const walkerCSV = `record,zone,activities,verdict,basis,penalty,key,value
set,,,,,,code,walker-rules-2024
set,,,,,,family,walker-rules
set,,,,,,title_en,Walker park rules
set,,,,,,instrument,walker-act
set,,,,,,zone_scheme,three_zone
set,,,,,,in_force_from,2024-01-01
set,,,,,,currency,EUR
instrument,,,,,,walker-act.lang,en
instrument,,,,,,walker-act.title_en,Walker Park Act
instrument,,,,,,walker-act.in_force_from,2024-01-01
article,,,,,,walker-act/1,No one may enter the core zone.
article,,,,,,walker-act/2,The other zones are open to visitors.
penalty,,,,1,,p,activity:0-500
default,core,,prohibited,1,p,,
default,buffer,,allowed,2,,,
default,experimental,,allowed,2,,,
`

// TestRulesAndStartedOnCommands runs `warden screen --started-on` and
// `warden import rules` as a person would: the screening is judged for the
// start of construction (2026-03-01, under the 2017 Regulations); a CSV rule
// set with a fault is refused with its line and column and exit status 1,
// and the corrected one judges the reserve from then on.
func TestRulesAndStartedOnCommands(t *testing.T) {
	dir, quarry, run := sampleCLI(t)
	out, errs, err := run("screen", quarry, "--activity", "quarrying", "--status", "under_construction", "--started-on", "2026-03-01")
	if err != nil {
		t.Fatalf("warden screen: %v\n%s%s", err, out, errs)
	}
	for _, want := range []string{"judged:    for 2026-03-01 (the start of construction)", "nrr-2017/26", "VERDICT: PROHIBITED"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(strings.Replace(walkerCSV, "default,buffer,,allowed,2", "default,buffer,,allowed,9", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, err = run("import", "rules", bad, "--reserve", "qiangtang")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(errs, "walker-act has no article 9") || !strings.Contains(errs, "line 16") {
		t.Errorf("a faulty rule set: %v, stderr %q", err, errs)
	}
	good := filepath.Join(dir, "walker.csv")
	if err := os.WriteFile(good, []byte(walkerCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errs, err = run("import", "rules", good, "--reserve", "qiangtang"); err != nil || !strings.Contains(out, "rule set walker-rules-2024") {
		t.Fatalf("warden import rules: %v\n%s%s", err, out, errs)
	}
	out, errs, err = run("screen", quarry, "--activity", "quarrying")
	if err != nil || !strings.Contains(out, "walker-act/1") {
		t.Errorf("screened under the imported rules: %v\n%s%s", err, out, errs)
	}
}
