package synth

import (
	"errors"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

// The three independent parsers read a synth file with both logs and
// every kind of background record identically, and the logon records.
func TestCrossParsersAgree(t *testing.T) {
	path, st := writeLines(t, timelineJSONL(layouts())+story+logonStory, Options{Noise: 300, Seed: 5})
	ref, err := crossparse.Velocidex(path)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(ref)) != st.Records {
		t.Fatalf("velocidex read %d records, %d written", len(ref), st.Records)
	}
	for _, p := range crossparse.Parsers()[1:] {
		t.Run(p.Name, func(t *testing.T) {
			recs, err := p.Parse(path)
			if errors.Is(err, crossparse.ErrUnavailable) {
				t.Skipf("%v (scripts/ci-deps.sh installs it)", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(ref) {
				t.Fatalf("%d records, velocidex %d", len(recs), len(ref))
			}
			bad := 0
			for i := range ref {
				for _, d := range crossparse.Diff(recs[i], ref[i], p.Precision+2*time.Microsecond) {
					if bad++; bad <= 10 {
						t.Errorf("record %d (%s %s): %s", i, ref[i].System["Channel"], ref[i].System["EventID"], d)
					}
				}
			}
		})
	}
}
