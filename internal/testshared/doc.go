// Package testshared locates the project root and the ../shared folder of
// corpus files, Sigma rules and tools beside it, for tests. Tests that need
// ../shared call Dir, which skips the test with a clear message where the
// folder is absent (a user's fresh clone).
package testshared
