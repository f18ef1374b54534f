package walk

// SetMaxExpanded lowers the expansion limit for a test.
func SetMaxExpanded(n int64) (restore func()) {
	old := maxExpanded
	maxExpanded = n
	return func() { maxExpanded = old }
}
