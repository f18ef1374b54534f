// Command bareparse is the benchmark baseline: it parses every chunk of the
// given EVTX files with the Velocidex chunk parser, N chunks at a time,
// each from its own bytes.Reader, and does nothing with the records but
// count them. scripts/bench.sh compares evtxhunt's full run against it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"www.velocidex.com/golang/evtx"
)

const (
	headerSize = 4096
	chunkSize  = 65536
)

func main() {
	workers := flag.Int("j", 2, "parallel chunk parsers")
	flag.Parse()
	var records atomic.Int64
	for _, path := range flag.Args() {
		if err := parseFile(path, *workers, &records); err != nil {
			fmt.Fprintf(os.Stderr, "bareparse: %s: %v\n", path, err)
			os.Exit(1)
		}
	}
	fmt.Println(records.Load(), "records")
}

func parseFile(path string, workers int, records *atomic.Int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	n := (info.Size() - headerSize) / chunkSize
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, chunkSize)
			for {
				i := next.Add(1) - 1
				if i >= n {
					return
				}
				if _, err := f.ReadAt(buf, headerSize+i*chunkSize); err != nil && err != io.EOF {
					continue
				}
				r := bytes.NewReader(buf)
				chunk, err := evtx.NewChunk(r, 0)
				if err != nil || string(chunk.Header.Magic[:]) != evtx.EVTX_CHUNK_HEADER_MAGIC {
					continue
				}
				recs, _ := chunk.Parse(0)
				records.Add(int64(len(recs)))
			}
		}()
	}
	wg.Wait()
	return nil
}
