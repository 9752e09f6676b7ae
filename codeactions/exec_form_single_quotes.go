package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/diagnostics"

// Double quotes make the array the exec form its author wrote: Fix all
// applies it.
func init() { register(diagnostics.DoubleQuoteExecForm, replacement("Write it as JSON: ", true)) }
