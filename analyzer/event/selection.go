package event

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Selection says which records a run decodes in full, beyond the process
// creations that are always decoded: the records of some event ids of
// some channels, every record of some channels, the records of some event
// ids in any channel, or everything. The rules a scan loads, its context
// features and the output build it; every other record costs a decoder
// its time and computer name only.
//
// The zero Selection selects nothing. A Selection is built first, then
// only read, so it is safe for concurrent use once built.
type Selection struct {
	all      bool
	channels map[string]*channelSelection // by lower-cased channel name
	anyIDs   map[uint32]bool              // ids wanted in every channel
}

type channelSelection struct {
	all bool
	ids map[uint32]bool
}

// SelectAll returns a selection of every record.
func SelectAll() *Selection { return &Selection{all: true} }

// AddAll selects every record.
func (s *Selection) AddAll() { s.all = true }

// AddChannel selects every record of channel.
func (s *Selection) AddChannel(channel string) {
	s.channel(channel).all = true
}

// Add selects the records of channel with these event ids; an empty
// channel means any channel.
func (s *Selection) Add(channel string, ids ...uint32) {
	if channel == "" {
		if s.anyIDs == nil {
			s.anyIDs = map[uint32]bool{}
		}
		for _, id := range ids {
			s.anyIDs[id] = true
		}
		return
	}
	c := s.channel(channel)
	if c.ids == nil {
		c.ids = map[uint32]bool{}
	}
	for _, id := range ids {
		c.ids[id] = true
	}
}

// Merge adds everything o selects.
func (s *Selection) Merge(o *Selection) {
	if o == nil {
		return
	}
	if o.all {
		s.all = true
	}
	for name, c := range o.channels {
		if c.all {
			s.AddChannel(name)
		}
		for id := range c.ids {
			s.Add(name, id)
		}
	}
	for id := range o.anyIDs {
		s.Add("", id)
	}
}

func (s *Selection) channel(name string) *channelSelection {
	if s.channels == nil {
		s.channels = map[string]*channelSelection{}
	}
	key := strings.ToLower(name)
	c := s.channels[key]
	if c == nil {
		c = &channelSelection{}
		s.channels[key] = c
	}
	return c
}

// IsEmpty reports whether s selects nothing.
func (s *Selection) IsEmpty() bool {
	return s == nil || (!s.all && len(s.channels) == 0 && len(s.anyIDs) == 0)
}

// All reports whether s selects every record.
func (s *Selection) All() bool { return s != nil && s.all }

// MayWant reports whether a record with this event id can be selected
// whatever its channel: the cheap first test of a decoder's skip path.
func (s *Selection) MayWant(id uint32) bool {
	if s == nil {
		return false
	}
	if s.all || s.anyIDs[id] {
		return true
	}
	for _, c := range s.channels {
		if c.all || c.ids[id] {
			return true
		}
	}
	return false
}

// Wants reports whether the record of this channel and event id is
// selected. Channels compare case-insensitively.
func (s *Selection) Wants(channel string, id uint32) bool {
	if s == nil {
		return false
	}
	if s.all || s.anyIDs[id] {
		return true
	}
	c := s.channels[channel]
	if c == nil {
		c = s.channels[strings.ToLower(channel)]
	}
	return c != nil && (c.all || c.ids[id])
}

// WantsBytes is Wants for a channel rendered into bytes, without
// allocating for a channel name that is already lower case or selected
// exactly as written.
func (s *Selection) WantsBytes(channel []byte, id uint32) bool {
	if s == nil {
		return false
	}
	if s.all || s.anyIDs[id] {
		return true
	}
	c := s.channels[string(channel)]
	if c == nil {
		var buf [128]byte
		if len(channel) > len(buf) {
			return s.Wants(string(channel), id)
		}
		low := buf[:len(channel)]
		for i, b := range channel {
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			low[i] = b
		}
		c = s.channels[string(low)]
	}
	return c != nil && (c.all || c.ids[id])
}

// String describes the selection for messages and tests, deterministically:
// "all", or channel entries such as "security:4624,4625" and
// "system:*", and "*:1102" for ids in any channel.
func (s *Selection) String() string {
	if s.IsEmpty() {
		return "none"
	}
	if s.all {
		return "all"
	}
	var parts []string
	for name, c := range s.channels {
		if c.all {
			parts = append(parts, name+":*")
			continue
		}
		parts = append(parts, name+":"+idList(c.ids))
	}
	if len(s.anyIDs) > 0 {
		parts = append(parts, "*:"+idList(s.anyIDs))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func idList(ids map[uint32]bool) string {
	list := make([]uint32, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	slices.Sort(list)
	out := make([]string, len(list))
	for i, id := range list {
		out[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(out, ",")
}
