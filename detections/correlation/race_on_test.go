//go:build race

package correlation

// raceEnabled says the race detector is on: long tests shrink.
const raceEnabled = true
