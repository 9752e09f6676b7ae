package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/diagnostics"

// Switching the stage's later RUNs from sh to bash can change what they
// do (dash's echo reads backslash escapes, bash's does not): offered, not
// applied by Fix all.
func init() {
	register(diagnostics.BashPipefail, insertion("Run in bash with pipefail: %s", "text", "", false))
	refusedTitles[diagnostics.BashPipefail] = "Run in bash with pipefail"
}
