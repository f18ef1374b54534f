#!/bin/sh
# ci-deps-browser.sh installs Chromium for the HTML report's browser test
# (analyzer/report: TestFindingsHTMLInBrowser), which opens the report in
# headless Chromium and checks the DOM it builds. It is idempotent: an
# installed browser is left alone. It never fails the CI: where Chromium
# cannot be had (no apt-get, no root, no network) it says so and exits 0,
# and the test then skips with a message.
set -u

have_chromium() {
	for b in chromium chromium-browser google-chrome; do
		if command -v "$b" >/dev/null 2>&1; then
			echo "ci-deps-browser: $b: $(command -v "$b")"
			return 0
		fi
	done
	return 1
}

if have_chromium; then
	exit 0
fi
sh "$(dirname "$0")/apt-install.sh" ci-deps-browser chromium
have_chromium || true
exit 0
