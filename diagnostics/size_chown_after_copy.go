package diagnostics

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

var chownAfterCopy = &Rule{
	Name: "ChownAfterCopy", Category: Size, Severity: Info,
	Summary: "a recursive chown/chmod of files an earlier COPY/ADD added writes every one of them again into a new layer: use COPY --chown/--chmod",
	DocsURL: DocsBase + "ChownAfterCopy.md",
	Check:   checkChownAfterCopy,
}

var octalMode = regexp.MustCompile(`^[0-7]{3,4}$`)

func checkChownAfterCopy(p *Pass) {
	st := p.state()
	for inst := range shippedRuns(p.Doc) {
		cs := commands(st, inst)
		lazy := lazyPlace{st: st, in: inst}
		for i, c := range cs {
			if c.AfterOr {
				continue
			}
			spec, targets, ok := recursiveChange(c)
			if !ok || createsUnder(st, inst, i, lazy.get(), targets) {
				continue
			}
			var copies []*dockerfile.Instruction
			for _, cp := range copiesUnder(st, lazy.get(), targets) {
				if !negligibleCopy(p, cp) {
					copies = append(copies, cp)
				}
			}
			if len(copies) == 0 {
				continue
			}
			p.Report(cmdSpan(inst, c), chownMessage(p, c, wordText(spec), copies[0]),
				[]Related{{Span: copies[0].Span, Message: "the files were added here"}}, chownFix(st, inst, c, spec, copies, len(cs)))
		}
	}
}

// recursiveChange reads `chown -R user:group paths...` or `chmod -R mode
// paths...`: the owner or mode (a variable, maybe) and the target paths;
// ok only when recursive.
func recursiveChange(c shell.Command) (spec shell.Word, targets []shell.Word, ok bool) {
	name := c.Name()
	if name != "chown" && name != "chmod" && name != "chgrp" {
		return shell.Word{}, nil, false
	}
	recursive := false
	var pos []shell.Word
	for _, w := range c.Args[1:] {
		v := w.Value
		switch {
		case w.Dynamic && len(pos) > 0:
			pos = append(pos, w)
		case v == "--recursive":
			recursive = true
		case strings.HasPrefix(v, "--"):
		case strings.HasPrefix(v, "-") && len(pos) == 0 && isFlagCluster(v, name):
			recursive = recursive || strings.Contains(v, "R")
		default:
			pos = append(pos, w)
		}
	}
	if !recursive || len(pos) < 2 {
		return shell.Word{}, nil, false
	}
	return pos[0], pos[1:], true
}

// isFlagCluster tells "-Rv" (flags) from a chmod mode such as "-w".
func isFlagCluster(v, name string) bool {
	letters := "RhvcfLHP"
	if name == "chmod" {
		letters = "Rvcf"
	}
	for _, r := range v[1:] {
		if !strings.ContainsRune(letters, r) {
			return false
		}
	}
	return len(v) > 1
}

// copiesUnder are the earlier COPY/ADD instructions (latest first) whose
// destination is one of the targets or inside one (for a glob target,
// inside its folder). A COPY into a folder above the target (COPY root/ /)
// is left out: COPY --chown there would change files the chown does not.
func copiesUnder(st *dockerfile.BuildState, pl place, targets []shell.Word) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	eachEarlier(st, pl.x.Instruction(), func(in *dockerfile.Instruction) bool {
		if in.Keyword != "COPY" && in.Keyword != "ADD" {
			return true
		}
		for _, d := range copyCreates(st, in) {
			if slices.ContainsFunc(absTargets(pl, targets), func(tp string) bool { return under(d.path, tp) }) {
				out = append(out, in)
				return true
			}
		}
		return true
	})
	return out
}

// absTargets are the targets as absolute paths, a glob as its folder;
// unknown ones and "/" left out.
func absTargets(pl place, targets []shell.Word) []string {
	var out []string
	for _, t := range targets {
		if t.Dynamic {
			continue
		}
		if tp, ok := pl.abs(t.Value); ok && staticPrefix(tp) != "/" {
			out = append(out, staticPrefix(tp))
		}
	}
	return out
}

// createsUnder reports whether a command of the RUN before its i-th puts
// files in a target (tar -C /srv/java, unzip -d): the chown must stay for
// them, so COPY --chown cannot replace it.
func createsUnder(st *dockerfile.BuildState, inst *dockerfile.Instruction, i int, pl place, targets []shell.Word) bool {
	cmds, creates := commands(st, inst), commandsCreate(st, inst)
	for j := range i {
		for _, c := range creates[j] {
			if !cmds[j].AfterOr && slices.ContainsFunc(absTargets(pl, targets), func(tp string) bool { return under(c.path, tp) }) {
				return true
			}
		}
	}
	return false
}

func chownMessage(p *Pass, c shell.Command, spec string, cp *dockerfile.Instruction) string {
	flag := "--chown=" + spec
	if c.Name() == "chmod" {
		flag = "--chmod=" + spec
	}
	return fmt.Sprintf("%s writes every file %s added into a new layer%s: the image keeps both copies. Use `%s %s` instead.",
		cmdText(c), lineRef(p.Doc, cp), copiedSize(p, cp), cp.Keyword, flag)
}

// copiedSize measures what a COPY of the build context copies, or says
// that only the context could tell; "" for other sources.
func copiedSize(p *Pass, cp *dockerfile.Instruction) string {
	srcs := p.state().Of(cp).Copy().Context
	switch {
	case len(srcs) == 0:
		return ""
	case p.Context == nil:
		return " (how much, the build context would tell)"
	}
	sel := p.Context.MatchAll(srcs)
	return fmt.Sprintf(" (%s, %s, stored twice)", imgsize.Bytes(sel.Bytes), imgsize.Files(sel.Files))
}

// chownFix moves the owner or mode to the COPYs. A variable is moved as
// written when it has the same known value at the COPYs as at the RUN,
// so that the build's arguments keep choosing it.
func chownFix(st *dockerfile.BuildState, inst *dockerfile.Instruction, c shell.Command, spec shell.Word, copies []*dockerfile.Instruction, ncmd int) *FixData {
	value := spec.Value
	if spec.Dynamic {
		if !sameEverywhere(st, spec.Raw, append([]*dockerfile.Instruction{inst}, copies...)) {
			return nil
		}
		value = spec.Raw
	}
	if c.Start < 0 || (c.Name() == "chmod" && !octalMode.MatchString(value)) || c.Name() == "chgrp" {
		return nil
	}
	flag := "--chown=" + value
	if c.Name() == "chmod" {
		flag = "--chmod=" + value
	}
	var offs []string
	for _, cp := range copies {
		offs = append(offs, strconv.Itoa(cp.KeywordSpan.End))
	}
	span := cmdSpan(inst, c)
	return &FixData{Kind: CopyChown, Args: map[string]string{
		"copyOffsets": strings.Join(offs, ","),
		"flag":        flag,
		"cmdStart":    strconv.Itoa(span.Start),
		"cmdEnd":      strconv.Itoa(span.End),
		"runStart":    strconv.Itoa(inst.Span.Start),
		"runEnd":      strconv.Itoa(inst.Span.End),
		"runCommands": strconv.Itoa(ncmd),
	}}
}

// sameEverywhere: raw, a word without quotes, expands to the same known
// value in each of the instructions.
func sameEverywhere(st *dockerfile.BuildState, raw string, ins []*dockerfile.Instruction) bool {
	if strings.ContainsAny(raw, "\"'`\\") {
		return false
	}
	first := st.Of(ins[0]).Expand(raw)
	for _, in := range ins[1:] {
		if e := st.Of(in).Expand(raw); !e.Known || e != first {
			return false
		}
	}
	return first.Known
}
