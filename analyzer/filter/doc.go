// Package filter selects events (process creations and any other record)
// by time range, host, user, event id and channel, as the --since,
// --until, --host, --user, --event-id and --channel flags ask, and tells
// the decoders which records the event id and channel lists need decoded.
// Logon sessions are kept by host, user and the span of their time.
package filter
