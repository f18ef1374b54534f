package binxml

// context is where an element sits in the Event tree, as far as the
// decoder cares: the System values and the payload (EventData items or
// the leaf elements of UserData).
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
	ctxLevel
	ctxTask
	ctxOpcode
	ctxKeywords
	ctxSecurity
	ctxExecution
	ctxBinary      // EventData/Binary
	ctxUserData    // UserData itself
	ctxUserWrapper // the element under UserData, dropped from item names
	ctxUserLeaf    // an element under the wrapper: an item while it has no child
	ctxUserBranch  // such an element once a child opened in it: not an item
	ctxOther       // anything else, ignored with its subtree
	numContexts
)

// target is what a value node contributes to: a System slot, the name or
// value of the current payload item, or nothing.
type target int8

const (
	targetNone      target = -1
	targetDataName  target = target(numSlots)
	targetDataValue target = target(numSlots) + 1
)

// systemChildren maps the classes of System's child elements to their
// contexts.
var systemChildren = [...]struct {
	class nameClass
	ctx   context
}{
	{classProvider, ctxProvider},
	{classEventID, ctxEventID},
	{classVersion, ctxVersion},
	{classTimeCreated, ctxTimeCreated},
	{classEventRecordID, ctxRecordID},
	{classChannel, ctxChannel},
	{classComputer, ctxComputer},
	{classLevel, ctxLevel},
	{classTask, ctxTask},
	{classOpcode, ctxOpcode},
	{classKeywords, ctxKeywords},
	{classSecurity, ctxSecurity},
	{classExecution, ctxExecution},
}

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
		case classUserData:
			return ctxUserData
		}
	case ctxSystem:
		for _, sc := range systemChildren {
			if sc.class == c {
				return sc.ctx
			}
		}
	case ctxEventData:
		switch c {
		case classData:
			return ctxData
		case classBinary:
			return ctxBinary
		}
	case ctxUserData:
		return ctxUserWrapper
	case ctxUserWrapper, ctxUserLeaf, ctxUserBranch:
		return ctxUserLeaf
	}
	return ctxOther
}

// contentTargets holds, by context, where an element's content goes.
var contentTargets = func() (t [numContexts]target) {
	for i := range t {
		t[i] = targetNone
	}
	t[ctxEventID] = target(slotEventID)
	t[ctxVersion] = target(slotVersion)
	t[ctxRecordID] = target(slotRecordID)
	t[ctxChannel] = target(slotChannel)
	t[ctxComputer] = target(slotComputer)
	t[ctxLevel] = target(slotLevel)
	t[ctxTask] = target(slotTask)
	t[ctxOpcode] = target(slotOpcode)
	t[ctxKeywords] = target(slotKeywords)
	t[ctxData] = targetDataValue
	t[ctxBinary] = targetDataValue
	t[ctxUserLeaf] = targetDataValue
	return t
}()

// contentTarget returns where the content of an element of context c goes.
func contentTarget(c context) target {
	if c >= numContexts {
		return targetNone
	}
	return contentTargets[c]
}

// attrTarget returns where the value of attribute a of an element of
// context c goes.
func attrTarget(c context, a nameClass) target {
	switch {
	case c == ctxProvider && a == className:
		return target(slotProvider)
	case c == ctxProvider && a == classGUID:
		return target(slotProviderGUID)
	case c == ctxTimeCreated && a == classSystemTime:
		return target(slotTime)
	case c == ctxSecurity && a == classUserID:
		return target(slotUserID)
	case c == ctxExecution && a == classProcessID:
		return target(slotProcessID)
	case c == ctxExecution && a == classThreadID:
		return target(slotThreadID)
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
