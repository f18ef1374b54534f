package correlation

// valueCounter counts a window's records per folded value, for
// value_count: a short list while few values are distinct (the usual
// window, searched faster than a map and smaller), a map past that.
type valueCounter struct {
	few  []valueCount
	many map[string]int32
}

type valueCount struct {
	key string
	n   int32
}

// fewValues is the most distinct values the list holds.
const fewValues = 16

func (c *valueCounter) add(key string) {
	if c.many != nil {
		c.many[key]++
		return
	}
	for i := range c.few {
		if c.few[i].key == key {
			c.few[i].n++
			return
		}
	}
	if len(c.few) < fewValues {
		c.few = append(c.few, valueCount{key, 1})
		return
	}
	c.many = make(map[string]int32, 2*fewValues)
	for _, v := range c.few {
		c.many[v.key] = v.n
	}
	clear(c.few)
	c.few = c.few[:0]
	c.many[key]++
}

func (c *valueCounter) remove(key string) {
	if c.many != nil {
		if c.many[key]--; c.many[key] <= 0 {
			delete(c.many, key)
		}
		return
	}
	for i := range c.few {
		if c.few[i].key == key {
			if c.few[i].n--; c.few[i].n == 0 {
				last := len(c.few) - 1
				c.few[i] = c.few[last]
				c.few[last] = valueCount{}
				c.few = c.few[:last]
			}
			return
		}
	}
}

// distinct returns the number of values with records.
func (c *valueCounter) distinct() int {
	if c.many != nil {
		return len(c.many)
	}
	return len(c.few)
}

// reset forgets every value, keeping the list's storage.
func (c *valueCounter) reset() {
	clear(c.few)
	c.few = c.few[:0]
	c.many = nil
}
