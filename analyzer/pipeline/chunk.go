package pipeline

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/evtxhunt/evtxhunt/analyzer/carve"
	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
	"github.com/evtxhunt/evtxhunt/analyzer/walk"
)

// readChunk decodes chunk index of src into r, from the worker's buffer
// (which holds it already when the worker read its span; see chunkBytes).
// It reports whether the chunk was empty (never written). When the record
// chain breaks, the records after the break are found by resynchronising
// (resync). With carving, the space past the records goes to the carver.
func readChunk(src walk.Source, index int, w *worker, r *decode.Result) (empty bool) {
	cv := w.cv
	buf, n, err := w.chunkBytes(src, index)
	off := int64(evtxfile.FileHeaderSize) + int64(index)*evtxfile.ChunkSize
	c := &decode.Chunk{File: src.Name(), Index: index, Offset: off, Want: w.want}
	cv.begin()
	if n == 0 {
		r.Problems = append(r.Problems, c.Problemf(-1, "cannot read chunk: %v", err))
		return false
	}
	if n < evtxfile.ChunkSize && err != nil && !errors.Is(err, io.EOF) {
		// Not the end of the file: what follows may have held anything.
		r.Problems = append(r.Problems, c.Problemf(int64(n), "read failed after %d bytes of the chunk: %v", n, err))
	}
	data := buf[:n]
	if !evtxfile.HasChunkSignature(data) {
		if allZero(data) {
			return true
		}
		r.Problems = append(r.Problems, c.Problemf(-1, "no chunk signature: garbage or overwritten data (%d bytes)", n))
		cv.slot(c, data, 0)
		return false
	}
	if n < evtxfile.ChunkHeaderSize {
		r.Problems = append(r.Problems, c.Problemf(-1, "chunk truncated inside its header: %d bytes", n))
		cv.slot(c, data, 0)
		return false
	}
	hdr, _ := evtxfile.ParseChunkHeader(data)
	if hdr.Unused() {
		c.Header = hdr
		cv.slot(c, data, evtxfile.ChunkHeaderSize)
		return true
	}
	if n < evtxfile.ChunkSize {
		r.Problems = append(r.Problems, c.Problemf(int64(n), "chunk truncated: %d of %d bytes", n, evtxfile.ChunkSize))
	} else {
		for _, e := range hdr.Verify(data) {
			r.Problems = append(r.Problems, located(c, e))
		}
	}
	recs, err := evtxfile.AppendRecords(w.recs[:0], data, &hdr)
	w.recs = recs
	if err != nil {
		r.Problems = append(r.Problems, located(c, err))
	}
	// Decoders see a whole chunk; the missing tail of a short one is zero.
	clear(buf[n:evtxfile.ChunkSize])
	c.Data, c.Header, c.Records = buf[:evtxfile.ChunkSize], hdr, recs
	if !w.decode(c, r) {
		return false // abandoned: the buffer belongs to the stuck decoder
	}
	end, keys := chainEnd(recs), []carve.Key(nil)
	if err != nil {
		end, keys = w.resync(c, r, end, recordArea(&hdr, n))
	}
	if cv != nil {
		cv.allocated(recs, keys)
		cv.slot(c, buf[:evtxfile.ChunkSize], end)
	}
	return false
}

// decodeGuarded runs the decoder and turns a panic into a problem; the
// records the decoder had counted stay counted.
func decodeGuarded(dec decode.Decoder, c *decode.Chunk, r *decode.Result) {
	defer func() {
		if p := recover(); p != nil {
			r.Problems = append(r.Problems, c.Problemf(-1, "%s decoder failed: %v", dec.Name(), p))
			if debugPanics {
				r.Problems = append(r.Problems, c.Problemf(-1, "%s", debug.Stack()))
			}
		}
	}()
	dec.Decode(c, r)
}

// debugPanics adds stack traces to decoder panics (for development).
var debugPanics = false

func located(c *decode.Chunk, err error) decode.Problem {
	var fe *evtxfile.FormatError
	if errors.As(err, &fe) {
		return decode.Problem{File: c.File, Chunk: c.Index, Offset: c.Offset + fe.Offset, Reason: fe.What}
	}
	return decode.Problem{File: c.File, Chunk: c.Index, Offset: c.Offset, Reason: fmt.Sprint(err)}
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
