package testbin

import (
	"bytes"
	"context"
	"go/build"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/internal/testshared"
)

// buildTimeout bounds one `go build` of the command.
const buildTimeout = 5 * time.Minute

// Build compiles ./cmd/evtxhunt into a temporary folder of tb and returns
// the program's path.
func Build(tb testing.TB) string {
	tb.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(build.Default.GOROOT, "bin", "go")
	}
	bin := filepath.Join(tb.TempDir(), "evtxhunt")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/evtxhunt")
	cmd.Dir = testshared.Root(tb)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build ./cmd/evtxhunt: %v\n%s", err, out)
	}
	return bin
}

// ShardMerge reports whether the program bin has `scan --shard` and the
// `merge` command; when it has not, why says what is missing, for a skip
// message.
func ShardMerge(tb testing.TB, bin string) (ok bool, why string) {
	tb.Helper()
	scanHelp, _ := helpText(bin, "scan")
	if !strings.Contains(scanHelp, "--shard") {
		return false, bin + ": scan --help lists no --shard flag (the shard/merge interface is not in this build yet)"
	}
	mergeHelp, err := helpText(bin, "merge")
	if err != nil || !strings.Contains(mergeHelp, "merge") {
		return false, bin + ": there is no merge command (the shard/merge interface is not in this build yet)"
	}
	return true, ""
}

// helpText returns what `bin command --help` prints, and its error.
func helpText(bin, command string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, command, "--help")
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
