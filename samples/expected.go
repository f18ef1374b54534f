package samples

import (
	"fmt"
	"os"
	"strings"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// expectedColumns head expected.tsv.
var expectedColumns = []string{"class", "id", "host", "category", "time", "user", "integrity", "image",
	"command_line", "parent_image", "security_record", "sysmon_record", "note"}

// writeExpected lists every attack and look-alike step, in story order,
// with the EventRecordID of its 4688 in the host's Security log and of
// its Sysmon 1 in the host's Sysmon log.
func writeExpected(path string, s *Story, steps map[string]*planted) error {
	var b strings.Builder
	b.WriteString(strings.Join(expectedColumns, "\t") + "\n")
	for i := range s.Steps {
		st := &s.Steps[i]
		if st.Class == classContext {
			continue
		}
		p := steps[st.ID]
		row := []string{st.Class, st.ID, p.host.spec.Name, st.Category, event.FormatTime(p.proc.Start),
			p.proc.Account.User, p.proc.Integrity, p.proc.Image, p.proc.CommandLine, p.proc.Parent.Image,
			fmt.Sprint(p.records[securityLog]), fmt.Sprint(p.records[sysmonLog]), st.Note}
		for _, f := range row {
			if strings.ContainsAny(f, "\t\r\n") {
				return fmt.Errorf("step %s: a value holds a tab or line break: %q", st.ID, f)
			}
		}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
