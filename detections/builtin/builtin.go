package builtin

import (
	"embed"
	"io/fs"
)

//go:embed rules
var embedded embed.FS

// SourcePrefix is what callers pass to sigma.LoadFS as the source prefix,
// so a finding names "builtin:<class>/<short_name>.yml".
const SourcePrefix = "builtin:"

// FS returns the built-in rule files, <class>/<short_name>.yml, one Sigma
// rule per file.
func FS() fs.FS {
	rules, err := fs.Sub(embedded, "rules")
	if err != nil { // cannot happen: "rules" is a valid, embedded path
		return embedded
	}
	return rules
}
