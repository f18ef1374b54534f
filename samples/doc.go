// Package samples generates the EVTX files under samples/ from the
// scenario files committed beside them. The generator is deterministic:
// every run writes byte-identical files (a test regenerates them and
// compares). Run it with:
//
//	go generate ./samples
//
// samples/demo/story.yaml tells one working day of two Windows hosts and
// three users, with attacks and look-alikes woven into realistic
// background activity; the generator writes each host's Security and
// Sysmon logs and demo/expected.tsv, the list of planted events with the
// record ids they got. samples/README.md tells the story.
package samples

//go:generate go run ./gen
