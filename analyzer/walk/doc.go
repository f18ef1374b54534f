// Package walk turns the paths a user names into an ordered list of inputs
// to read: files are taken as they are, folders are walked recursively in
// lexical order (symbolic links to folders are not followed, so link loops
// cannot trap the walk), and every input is recognised as EVTX by its
// ElfFile signature, not its name. Paths that cannot be read and files that
// are not EVTX are reported as notes and the walk goes on.
//
// Archives are read in place, never extracted where the user would see
// files: EVTX entries of a .zip archive (as triage collectors produce) and
// gzip-compressed EVTX files become inputs named archive.zip!/path/in/it
// and file.gz!/name. A stored entry is read straight from the archive; a
// deflated one, and a .gz file, are decompressed when the input is opened,
// in memory up to 4 MiB and beyond that into an unlinked temporary file,
// up to MaxExpandedSize (4 GiB). Entries declaring more, expanding beyond
// their declared size, expanding more than deflate can (1100:1), and
// archives whose entries share compressed data (overlapping-entry bombs)
// are refused with a note. A file is read as an archive when its first
// bytes say so and its name ends in .zip or .gz (any name, when named on
// the command line). A damaged entry is read as far as it goes and says
// so through the Damaged interface.
package walk
