package binxml

// context is where an element sits in the Event tree, as far as the
// decoder cares: the System values and the EventData items.
type context uint8

const (
	ctxTop context = iota // outside the root element
	ctxEvent
	ctxSystem
	ctxEventData
	ctxProvider
	ctxEventID
	ctxVersion
	ctxTimeCreated
	ctxRecordID
	ctxChannel
	ctxComputer
	ctxData
	ctxOther // anything else, ignored with its subtree
)

// target is what a value node contributes to: a System slot, the name or
// value of the current EventData item, or nothing.
type target int8

const (
	targetNone      target = -1
	targetDataName  target = target(numSlots)
	targetDataValue target = target(numSlots) + 1
)

// childContext returns the context of an element of class c inside an
// element of context parent.
func childContext(parent context, c nameClass) context {
	switch parent {
	case ctxTop:
		if c == classEvent {
			return ctxEvent
		}
	case ctxEvent:
		switch c {
		case classSystem:
			return ctxSystem
		case classEventData:
			return ctxEventData
		}
	case ctxSystem:
		switch c {
		case classProvider:
			return ctxProvider
		case classEventID:
			return ctxEventID
		case classVersion:
			return ctxVersion
		case classTimeCreated:
			return ctxTimeCreated
		case classEventRecordID:
			return ctxRecordID
		case classChannel:
			return ctxChannel
		case classComputer:
			return ctxComputer
		}
	case ctxEventData:
		if c == classData {
			return ctxData
		}
	}
	return ctxOther
}

// contentTarget returns where the content of an element of context c goes.
func contentTarget(c context) target {
	switch c {
	case ctxEventID:
		return target(slotEventID)
	case ctxVersion:
		return target(slotVersion)
	case ctxRecordID:
		return target(slotRecordID)
	case ctxChannel:
		return target(slotChannel)
	case ctxComputer:
		return target(slotComputer)
	case ctxData:
		return targetDataValue
	}
	return targetNone
}

// attrTarget returns where the value of attribute a of an element of
// context c goes.
func attrTarget(c context, a nameClass) target {
	switch {
	case c == ctxProvider && a == className:
		return target(slotProvider)
	case c == ctxTimeCreated && a == classSystemTime:
		return target(slotTime)
	case c == ctxData && a == className:
		return targetDataName
	}
	return targetNone
}

// extend adds item i to span sp when sp is empty or ends right before i,
// and reports whether it did; a value split by other content keeps its
// first run only.
func extend(sp *span, i uint32) bool {
	switch {
	case sp.n == 0:
		sp.first, sp.n = i, 1
	case sp.first+sp.n == i:
		sp.n++
	default:
		return false
	}
	return true
}
