package correlation

import (
	"embed"
	"io/fs"
)

//go:embed builtin/*.yml
var builtinFiles embed.FS

// BuiltinPrefix is the source prefix of the built-in files, so their rules
// and findings name "builtin:correlation/<file>.yml".
const BuiltinPrefix = "builtin:correlation/"

// Builtin returns the built-in correlation rules together with the base
// rules they refer to (Security log rules with name attributes), one
// multi-document YAML file per family. The Sigma loader reads the base
// rules from it and hands the correlation documents to Parse.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtinFiles, "builtin")
	if err != nil { // cannot happen: "builtin" is a valid, embedded path
		return builtinFiles
	}
	return sub
}
