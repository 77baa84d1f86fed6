package law_test

import (
	"os"
	"testing"

	"warden/internal/law"
)

// FuzzParse: any text parses without panicking, and what parses has
// increasing article numbers and items numbered from one.
func FuzzParse(f *testing.F) {
	src, err := law.ShippedText("nrr-2026")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	f.Add("第一条 总则\n（一）甲；\n（二）乙。\n第二条 乙\n")
	f.Add("第十条\n(一)x\n(三)y")
	f.Fuzz(func(t *testing.T, s string) {
		arts, err := law.Parse(s)
		if err != nil {
			return
		}
		for i, a := range arts {
			if i > 0 && a.Number <= arts[i-1].Number {
				t.Fatalf("article %d after %d", a.Number, arts[i-1].Number)
			}
			for _, p := range a.Paragraphs {
				for k, it := range p.Items {
					if it.Number != k+1 {
						t.Fatalf("item %d at %d", it.Number, k+1)
					}
				}
			}
		}
	})
}

// FuzzDecodeRuleSet: any document decodes or fails cleanly, and a decoded
// one validates without panicking.
func FuzzDecodeRuleSet(f *testing.F) {
	for _, name := range []string{"rulesets/cn-nrr-2026.json", "rulesets/alt-pirineu-illustrative.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"code":"x","zones":[{"kind":"core","default":{"verdict":"allowed","basis":[{"article":-1,"paragraph":9,"item":3}]}}]}`))
	ins, err := law.Shipped()
	if err != nil {
		f.Fatal(err)
	}
	idx := map[string]*law.Instrument{}
	for i := range ins {
		idx[ins[i].Code] = &ins[i]
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := law.DecodeRuleSet(b)
		if err != nil {
			return
		}
		law.Validate(&rs, idx)
	})
}
