package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// TestREADMEDocumentsEveryFlag: every command and every flag of the CLI
// (help aside) appears in the README, so none is added without its
// documentation.
func TestREADMEDocumentsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testshared.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	root := newCmdRoot(&ioStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c != root && !strings.Contains(text, c.CommandPath()) {
			t.Errorf("the README never names the command %q", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" || f.Name == "version" {
				return
			}
			if !regexp.MustCompile(`(^|[^-\w])--` + regexp.QuoteMeta(f.Name) + `([^-\w]|$)`).MatchString(text) {
				t.Errorf("%s: the README never documents --%s", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
