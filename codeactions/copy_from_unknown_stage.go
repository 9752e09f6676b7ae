package codeactions

import (
	"strconv"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The stage named is the rule's guess at a typo: offered, not applied by
// Fix all.
func init() { register(diagnostics.UseStageName, useStageName) }

// useStageName replaces the --from value (Args start, end) with the
// stage's name (Args text).
func useStageName(fx FixInput) (Action, bool) {
	args := fx.Finding.Fix.Args
	start, err1 := strconv.Atoi(args["start"])
	end, err2 := strconv.Atoi(args["end"])
	if err1 != nil || err2 != nil || start < 0 || end < start || end > len(fx.Doc.Text) || args["text"] == "" {
		return Action{}, false
	}
	return Action{
		Title: "Copy from the stage " + args["text"],
		Edits: []dockerfile.Edit{{Start: start, End: end, Text: args["text"]}},
	}, true
}
