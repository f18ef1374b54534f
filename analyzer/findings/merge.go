package findings

// Merger gathers findings read back from reports (the JSONL of several
// scans, such as the shards of one scan) into Results, as a scan would
// have given them: copies of one finding (the same id and record key)
// once, in Options.Order, with the per-host, per-user and per-hour
// summaries. Like a scan, it holds the findings in a spool that spills to
// temporary files past Options.SpoolMemory, and remembers the identity
// of every finding it has seen.
type Merger struct {
	spool *spool
	tally *tally
	seen  map[mergeKey]struct{}
	extra map[recordKey][]string // sources of copies, by record
	err   error

	Stats
}

type mergeKey struct {
	id  string
	key recordKey
}

// NewMerger returns a merger ordering findings by opts.Order, spooling
// them in opts.TempDir within opts.SpoolMemory; the other options are
// the scan's and do not apply.
func NewMerger(opts Options) (*Merger, error) {
	if err := opts.Order.check(); err != nil {
		return nil, err
	}
	return &Merger{
		spool: newSpool(opts.Order, opts.TempDir, cmpOr(opts.SpoolMemory, DefaultSpoolMemory)),
		tally: newTally(),
		seen:  map[mergeKey]struct{}{},
		extra: map[recordKey][]string{},
	}, nil
}

// Add adds f, whose record key must be set (SetRecordKey). A copy of a
// finding added before counts in Stats.Duplicates and adds its sources to
// those of every finding on its record, as a scan lists every file a
// record was read from; the first copy's event and context are kept.
func (m *Merger) Add(f *Finding) {
	k := mergeKey{f.ID, f.key}
	if _, dup := m.seen[k]; dup {
		m.Duplicates++
		for _, src := range f.Sources {
			m.extra[f.key] = addSource(m.extra[f.key], src)
		}
		return
	}
	m.seen[k] = struct{}{}
	m.Findings++
	m.Levels.add(f.Level)
	m.tally.add(f)
	if err := m.spool.add(f); err != nil && m.err == nil {
		m.err = err
	}
}

// Finish returns the merged findings. The merger must not be used
// afterwards. The error is one of spilling findings to disk.
func (m *Merger) Finish() (*Results, error) {
	r := &Results{Stats: m.Stats, spool: m.spool, extra: m.extra}
	m.tally.results(r)
	m.seen = nil
	return r, m.err
}
