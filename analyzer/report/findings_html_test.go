package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium returns the headless browser's path, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("chromium is not installed (scripts/ci-deps-browser.sh installs it); skipping the HTML browser test")
	return ""
}

// dumpDOM opens url in headless Chromium and returns the DOM after the
// page's script ran.
func dumpDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-extensions", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--dump-dom", url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, stderr.String())
	}
	return string(out)
}

// TestFindingsHTMLInBrowser opens the report in headless Chromium: its
// script runs without error, every finding is a row, the context rows
// start hidden and expand, and hostile text stays inert.
func TestFindingsHTMLInBrowser(t *testing.T) {
	browser := chromium(t)
	var buf bytes.Buffer
	if err := WriteFindings(&buf, HTML, sampleFindings(), Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "findings report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(path)
	n := len(sampleFindings())
	hiddenContext := regexp.MustCompile(`<tr class="context" hidden(="")?>`)
	openContext := regexp.MustCompile(`<tr class="context">`)
	for _, tt := range []struct {
		hash         string
		open, hidden int
	}{
		{"", 0, n},
		{"#expanded", n, 0},
		{"#f2", 1, n - 1},
	} {
		dom := dumpDOM(t, browser, url+tt.hash)
		if !strings.Contains(dom, `data-ready="true"`) {
			t.Fatalf("%q: the page's script did not finish:\n%s", tt.hash, dom)
		}
		if got := strings.Count(dom, `<tr class="finding"`); got != n {
			t.Errorf("%q: %d finding rows, want %d", tt.hash, got, n)
		}
		if n := len(openContext.FindAllString(dom, -1)); n != tt.open {
			t.Errorf("%q: %d context rows open, want %d", tt.hash, n, tt.open)
		}
		if n := len(hiddenContext.FindAllString(dom, -1)); n != tt.hidden {
			t.Errorf("%q: %d context rows hidden, want %d", tt.hash, n, tt.hidden)
		}
		for _, want := range []string{"Formula in a command line", `evil\u202etxt.exe`, "not in the logs", "whoami /all", `<svg id="histogram"`} {
			if !strings.Contains(dom, want) {
				t.Errorf("%q: the DOM lacks %q", tt.hash, want)
			}
		}
		if strings.ContainsAny(dom, "\x1b\u202e") {
			t.Errorf("%q: a raw escape or bidi control reached the DOM", tt.hash)
		}
	}
}

// TestFindingsHTMLSelfContained: the report loads nothing from anywhere.
func TestFindingsHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFindings(&buf, HTML, sampleFindings(), Options{}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	loads := regexp.MustCompile(`(?i)\s(src|href|action|xlink:href|srcset)\s*=|url\(|@import`)
	if m := loads.FindString(html); m != "" {
		t.Errorf("the report refers to something to load: %q", m)
	}
	if !strings.Contains(html, `default-src 'none'`) {
		t.Error("no content security policy forbidding loads")
	}
}
