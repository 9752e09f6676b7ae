package codeactions

import (
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() {
	register(diagnostics.AddCacheMount, addCacheMount)
	refusedTitles[diagnostics.AddCacheMount] = "Add a cache mount"
}

// addCacheMount applies the edits InstallWithoutCacheMount worked out (see
// diagnostics/cache_mount_plan.go): the RUN --mount=type=cache flags,
// where the manager keeps its cache for the user the command runs as; the
// removals and clean commands of the RUN that would fail on the mount or
// empty it, dropped; and for apt, docker-clean turned off once for the
// stage, with mounts on every apt install it affects. The rule refuses
// the fix, and says why, where that is not safe.
func addCacheMount(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	run := doc.InstructionAt(f.Span.Start)
	edits, ok := diagnostics.FixEdits(f.Fix)
	title := f.Fix.Args["title"]
	if run == nil || run.Keyword != "RUN" || !ok || title == "" || !insideText(doc, edits) {
		return Action{}, false
	}
	return Action{Title: title, Edits: edits, InFixAll: true}, true
}

// insideText: the edits lie in the text and overlap no other.
func insideText(doc *dockerfile.Document, edits []dockerfile.Edit) bool {
	_, err := Apply(doc.Text, edits)
	return err == nil
}
