// Package cmdline holds the command-line checks that are not plain Sigma
// rules, in the spirit of DeepBlueCLI: they measure or decode the command
// line instead of matching fixed strings.
//
//   - Long command line: longer than a threshold (1000 characters by
//     default), except for programs whose command lines are long by nature
//     (browsers, Electron apps, Java, ...).
//   - Obfuscated command line: escape characters inside words (cmd carets,
//     PowerShell backticks, quotes splitting a word), keywords written in
//     alternating case, reordered format strings, character-code lists and
//     [char] casts, %VAR:~x,y% substrings, and a high share of symbols.
//   - Encoded PowerShell: -EncodedCommand under any accepted spelling (-e,
//     -ec, -en, -enc, ... -encodedcommand, with -, /, or dash-like prefixes)
//     and [Convert]::FromBase64String('...') literals. The Base64 is decoded
//     (UTF-16LE, else UTF-8), nested FromBase64String literals inside the
//     decoded script are decoded too, and gzip or deflate compressed
//     payloads (IO.Compression) are decompressed. The text is returned in
//     Hit.Decoded so the analyst reads the script, not the Base64.
//
// Run is called once per event by the scan stage. It allocates nothing for
// events that trigger no check.
package cmdline
