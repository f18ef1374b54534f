package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/evtxhunt/evtxhunt/analyzer/findings"
	"github.com/evtxhunt/evtxhunt/analyzer/pipeline"
	"github.com/evtxhunt/evtxhunt/analyzer/shard"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
	"github.com/evtxhunt/evtxhunt/detections/sigma"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth returns w's width when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 0
	}
	return width
}

// progress is the scan's progress bar on stderr: bytes done of the total,
// files, findings so far, rate and time left. A nil *progress shows
// nothing.
type progress struct {
	bar        *progressbar.ProgressBar
	stderr     io.Writer
	totalFiles int
	files      int
	findings   func() int
	described  time.Time
}

// newProgress starts a bar for inputs, counting the findings findings
// reports.
func newProgress(stderr io.Writer, inputs []walk.Input, findings func() int) *progress {
	var total int64
	for _, in := range inputs {
		total += in.Size
	}
	p := &progress{stderr: stderr, totalFiles: len(inputs), findings: findings}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(150*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription(p.description()),
	)
	return p
}

func (p *progress) description() string {
	return fmt.Sprintf("files %d/%d, %d findings", p.files, p.totalFiles, p.findings())
}

// file counts a finished input.
func (p *progress) file(*pipeline.FileStats) {
	if p == nil {
		return
	}
	p.files++
	p.describe(false)
}

// update moves the bar to done bytes.
func (p *progress) update(done int64) {
	if p == nil {
		return
	}
	p.describe(false)
	_ = p.bar.Set64(min(done, p.bar.GetMax64())) // the bar is cosmetic: a failed redraw changes nothing
}

func (p *progress) describe(force bool) {
	if now := time.Now(); force || now.Sub(p.described) >= 100*time.Millisecond {
		p.described = now
		p.bar.Describe(p.description())
	}
}

// finish removes the bar.
func (p *progress) finish() {
	if p == nil {
		return
	}
	_ = p.bar.Finish()
	_ = p.bar.Clear()
	_ = p.bar.Exit()
}

// Write prints a message above the bar: it clears the bar's line first,
// and the bar is drawn again at its next update. It is the stderr the
// reading stage prints notes and problems to.
func (p *progress) Write(b []byte) (int, error) {
	_ = p.bar.Clear()
	return p.stderr.Write(b)
}

// writeSummary prints the end-of-scan summary: files, records, process
// events, findings by level, duplicates and suppressed findings, problems,
// and the time taken with the reading and report stages apart.
func writeSummary(w io.Writer, res *readResult, st findings.Stats, readTime, total time.Duration) {
	sum := res.summary
	if res.plan != nil {
		writeShardLine(w, res.plan, res.kept, sum.Events)
	}
	secs := total.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(sum.Bytes) / (1 << 20) / secs
	}
	recovered := ""
	if sum.Recovered > 0 {
		recovered = fmt.Sprintf(" (and %d recovered by --carve)", sum.Recovered)
	}
	fallbacks := ""
	if sum.Fallbacks > 0 {
		fallbacks = fmt.Sprintf("; %d chunks decoded by the velocidex fallback", sum.Fallbacks)
	}
	fmt.Fprintf(w, "evtxhunt: scanned %d files (%s), %d records%s, %d process events, %d other records matched against the rules%s\n",
		len(sum.Files), humanBytes(sum.Bytes), sum.Records, recovered, sum.Events, st.OtherEvents, fallbacks)
	levels := st.Levels.List()
	parts := make([]string, 0, len(levels))
	for _, l := range levels {
		parts = append(parts, l.String())
	}
	line := fmt.Sprintf("evtxhunt: %d findings", st.Findings)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(w, "%s; %d suppressed by the allowlist; %d copies of reported records merged; %d process creations logged by both Security and Sysmon reported once\n",
		line, st.Suppressed, st.Duplicates, st.MergedPairs)
	fmt.Fprintf(w, "evtxhunt: %d problems in %d files, %d inputs unreadable\n", len(sum.Problems), filesWithProblems(sum), res.unusable)
	fmt.Fprintf(w, "evtxhunt: took %s (reading and detection %s, report %s), %.1f MiB/s\n",
		roundDuration(total), roundDuration(readTime), roundDuration(total-readTime), rate)
}

// writeShardLine says which shard ran, what its pre-pass let it skip,
// how many hosts moved off their hash shard to keep the shards' bytes
// even, and how many of the process events it read were its hosts'.
func writeShardLine(w io.Writer, plan *shard.Plan, kept, events int) {
	hostless := ""
	if plan.Hostless > 0 {
		hostless = fmt.Sprintf(" (%d without any host, read by shard 1)", plan.Hostless)
	}
	hosts := ""
	switch {
	case plan.TooManyHosts:
		hosts = "; too many host names to place: every shard reads every file, hosts by hash"
	case plan.Owners != nil:
		hosts = fmt.Sprintf("; %s of %d placed off their hash shard (capacity %s, placement %s)",
			plural(plan.Owners.Moved(), "host"), plan.Owners.Hosts(), humanBytes(plan.Owners.Capacity()), plan.Owners.Fingerprint()[:8])
	}
	fmt.Fprintf(w, "evtxhunt: shard %s: read %d of %s (%s of %s), skipped %s (%s) holding none of its hosts%s%s; kept %d of %d process events read; host pre-pass %s\n",
		plan.Spec, len(plan.Inputs), plural(plan.Files, "file"), humanBytes(plan.ReadBytes()), humanBytes(plan.Bytes),
		plural(plan.Skipped, "file"), humanBytes(plan.SkippedBytes), hostless, hosts, kept, events, roundDuration(plan.Elapsed))
}

func filesWithProblems(sum *pipeline.Summary) int {
	n := 0
	for _, f := range sum.Files {
		if f.Problems > 0 {
			n++
		}
	}
	return n
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// failReached reports whether a finding of level at least fail was
// reported.
func failReached(st findings.Stats, fail sigma.Level) bool {
	for l := fail; l <= sigma.Critical; l++ {
		if l >= 0 && st.Levels[l] > 0 {
			return true
		}
	}
	return false
}
