// Package extsort sorts more items than fit in memory: a stable external
// merge sort in bounded memory, for any item type that can be encoded.
//
// # Design
//
// A Sorter collects pointers to the caller's items, unchanged, and adds up
// their estimated size (Codec.Size). As long as everything fits in the
// memory budget (Options.Memory) nothing else happens: Each sorts the
// pointers in memory, in parallel on Options.Workers goroutines, and hands
// the items over in order. That path costs no encoding and no disk I/O.
//
// When the budget is reached, the items in memory are sorted the same way
// and written, encoded (Codec.Append), to a run file: a temporary file
// under Options.TempDir (by default os.TempDir, which follows TMPDIR),
// deleted from its folder as soon as it is created and kept open, so that
// nothing is left behind however the process ends (error, Ctrl-C, kill).
// Where the system cannot delete an open file, it is deleted by Close.
// Memory is then free for the next items. Each merges the runs and what
// is still in memory with a heap (a k-way merge, as GNU sort does),
// decoding one item per run at a time, so the memory needed to read them
// back is one item and one read buffer per run.
//
// The number of runs open at once is bounded by Options.FanIn: when the
// runs of one generation reach it, they are merged into one run of the
// next generation (runs are combined like the digits of a counter in base
// FanIn), and before the final merge the newest runs are merged until at
// most FanIn sources remain. Every item is therefore rewritten at most
// log_FanIn(runs) times; with the defaults, a few GiB of items are merged
// in one pass.
//
// # Order
//
// Items are ordered by the caller's compare function and, among items it
// finds equal, by the order they were added: the sort is stable, so its
// output is fully determined by the order of Add calls, whatever the
// budget, the number of runs or of workers. In memory every item carries
// its insertion number, which breaks ties; runs hold consecutive items and
// are merged in insertion order, the heap breaking ties by run. Items also
// carry a key (Codec.Key), a number consistent with compare: sorting and
// merging compare keys first and read the items only when keys are equal,
// which spares most memory reads (for events, the key is the time).
//
// # Items
//
// Items are handed to Each as pointers that stay valid after the call:
// the caller's own pointers for items that never left memory, freshly
// decoded items for the others. A Codec must decode every value the
// comparison and the consumer look at; BinaryCodec adapts any type whose
// pointer implements encoding.BinaryAppender and
// encoding.BinaryUnmarshaler and reports its size, such as event.Process.
package extsort
