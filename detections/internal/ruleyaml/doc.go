// Package ruleyaml reads the YAML of rule files strictly, for the Sigma
// rule loader and the correlation rule parser alike: every document of a
// file as a node, with what the YAML decoder lets through into nodes but
// a rule must not hold (duplicate keys, aliases, merge keys, nesting
// beyond a bound) refused, and errors reduced to a line and a message.
//
// Rule files use a small part of YAML, which a fast path (fast.go) reads
// into exactly the nodes the YAML decoder gives, two to three times faster
// and with fewer allocations; anything outside that part goes to the
// decoder. Tests hold the fast path to the decoder on every rule file at
// hand and under fuzzing.
package ruleyaml
