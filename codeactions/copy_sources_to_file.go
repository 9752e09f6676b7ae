package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/diagnostics"

// A trailing / makes the destination the directory the sources go into,
// which is what several sources mean: Fix all applies it.
func init() {
	register(diagnostics.AddDestSlash, insertion("End the destination with %s", "text", "", true))
}
