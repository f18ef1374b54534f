// Package walk turns the paths a user names into an ordered list of inputs
// to read: files are taken as they are, folders are walked recursively in
// lexical order (symbolic links to folders are not followed, so link loops
// cannot trap the walk), and every input is recognised as EVTX by its
// ElfFile signature, not its name. Paths that cannot be read and files that
// are not EVTX are reported as notes and the walk goes on.
package walk
