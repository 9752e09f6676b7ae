package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/diagnostics"

// -y answers the prompt the build would abort on: what the install meant,
// so Fix all applies it.
func init() { register(diagnostics.AddYesFlag, insertion("Add %s", "flag", " ", true)) }
