package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/diagnostics"

// -l only leaves the user out of lastlog and faillog, which no container
// reads: Fix all applies it.
func init() { register(diagnostics.AddNoLogInit, insertion("Add %s", "flag", " ", true)) }
