package api_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"warden/internal/zoning"
)

// TestBatchLocateAnswerIsEncodingJSON: a batch of several thousand points,
// located on every processor and written a part at a time, answers byte for
// byte what encoding/json writes for the same locations in the order sent,
// with and without distances.
func TestBatchLocateAnswerIsEncodingJSON(t *testing.T) {
	e := newEnv(t, true)
	rng := rand.New(rand.NewPCG(7, 8))
	pos := make([][2]float64, 5000) // around Qiangtang's zones, some outside
	pts := make([]orb.Point, len(pos))
	for i := range pos {
		pos[i] = [2]float64{80 + rng.Float64()*12, 31 + rng.Float64()*6}
		pts[i] = orb.Point(pos[i])
	}
	for _, distance := range []bool{false, true} {
		ls, err := e.zs.Locate(t.Context(), pts, distance)
		if err != nil {
			t.Fatal(err)
		}
		inside := 0
		for _, l := range ls {
			if l.Inside {
				inside++
			}
		}
		want, err := json.Marshal(struct {
			Count   int               `json:"count"`
			Inside  int               `json:"inside"`
			Results []zoning.Location `json:"results"`
		}{len(ls), inside, ls})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/locate"
		if distance {
			path += "?distance=true"
		}
		got := e.do("POST", path, pos, true).expect(200).Raw
		if inside == 0 || inside == len(ls) {
			t.Fatalf("%d of %d points inside: the batch should straddle the zones", inside, len(ls))
		}
		if string(got) != string(want)+"\n" {
			t.Errorf("distance=%v: answer of %d bytes differs from encoding/json's %d bytes", distance, len(got), len(want)+1)
		}
	}
}
