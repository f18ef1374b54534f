// Command gen regenerates the sample logs under samples/ from their
// scenario files; go generate ./samples runs it from that folder.
package main

import (
	"fmt"
	"os"

	"github.com/evtxhunt/evtxhunt/samples"
)

func main() {
	for _, s := range samples.Scenarios {
		if err := samples.Generate(s, s); err != nil {
			fmt.Fprintf(os.Stderr, "gen: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("gen: wrote %s\n", s)
	}
}
