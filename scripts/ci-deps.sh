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

sh "$(dirname "$0")/apt-install.sh" ci-deps libevtx-utils python3-evtx

have_evtxexport && echo "ci-deps: evtxexport: $(command -v evtxexport)"
have_python_evtx && echo "ci-deps: python3-evtx: importable"
exit 0
