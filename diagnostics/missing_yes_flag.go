package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// AddYesFlag is the fix of MissingYesFlag: -y after the subcommand.
const AddYesFlag FixKind = "add-yes-flag"

var missingYesFlag = &Rule{
	Name: "MissingYesFlag", Category: Syntax, Severity: Warning,
	Summary: "an apt-get, apt, aptitude, yum, dnf or zypper install or removal without -y asks for confirmation, and a build has no terminal to answer: it aborts",
	DocsURL: DocsBase + "MissingYesFlag.md",
	Check:   checkMissingYesFlag,
}

// yesSpec is how one manager is told not to ask.
type yesSpec struct {
	// flags answer yes wherever they appear among the options.
	flags []string
	// global answer yes only before the subcommand (zypper -n; after
	// install, -n is --name).
	global []string
	// prefixOf: a long option that is an unambiguous prefix of it is
	// the option itself (yum's optparse, dnf's argparse).
	prefixOf string
	// quiet2: two -q (apt's quiet level 2) imply -y.
	quiet2 bool
	// dryRun options make the command ask nothing.
	dryRun []string
}

// yesSpecs are the managers that prompt. apk never asks; microdnf asks
// only since 3.8 (EL9), so an image's microdnf may not: not reported.
var yesSpecs = map[string]yesSpec{
	"apt": {flags: []string{"-y", "--yes", "--assume-yes"}, quiet2: true,
		dryRun: []string{"-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "--assume-no"}},
	"yum":    {flags: []string{"-y", "--assumeyes"}, prefixOf: "--assumeyes", dryRun: []string{"--assumeno"}},
	"dnf":    {flags: []string{"-y", "--assumeyes"}, prefixOf: "--assumeyes", dryRun: []string{"--assumeno"}},
	"zypper": {flags: []string{"-y", "--no-confirm"}, global: []string{"-n", "--non-interactive"}, dryRun: []string{"-D", "--dry-run"}},
}

// checkMissingYesFlag reports installs and removals of the prompting
// managers that nothing answers: no yes option (on the command, through
// --setopt or -o, or written to the manager's configuration by an earlier
// RUN) and no input piped in (`yes | apt-get install …`).
func checkMissingYesFlag(p *Pass) {
	st := p.state()
	// Where a RUN or COPY configures the managers to answer yes, worked
	// out only for an install that nothing else answers: most files have
	// none, and the search reads every RUN's script.
	var configured firstRuns
	configuredBefore := func(inst *dockerfile.Instruction) bool {
		if configured == nil {
			configured = firstWhere(p.Doc, func(in *dockerfile.Instruction) bool {
				return in.Keyword == "RUN" && writesAssumeYes(p.Doc, in) || copiesManagerConfig(st, in)
			})
		}
		return configured.before(st, inst, true)
	}
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" || inst.Stage < 0 {
			continue
		}
		for _, inv := range invocations(st, inst) {
			spec, ok := yesSpecs[inv.Manager.Name]
			if !ok || inv.Action != pkgmgr.Install && inv.Action != pkgmgr.Remove || inv.Command.Op == "|" {
				continue
			}
			answered, known := spec.answers(st.Of(inst), inv)
			if answered || !known || configuredBefore(inst) || yesImage(st, inst) {
				continue
			}
			p.Report(cmdSpan(inst, inv.Command), fmt.Sprintf(
				"%s has no -y: %s asks for confirmation whenever it %s, and a build has no terminal to answer: it reads no as the answer and the build fails. Add -y.",
				cmdText(inv.Command), inv.Command.Name(), promptWhen(inv)), nil, yesFix(inst, inv))
		}
	}
}

// promptWhen says when the manager asks: apt-get when it installs more
// than it was asked to, upgrades or removes anything; the others whenever
// there is anything to do.
func promptWhen(inv pkgmgr.Invocation) string {
	sub := ""
	if len(inv.Sub) > 0 {
		sub = inv.Sub[0]
	}
	switch {
	case strings.Contains(sub, "upgrade") || sub == "update" || sub == "up" || sub == "dup" || sub == "patch":
		return "has anything to upgrade"
	case strings.HasPrefix(sub, "auto"):
		return "has anything to remove"
	case inv.Action == pkgmgr.Remove:
		return "removes a package"
	case inv.Manager.Name == "apt":
		return "installs more than the packages named (the dependencies they pull in)"
	}
	return "has anything to install"
}

func yesFix(inst *dockerfile.Instruction, inv pkgmgr.Invocation) *FixData {
	if inv.SubEnd < 0 || inv.Command.Start < 0 {
		return nil
	}
	return &FixData{Kind: AddYesFlag, Args: map[string]string{
		"offset": strconv.Itoa(inst.ArgsSpan.Start + inv.SubEnd),
		"flag":   "-y",
	}}
}

// answers reports whether the command's own words tell the manager not to
// ask; known is false when a word depends on a value the build state does
// not know (it may hold -y).
func (s yesSpec) answers(x dockerfile.InstState, inv pkgmgr.Invocation) (answered, known bool) {
	words, known := expandedArgs(x, inv.Command.Args[1:])
	if !known {
		return false, false
	}
	beforeSub := true
	quiet := 0
	for i, w := range words {
		if beforeSub && len(inv.Sub) > 0 && w == inv.Sub[0] {
			beforeSub = false
		}
		switch {
		case w == "--":
			return false, true
		case s.says(w, beforeSub):
			return true, true
		case strings.HasPrefix(w, "--quiet=") || strings.HasPrefix(w, "-q="):
			quiet += atoi(w[strings.IndexByte(w, '=')+1:])
		case w == "--quiet":
			quiet++
		case strings.HasPrefix(w, "--setopt") || w == "-o":
			next := ""
			if i+1 < len(words) {
				next = words[i+1]
			}
			if optionSaysYes(w, next) {
				return true, true
			}
		case len(w) > 1 && w[0] == '-' && w[1] != '-':
			q, yes := s.cluster(w, inv.Manager)
			quiet += q
			if yes {
				return true, true
			}
		}
	}
	return s.quiet2 && quiet >= 2, true
}

// says: w is one of the spec's whole-word options.
func (s yesSpec) says(w string, beforeSub bool) bool {
	for _, set := range [][]string{s.flags, s.dryRun} {
		for _, f := range set {
			if w == f {
				return true
			}
		}
	}
	if beforeSub {
		for _, f := range s.global {
			if w == f {
				return true
			}
		}
	}
	return s.prefixOf != "" && len(w) >= len("--assumey") && strings.HasPrefix(s.prefixOf, w)
}

// cluster reads a short-option cluster ("-yq", "-qq", "-oAPT::…"): its
// -q count and whether it holds -y (or a dry run), up to the first letter
// that takes a value.
func (s yesSpec) cluster(w string, m *pkgmgr.Manager) (quiet int, yes bool) {
	if !m.Clusters {
		return 0, false
	}
	for j := 1; j < len(w); j++ {
		opt := "-" + w[j:j+1]
		switch {
		case opt == "-q":
			quiet++
		case opt == "-o" && optionSaysYes(opt, w[j+1:]):
			return quiet, true
		case s.says(opt, false):
			return quiet, true
		}
		for _, v := range m.ValueFlags {
			if v == opt {
				return quiet, false
			}
		}
	}
	return quiet, false
}

// optionSaysYes: an option setting (-o APT::Get::Assume-Yes=true,
// --setopt=assumeyes=1, -o quiet=2) that answers yes.
func optionSaysYes(flag, next string) bool {
	setting := next
	if _, v, ok := strings.Cut(flag, "="); ok {
		setting = v
	}
	key, value, _ := strings.Cut(setting, "=")
	key = squash(key)
	switch {
	case strings.HasSuffix(key, "assumeyes"):
		return pkgmgr.Truthy(value)
	case key == "quiet":
		return atoi(value) >= 2
	}
	return false
}

// expandedArgs are the words as the shell gets them, a word that reads an
// ARG or ENV expanded by the build state (a variable of the script itself
// is unknown); known is false when one is unknown.
func expandedArgs(x dockerfile.InstState, args []shell.Word) ([]string, bool) {
	out := make([]string, 0, len(args))
	for _, w := range args {
		if !w.Dynamic {
			out = append(out, w.Value)
			continue
		}
		e := x.Expand(w.Raw)
		if !e.Known || e.Truncated {
			return nil, false
		}
		out = append(out, strings.Fields(e.Text)...)
	}
	return out, true
}

// writesAssumeYes: the RUN writes a setting that answers yes to the
// manager's configuration (APT::Get::Assume-Yes "true"; assumeyes=1 in
// yum.conf or dnf.conf); options given to a command (-y, --assume-yes) do
// not count. With firstRunWhere, an earlier RUN of the stage (or of a
// stage it builds FROM), or this one, doing so answers the install.
func writesAssumeYes(doc *dockerfile.Document, in *dockerfile.Instruction) bool {
	script := doc.Script(in)
	if script == nil {
		return false
	}
	for _, c := range script.Commands {
		for _, w := range c.Args {
			if v := wordText(w); !strings.HasPrefix(v, "-") && mentionsAssume(v) && strings.Contains(squash(v), "assumeyes") {
				return true
			}
		}
	}
	return false
}

// firstRuns is, per stage, the offset of the first instruction that
// satisfies a predicate (-1 for none), computed once per check: asking
// each finding to scan its stages would make a long file quadratic.
type firstRuns []int

func firstWhere(doc *dockerfile.Document, pred func(*dockerfile.Instruction) bool) firstRuns {
	out := make(firstRuns, len(doc.Stages))
	for _, st := range doc.Stages {
		out[st.Index] = -1
		for _, in := range st.Instructions {
			if pred(in) {
				out[st.Index] = in.Span.Start
				break
			}
		}
	}
	return out
}

// before reports whether such an instruction comes before inst in its stage (or is
// inst, when self), or is in a stage inst's stage builds FROM.
func (f firstRuns) before(bs *dockerfile.BuildState, inst *dockerfile.Instruction, self bool) bool {
	for _, st := range stageChain(bs, bs.Document().Stages[inst.Stage]) {
		pos := f[st.Index]
		switch {
		case pos < 0:
		case st.Index != inst.Stage, pos < inst.Span.Start, self && pos == inst.Span.Start:
			return true
		}
	}
	return false
}

// squash lowers s and drops the separators of option names, so that
// "APT::Get::Assume-Yes" and "assume_yes" read "aptgetassumeyes" and
// "assumeyes".
// mentionsAssume: s holds "assume" in any case, tested without the
// allocation squash makes for each word of every RUN.
func mentionsAssume(s string) bool {
	const word = "assume"
	for i := 0; i+len(word) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
	}
	return false
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ':', '.':
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// managerConfigs are where the prompting managers read their settings.
var managerConfigs = []string{"/etc/apt/apt.conf", "/etc/apt/apt.conf.d", "/etc/yum.conf", "/etc/dnf", "/etc/zypp"}

// copiesManagerConfig: a COPY or ADD writes a package manager's
// configuration, which may answer yes (what it holds is not read here).
func copiesManagerConfig(bs *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	if in.Keyword != "COPY" && in.Keyword != "ADD" {
		return false
	}
	x := bs.Of(in)
	d, wd := x.Copy().Dest, x.Workdir()
	if !d.Known || !wd.Known {
		return true // unknown: it may
	}
	dest := path.Join(wd.Text, d.Text)
	if path.IsAbs(d.Text) {
		dest = path.Clean(d.Text)
	}
	for _, c := range managerConfigs {
		if under(dest, c) || under(c, dest) && dest != "/" {
			return true
		}
	}
	return false
}

// yesImages are images whose apt is configured to answer yes: balena's
// (formerly resin's) base images ship /etc/apt/apt.conf.d/01_buildconfig
// with APT::Get::Assume-Yes "true".
var yesImages = []string{"resin/", "balenalib/"}

func yesImage(bs *dockerfile.BuildState, inst *dockerfile.Instruction) bool {
	img, _ := bs.StageImage(bs.Document().Stages[inst.Stage])
	return img.Known && slices.ContainsFunc(yesImages, func(prefix string) bool { return strings.HasPrefix(img.Text, prefix) })
}
