package binxml

// Binary XML tokens (the low nibble; bit 0x40 is a "more follows" or "has
// attributes" flag on some of them), from the EVTX format description.
const (
	tokEOF              = 0x00
	tokOpenStart        = 0x01 // 0x41: the element has an attribute list
	tokCloseStart       = 0x02
	tokCloseEmpty       = 0x03
	tokEndElement       = 0x04
	tokValue            = 0x05 // 0x45: more data follows
	tokAttribute        = 0x06 // 0x46: more attributes follow
	tokCDATA            = 0x07
	tokCharRef          = 0x08
	tokEntityRef        = 0x09
	tokPITarget         = 0x0a
	tokPIData           = 0x0b
	tokTemplateInstance = 0x0c
	tokNormalSubst      = 0x0d
	tokOptionalSubst    = 0x0e
	tokFragmentHeader   = 0x0f

	tokFlagMore = 0x40
)

// Value types of substitution values and value text.
const (
	typeNull       = 0x00
	typeString     = 0x01 // UTF-16 little-endian
	typeANSIString = 0x02
	typeInt8       = 0x03
	typeUint8      = 0x04
	typeInt16      = 0x05
	typeUint16     = 0x06
	typeInt32      = 0x07
	typeUint32     = 0x08
	typeInt64      = 0x09
	typeUint64     = 0x0a
	typeFloat32    = 0x0b
	typeFloat64    = 0x0c
	typeBool       = 0x0d // 32-bit
	typeBinary     = 0x0e
	typeGUID       = 0x0f
	typeSizeT      = 0x10
	typeFileTime   = 0x11
	typeSystemTime = 0x12
	typeSID        = 0x13
	typeHexInt32   = 0x14
	typeHexInt64   = 0x15
	typeEvtHandle  = 0x20
	typeBinXML     = 0x21
	typeEvtXML     = 0x23

	typeArray = 0x80 // flag: an array of the base type
)

// Limits that bound the work and memory spent on one chunk, whatever its
// contents. Real logs stay far below each of them.
const (
	maxDepth          = 48      // element nesting, across nested fragments
	maxNesting        = 6       // template instances inside substitution values
	maxValues         = 4096    // substitution values of one template instance
	maxTemplates      = 1024    // template definitions compiled per chunk
	maxNodes          = 1 << 17 // compiled nodes per chunk, all templates
	maxCompileBytes   = 1 << 22 // template bytes compiled per chunk
	maxWalkSteps      = 1 << 16 // nodes visited to decode one record
	maxChunkSteps     = 1 << 22 // nodes visited to decode one chunk
	maxDataItems      = 512     // EventData items of one record
	maxRenderedRecord = 1 << 20 // bytes of rendered EventData values of one record
	maxChunkRendered  = 1 << 22 // bytes of text rendered for one chunk (the corpus: 30 KiB at most)
)

// Fixed sizes of structures inside a chunk.
const (
	templateDefHeader = 24 // next offset, GUID, data size
	nameHeader        = 8  // next offset, hash, character count
)
