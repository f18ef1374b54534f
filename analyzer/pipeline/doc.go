// Package pipeline reads EVTX inputs in parallel, chunk by chunk.
//
// One dispatcher opens the inputs in order and hands the 64 KiB chunks of
// every file, a span of four consecutive chunks at a time (read with one
// call, see spanChunks), to one bounded pool of workers, so a single large
// file uses every core and so do many small ones. Each worker owns its
// buffer and its decoder. Results are delivered to the caller in input order
// (file, then chunk) from a single goroutine, the caller's, whatever the
// number of workers, through a reorder window that bounds how far workers
// may run ahead: memory is bounded by the workers, not by the file sizes.
// The caller's goroutine is one of the workers too, and delivers between
// chunks: the consumer's state stays on one core (see collect). Work
// that needs only a chunk's own events (rule matching) can run in the
// workers too, as a worker step (Options.NewWorkerStep) whose result
// travels with the chunk (decode.Result.Annotation). A consumer that
// copies what it keeps of the events lets the workers decode into the
// event slices of chunks it is done with (Options.ReuseEvents): on a log
// of process creations, that halves what a scan allocates.
//
// Damage never stops the run: every defect becomes a located
// decode.Problem, a panic inside a decoder is recovered and reported, and
// the other chunks still count. A decoder that has not finished a chunk
// after Options.ChunkTimeout is abandoned (the chunk is reported, the
// worker goes on with a fresh buffer and decoder). When a chunk's record
// chain breaks, the records after the break are found again by
// resynchronising on record signatures, so one damaged record hides no
// other.
//
// With Options.Carve, each worker also hands the space its chunk's
// records do not cover (slack, and whole slots without a chunk header) to
// package carve; the collector drops carved copies of records still
// allocated in the same file and delivers the rest, flagged Recovered,
// after the file's last chunk.
package pipeline
