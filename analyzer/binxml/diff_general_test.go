package binxml

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// The general events of the two decoders are compared after the
// normalisations the Velocidex parser needs; each is a loss of that
// parser, exactly modelled here and counted per rule (generalRules):
//
//   - time-µs: its times are float Unix seconds rounded to the
//     microsecond (asVelocidex), in System and in FILETIME values;
//   - hex-as-decimal: it reads HexInt32/HexInt64 values as plain
//     integers, so 0x1e3dd comes out as 123869;
//   - guid-bare: it writes GUID values without braces;
//   - raw-bytes: it has no rendering for signed integers, floats,
//     SYSTEMTIME, SizeT and arrays other than of strings: it gives their
//     bytes as text, trailing NULs dropped;
//   - dropped-null: it drops an element whose only content is a null
//     value (a Binary element, a UserData leaf, a lone unnamed Data), so
//     later Data_N and Binary_N positions are one lower, and an EventData
//     or UserData element without any content (no payload kind then);
//   - dropped-binary: when every Data element has a name it rewrites
//     EventData as a dictionary of the Data items, losing Binary.
const (
	ruleExact         = "exact"
	ruleTime          = "time-µs"
	ruleHexDecimal    = "hex-as-decimal"
	ruleGUIDBare      = "guid-bare"
	ruleRawBytes      = "raw-bytes"
	ruleDroppedNull   = "dropped-null"
	ruleDroppedBinary = "dropped-binary"
)

// compareGeneral lists the differences between the fast decoder's general
// event a and Velocidex's b, counting the normalisations used in rules.
func compareGeneral(a, b *event.Event, rules map[string]int) []string {
	var diffs []string
	sa, sb := a.System, b.System
	if !sa.Timestamp.IsZero() && !sa.Timestamp.Equal(sb.Timestamp) {
		rules[ruleTime]++
		sa.Timestamp = asVelocidex(sa.Timestamp)
	}
	if g, ok := strings.CutPrefix(sa.ProviderGUID, "{"); ok && sa.ProviderGUID != sb.ProviderGUID && strings.TrimSuffix(g, "}") == sb.ProviderGUID {
		rules[ruleGUIDBare]++
		sa.ProviderGUID = sb.ProviderGUID
	}
	if sa != sb {
		diffs = append(diffs, fmt.Sprintf("System:\n     fast %+v\nvelocidex %+v", sa, sb))
	}
	if a.Kind != b.Kind && b.Kind == event.NoData && allEmpty(a.Items) {
		rules[ruleDroppedNull]++
		b = &event.Event{System: b.System, Kind: a.Kind, SourceFile: b.SourceFile, ChunkIndex: b.ChunkIndex, Recovered: b.Recovered}
	}
	if a.Kind != b.Kind || a.SourceFile != b.SourceFile || a.ChunkIndex != b.ChunkIndex || a.Recovered != b.Recovered {
		diffs = append(diffs, fmt.Sprintf("kind/source: fast %v %s %d %v, velocidex %v %s %d %v",
			a.Kind, a.SourceFile, a.ChunkIndex, a.Recovered, b.Kind, b.SourceFile, b.ChunkIndex, b.Recovered))
	}
	return append(diffs, compareItems(a.Items, b.Items, rules)...)
}

// compareItems walks both item lists in order. A fast item with an empty
// value that Velocidex does not have is one it dropped (dropped-null);
// positional names after it are then lower by the number dropped. A
// Binary item Velocidex does not have where every Data item is named is
// one its dictionary form lost (dropped-binary).
func compareItems(fast, ref []event.Item, rules map[string]int) []string {
	var diffs []string
	dropped, j := 0, 0
	named := !slices.ContainsFunc(fast, func(it event.Item) bool { return positional(it.Name) == "Data_" })
	for _, it := range fast {
		if j < len(ref) && sameName(it.Name, ref[j].Name, dropped) {
			rule, ok := sameVelocidexValue(it.Value, ref[j].Value)
			rules[rule]++
			if !ok {
				diffs = append(diffs, fmt.Sprintf("item %s: fast %q, velocidex %q", it.Name, it.Value, ref[j].Value))
			}
			j++
			continue
		}
		if it.Value == "" {
			rules[ruleDroppedNull]++
			if positional(it.Name) != "" {
				dropped++
			}
			continue
		}
		if named && positional(it.Name) == "Binary_" {
			rules[ruleDroppedBinary]++
			continue
		}
		diffs = append(diffs, fmt.Sprintf("item %s = %q: velocidex has %s", it.Name, it.Value, itemAt(ref, j)))
		j++
	}
	for ; j < len(ref); j++ {
		diffs = append(diffs, fmt.Sprintf("item only velocidex has: %s", itemAt(ref, j)))
	}
	return diffs
}

func allEmpty(items []event.Item) bool {
	return !slices.ContainsFunc(items, func(it event.Item) bool { return it.Value != "" })
}

func itemAt(items []event.Item, j int) string {
	if j >= len(items) {
		return "no more items"
	}
	return fmt.Sprintf("%s = %q", items[j].Name, items[j].Value)
}

// positional returns the prefix (Data_ or Binary_) of a positional name.
func positional(name string) string {
	for _, p := range []string{"Data_", "Binary_"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			if _, err := strconv.Atoi(rest); err == nil {
				return p
			}
		}
	}
	return ""
}

// sameName compares a fast item name with Velocidex's, whose positional
// names are lower by the items it dropped before.
func sameName(fast, ref string, dropped int) bool {
	p := positional(fast)
	if dropped == 0 || p == "" {
		return fast == ref
	}
	n, _ := strconv.Atoi(fast[len(p):])
	return ref == p+strconv.Itoa(n-dropped)
}

// sameVelocidexValue compares a fast value with Velocidex's for the same
// item and names the rule that matched.
func sameVelocidexValue(fast, ref string) (string, bool) {
	switch {
	case fast == ref:
		return ruleExact, true
	case strings.HasPrefix(fast, "0x") && hexAsDecimal(fast, ref):
		return ruleHexDecimal, true
	case len(fast) == 38 && fast[0] == '{' && fast[1:37] == ref:
		return ruleGUIDBare, true
	case timeToMicros(fast, ref):
		return ruleTime, true
	case rawBytes(fast, ref):
		return ruleRawBytes, true
	}
	return "", false
}

func hexAsDecimal(fast, ref string) bool {
	n, err1 := strconv.ParseUint(fast[2:], 16, 64)
	m, err2 := strconv.ParseUint(ref, 10, 64)
	return err1 == nil && err2 == nil && n == m
}

func timeToMicros(fast, ref string) bool {
	f, err1 := time.Parse(time.RFC3339Nano, fast)
	r, err2 := time.Parse(time.RFC3339Nano, ref)
	return err1 == nil && err2 == nil && asVelocidex(f).Equal(r)
}

// rawBytes reports whether ref is the little-endian bytes of a value the
// fast decoder rendered as fast (an integer of 1, 2, 4 or 8 bytes, a
// float of 4 or 8, a SYSTEMTIME), trailing NULs dropped, as Velocidex
// gives values of types it does not decode.
func rawBytes(fast, ref string) bool {
	var candidates [][]byte
	le := binary.LittleEndian
	if n, err := strconv.ParseInt(fast, 10, 64); err == nil {
		for _, size := range []int{1, 2, 4, 8} {
			candidates = append(candidates, le.AppendUint64(nil, uint64(n))[:size])
		}
	}
	if f, err := strconv.ParseFloat(fast, 64); err == nil {
		candidates = append(candidates, le.AppendUint32(nil, math.Float32bits(float32(f))), le.AppendUint64(nil, math.Float64bits(f)))
	}
	if t, err := time.Parse(time.RFC3339Nano, fast); err == nil {
		var st []byte
		for _, v := range []int{t.Year(), int(t.Month()), int(t.Weekday()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1e6} {
			st = le.AppendUint16(st, uint16(v))
		}
		candidates = append(candidates, st)
	}
	for _, c := range candidates {
		if strings.TrimRight(string(c), "\x00") == ref {
			return true
		}
	}
	return false
}
