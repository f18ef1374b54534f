package binxml

// NewWithProcessItems returns a fast decoder without fallback that also
// puts the general event of every process creation in Result.Selected
// (see Decoder.processItems), for the external truth test.
func NewWithProcessItems() *Decoder { return &Decoder{processItems: true} }
