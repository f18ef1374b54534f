#!/bin/sh
# ci-deps.sh installs the two independent EVTX parsers that the writer's
# cross-parser test compares against: libyal's evtxexport (Debian package
# libevtx-utils) and python-evtx (python3-evtx). It is idempotent: packages
# already installed are left alone. It never fails the CI: where the
# packages cannot be had (no apt-get, no root, no network, no such package)
# it says so and exits 0, and the cross-parser test then skips with a
# message naming the missing tool.
set -u

have_evtxexport() { command -v evtxexport >/dev/null 2>&1; }
# python3-evtx installs into the Debian python; a python3 earlier in PATH
# (pyenv, a venv) may not see it, so both are tried.
have_python_evtx() {
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import Evtx.Evtx' >/dev/null 2>&1; then
			return 0
		fi
	done
	return 1
}

if have_evtxexport && have_python_evtx; then
	echo "ci-deps: evtxexport and python3-evtx already installed"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ci-deps: apt-get not found; install libevtx-utils and python3-evtx by hand to run the cross-parser test"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
		SUDO="sudo -n"
	else
		echo "ci-deps: not root and no password-less sudo; cannot install libevtx-utils and python3-evtx"
		exit 0
	fi
fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
	echo "ci-deps: apt-get update failed; trying the install with the existing package lists"
fi
for pkg in libevtx-utils python3-evtx; do
	if dpkg -s "$pkg" >/dev/null 2>&1; then
		continue
	fi
	if ! $SUDO apt-get install -y -qq --no-install-recommends "$pkg"; then
		echo "ci-deps: could not install $pkg; the cross-parser test will skip what needs it"
	fi
done

have_evtxexport && echo "ci-deps: evtxexport: $(command -v evtxexport)"
have_python_evtx && echo "ci-deps: python3-evtx: importable"
exit 0
