package codeactions

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// supersededByMount are the size fixes a cache mount makes unnecessary:
// where the mount fix applies, they are not offered, so fixAll settles on
// the mount.
var supersededByMount = map[diagnostics.FixKind]bool{
	diagnostics.AddNoCacheDir: true, diagnostics.AddCacheClean: true, diagnostics.AddRmAptLists: true,
}

// The size fixes. Each takes the offsets its rule computed, so the rule
// and the fix agree on where the text goes.
func init() {
	// --no-install-recommends drops packages the image might use at run
	// time: offered, not applied by fixAll.
	register(diagnostics.AddNoInstallRecommends, insertion("Add %s", "flag", " ", false))
	register(diagnostics.AddNoCacheDir, insertion("Add %s", "flag", " ", true))
	register(diagnostics.AddCacheClean, insertion("Clean the cache in the same RUN (%s)", "text", "", true))
	refusedTitles[diagnostics.AddCacheClean] = "Clean the cache in the same RUN"
	register(diagnostics.AddRmAptLists, removeAptLists)
	register(diagnostics.CopyChown, copyChown)
	// A slimmer base can lack what the image needs: offered only.
	register(diagnostics.SlimBase, slimBase)
}

// insertion builds a fix that inserts Args[key] (after prefix) at
// Args["offset"].
func insertion(title, key, prefix string, fixAll bool) Fixer {
	return func(fx FixInput) (Action, bool) {
		doc, f := fx.Doc, fx.Finding
		off, err := strconv.Atoi(f.Fix.Args["offset"])
		text := f.Fix.Args[key]
		if err != nil || off < 0 || off > len(doc.Text) || text == "" || !scriptParsesAt(doc, f.Span.Start) || !scriptParsesAt(doc, off) {
			return Action{}, false
		}
		return Action{
			Title:    fmt.Sprintf(title, strings.TrimSpace(text)),
			Edits:    []dockerfile.Edit{{Start: off, End: off, Text: prefix + text}},
			InFixAll: fixAll,
		}, true
	}
}

// replacement builds a fix that replaces the text between Args["start"]
// and Args["end"] with Args["text"], titled title followed by that text.
func replacement(title string, fixAll bool) Fixer {
	return func(fx FixInput) (Action, bool) {
		args := fx.Finding.Fix.Args
		start, err1 := strconv.Atoi(args["start"])
		end, err2 := strconv.Atoi(args["end"])
		if err1 != nil || err2 != nil || start < 0 || end < start || end > len(fx.Doc.Text) || args["text"] == "" {
			return Action{}, false
		}
		return Action{
			Title:    title + args["text"],
			Edits:    []dockerfile.Edit{{Start: start, End: end, Text: args["text"]}},
			InFixAll: fixAll,
		}, true
	}
}

// scriptParsesAt: the RUN at off, if any, has a script without a syntax
// error. Text inserted into a script that does not parse can land inside
// an unclosed quote or heredoc, where it is no longer a command or a flag.
// The finding's RUN is asked too: an offset just past an unclosed quote
// at the end of the RUN is at no instruction.
func scriptParsesAt(doc *dockerfile.Document, off int) bool {
	in := doc.InstructionAt(off)
	if in == nil || in.Keyword != "RUN" {
		return true
	}
	script := doc.Script(in)
	return script == nil || script.Err == nil
}

// removeAptLists appends "&& rm -rf /var/lib/apt/lists/*", unless a later
// RUN of the stage installs without updating first: it would find no lists.
func removeAptLists(fx FixInput) (Action, bool) {
	run := fx.Doc.InstructionAt(fx.Finding.Span.Start)
	if run == nil || run.Stage < 0 || fx.stages.installsWithoutUpdateAfter(run) {
		return Action{}, false
	}
	return insertion("Remove the apt lists in the same RUN (%s)", "text", "", true)(fx)
}

func installsWithoutUpdate(doc *dockerfile.Document, run *dockerfile.Instruction) bool {
	updated := false
	for _, inv := range cache.Invocations(doc, run) {
		if inv.Manager == nil || inv.Manager.Name != "apt" {
			continue
		}
		switch inv.Action {
		case pkgmgr.Update:
			updated = true
		case pkgmgr.Install:
			if !updated {
				return true
			}
		}
	}
	return false
}

// copyChown adds --chown (or --chmod) to the COPY and removes the chown
// command from the RUN (the whole RUN when it was the only command).
func copyChown(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	a := f.Fix.Args
	flag := a["flag"]
	cmdStart, err1 := strconv.Atoi(a["cmdStart"])
	cmdEnd, err2 := strconv.Atoi(a["cmdEnd"])
	runStart, err3 := strconv.Atoi(a["runStart"])
	if err1 != nil || err2 != nil || err3 != nil || flag == "" {
		return Action{}, false
	}
	run := doc.InstructionAt(runStart)
	if run == nil || run.Keyword != "RUN" || run.Stage < 0 {
		return Action{}, false
	}
	targets, ok := chownTargets(fx.State, run, cmdStart, cmdEnd)
	if !ok {
		return Action{}, false
	}
	var edits []dockerfile.Edit
	for _, s := range strings.Split(a["copyOffsets"], ",") {
		off, err := strconv.Atoi(s)
		cp := doc.InstructionAt(off)
		if err != nil || cp == nil || cp.Stage < 0 || cp.KeywordSpan.End != off || hasFlagNamed(cp, strings.SplitN(flag[2:], "=", 2)[0]) ||
			!copyCreates(fx.State, cp, targets) {
			return Action{}, false
		}
		edits = append(edits, dockerfile.Edit{Start: off, End: off, Text: " " + flag})
	}
	removal, ok := commandRemoval(doc, run, cmdStart, cmdEnd)
	if !ok {
		return Action{}, false
	}
	edits = append(edits, removal)
	return Action{
		Title:     fmt.Sprintf("Use COPY %s instead of a separate %s", flag, strings.Fields(doc.Slice(dockerfile.Span{Start: cmdStart, End: cmdEnd}))[0]),
		Edits:     edits,
		Preferred: true,
		InFixAll:  true,
	}, true
}

func hasFlagNamed(in *dockerfile.Instruction, name string) bool {
	for _, f := range in.Flags {
		if f.Name == name {
			return true
		}
	}
	return false
}

// commandRemoval removes one top-level command of a RUN with its "&&" or
// ";" joint, or the whole RUN when it is the only command.
func commandRemoval(doc *dockerfile.Document, run *dockerfile.Instruction, start, end int) (dockerfile.Edit, bool) {
	script := doc.Script(run)
	if script == nil {
		return dockerfile.Edit{}, false
	}
	base := run.ArgsSpan.Start
	cmds := script.Commands
	for i, c := range cmds {
		if base+c.Start != start || base+c.End != end || c.Sub || c.AfterOr {
			continue
		}
		switch {
		case len(cmds) == 1:
			return dockerfile.Edit{Start: doc.BlockStart(run), End: doc.LineAfter(run.EndLine)}, true
		case i == 0 && (cmds[1].Op == "&&" || cmds[1].Op == ";"):
			return dockerfile.Edit{Start: start, End: base + cmds[1].Start}, true
		case i > 0 && (c.Op == "&&" || c.Op == ";") && (i+1 == len(cmds) || cmds[i+1].Op != "|"):
			return dockerfile.Edit{Start: base + cmds[i-1].End, End: end}, true
		}
		return dockerfile.Edit{}, false
	}
	return dockerfile.Edit{}, false
}

func slimBase(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	start, err1 := strconv.Atoi(f.Fix.Args["start"])
	end, err2 := strconv.Atoi(f.Fix.Args["end"])
	image := f.Fix.Args["image"]
	if err1 != nil || err2 != nil || image == "" || start < 0 || end > len(doc.Text) || start > end {
		return Action{}, false
	}
	return Action{
		Title: fmt.Sprintf("Use %s", image),
		Edits: []dockerfile.Edit{{Start: start, End: end, Text: image}},
	}, true
}

// standardDirs: only the root is sure to exist; even /opt or /usr/local
// are missing from minimal bases (busybox, distroless), and the BuildKit
// proof caught a COPY --chown that created /opt with the new owner.
var standardDirs = map[string]bool{"/": true}

// chownTargets are the absolute paths a chown/chmod command names.
func chownTargets(st *dockerfile.BuildState, run *dockerfile.Instruction, start, end int) ([]string, bool) {
	words := strings.Fields(st.Document().Slice(dockerfile.Span{Start: start, End: end}))
	dir, known := workdirAt(st, run)
	var out []string
	spec := false
	for _, w := range words[1:] {
		switch {
		case strings.HasPrefix(w, "-"):
		case !spec:
			spec = true // the owner or the mode
		case strings.ContainsAny(w, "$*?[`'\"\\"):
			return nil, false
		case path.IsAbs(w):
			out = append(out, path.Clean(w))
		case known:
			out = append(out, path.Join(dir, w))
		default:
			return nil, false
		}
	}
	return out, len(out) > 0
}

// copyCreates: COPY --chown gives its owner to what the COPY creates, and
// chown -R changes the folder it names too. They agree only when the
// COPY's destination is exactly what the chown names, is created by the
// COPY (not a WORKDIR that exists already), and its parent exists (else
// the COPY creates the parent with the new owner as well).
func copyCreates(st *dockerfile.BuildState, cp *dockerfile.Instruction, targets []string) bool {
	if len(cp.Args) < 2 {
		return false
	}
	dir, known := workdirAt(st, cp)
	destWord := cp.Args[len(cp.Args)-1].Value
	if strings.Contains(destWord, "$") || (!path.IsAbs(destWord) && !known) {
		return false
	}
	dest := resolvePath(dir, destWord)
	if len(targets) != 1 || targets[0] != dest {
		return false
	}
	existing := map[string]bool{}
	for _, w := range st.Document().Stages[cp.Stage].Instructions {
		if w.Line >= cp.Line {
			break
		}
		if w.Keyword != "WORKDIR" {
			continue
		}
		wd := st.Of(w).Workdir()
		if !wd.Known || !path.IsAbs(wd.Text) {
			return false // a folder that may be the destination
		}
		for p := wd.Text; p != "/"; p = path.Dir(p) {
			existing[p] = true
		}
	}
	parent := path.Dir(dest)
	return !existing[dest] && !standardDirs[dest] && (existing[parent] || standardDirs[parent])
}
