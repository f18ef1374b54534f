package synth

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxwriter"
	"github.com/evtxhunt/evtxhunt/internal/crossparse"
)

// FuzzLine feeds arbitrary lines through the JSON reader, the converter
// and the writer: nothing may panic, and a line that is accepted must
// become a file the Velocidex parser reads as exactly one record.
func FuzzLine(f *testing.F) {
	seeds, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(seeds))
	for sc.Scan() {
		f.Add(append([]byte(nil), sc.Bytes()...))
	}
	f.Add([]byte(`{"EventID":1,"Image":"\u0000","CommandLine":"\ud83d\ude00"}`))
	f.Add([]byte(`{"EventID":4688,"Version":0,"Image":"a"}`))
	for _, line := range strings.Split(strings.TrimSpace(logonStory), "\n") {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		l, err := ParseLine(line)
		if err != nil {
			return
		}
		l.Number = 1
		var buf evtxwriter.Buffer
		st, err := Write(&buf, []Line{l}, Options{Start: time.Date(2024, 3, 12, 9, 0, 0, 0, time.UTC)})
		if err != nil {
			return
		}
		recs, err := crossparse.VelocidexBytes(buf.Bytes())
		if err != nil || len(recs) != 1 || st.Records != 1 {
			t.Fatalf("accepted line %q: %d records read, %+v, %v", line, len(recs), st, err)
		}
	})
}

// BenchmarkWriteNoise writes background records, the path --size takes.
func BenchmarkWriteNoise(b *testing.B) {
	lines, err := ReadLines(bytes.NewReader([]byte(story)), "story")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var st Stats
	for i := 0; i < b.N; i++ {
		st, err = Write(discard{}, lines, Options{Noise: 1000, Seed: uint64(i)})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(st.Bytes)/float64(st.Records), "bytes/record")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*int(st.Records)), "ns/record")
}
