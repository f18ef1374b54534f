package binxml

// Array values (a base type with the typeArray flag). Event XML repeats
// the element holding an array once per item (MS-EVEN6, array types);
// process fields never hold arrays and render one joined with ", ".

// eachArrayItem calls fn with each item of an array value of base type
// typ, in order, until fn returns false: strings and ANSI strings are
// NUL-separated (trailing NULs dropped, an empty value is one empty
// item), other types are packed items of their size. A value that is not
// a whole number of items is one item of its own (typ 0: rendered as hex).
func eachArrayItem(typ uint8, v []byte, fn func(typ uint8, item []byte) bool) {
	switch typ {
	case typeString:
		v = trimUTF16NUL(v)
		start := 0
		for i := 0; i+1 < len(v); i += 2 {
			if v[i] == 0 && v[i+1] == 0 {
				if !fn(typ, v[start:i]) {
					return
				}
				start = i + 2
			}
		}
		fn(typ, v[start:])
		return
	case typeANSIString:
		for len(v) > 0 && v[len(v)-1] == 0 {
			v = v[:len(v)-1]
		}
		start := 0
		for i, c := range v {
			if c == 0 {
				if !fn(typ, v[start:i]) {
					return
				}
				start = i + 1
			}
		}
		fn(typ, v[start:])
		return
	}
	size, ok := fixedSize(typ)
	if !ok || size <= 0 || len(v)%size != 0 {
		fn(0, v)
		return
	}
	if len(v) == 0 {
		fn(typ, v)
		return
	}
	for i := 0; i < len(v); i += size {
		if !fn(typ, v[i:i+size]) {
			return
		}
	}
}

// appendArrayItem appends the text of one item of an array.
func appendArrayItem(dst []byte, typ uint8, item []byte) []byte {
	switch typ {
	case 0:
		return appendHex(dst, item)
	case typeString:
		return appendUTF16(dst, item)
	case typeANSIString:
		return append(dst, item...)
	}
	return appendValue(dst, typ, item)
}

// appendArray renders an array value as one text, its items joined with
// ", ".
func appendArray(dst []byte, typ uint8, v []byte) []byte {
	first := true
	eachArrayItem(typ, v, func(typ uint8, item []byte) bool {
		if !first {
			dst = append(dst, ',', ' ')
		}
		first = false
		dst = appendArrayItem(dst, typ, item)
		return true
	})
	return dst
}

// appendArrayItems renders the items of an array value one by one into
// dst, appending where each ends to ends, up to limit items; it reports
// false when the array has more.
func appendArrayItems(dst []byte, ends []int, limit int, typ uint8, v []byte) ([]byte, []int, bool) {
	ok := true
	eachArrayItem(typ, v, func(typ uint8, item []byte) bool {
		if limit == 0 {
			ok = false
			return false
		}
		limit--
		dst = appendArrayItem(dst, typ, item)
		ends = append(ends, len(dst))
		return len(dst) <= maxRenderedRecord
	})
	return dst, ends, ok
}
