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
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ci-deps-browser: apt-get not found; install chromium by hand to run the HTML browser test"
	exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
		SUDO="sudo -n"
	else
		echo "ci-deps-browser: not root and no password-less sudo; cannot install chromium"
		exit 0
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
	echo "ci-deps-browser: apt-get update failed; trying the install with the existing package lists"
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium; then
	echo "ci-deps-browser: could not install chromium; the HTML browser test will skip"
fi
have_chromium || true
exit 0
