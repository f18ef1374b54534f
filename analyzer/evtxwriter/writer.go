package evtxwriter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

// File header values this package writes (libyal, "File header").
const (
	fileHeaderUsed = 128
	majorVersion   = 3
	minorVersion   = 1 // 3.1: every Windows since Vista writes and reads it
	// MaxChunks is the most chunks a file can hold: the header counts
	// them in 16 bits.
	MaxChunks = 0xffff
)

// Errors a caller may need to tell apart.
var (
	// ErrRecordTooLarge: the record does not fit in an empty chunk.
	ErrRecordTooLarge = errors.New("record does not fit in a 64 KiB chunk")
	// ErrTooManyChunks: the file would need more than MaxChunks chunks.
	ErrTooManyChunks = errors.New("file would exceed 65535 chunks")
	// ErrClosed: Write or Close after Close.
	ErrClosed = errors.New("writer is closed")
)

// Writer writes an EVTX file. Chunks are written as they fill; the file
// header, which counts them, is written by Close. A Writer is not safe
// for concurrent use.
type Writer struct {
	out     io.WriterAt
	cur     *chunk
	chunks  int
	records uint64
	nextNum uint64 // header record number of the next record
	numSet  bool
	err     error
	closed  bool

	systems map[string]*shape
	datas   map[string]*shape
	ids     map[uint32]*shape // template id -> template, to keep ids unique
	key     []byte
	vals    [subEventData]Value
}

// New returns a Writer that writes a file to out from offset 0.
func New(out io.WriterAt) *Writer {
	return &Writer{
		out:     out,
		cur:     newChunk(),
		systems: make(map[string]*shape),
		datas:   make(map[string]*shape),
		ids:     make(map[uint32]*shape),
	}
}

// Records returns the number of records written so far.
func (w *Writer) Records() uint64 { return w.records }

// Size returns the size the file has if closed now.
func (w *Writer) Size() int64 {
	n := w.chunks
	if w.cur.records > 0 {
		n++
	}
	return evtxfile.FileHeaderSize + int64(n)*evtxfile.ChunkSize
}

// Write appends one record. The record header's number is the first
// record's RecordID (1 when that is 0) plus the record's position, so it
// equals RecordID whenever the ids are consecutive, as in a live log, and
// otherwise numbers the records in file order, as a filtered export does.
// An error leaves the file unusable, except for a *ValueError or
// ErrRecordTooLarge, which reject only that record.
func (w *Writer) Write(ev *Event) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := ev.check(); err != nil {
		return err
	}
	num := w.nextNum
	if !w.numSet {
		num = max(ev.RecordID, 1)
	}
	sys, data := w.systemShape(ev.Computer), w.dataShape(ev.Data)
	if w.cur.addRecord(ev, sys, data, num, &w.vals) {
		w.wrote(num)
		return nil
	}
	if w.cur.records == 0 {
		return fmt.Errorf("record %d: %w", ev.RecordID, ErrRecordTooLarge)
	}
	if err := w.flush(); err != nil {
		return err
	}
	if !w.cur.addRecord(ev, sys, data, num, &w.vals) {
		return fmt.Errorf("record %d: %w", ev.RecordID, ErrRecordTooLarge)
	}
	w.wrote(num)
	return nil
}

func (w *Writer) wrote(num uint64) {
	w.records++
	w.nextNum, w.numSet = num+1, true
}

// flush writes the current chunk and starts a new one.
func (w *Writer) flush() error {
	if w.chunks >= MaxChunks {
		w.err = ErrTooManyChunks
		return w.err
	}
	w.cur.finish()
	off := int64(evtxfile.FileHeaderSize) + int64(w.chunks)*evtxfile.ChunkSize
	if _, err := w.out.WriteAt(w.cur.buf, off); err != nil {
		w.err = fmt.Errorf("writing chunk %d: %w", w.chunks, err)
		return w.err
	}
	w.chunks++
	w.cur.reset()
	return nil
}

// Close writes the last chunk and the file header. It does not close the
// underlying output.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.cur.records > 0 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	if _, err := w.out.WriteAt(w.header(), 0); err != nil {
		return fmt.Errorf("writing file header: %w", err)
	}
	return nil
}

// header returns the file header block.
func (w *Writer) header() []byte {
	b := make([]byte, evtxfile.FileHeaderSize)
	le := binary.LittleEndian
	copy(b, evtxfile.FileSignature)
	last := uint64(0)
	if w.chunks > 0 {
		last = uint64(w.chunks - 1)
	}
	next := w.nextNum
	if !w.numSet {
		next = 1
	}
	le.PutUint64(b[8:], 0)
	le.PutUint64(b[16:], last)
	le.PutUint64(b[24:], next)
	le.PutUint32(b[32:], fileHeaderUsed)
	le.PutUint16(b[36:], minorVersion)
	le.PutUint16(b[38:], majorVersion)
	le.PutUint16(b[40:], evtxfile.FileHeaderSize)
	le.PutUint16(b[42:], uint16(w.chunks))
	le.PutUint32(b[120:], 0) // flags: clean, not full
	le.PutUint32(b[124:], crc32.ChecksumIEEE(b[:120]))
	return b
}

// systemShape returns the System template of a computer.
func (w *Writer) systemShape(computer string) *shape {
	if sh, ok := w.systems[computer]; ok {
		return sh
	}
	sh := &shape{kind: kindSystem, computer: computer}
	w.assignGUID(sh, append([]byte("System\x00"), computer...))
	w.systems[computer] = sh
	return sh
}

// dataShape returns the EventData template of the names and declared
// types of data.
func (w *Writer) dataShape(data []Data) *shape {
	k := w.key[:0]
	for i := range data {
		k = append(k, byte(data[i].declType()))
		k = append(k, data[i].Name...)
		k = append(k, 0)
	}
	w.key = k
	if sh, ok := w.datas[string(k)]; ok {
		return sh
	}
	sh := &shape{kind: kindData, names: make([]string, len(data)), types: make([]ValueType, len(data))}
	for i := range data {
		sh.names[i], sh.types[i] = data[i].Name, data[i].declType()
	}
	key := string(k)
	w.assignGUID(sh, append([]byte("EventData\x00"), key...))
	w.datas[key] = sh
	return sh
}

// assignGUID gives sh a GUID derived from key whose 32-bit template id no
// other template of this file has: parsers that cache definitions by that
// id (Velocidex) would otherwise mix two templates up.
func (w *Writer) assignGUID(sh *shape, key []byte) {
	for salt := uint32(0); ; salt++ {
		g := newShapeGUID(key, salt)
		id := binary.LittleEndian.Uint32(g[:4])
		if _, taken := w.ids[id]; !taken && id != 0 {
			sh.guid, sh.id = g, id
			w.ids[id] = sh
			return
		}
	}
}

// Buffer is an in-memory io.WriterAt for writing small files.
type Buffer struct{ b []byte }

// WriteAt implements io.WriterAt, growing the buffer as needed.
func (b *Buffer) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("evtxwriter.Buffer: negative offset")
	}
	if end := int(off) + len(p); end > len(b.b) {
		b.b = append(b.b, make([]byte, end-len(b.b))...)
	}
	return copy(b.b[off:], p), nil
}

// Bytes returns the buffer's contents.
func (b *Buffer) Bytes() []byte { return b.b }
