package codeactions

import (
	"path"
	"slices"
	"strings"

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
// stage, with mounts on every apt install it affects, as early in the
// stage as it can go (earlySetup). The rule refuses the fix, and says why,
// where that is not safe.
func addCacheMount(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	run := doc.InstructionAt(f.Span.Start)
	edits, ok := diagnostics.FixEdits(f.Fix)
	title := f.Fix.Args["title"]
	if run == nil || run.Keyword != "RUN" || !ok || title == "" {
		return Action{}, false
	}
	edits, folded := earlySetup(fx.State, edits)
	if !insideText(doc, edits) {
		return Action{}, false
	}
	if folded {
		title = strings.Replace(title, "turn docker-clean off before line", "turn docker-clean off at the start of line", 1)
	}
	return Action{Title: title, Edits: edits, InFixAll: true}, true
}

// insideText: the edits lie in the text and overlap no other.
func insideText(doc *dockerfile.Document, edits []dockerfile.Edit) bool {
	_, err := Apply(doc.Text, edits)
	return err == nil
}

// aptSetupMarker is in the RUN the apt fix inserts to turn docker-clean
// off, and in no other edit of the fix.
const aptSetupMarker = "/etc/apt/apt.conf.d/docker-clean"

// earlySetup moves the RUN that turns docker-clean off, which the rule
// inserts right above the stage's first apt install, up to where the
// stage's FROM, USER, SHELL or a RUN ends what it may go above: below a
// COPY of the application, this cheap step would re-run on every code
// change (the real-build proof found it, docs/proofs.md). It stays in
// the same user and shell, and before nothing that may change apt's
// configuration. Where it would still come after a COPY or ADD, it goes
// into the first install's own command instead (folded): no step is
// added there.
func earlySetup(st *dockerfile.BuildState, edits []dockerfile.Edit) (out []dockerfile.Edit, folded bool) {
	doc := st.Document()
	for i, e := range edits {
		if e.Start != e.End || !strings.Contains(e.Text, aptSetupMarker) {
			continue
		}
		first := instructionBelow(doc, e.Start)
		if first == nil || first.Stage < 0 {
			return edits, false
		}
		top := setupTop(st, first)
		out = slices.Clone(edits)
		if afterCopy(st, top) && foldable(first) {
			// Last, so that it lands after the --mount flags inserted
			// at the same offset.
			_, cmd, _ := strings.Cut(strings.TrimSpace(e.Text), " ")
			at := first.ArgsSpan.Start
			return append(slices.Delete(out, i, i+1), dockerfile.Edit{Start: at, End: at, Text: cmd + "; "}), true
		}
		at := doc.BlockStart(top)
		out[i].Start, out[i].End = at, at
		return out, false
	}
	return edits, false
}

// foldable: a command the setup can be prefixed to, in the shell.
func foldable(run *dockerfile.Instruction) bool {
	return run.Keyword == "RUN" && !run.JSONForm && len(run.Heredocs) == 0 && run.ArgsSpan.End > run.ArgsSpan.Start
}

// afterCopy: a COPY or ADD comes before in, in its stage or a stage it
// is built FROM, so that a step at in may re-run when the files it takes
// change.
func afterCopy(st *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	doc := st.Document()
	stage := doc.Stages[in.Stage]
	for s, n := stage, 0; s != nil && n <= len(doc.Stages); s, n = st.StageParent(s), n+1 {
		for _, e := range s.Instructions {
			if e == in {
				break
			}
			if e.Keyword == "COPY" || e.Keyword == "ADD" {
				return true
			}
		}
	}
	return false
}

// instructionBelow is the first instruction starting at or after offset.
func instructionBelow(doc *dockerfile.Document, offset int) *dockerfile.Instruction {
	i, _ := slices.BinarySearchFunc(doc.Instructions, offset, func(in *dockerfile.Instruction, off int) int {
		return in.Span.Start - off
	})
	if i == len(doc.Instructions) {
		return nil
	}
	return doc.Instructions[i]
}

// setupTop is the earliest instruction of first's stage that the setup
// RUN can go above, walking up from first.
func setupTop(st *dockerfile.BuildState, first *dockerfile.Instruction) *dockerfile.Instruction {
	stage := st.Document().Stages[first.Stage].Instructions
	top := first
	for k := slices.Index(stage, first) - 1; k >= 0 && setupMayPrecede(st, stage[:k], stage[k]); k-- {
		top = stage[k]
	}
	return top
}

// setupMayPrecede: the setup RUN can run before in, whose stage's earlier
// instructions are before. It needs root and a POSIX shell, as the rule
// checked at its first place (so not above USER or SHELL); a RUN, VOLUME
// or ONBUILD may change what it changes, a COPY or ADD may write apt's
// configuration.
func setupMayPrecede(st *dockerfile.BuildState, before []*dockerfile.Instruction, in *dockerfile.Instruction) bool {
	switch in.Keyword {
	case "WORKDIR", "ENV", "ARG", "LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT":
		return true
	case "COPY", "ADD":
		dest, ok := copyDest(st, before, in)
		return ok && dest != "/" && dest != "/etc" && !strings.HasPrefix(dest, "/etc/")
	}
	return false
}

// copyDest is the absolute, cleaned destination of a COPY or ADD; ok is
// false when it is not known (an unknown variable, or relative to a
// WORKDIR the file does not set to an absolute path).
func copyDest(st *dockerfile.BuildState, before []*dockerfile.Instruction, in *dockerfile.Instruction) (string, bool) {
	args := st.Of(in).Args()
	if len(args) < 2 || !args[len(args)-1].Known {
		return "", false
	}
	dest := args[len(args)-1].Text
	if path.IsAbs(dest) {
		return path.Clean(dest), true
	}
	for k := len(before) - 1; k >= 0; k-- {
		if before[k].Keyword != "WORKDIR" {
			continue
		}
		wd := st.Of(before[k]).Args()
		if len(wd) != 1 || !wd[0].Known || !path.IsAbs(wd[0].Text) {
			return "", false
		}
		return path.Join(wd[0].Text, dest), true
	}
	return "", false
}
