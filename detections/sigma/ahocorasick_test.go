package sigma

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// scanSet marks in set what ac finds in s, as one event.
func scanSet(ac *matcherAC, s string, set []uint64) {
	var m marks
	m.reset(set, int(ac.base)+ac.lists())
	ac.scan(s, &m)
}

// acFound returns, by needle index, whether the automaton over needles
// (needle i satisfying clause i) reports needle i in s.
func acFound(ac *matcherAC, n int, s string) []bool {
	set := make([]uint64, (n+63)/64)
	scanSet(ac, s, set)
	found := make([]bool, n)
	for i := range found {
		found[i] = set[i>>6]&(1<<(i&63)) != 0
	}
	return found
}

// naiveFound is the reference: needle i occurs in the ASCII-lowered s.
func naiveFound(needles []string, s string) []bool {
	low := lowerASCIIString(s)
	found := make([]bool, len(needles))
	for i, n := range needles {
		found[i] = strings.Contains(low, n)
	}
	return found
}

func buildIdentity(needles []string) *matcherAC {
	clauses := make([][]int32, len(needles))
	for i := range clauses {
		clauses[i] = []int32{int32(i)}
	}
	return buildAC(needles, clauses, nil)
}

func TestMatcherACAgainstContains(t *testing.T) {
	cases := []struct {
		name    string
		needles []string
		inputs  []string
	}{
		{"overlapping suffixes", []string{"he", "she", "his", "hers"}, []string{"ushers", "HIS", "sHe", "h", ""}},
		{"needle inside needle", []string{"\\cmd.exe", "cmd", ".exe /c"}, []string{`C:\Windows\System32\CMD.EXE /C whoami`, "cmdkey", "notcmd"}},
		{"duplicates and prefixes", []string{"abc", "abc", "ab", "abcd", "b"}, []string{"xabcdx", "ab", "bbb", "ABCD"}},
		{"punctuation classes", []string{"-enc ", "/i:http", "%comspec%"}, []string{"regsvr32 /s /I:HTTP://x scrobj.dll", "powershell -ENC aGk=", "%COMSPEC% /c"}},
		{"one byte", []string{"a"}, []string{"", "b", "A", "bab"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ac := buildIdentity(tc.needles)
			for _, in := range tc.inputs {
				got, want := acFound(ac, len(tc.needles), in), naiveFound(tc.needles, in)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("scan(%q) found %v, want %v", in, got, want)
				}
			}
		})
	}
}

// TestMarksAcrossEvents: one marks value serves event after event (as a
// pooled match scratch does), each event's lists marked once however
// often their needles occur; a list stamped by an earlier event, or
// before the generation counter wrapped, must not keep the next event's
// clauses unmarked; and values scanned for one event add up.
func TestMarksAcrossEvents(t *testing.T) {
	needles := []string{"\\", "\\windows\\", "-e", "-enc", "s\\", "dows"}
	ac := buildIdentity(needles)
	inputs := []string{
		`C:\Windows\System32\cmd.exe`, "powershell -e x -enc y -e z", "", "nothing",
		`\\\\`, `c:\windows\s\windows\`, "-E -ENC", "dows\\",
	}
	var m marks
	for round, gen := range []uint32{0, math.MaxUint32 - 2} {
		m.gen = gen
		for k := 0; k < 3; k++ { // past the wrap in the second round
			for _, in := range inputs {
				set := make([]uint64, 1)
				m.reset(set, int(ac.base)+ac.lists())
				ac.scan(in, &m)
				want := naiveFound(needles, in)
				for i, w := range want {
					if got := set[0]&(1<<i) != 0; got != w {
						t.Errorf("round %d, gen %d: %q: needle %q marked %v, want %v", round, m.gen, in, needles[i], got, w)
					}
				}
			}
		}
	}
	// Two values of one event: the union of what each finds.
	set := make([]uint64, 1)
	m.reset(set, int(ac.base)+ac.lists())
	ac.scan("-enc", &m)
	ac.scan(`x\windows\`, &m)
	for i, n := range needles {
		want := naiveFound(needles, "-enc")[i] || naiveFound(needles, `x\windows\`)[i]
		if got := set[0]&(1<<i) != 0; got != want {
			t.Errorf("two values: needle %q marked %v, want %v", n, got, want)
		}
	}
}

// The table is sized to the exact state count, so trieStates must count
// every distinct prefix; and the 16-bit table must hold up to 65,536
// states (numbers 0 to 65,535) and no more.
func TestTrieStatesAndWidth(t *testing.T) {
	counts := []struct {
		needles []string
		want    int
	}{
		{[]string{"abc"}, 4},
		{[]string{"abc", "abd", "ab"}, 5},
		{[]string{"b", "a", "b"}, 3},
		{[]string{"xyz", "x"}, 4},
	}
	for _, c := range counts {
		if got := trieStates(c.needles); got != c.want {
			t.Errorf("trieStates(%q) = %d, want %d", c.needles, got, c.want)
		}
	}
	// Needles of 5 letters over 10 letters plus one needle: 1 + 10 + 100
	// + 1,000 + 10,000 + 100,000 states with all 5-letter words; take
	// enough of them to land just under, at and over 65,536.
	for _, states := range []int{65535, 65536, 65537} {
		needles := wordsWithStates(states)
		if got := trieStates(needles); got != states {
			t.Fatalf("wordsWithStates(%d) gave a trie of %d states", states, got)
		}
		ac := buildIdentity(needles)
		if wide := ac.next != nil; wide != (states > 1<<16) {
			t.Errorf("%d states: 32-bit table %v", states, wide)
		}
		for _, i := range []int{0, len(needles) / 2, len(needles) - 1} {
			in := "zz" + strings.ToUpper(needles[i]) + "zz"
			if got := acFound(ac, len(needles), in); !got[i] {
				t.Errorf("%d states: needle %q not found in %q", states, needles[i], in)
			}
		}
	}
}

// wordsWithStates returns distinct needles over the letters a to j whose
// trie has exactly states states.
func wordsWithStates(states int) []string {
	var needles []string
	have := 1
	var gen func(prefix string)
	gen = func(prefix string) {
		for c := byte('a'); c <= 'j' && have < states; c++ {
			w := prefix + string(c)
			needles = append(needles, w)
			have++
			if len(w) < 5 {
				gen(w)
			}
		}
	}
	gen("")
	return needles
}

// FuzzMatcherAC checks the automaton against strings.Contains on needles
// cut from the fuzzer's bytes.
func FuzzMatcherAC(f *testing.F) {
	f.Add("he|she|his|hers", "ushers")
	f.Add(`\cmd.exe|cmd|/c `, `C:\WINDOWS\cmd.exe /C dir`)
	f.Fuzz(func(t *testing.T, list, s string) {
		var needles []string
		for _, n := range strings.Split(lowerASCIIString(list), "|") {
			if n != "" && isASCII(n) && len(needles) < 64 {
				needles = append(needles, n)
			}
		}
		if len(needles) == 0 {
			return
		}
		ac := buildIdentity(needles)
		got, want := acFound(ac, len(needles), s), naiveFound(needles, s)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("needles %q in %q: found %v, want %v", needles, s, got, want)
		}
	})
}

// TestACCacheSharesTables: automata of the same needles in the same order
// share one table, keep their own clauses, and scan as if built alone;
// another order or list gets its own table.
func TestACCacheSharesTables(t *testing.T) {
	needles := []string{"mimikatz", "sekurlsa::", "kerberos::golden", "kiwi"}
	cache := newACCache()
	a := buildAC(needles, [][]int32{{0}, {1}, {2}, {3}}, cache)
	b := buildAC(needles, [][]int32{{5}, {5, 6}, {7}, {4}}, cache)
	alone := buildAC(needles, [][]int32{{5}, {5, 6}, {7}, {4}}, nil)
	if a.acTable != b.acTable {
		t.Error("the same needles built two tables")
	}
	if c := buildAC([]string{"kiwi", "mimikatz", "sekurlsa::", "kerberos::golden"}, [][]int32{{0}, {1}, {2}, {3}}, cache); c.acTable == a.acTable {
		t.Error("needles in another order share a table")
	}
	for _, in := range []string{"Invoke-Mimikatz sekurlsa::logonpasswords", "KIWI", "nothing here", "kerberos::golden /user"} {
		got, want := make([]uint64, 1), make([]uint64, 1)
		scanSet(b, in, got)
		scanSet(alone, in, want)
		if got[0] != want[0] {
			t.Errorf("%q: shared table marks %b, alone %b", in, got[0], want[0])
		}
		first := make([]uint64, 1)
		scanSet(a, in, first)
		for i, n := range needles {
			if found := first[0]&(1<<i) != 0; found != strings.Contains(strings.ToLower(in), n) {
				t.Errorf("%q: needle %q found %v", in, n, found)
			}
		}
	}
}
