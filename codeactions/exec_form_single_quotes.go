package codeactions

import (
	"strconv"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Double quotes make the array the exec form its author wrote: Fix all
// applies it.
func init() { register(diagnostics.DoubleQuoteExecForm, doubleQuoteExecForm) }

// doubleQuoteExecForm replaces the array (Args start, end) with its JSON
// (Args text).
func doubleQuoteExecForm(fx FixInput) (Action, bool) {
	args := fx.Finding.Fix.Args
	start, err1 := strconv.Atoi(args["start"])
	end, err2 := strconv.Atoi(args["end"])
	if err1 != nil || err2 != nil || start < 0 || end < start || end > len(fx.Doc.Text) || args["text"] == "" {
		return Action{}, false
	}
	return Action{
		Title:    "Write it as JSON: " + args["text"],
		Edits:    []dockerfile.Edit{{Start: start, End: end, Text: args["text"]}},
		InFixAll: true,
	}, true
}
