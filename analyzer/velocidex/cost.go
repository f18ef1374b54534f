package velocidex

// What decoding a chunk with the Velocidex parser allocates, as Guard
// estimates it. The figures are upper bounds measured on the parser
// (v0.2.0, Go 1.26, 64-bit), checked by TestGuardBoundsAllocation on
// hostile chunks and by TestGuardAcceptsCorpus on every corpus chunk
// (where the estimate is 2.3 to 3.9 times the allocation), in bytes:
//
//   - Every element is a TemplateNode with an ordered dictionary (a map
//     and a slice of entries), built once when its template is parsed and
//     again by every expansion (costNode, costEntry). While the parse
//     builds it, setting a key that is already present appends a new
//     entry and compacts the dictionary every ten such deletions, so an
//     element's s-th entry costs more as s grows (setCost).
//   - NormalizeEventData, run on every instance, copies a list of child
//     elements into a new dictionary, with the same compactions
//     (normalizeCost). An element with other keys copies into its own the
//     entries of the dictionary under its text key: an instance, a binary
//     XML value or an unnamed child element, so a chain of unnamed
//     elements copies its entries again at every level (mergeCost).
//   - Strings are converted from UTF-16 through a []uint16, a []rune grown
//     by appending and three copies (utf16Cost); names are read on a copy
//     of the parse context (costCopy).
//   - A template instance builds a slice of descriptors and a map of
//     values (costInstance, costArg per declared value) before expanding
//     its template; a SID is rendered by appending "-%d" parts to a
//     string, which is quadratic in the parts its size claims (mirror.sid).
//   - Values are shared, not copied, by the expansion, but the decoder
//     reads them once for every EventData item that refers to them
//     (binary values rendered in hexadecimal, GUIDs and SIDs converted to
//     upper case): each value, text and expanded tree carries that weight
//     (renderWeight), counted through every reference, and a record is
//     charged its tree's weight.
const (
	costChunk    = 3 * 64 << 10 // the parser's chunk copy, the decoder's padding, the result
	costRecord   = 2048         // record header, result entry, the decoder's event
	costNode     = 384          // a TemplateNode and an empty dictionary
	costEntry    = 128          // one dictionary entry (map slot, item, key slice), growth included
	costCompact  = 192          // one entry copied by a compaction, into a map and slice grown from empty
	costCopy     = 320          // a copy of the parse context
	costInstance = 384          // an instance's slice, map and literal
	costArg      = 224          // per declared value: descriptor, map entry, boxed value, the guard's own
	costGUID     = 384          // a GUID read through binary.Read and formatted
	costScalar   = 16           // a boxed number
	guidText     = 38           // a GUID's text, braces included
	weightCap    = 1 << 40      // weights saturate here, far above any budget
	maxKeys      = 1 << 20      // key counts saturate here, above any chunk's
)

// tmpl is what one parse built (a template definition, a binary XML
// value, a record's own binary XML), as far as the cost of expanding and
// rendering it goes.
type tmpl struct {
	built   int64 // bytes one expansion allocates for its elements
	maxSets int   // most entries set in one of its elements
	maxKids int   // most child elements of one of its elements
	maxTop  int   // most top-level entries of one of its elements, merges included
	refs    []ref // its substitutions
	strs    int64 // weight of its texts and names
	lits    arg   // the instances it holds, expanded at parse time, together
	base    int   // index of its root in mirror.frames while it is parsed
	open    bool  // being parsed
}

// arg is one value of a template instance, or what an instance or a
// binary XML value expands to.
type arg struct {
	weight int64 // what rendering it costs, through every reference
	dict   bool  // a dictionary, which the expansion may merge into an element
	top    int   // dictionaries: entries at the top level, at most
	wide   int   // dictionaries: child elements of one element, at most
}

// add accounts for one more dictionary held together with a.
func (a *arg) add(b arg) {
	a.weight = capped(a.weight + b.weight)
	a.top = min(max(a.top, b.top), maxKeys)
	a.wide = min(max(a.wide, b.wide), maxKeys)
}

// expand estimates one expansion of t with the values args (nil: none,
// as for a record's own binary XML and binary XML values): the bytes the
// expansion allocates, and what the expanded tree is.
func (t *tmpl) expand(args []arg) (built int64, out arg) {
	all := t.lits
	built = t.built
	for _, r := range t.refs {
		if int(r.id) >= len(args) {
			continue
		}
		a := args[r.id]
		if !a.dict {
			all.weight = capped(all.weight + a.weight)
			continue
		}
		all.add(a)
		k := int(r.k)
		if k < 0 { // in an element still open: its template is being defined
			k = t.maxSets
		}
		built = capped(built + mergeCost(k, a.top))
	}
	wide := max(t.maxKids, all.wide)
	built = capped(built + normalizeCost(wide))
	top := min(max(t.maxSets, t.maxTop)+all.top, maxKeys)
	return built, arg{weight: capped(all.weight + t.strs), dict: true, top: top, wide: wide}
}

// mergeCost is the cost of merging a dictionary of m top-level entries
// into an element of k entries, which the expansion does for the
// dictionary under the element's text key (an instance, a binary XML
// value, an unnamed child element) when the element has other keys: the
// m entries are copied, and each key they share with the element's
// deletes one, compacting the element (all its entries) every ten
// deletions.
func mergeCost(k, m int) int64 {
	if k < 2 || m == 0 {
		return 0
	}
	k64, m64 := int64(k), int64(m)
	return capped(costEntry*m64 + costCompact*(min(k64, m64)+1)*(k64+m64)/10)
}

// normalizeCost is the cost of NormalizeEventData, which the parser runs
// on every instance: the items of a list of at most wide elements set
// into a new dictionary, with compactions for repeated names (at worst
// half of them, each tenth compacting the other half).
func normalizeCost(wide int) int64 {
	w := int64(wide)
	return costEntry*w + costCompact*w*w/40
}

// setCost is the cost of setting an element's s-th entry (from 0) when
// the parse builds it: the entry and its share of the compactions (at
// worst half the entries repeat a key, each tenth of them copying the
// other half).
func setCost(s int) int64 {
	return costEntry + costCompact*int64(2*s+1)/40
}

// utf16Cost is the cost of converting n bytes of UTF-16 to a string.
func utf16Cost(n int) int64 { return 18*int64(n) + 128 }

// splitCost is the cost of splitting a converted string of n UTF-16
// bytes at its NULs: a string header per part.
func splitCost(n int) int64 { return 8*int64(n) + 32 }

// renderWeight is what the decoder's reading of a value of n bytes costs
// each time a Data item refers to it: lists of strings printed, GUIDs
// and SIDs normalized to upper case (buffer growth and size classes
// included). Binary values cost twice as much: fmt renders their
// hexadecimal into a scratch buffer, then into its own, then copies it.
func renderWeight(n int) int64 { return 6*int64(n) + costScalar }

// strAlloc is the allocation of n bytes (a string, a byte slice), size
// classes and page rounding included.
func strAlloc(n int) int64 { return int64(n) + int64(n)/4 + 16 }

func capped(n int64) int64 { return min(n, weightCap) }
