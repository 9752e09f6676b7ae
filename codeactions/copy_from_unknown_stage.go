package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/diagnostics"

// The stage named is the rule's guess at a typo: offered, not applied by
// Fix all.
func init() { register(diagnostics.UseStageName, replacement("Copy from the stage ", false)) }
