package codeactions

import (
	"path"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() {
	register(diagnostics.CopyManifestsFirst, copyManifestsFirst)
	refusedTitles[diagnostics.CopyManifestsFirst] = "Copy the manifests first, then install"
}

// copyManifestsFirst applies the reorder CopyBeforeInstall worked out (see
// diagnostics/copy_before_install_fix.go):
//
//	COPY . /app                          COPY requirements.txt /app/requirements.txt
//	RUN pip install -r /app/...    →     RUN pip install -r /app/requirements.txt
//	                                     COPY . /app
//
// The rule offers it only where the image's files stay identical, and
// says why not elsewhere.
func copyManifestsFirst(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	run := doc.InstructionAt(f.Span.Start)
	edits, ok := diagnostics.FixEdits(f.Fix)
	title := f.Fix.Args["title"]
	if run == nil || run.Keyword != "RUN" || !ok || title == "" || !insideText(doc, edits) {
		return Action{}, false
	}
	return Action{Title: title, Edits: edits, Preferred: true, InFixAll: true}, true
}

// The helpers below, once this fix's, serve the size fixes and merge-update.

// workdirAt is the working directory of in (from the build state), and
// whether it is known: its variables are, and a WORKDIR of the file sets
// an absolute directory first. Otherwise relative paths start from the
// base image's working directory, unknown offline.
func workdirAt(st *dockerfile.BuildState, in *dockerfile.Instruction) (string, bool) {
	wd := st.Of(in).Workdir()
	return wd.Text, wd.Known && !wd.Truncated && setsWorkdir(st, in)
}

// setsWorkdir: a WORKDIR of in's stage, or of a stage it is built FROM,
// sets an absolute directory before in.
func setsWorkdir(st *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	doc := st.Document()
	if in.Stage < 0 || in.Stage >= len(doc.Stages) {
		return false
	}
	// A stage is built FROM an earlier one only: the chain ends.
	for stage := doc.Stages[in.Stage]; stage != nil; stage = st.StageParent(stage) {
		for _, w := range stage.Instructions {
			if w.Span.Start >= in.Span.Start {
				break
			}
			if w.Keyword != "WORKDIR" {
				continue
			}
			if args := st.Of(w).Args(); len(args) > 0 && path.IsAbs(args[0].Text) {
				return true
			}
		}
	}
	return false
}

// resolvePath is p as seen from dir: an absolute p stands alone.
func resolvePath(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}
