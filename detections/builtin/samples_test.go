package builtin_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
	"github.com/evtxhunt/evtxhunt/detections/cmdline"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// plantedStep is one line of samples/demo/expected.tsv: an attack that
// must be found or a look-alike that must not alert, with the record ids
// of its 4688 and its Sysmon 1.
type plantedStep struct {
	class, id, host string
	security        uint64
	sysmon          uint64
}

func readExpected(t *testing.T, path string) []plantedStep {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cols map[string]int
	var out []plantedStep
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		if cols == nil {
			cols = map[string]int{}
			for i, name := range fields {
				cols[name] = i
			}
			for _, need := range []string{"class", "id", "host", "security_record", "sysmon_record"} {
				if _, ok := cols[need]; !ok {
					t.Fatalf("%s: no %s column", path, need)
				}
			}
			continue
		}
		if len(fields) != len(cols) {
			t.Fatalf("%s:%d: %d fields, want %d", path, line, len(fields), len(cols))
		}
		sec, err1 := strconv.ParseUint(fields[cols["security_record"]], 10, 64)
		sys, err2 := strconv.ParseUint(fields[cols["sysmon_record"]], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s:%d: bad record ids", path, line)
		}
		out = append(out, plantedStep{class: fields[cols["class"]], id: fields[cols["id"]],
			host: fields[cols["host"]], security: sec, sysmon: sys})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// eventKey identifies one record of the demo logs.
type eventKey struct {
	host    string // short host name, as expected.tsv writes it
	channel string
	record  uint64
}

func keyOf(p *event.Process) eventKey {
	host, _, _ := strings.Cut(p.Computer, ".")
	return eventKey{host: strings.ToUpper(host), channel: p.Channel, record: p.EventRecordID}
}

// TestSamplesDemo decodes samples/demo with the pipeline and checks the
// built-in rules against samples/demo/expected.tsv: both records (4688
// and Sysmon 1) of every planted attack are found by at least one rule,
// and no rule or command-line check fires on anything else (look-alikes,
// context events of the story, background).
func TestSamplesDemo(t *testing.T) {
	dir := filepath.Join(testshared.Root(t), "samples", "demo")
	steps := readExpected(t, filepath.Join(dir, "expected.tsv"))
	events := readProcessEvents(t, dir)
	set := sigma.NewRuleSet(loadBuiltin(t))
	found := map[eventKey][]string{}
	checks := map[eventKey][]string{}
	for _, p := range events {
		for _, r := range set.Match(p, nil) {
			found[keyOf(p)] = append(found[keyOf(p)], strings.TrimPrefix(r.Source, "builtin:"))
		}
		for _, h := range cmdline.Run(p, nil) {
			checks[keyOf(p)] = append(checks[keyOf(p)], h.Check.Title)
		}
	}
	planted := map[eventKey]string{}
	attacks := 0
	for _, st := range steps {
		for _, k := range []eventKey{{st.host, event.SecurityChannel, st.security}, {st.host, event.SysmonChannel, st.sysmon}} {
			planted[k] = st.class + " " + st.id
			switch st.class {
			case "attack":
				attacks++
				if len(found[k]) == 0 {
					t.Errorf("attack %s (%s record %d) is found by no built-in rule", st.id, k.channel, k.record)
				} else {
					t.Logf("attack %s (%s): %v", st.id, k.channel, found[k])
				}
			case "lookalike":
				if len(found[k]) > 0 || len(checks[k]) > 0 {
					t.Errorf("look-alike %s (%s record %d) raises %v %v", st.id, k.channel, k.record, found[k], checks[k])
				}
			default:
				t.Fatalf("expected.tsv: unknown class %q of %s", st.class, st.id)
			}
		}
	}
	if attacks == 0 {
		t.Fatal("expected.tsv lists no attack")
	}
	// The rest of the day (background and the story's context events) must
	// stay quiet: every finding is worth an analyst's time.
	for k, rules := range found {
		if _, ok := planted[k]; !ok {
			t.Errorf("event %v, not a planted attack, raises %v", k, rules)
		}
	}
	for k, titles := range checks {
		if what, ok := planted[k]; !ok || !strings.HasPrefix(what, "attack") {
			t.Errorf("event %v, not a planted attack, raises command-line checks %v", k, titles)
		}
	}
}
