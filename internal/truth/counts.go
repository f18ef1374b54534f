package truth

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Counts is one line of counts.tsv: a file's size, allocated records and
// process-creation records.
type Counts struct {
	Bytes, Records, N4688, NSysmon1 int
}

// LoadCounts reads counts.tsv, keyed by corpus-relative path.
func LoadCounts(path string) (map[string]Counts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]Counts{}
	sc := bufio.NewScanner(f)
	sc.Scan() // column names
	for line := 2; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 5 {
			return nil, fmt.Errorf("%s:%d: want 5 columns, got %d", path, line, len(cols))
		}
		var n [4]int
		for i := range n {
			if n[i], err = strconv.Atoi(cols[i+1]); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		out[cols[0]] = Counts{n[0], n[1], n[2], n[3]}
	}
	return out, sc.Err()
}
