// Package velociraptor holds evtxhunt's Velociraptor artifact
// (Windows.EventLogs.Evtxhunt.yaml) and its contract test. The test loads
// the artifact with the fields Velociraptor requires, rebuilds from its VQL
// the command lines the artifact runs on an endpoint with its default
// parameters, runs them on the project's samples/ with a freshly built
// binary, and checks that every line of the output has every field the
// artifact's query selects.
//
// The code here reads the subset of VQL the artifact uses: statements
// (Statements, Lets), expressions (ParseExpr: literals, names, lists,
// {subqueries}, calls with named arguments, +), the calls of a function
// anywhere in a query (Calls), the columns of a SELECT (SelectColumns),
// and an evaluator (Eval) for the few functions that build the command
// line: str, if, path_join, regex_replace and strip.
package velociraptor
