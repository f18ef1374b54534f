package binxml

import (
	"encoding/binary"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// nameClass says which of the element and attribute names the decoder
// cares about a name is; everything else is classOther. Element and
// attribute names share the classes: the context decides which applies.
type nameClass uint8

const (
	classOther nameClass = iota
	classEvent
	classSystem
	classProvider
	classEventID
	classVersion
	classTimeCreated
	classEventRecordID
	classChannel
	classComputer
	classEventData
	classData
	className       // attribute Name
	classSystemTime // attribute SystemTime
	classLevel
	classTask
	classOpcode
	classKeywords
	classSecurity
	classExecution
	classUserData
	classBinary
	classGUID      // attribute Guid
	classUserID    // attribute UserID
	classProcessID // attribute ProcessID
	classThreadID  // attribute ThreadID
)

var classNames = [...]struct {
	name  string
	class nameClass
}{
	{"Event", classEvent},
	{"System", classSystem},
	{"Provider", classProvider},
	{"EventID", classEventID},
	{"Version", classVersion},
	{"TimeCreated", classTimeCreated},
	{"EventRecordID", classEventRecordID},
	{"Channel", classChannel},
	{"Computer", classComputer},
	{"EventData", classEventData},
	{"Data", classData},
	{"Name", className},
	{"SystemTime", classSystemTime},
	{"Level", classLevel},
	{"Task", classTask},
	{"Opcode", classOpcode},
	{"Keywords", classKeywords},
	{"Security", classSecurity},
	{"Execution", classExecution},
	{"UserData", classUserData},
	{"Binary", classBinary},
	{"Guid", classGUID},
	{"UserID", classUserID},
	{"ProcessID", classProcessID},
	{"ThreadID", classThreadID},
}

// classesByLength lists the entries of classNames by name length, so
// that classifying a name compares it with one or two of them.
var classesByLength = func() (t [16][]int) {
	for i, c := range classNames {
		t[len(c.name)] = append(t[len(c.name)], i)
	}
	return t
}()

// classify returns the class of a UTF-16LE name.
func classify(name []byte) nameClass {
	n := len(name) / 2
	if n >= len(classesByLength) {
		return classOther
	}
	for _, i := range classesByLength[n] {
		if c := &classNames[i]; utf16EqualASCII(name, c.name, false) {
			return c.class
		}
	}
	return classOther
}

// readName locates the name structure at chunk offset off: a next-name
// offset, a hash, a character count, the UTF-16 characters and a NUL. It
// returns where the characters are and the offset just past the structure.
func readName(chunk []byte, off uint32) (chars span, end uint32, ok bool) {
	if uint64(off)+nameHeader > uint64(len(chunk)) {
		return span{}, 0, false
	}
	n := uint32(binary.LittleEndian.Uint16(chunk[off+6:]))
	start := off + nameHeader
	end = start + 2*n + 2
	if uint64(end) > uint64(len(chunk)) {
		return span{}, 0, false
	}
	return span{start, 2 * n}, end, true
}

// utf16EqualASCII reports whether the UTF-16LE text u spells the ASCII
// string s, optionally ignoring ASCII case.
func utf16EqualASCII(u []byte, s string, fold bool) bool {
	if len(u) != 2*len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		lo, hi := u[2*i], u[2*i+1]
		if hi != 0 {
			return false
		}
		c := s[i]
		if lo == c {
			continue
		}
		if !fold || lower(lo) != lower(c) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// appendUTF16 appends UTF-16LE text u to dst as UTF-8; unpaired surrogates
// become U+FFFD. An odd trailing byte is ignored. Runs of ASCII are copied
// four characters at a time.
func appendUTF16(dst, u []byte) []byte {
	dst = slices.Grow(dst, len(u)/2)
	i := 0
	for i+1 < len(u) {
		for i+8 <= len(u) {
			v := binary.LittleEndian.Uint64(u[i:])
			if v&0xff80ff80ff80ff80 != 0 {
				break
			}
			dst = append(dst, byte(v), byte(v>>16), byte(v>>32), byte(v>>48))
			i += 8
		}
		if i+1 >= len(u) {
			break
		}
		c := rune(u[i]) | rune(u[i+1])<<8
		i += 2
		switch {
		case c < utf8.RuneSelf:
			dst = append(dst, byte(c))
			continue
		case utf16.IsSurrogate(c):
			if c < 0xdc00 && i+1 < len(u) {
				c2 := rune(u[i]) | rune(u[i+1])<<8
				if r := utf16.DecodeRune(c, c2); r != utf8.RuneError {
					dst = utf8.AppendRune(dst, r)
					i += 2
					continue
				}
			}
			c = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, c)
	}
	return dst
}

// trimUTF16NUL drops trailing NUL characters from UTF-16LE text.
func trimUTF16NUL(u []byte) []byte {
	u = u[:len(u)&^1]
	for len(u) >= 2 && u[len(u)-2] == 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-2]
	}
	return u
}

// nameRef reads a name offset at p and returns where the name's
// characters are (chunk offset, byte length) and the position after the
// reference, stepping over the name structure when it is written inline
// right there.
func (s *state) nameRef(p, end uint32) (span, uint32, bool) {
	if p+4 > end {
		return span{}, 0, false
	}
	off := binary.LittleEndian.Uint32(s.chunk[p:])
	name, nameEnd, ok := readName(s.chunk, off)
	if !ok {
		return span{}, 0, false
	}
	if s.traceName != nil {
		s.traceName(off, nameEnd)
	}
	next := p + 4
	if off == next {
		if nameEnd > end {
			return span{}, 0, false
		}
		next = nameEnd
	}
	return name, next, true
}

// classify returns the class of the name whose characters are at name.
func (s *state) classify(name span) nameClass {
	return classify(s.chunk[name.first : name.first+name.n])
}

// hasDependencyIDs tells whether the element start tokens of a fragment
// written outside any template definition carry the 2-byte dependency
// identifier that template definitions always have. Logs written by
// Windows use templates; some exporting tools write records as plain
// elements without the identifier. The first element start decides: its
// name reference is read both ways, and the way that finds the name
// written right there, or else a name structure earlier in the chunk,
// wins. Ties keep the identifier.
func (s *state) hasDependencyIDs(p, end uint32) bool {
	b := s.chunk
	for p+4 <= end && b[p] == tokFragmentHeader {
		p += 4
	}
	if p >= end || b[p]&^tokFlagMore != tokOpenStart {
		return true
	}
	with, without := s.nameScore(p+7, end), s.nameScore(p+5, end)
	return with >= without
}

// nameScore rates a name reference at p: 2 when the name is written
// right after it, 1 when it points to a whole name structure before p,
// 0 otherwise.
func (s *state) nameScore(p, end uint32) int {
	if p+4 > end {
		return 0
	}
	off := binary.LittleEndian.Uint32(s.chunk[p:])
	_, nameEnd, ok := readName(s.chunk, off)
	switch {
	case !ok:
		return 0
	case off == p+4 && nameEnd <= end:
		return 2
	case nameEnd <= p:
		return 1
	}
	return 0
}
