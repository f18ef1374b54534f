// Package ruleyaml reads the YAML of rule files strictly, for the Sigma
// rule loader and the correlation rule parser alike: every document of a
// file as a node, with what the YAML decoder lets through into nodes but
// a rule must not hold (duplicate keys, aliases, merge keys, nesting
// beyond a bound) refused, and errors reduced to a line and a message.
package ruleyaml
