package law_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"warden/internal/law"
)

// TestRuleSetCSVEqualsJSON: the CSV form of a rule set decodes to the same
// rule set as its JSON form, and validates against its own text.
func TestRuleSetCSVEqualsJSON(t *testing.T) {
	csvDoc, err := os.ReadFile("testdata/walker-rules.csv")
	if err != nil {
		t.Fatal(err)
	}
	jsonDoc, err := os.ReadFile("testdata/walker-rules.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := law.DecodeRuleSet(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	got, src, err := law.DecodeRuleSetCSV(append([]byte("\ufeff"), csvDoc...))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CSV decodes to\n%+v\nJSON to\n%+v", got, want)
	}
	idx := map[string]*law.Instrument{}
	in := got.Instruments[0].Build()
	idx[in.Code] = &in
	if issues := law.Validate(&got, idx); len(issues) != 0 {
		t.Fatalf("issues: %+v", issues)
	}
	// Validation issues are placed at the row and column they came from.
	got.Zones[0].Rules[0].Basis[0].Article = 3
	issues := law.Validate(&got, idx)
	if len(issues) != 1 {
		t.Fatalf("issues: %+v", issues)
	}
	if line, col, name := src.Locate(issues[0].Pointer); line != 17 || col != 5 || name != "basis" {
		t.Errorf("%s placed at line %d, column %d (%s), want line 17, column 5 (basis)", issues[0].Pointer, line, col, name)
	}
}

// TestRuleSetCSVFaults: each fault of a CSV rule set names its line and
// column.
func TestRuleSetCSVFaults(t *testing.T) {
	head := "record,zone,activities,verdict,basis,penalty,key,value\n"
	for _, c := range []struct {
		name, doc    string
		line, column int
		fragment     string
	}{
		{"unknown column", "record,zone,colour\n", 1, 3, `unknown column "colour"`},
		{"unknown record", head + "set,,,,,,code,x\nzone,core,,prohibited,1,,,\n", 3, 1, `record "zone"`},
		{"bad citation", head + "default,core,,prohibited,1/x,,,\n", 2, 5, "positive numbers"},
		{"unknown zone kind", head + "default,jungle,,prohibited,1,,,\n", 2, 2, "jungle"},
		{"bad range", head + "penalty,,,,1,,p,activity:500\n", 2, 8, "circumstance:min-max"},
		{"bad date", head + "set,,,,,,in_force_from,2024-13-01\n", 2, 8, "YYYY-MM-DD"},
		{"unknown set key", head + "set,,,,,,colour,red\n", 2, 7, `"colour"`},
		{"rule without activities", head + "rule,core,,allowed,1,,,\n", 2, 3, "activities"},
		{"bare quote", head + "set,,,,,,code,\"x\n", 2, 0, "quote"},
		{"too many cells", head + "set,,,,,,code,x,y\n", 2, 9, "cells"},
		{"empty", "", 1, 0, "header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := law.DecodeRuleSetCSV([]byte(c.doc))
			var ce *law.CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a CSVError", err)
			}
			if ce.Line != c.line || (c.column > 0 && ce.Column != c.column) || !strings.Contains(ce.Detail, c.fragment) {
				t.Errorf("%v: want line %d, column %d, mentioning %q", ce, c.line, c.column, c.fragment)
			}
		})
	}
}

// FuzzDecodeRuleSetCSV: any bytes decode or fail with a CSVError that names
// a line; a decoded rule set survives validation, and every issue's pointer
// is placed within the file.
func FuzzDecodeRuleSetCSV(f *testing.F) {
	doc, err := os.ReadFile("testdata/walker-rules.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc)
	f.Add([]byte("record,key,value\nset,code,x\n"))
	f.Add([]byte("record,zone,activities,verdict,basis\nrule,core,采石;grazing,prohibited,a:1/2/3;4\n"))
	f.Add([]byte("record\n\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, src, err := law.DecodeRuleSetCSV(b)
		if err != nil {
			var ce *law.CSVError
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("error %v is not a CSVError with a line", err)
			}
			return
		}
		lines := strings.Count(string(b), "\n") + 1
		for _, is := range law.Validate(&rs, map[string]*law.Instrument{}) {
			if line, _, _ := src.Locate(is.Pointer); line > lines {
				t.Fatalf("%s placed at line %d of %d", is.Pointer, line, lines)
			}
		}
	})
}
