// Package filter selects process events by time range, host and user, as
// the --since, --until, --host and --user flags ask.
package filter
