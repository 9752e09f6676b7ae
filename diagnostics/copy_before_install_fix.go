package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// The manifests-first fix of CopyBeforeInstall, worked out by the rule so
// that a finding without it says why (FixData.Refused). It rewrites
//
//	COPY . /app                    COPY requirements.txt /app/
//	ENV PIP_NO_CACHE_DIR=1    →    ENV PIP_NO_CACHE_DIR=1
//	RUN pip install -r ...         RUN pip install -r ...
//	                               COPY . /app
//
// The install keeps what it depends on before it (ENV, WORKDIR, USER, an
// apt RUN); the COPYs of code move below it, each destination resolved to
// the same absolute path, past instructions that do not read what they
// copy. The image's files stay identical when the install reads nothing
// of the context but the manifests it is given. A build that downloads
// what it misses (go build, mvn package) and an install of the project
// itself (poetry install) get their manager's dependency-only step
// (go mod download, poetry install --no-root) before the moved COPYs.

// baseWorkdir stands for the base image's working directory, unknown
// offline, in the paths of a stage that sets no absolute WORKDIR: paths
// relative to it compare with each other, never with absolute ones.
const baseWorkdir = "/.base-image-workdir"

// manifestsFirst is the fix of one finding being worked out.
type manifestsFirst struct {
	p       *Pass
	bs      *dockerfile.BuildState
	cp, run *dockerfile.Instruction
	inv     pkgmgr.Invocation // the finding's install or build
	moved   []movedCopy       // the COPYs of code from cp to run, in order
	files   []manifestFile
	abs     *absWorkdirs
	step    string   // a dependency-only RUN before the moved COPYs; "" moves them below the install
	split   int      // where the install RUN is cut, its rest moving below the COPYs; 0 keeps it whole
	rest    string   // that rest, as a RUN's script
	assumed []string // what the fix takes as true without the build context
}

// movedCopy is a COPY or ADD of code that moves below the install.
type movedCopy struct {
	in      *dockerfile.Instruction
	src     string   // its one folder of the context; "" when it copies files, several sources or a pattern
	dest    string   // where it lands (see baseWorkdir)
	files   []string // for a COPY of files only, the paths each may land at
	destArg dockerfile.Word
	movedTo string // the destination it must name once moved; "" keeps it
}

// manifestsFirstFix is the finding's fix, or why there is none; movesOnly
// is the number of COPYs it moves when it copies no manifest, only moves
// them below the install (an earlier COPY brought the manifests), else 0.
func manifestsFirstFix(p *Pass, cp, run *dockerfile.Instruction, inv pkgmgr.Invocation, abs *absWorkdirs) (fix *FixData, movesOnly int) {
	mf := &manifestsFirst{p: p, bs: p.state(), cp: cp, run: run, inv: inv, abs: abs}
	for _, step := range []func() string{mf.collect, mf.install, mf.between} {
		if why := step(); why != "" {
			return &FixData{Kind: CopyManifestsFirst, Refused: why}, 0
		}
	}
	edits, why := mf.edits()
	if why != "" {
		return &FixData{Kind: CopyManifestsFirst, Refused: why}, 0
	}
	args := map[string]string{"title": mf.title(), "edits": encodeEdits(edits)}
	if len(mf.files) > 0 || mf.step != "" {
		return &FixData{Kind: CopyManifestsFirst, Args: args}, 0
	}
	return &FixData{Kind: CopyManifestsFirst, Args: args}, len(mf.moved)
}

// title says what the fix does and, without the build context, what it
// assumes of the manifests it could not read.
func (mf *manifestsFirst) title() string {
	if len(mf.assumed) == 0 {
		return mf.what()
	}
	return fmt.Sprintf("%s (no build context to check: assumes %s)", mf.what(), strings.Join(mf.assumed, "; "))
}

func (mf *manifestsFirst) what() string {
	what := "install"
	if mf.step != "" {
		what = "`" + mf.step + "`"
	}
	var copies []string
	for _, m := range mf.moved {
		copies = append(copies, strings.Trim(cache.OneLine(mf.p.Doc, m.in), "`"))
	}
	then := strings.Join(copies, " and ")
	if mf.rest != "" {
		then += " and the rest of the RUN"
	}
	switch {
	case len(mf.files) == 0 && mf.step != "":
		return fmt.Sprintf("Run %s first, then %s", what, then)
	case len(mf.files) == 0:
		return fmt.Sprintf("Move %s below the install", then)
	}
	return fmt.Sprintf("Copy %s first, then %s, then %s", strings.Join(mf.names(), " and "), what, then)
}

// collect lists the COPYs that move: the broad one and the later COPYs of
// code before the install (those of manifests stay).
func (mf *manifestsFirst) collect() string {
	for _, in := range mf.betweenInstructions(true) {
		if in.Keyword != "COPY" && in.Keyword != "ADD" {
			continue
		}
		c := mf.bs.Of(in).Copy()
		if len(c.Context) == 0 && len(c.Unresolved) == 0 || in != mf.cp && !copiesCode(mf.p.Context, c) {
			continue
		}
		m, why := mf.movedCopy(in, c)
		if why != "" {
			return why
		}
		mf.moved = append(mf.moved, m)
	}
	return ""
}

// betweenInstructions are the instructions of the stage after cp (from
// cp with withCopy) and before the install.
func (mf *manifestsFirst) betweenInstructions(withCopy bool) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, in := range mf.p.Doc.Stages[mf.cp.Stage].Instructions {
		after := in.Span.Start > mf.cp.Span.Start || withCopy && in == mf.cp
		if after && in.Span.Start < mf.run.Span.Start {
			out = append(out, in)
		}
	}
	return out
}

// movedCopy reads a COPY that moves: its destination must be known.
func (mf *manifestsFirst) movedCopy(in *dockerfile.Instruction, c dockerfile.CopyReads) (movedCopy, string) {
	switch {
	case !c.Dest.Known || c.Dest.Truncated:
		return movedCopy{}, "the COPY's destination depends on a variable without a value"
	case in.JSONForm || len(in.Heredocs) > 0 || hasFlag(in.Flags, "parents"):
		return movedCopy{}, "the COPY's form (JSON, heredoc or --parents) is not handled"
	}
	wd, ok := mf.workdir(in)
	if !ok {
		return movedCopy{}, "the working directory depends on a variable without a value"
	}
	m := movedCopy{in: in, dest: resolve(wd, c.Dest.Text), destArg: in.Args[len(in.Args)-1]}
	if len(c.Context) == 1 && len(c.Unresolved) == 0 && !strings.ContainsAny(c.Context[0], "*?[") && mf.isFolder(c.Context[0]) {
		m.src = path.Clean(c.Context[0])
	}
	if m.src == "" && len(c.Unresolved) == 0 {
		m.files = mf.landings(c, m.dest)
	}
	return m, ""
}

// landings are where a COPY of files puts them: in the destination folder
// (several sources, or one ending in "/"), else at the destination or,
// when a folder is there already, in it. nil when a source may be a
// folder or a pattern.
func (mf *manifestsFirst) landings(c dockerfile.CopyReads, dest string) []string {
	intoDir := len(c.Context) > 1 || strings.HasSuffix(c.Dest.Text, "/") || path.Base(c.Dest.Text) == "."
	var out []string
	for _, s := range c.Context {
		if strings.ContainsAny(s, "*?[") || mf.isFolder(s) {
			return nil
		}
		out = append(out, path.Join(dest, path.Base(s)))
	}
	if !intoDir {
		out = append(out, dest)
	}
	return out
}

// writes are the paths a moved COPY may write at or below.
func (m movedCopy) writes() []string {
	if m.files != nil {
		return m.files
	}
	return []string{m.dest}
}

// writesAt: a moved COPY may write at, above or below p.
func (mf *manifestsFirst) writesAt(p string) bool {
	for _, m := range mf.moved {
		if slices.ContainsFunc(m.writes(), func(w string) bool { return overlaps(p, w) }) {
			return true
		}
	}
	return false
}

// isFolder: the source is a folder (the context says so, or its name).
func (mf *manifestsFirst) isFolder(src string) bool {
	clean := path.Clean(src)
	if bctx := mf.p.Context; bctx != nil {
		return bctx.IsDir(clean)
	}
	base := path.Base(clean)
	return clean == "." || strings.HasSuffix(src, "/") || path.Ext(base) == "" && !conventionalFiles[base] && !looksLikeManifest(base)
}

// workdir is the working directory of in, rooted at baseWorkdir when no
// absolute WORKDIR sets it.
func (mf *manifestsFirst) workdir(in *dockerfile.Instruction) (string, bool) {
	wd := mf.bs.Of(in).Workdir()
	if !wd.Known || wd.Truncated {
		return "", false
	}
	if mf.abs.before(in) {
		return wd.Text, true
	}
	return path.Join(baseWorkdir, wd.Text), true
}

// absWorkdirs says where a stage's working directory becomes absolute:
// found in one pass over the stage and those it is built FROM, for all
// the findings of the stage.
type absWorkdirs struct {
	inherited bool // a stage it is built FROM sets one
	at        int  // the offset of the stage's first absolute WORKDIR; -1 for none
}

func absWorkdirsOf(st *dockerfile.BuildState, stage *dockerfile.Stage) *absWorkdirs {
	a := &absWorkdirs{at: -1}
	for s := stage; s != nil; s = st.StageParent(s) {
		for _, w := range s.Instructions {
			if args := st.Of(w).Args(); w.Keyword == "WORKDIR" && len(args) > 0 && path.IsAbs(args[0].Text) {
				if s != stage {
					a.inherited = true
				} else if a.at < 0 {
					a.at = w.Span.Start
				}
			}
		}
	}
	return a
}

// before: an absolute WORKDIR is in force at in.
func (a *absWorkdirs) before(in *dockerfile.Instruction) bool {
	return a.inherited || a.at >= 0 && a.at < in.Span.Start
}

// source maps a path in the image to the context path a moved COPY took
// it from: via is that COPY's index, -1 when no moved COPY wrote there
// (an earlier layer holds it); ok is false when one may have but which
// file it copied there is unknown. For a folder an install reads its
// manifests from (dir), a COPY of files counts only with a manifest.
func (mf *manifestsFirst) source(imagePath string, dir bool) (ctx string, via int, ok bool) {
	for i := len(mf.moved) - 1; i >= 0; i-- {
		m := mf.moved[i]
		hits := func(w string) bool { return overlaps(imagePath, w) && (!dir || looksLikeManifest(w)) }
		switch {
		case m.src != "" && under(imagePath, m.dest):
			rel := strings.TrimPrefix(strings.TrimPrefix(imagePath, m.dest), "/")
			if mf.p.Context == nil && m.src != "." && rel == path.Base(m.src) {
				// Without the context, `COPY 0 .` is taken for a folder,
				// but the file the install names at ./0 says it may be
				// the file itself: which one it copied is unknown.
				return "", i, false
			}
			return path.Join(m.src, rel), i, true
		case m.src == "" && slices.ContainsFunc(m.writes(), hits):
			return "", i, false
		}
	}
	return "", -1, true
}

// resolve is p as seen from dir: an absolute p stands alone.
func resolve(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// overlaps: a and b are the same path or one holds the other.
func overlaps(a, b string) bool { return under(a, b) || under(b, a) }

// names are the base names of the manifests, for the title.
func (mf *manifestsFirst) names() []string {
	var out []string
	for _, f := range mf.files {
		if b := path.Base(f.source()); !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}
