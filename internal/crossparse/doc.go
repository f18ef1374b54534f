// Package crossparse runs three independent EVTX parsers over a file and
// reduces what each reports to comparable records, for tests that check
// that the files evtxhunt writes read the same everywhere:
//
//   - the Velocidex parser (www.velocidex.com/golang/evtx), in process;
//   - libyal's evtxexport (Debian package libevtx-utils), run as
//     "evtxexport -f xml";
//   - python-evtx (Debian package python3-evtx), run through python3.
//
// The two external tools are optional: when one is not installed its
// parser returns ErrUnavailable and tests skip it with a message
// (scripts/ci-deps.sh installs both). Values are normalized so that the
// parsers' different renderings compare equal: hexadecimal numbers become
// decimal, GUIDs lose their braces and are upper case, and times become
// RFC 3339 UTC with seven fractional digits. Each parser states the time
// precision it keeps (Velocidex and python-evtx go through float seconds).
package crossparse
