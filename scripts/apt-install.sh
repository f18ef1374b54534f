#!/bin/sh
# apt-install.sh LABEL PACKAGE... installs the Debian packages that are not
# installed yet, for the optional test tools of scripts/ci-deps*.sh. It
# never fails: where they cannot be had (no apt-get, not root and no
# password-less sudo, no network, no such package) it says so, prefixed
# with LABEL, and exits 0; the tests that need them then skip.
set -u
label=$1
shift

missing=""
for pkg in "$@"; do
	dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "$label: apt-get not found; install$missing by hand to run the tests that need it"
	exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
		SUDO="sudo -n"
	else
		echo "$label: not root and no password-less sudo; cannot install$missing"
		exit 0
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
	echo "$label: apt-get update failed; trying the install with the existing package lists"
fi
for pkg in $missing; do
	if ! $SUDO apt-get install -y -qq --no-install-recommends "$pkg"; then
		echo "$label: could not install $pkg; the tests that need it will skip"
	fi
done
exit 0
