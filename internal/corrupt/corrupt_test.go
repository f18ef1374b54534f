package corrupt

import (
	"bytes"
	"testing"

	"github.com/evtxhunt/evtxhunt/analyzer/evtxfile"
)

func TestMutators(t *testing.T) {
	const slots = 3
	data := make([]byte, evtxfile.FileHeaderSize+slots*evtxfile.ChunkSize)
	for i := range data {
		data[i] = byte(i*7 + 1)
	}
	chunkStart := func(s int) int { return evtxfile.FileHeaderSize + s*evtxfile.ChunkSize }
	tests := []struct {
		m       Mutation
		size    int
		touched []int
	}{
		{Truncate(data, 100), 100, []int{0, 1, 2}},
		{Truncate(data, chunkStart(1)), chunkStart(1), []int{1, 2}},
		{Truncate(data, chunkStart(1)+1), chunkStart(1) + 1, []int{1, 2}},
		{Truncate(data, chunkStart(2)-1), chunkStart(2) - 1, []int{1, 2}},
		{ZeroChunk(data, 1), len(data), []int{1}},
		{GarbageChunk(data, 2, 7), len(data), []int{2}},
		{SwapChunks(data, 0, 2), len(data), nil},
		{DamageHeader(data, 1), len(data), nil},
	}
	for _, tt := range tests {
		if len(tt.m.Data) != tt.size {
			t.Errorf("%s: %d bytes, want %d", tt.m.Name, len(tt.m.Data), tt.size)
		}
		if len(tt.m.Touched) != len(tt.touched) {
			t.Errorf("%s: touched %v, want %v", tt.m.Name, tt.m.Touched, tt.touched)
		}
		for _, s := range tt.touched {
			if !tt.m.Touched[s] {
				t.Errorf("%s: slot %d not marked touched", tt.m.Name, s)
			}
		}
		for s := range Slots(len(data)) {
			if tt.m.Touched[s] || s >= Slots(len(tt.m.Data)) {
				continue
			}
			from := s
			if moved, ok := tt.m.Moved[s]; ok {
				from = moved
			}
			if !bytes.Equal(chunk(tt.m.Data, s), chunk(data, from)) {
				t.Errorf("%s: slot %d changed but is not marked touched", tt.m.Name, s)
			}
		}
	}
	if m := Flip(data, 5, 3); bytes.Equal(m.Data, data) || len(m.Touched) == 0 {
		t.Errorf("Flip changed nothing")
	}
	if a, b := Flip(data, 5, 3), Flip(data, 5, 3); !bytes.Equal(a.Data, b.Data) {
		t.Errorf("Flip is not reproducible for a seed")
	}
}
