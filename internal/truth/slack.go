package truth

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Slack is one line of slack_recovered.tsv: how many records (and of
// them, process creations) can be carved from a file's chunk slack.
type Slack struct {
	Records, N4688, NSysmon1 int
}

// LoadSlack reads slack_recovered.tsv, keyed by corpus-relative path.
func LoadSlack(path string) (map[string]Slack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]Slack{}
	sc := bufio.NewScanner(f)
	sc.Scan() // column names
	for line := 2; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 columns, got %d", path, line, len(cols))
		}
		var n [3]int
		for i := range n {
			if n[i], err = strconv.Atoi(cols[i+1]); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		out[cols[0]] = Slack{n[0], n[1], n[2]}
	}
	return out, sc.Err()
}
