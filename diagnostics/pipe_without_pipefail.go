package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// BashPipefail is the fix of PipeWithoutPipefail: a SHELL running bash
// with pipefail, before the RUN.
const BashPipefail FixKind = "bash-pipefail"

// pipefailShell is the SHELL the fix writes.
const pipefailShell = `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`

var pipeWithoutPipefail = &Rule{
	Name: "PipeWithoutPipefail", Category: Syntax, Severity: Warning,
	Summary: "a RUN with a pipe, in a shell without pipefail: the step's status is the last command's, so a failure earlier in the pipe does not fail the build",
	DocsURL: DocsBase + "PipeWithoutPipefail.md",
	Check:   checkPipeWithoutPipefail,
}

// cannotFail are commands whose failure a pipe would not hide: they do
// not fail (echo, printf) or are meant to be cut off (yes, whose SIGPIPE
// pipefail would turn into a failed build).
var cannotFail = map[string]bool{
	"echo": true, "printf": true, "yes": true, "true": true, ":": true,
	"uname": true, "arch": true, "nproc": true, "id": true, "whoami": true, "pwd": true, "hostname": true,
}

// writerCannotFail: a command that only prints what it knows, such as
// `dpkg --print-architecture` in the official images' scripts.
func writerCannotFail(c shell.Command) bool {
	return cannotFail[c.Name()] || c.Name() == "cat" && len(c.Args) == 1 ||
		c.Name() == "dpkg" && len(c.Args) == 2 && c.Args[1].Value == "--print-architecture"
}

// stopsEarly are readers that may close the pipe before the writer is
// done: under pipefail the writer's SIGPIPE would fail the build, so
// pipefail is no fix there.
var stopsEarly = map[string]bool{"head": true}

// failsOnEmpty are readers that fail on empty or cut-off input (tar:
// "This does not look like a tar archive", gpg: "no valid OpenPGP data",
// grep: no line matched), so a writer's failure fails the RUN anyway.
var failsOnEmpty = map[string]bool{
	"tar": true, "apt-key": true, "gpg": true, "gpg2": true, "grep": true, "egrep": true, "fgrep": true,
	"gunzip": true, "zcat": true, "bunzip2": true, "unxz": true, "xzcat": true, "zstdcat": true, "cpio": true,
	"rpm": true, "dpkg": true, "bsdtar": true,
}

// readerCatches: the reader fails when the writer gave it nothing, as
// the decompressors and checksum checks do.
func readerCatches(c shell.Command) bool {
	name := c.Name()
	if name == "" || failsOnEmpty[name] || name == "true" || name == ":" {
		return true // unknown (a command named by a variable), or the failure is ignored on purpose (`| true`)
	}
	if xargs := slices.IndexFunc(c.Prefix, func(w shell.Word) bool { return path.Base(w.Value) == "xargs" }); xargs >= 0 {
		// Given nothing, xargs runs the command once without arguments,
		// which fails (chmod: missing operand) but for -r.
		return !slices.ContainsFunc(c.Prefix[xargs:], func(w shell.Word) bool {
			return w.Value == "--no-run-if-empty" || shortOption(w.Value, "r")
		})
	}
	return slices.ContainsFunc(c.Args[1:], func(w shell.Word) bool {
		switch name {
		case "gzip", "xz", "bzip2", "zstd":
			return w.Value == "--decompress" || shortOption(w.Value, "d")
		case "wget":
			return strings.HasPrefix(w.Value, "--input-file") || shortOption(w.Value, "i")
		}
		return strings.HasSuffix(name, "sum") && (w.Value == "-c" || w.Value == "--check")
	})
}

// shortOption: w is a cluster of short options holding the letter.
func shortOption(w, letter string) bool {
	return len(w) > 1 && w[0] == '-' && w[1] != '-' && strings.Contains(w, letter)
}

// checkPipeWithoutPipefail reports the first pipe of each shell-form RUN
// whose shell has no pipefail: neither the SHELL in force, nor a `set -o
// pipefail` earlier in the script, nor a `bash -o pipefail -c` it runs.
func checkPipeWithoutPipefail(p *Pass) {
	st := p.state()
	evidence := firstWhere(p.Doc, func(in *dockerfile.Instruction) bool { return in.Keyword == "RUN" && showsBash(st, in) })
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" || inst.JSONForm || inst.Stage < 0 {
			continue
		}
		if sh, _ := st.Of(inst).Shell(); slices.Contains(sh, "pipefail") {
			continue
		}
		script := p.Doc.Script(inst)
		if script == nil {
			continue
		}
		if first, last, ok := hidingPipe(script.Commands); ok && !laterNeedsInstalled(st, inst, script.Commands, first, last) {
			reportPipe(p, st, inst, script.Commands[first:last+1], evidence)
		}
	}
}

// hidingPipe finds the first pipeline (commands first..last) where a
// command that can fail writes into another, with no pipefail set before
// it and no `||` after it (a failure the script ignores anyway).
func hidingPipe(cmds []shell.Command) (first, last int, ok bool) {
	for i := 0; i < len(cmds); i++ {
		if setsPipefail(cmds[i]) {
			return 0, 0, false
		}
		if i+1 >= len(cmds) || cmds[i+1].Op != "|" {
			continue
		}
		first, last = i, i+1
		for last+1 < len(cmds) && cmds[last+1].Op == "|" {
			last++
		}
		if !nested(cmds[first:last+1]) && pipeHides(cmds[first:last+1]) && (last+1 >= len(cmds) || cmds[last+1].Op != "||") {
			return first, last, true
		}
		i = last
	}
	return 0, 0, false
}

// nested: a command of the pipe runs inside another construct. In the
// script of a `bash -c` a SHELL with pipefail does not reach it (the inner
// shell starts without the option), and in a command substitution the
// status is most often dropped anyway (`export X=$(a | b)`); the parser
// does not tell those from a subshell or an if body, so none is reported.
func nested(pipe []shell.Command) bool {
	return slices.ContainsFunc(pipe, func(c shell.Command) bool { return c.Sub })
}

// setsPipefail: `set -o pipefail`, `set -euxo pipefail`, or a shell run
// with -o pipefail.
func setsPipefail(c shell.Command) bool {
	name := c.Name()
	if name != "set" && !shell.IsPOSIX([]string{name}) {
		return false
	}
	return slices.ContainsFunc(c.Args[1:], func(w shell.Word) bool { return w.Value == "pipefail" })
}

// pipeHides: a writer of the pipeline can fail, the last reader does
// not fail when given nothing, and no reader stops early.
func pipeHides(pipe []shell.Command) bool {
	if readerCatches(pipe[len(pipe)-1]) {
		return false
	}
	for _, c := range pipe[1:] {
		if stopsEarly[c.Name()] {
			return false
		}
	}
	return slices.ContainsFunc(pipe[:len(pipe)-1], func(c shell.Command) bool { return !writerCannotFail(c) })
}

// laterNeedsInstalled: the pipe runs a downloaded installer (its reader is
// a shell reading the script from stdin) and a command joined to it by &&
// later in the same RUN runs a package manager that the image is not
// known to have: when the download failed, that command is not found and
// the RUN fails there, so the pipe hides nothing.
func laterNeedsInstalled(st *dockerfile.BuildState, inst *dockerfile.Instruction, cmds []shell.Command, first, last int) bool {
	if !readsScriptFromStdin(cmds[last]) {
		return false
	}
	for j := last + 1; j < len(cmds) && !cmds[j].AfterOr && (cmds[j].Op == "&&" || cmds[j].Op == "" && cmds[j].Sub); j++ {
		inv, ok := pkgmgr.Classify(cmds[j])
		if ok && inv.Manager != nil && !inv.Manager.System && !managerKnown(st, inst, cmds[:first], cmds[last+1:j], inv.Manager) {
			return true
		}
	}
	return false
}

// readsScriptFromStdin: a POSIX shell given no script file (`sh`, `bash -`,
// `bash -s stable`).
func readsScriptFromStdin(c shell.Command) bool {
	if !shell.IsPOSIX([]string{c.Name()}) {
		return false
	}
	for _, w := range c.Args[1:] {
		switch {
		case w.Value == "-" || w.Value == "-s" || w.Value == "--":
			return true
		case strings.HasPrefix(w.Value, "-c") || !strings.HasPrefix(w.Value, "-"):
			return false // a script given as -c or a file
		}
	}
	return true
}

// managerImages are official images that ship an ecosystem's package
// manager, by ecosystem.
var managerImages = map[string][]string{
	"node": {"node"}, "ruby": {"ruby", "jruby"}, "python": {"python", "pypy"}, "go": {"golang"},
	"rust": {"rust"}, "php": {"composer"}, "java": {"maven", "gradle"}, "dotnet": {"mcr.microsoft.com/dotnet/sdk"},
}

// managerPackages: a system package whose name holds one of these brings
// the ecosystem's manager (npm, not nodejs: Debian's nodejs has no npm).
var managerPackages = map[string][]string{
	"node": {"npm", "yarn"}, "ruby": {"ruby", "gem"}, "python": {"pip", "poetry", "pipenv"}, "go": {"golang"},
	"rust": {"cargo", "rust"}, "php": {"composer"}, "java": {"maven", "gradle"}, "dotnet": {"dotnet"},
}

// managerKnown: m is there without the installer: the stage's image
// ships it, an earlier RUN of the stage chain or the script before the
// pipe (before) ran it or installed a system package that brings it, or
// the script between the pipe and the use (between) installed one.
func managerKnown(st *dockerfile.BuildState, inst *dockerfile.Instruction, before, between []shell.Command, m *pkgmgr.Manager) bool {
	doc := st.Document()
	if img, _ := st.StageImage(doc.Stages[inst.Stage]); img.Known && slices.Contains(managerImages[m.Ecosystem], pkgmgr.ParseImage(img.Text).Repo) {
		return true
	}
	if slices.ContainsFunc(before, func(c shell.Command) bool { return bringsManager(c, m) }) ||
		slices.ContainsFunc(between, func(c shell.Command) bool { return installsManager(c, m) }) {
		return true
	}
	found := false
	eachEarlier(st, inst, func(e *dockerfile.Instruction) bool {
		found = e.Keyword == "RUN" && slices.ContainsFunc(commands(st, e), func(c shell.Command) bool { return bringsManager(c, m) })
		return !found
	})
	return found
}

// bringsManager: c runs m, or installs a system package that brings it.
func bringsManager(c shell.Command, m *pkgmgr.Manager) bool {
	inv, ok := pkgmgr.Classify(c)
	return ok && inv.Manager == m || installsManager(c, m)
}

// installsManager: c installs a system package that brings m.
func installsManager(c shell.Command, m *pkgmgr.Manager) bool {
	inv, ok := pkgmgr.Classify(c)
	if !ok || inv.Manager == nil || !inv.Manager.System || inv.Action != pkgmgr.Install {
		return false
	}
	return slices.ContainsFunc(inv.Packages, func(p string) bool {
		return slices.ContainsFunc(managerPackages[m.Ecosystem], func(s string) bool { return strings.Contains(p, s) })
	})
}

func reportPipe(p *Pass, st *dockerfile.BuildState, inst *dockerfile.Instruction, pipe []shell.Command, evidence firstRuns) {
	writer := pipe[0]
	for _, c := range pipe[:len(pipe)-1] {
		if !writerCannotFail(c) {
			writer = c
			break
		}
	}
	reader := pipe[len(pipe)-1]
	span := cmdSpan(inst, writer)
	if end := cmdSpan(inst, reader); end.End > span.End && span != inst.Span {
		span.End = end.End
	}
	msg := fmt.Sprintf("The pipe's status is that of %s alone: the shell runs without pipefail, so if %s fails the build goes on, unless %s fails too.",
		cmdText(reader), cmdText(writer), cmdText(reader))
	fix := pipefailFix(p, st, inst, evidence)
	if fix.Refused != "" {
		msg += " " + fix.Refused
	} else {
		msg += " Run it in bash with pipefail: " + pipefailShell + "."
	}
	p.Report(span, msg, nil, fix)
}

// pipefailFix is the SHELL fix where bash is known to be in the image,
// else the reason there is none.
func pipefailFix(p *Pass, st *dockerfile.BuildState, inst *dockerfile.Instruction, evidence firstRuns) *FixData {
	if !bashKnown(st, inst, evidence) {
		return &FixData{Kind: BashPipefail, Refused: "No fix offered: bash is not known to be in this image (Debian's /bin/sh is dash, where `set -o pipefail` fails; Alpine has no bash unless installed), so add pipefail where the image's shell has it."}
	}
	return &FixData{Kind: BashPipefail, Args: map[string]string{
		"offset": strconv.Itoa(p.Doc.Lines.Start(inst.Line)),
		"text":   pipefailShell + "\n",
	}}
}

// bashImages are images that ship bash in every variant but those named
// by noBashTag: Debian and Ubuntu (where bash is essential), the
// Enterprise Linux family, and the official images built on them.
var bashImages = map[string]bool{
	"debian": true, "ubuntu": true, "buildpack-deps": true, "centos": true, "fedora": true, "rockylinux": true,
	"almalinux": true, "oraclelinux": true, "amazonlinux": true, "quay.io/centos/centos": true,
	"python": true, "node": true, "golang": true, "ruby": true, "php": true, "perl": true, "rust": true,
	"openjdk": true, "eclipse-temurin": true, "amazoncorretto": true, "maven": true, "gradle": true, "gcc": true,
	"r-base": true, "julia": true, "haskell": true, "elixir": true, "erlang": true, "swift": true,
}

// noBashTag: variants without bash (Alpine, BusyBox, distroless, the
// minimal and micro images of Enterprise Linux).
func noBashTag(tag string) bool {
	for _, s := range []string{"alpine", "busybox", "distroless", "micro", "minimal", "windows", "nanoserver"} {
		if strings.Contains(tag, s) {
			return true
		}
	}
	return false
}

// bashKnown: the stage's image (the external image its chain of stages
// starts from) ships bash, the SHELL in force runs it, inst runs it
// without installing it, or a RUN before inst in that chain shows that it
// is there (evidence: see showsBash).
func bashKnown(bs *dockerfile.BuildState, inst *dockerfile.Instruction, evidence firstRuns) bool {
	if sh, declared := bs.Of(inst).Shell(); declared && slices.ContainsFunc(sh, func(w string) bool { return path.Base(w) == "bash" }) {
		return true
	}
	doc := bs.Document()
	st := doc.Stages[inst.Stage]
	if img, _ := bs.StageImage(st); img.Known {
		i := pkgmgr.ParseImage(img.Text)
		if bashImages[i.Repo] && !noBashTag(i.Tag) {
			return true
		}
	}
	if runsBash(bs, inst) && !installsBash(bs, inst) {
		return true // it was there before the RUN
	}
	return evidence.before(bs, inst, false)
}

// showsBash: the RUN runs bash, installs it, or runs apt, dpkg, yum, dnf
// or zypper (images of those distributions all have bash).
func showsBash(bs *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	if runsBash(bs, in) || installsBash(bs, in) {
		return true
	}
	for _, inv := range invocations(bs, in) {
		if inv.Manager.System && inv.Manager.Name != "apk" {
			return true
		}
	}
	return slices.ContainsFunc(commands(bs, in), func(c shell.Command) bool { return c.Name() == "dpkg" })
}

// runsBash: the RUN runs bash (curl … | bash, bash -c …).
func runsBash(bs *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	return slices.ContainsFunc(commands(bs, in), func(c shell.Command) bool { return c.Name() == "bash" })
}

// installsBash: the RUN installs a package named bash.
func installsBash(bs *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	return slices.ContainsFunc(invocations(bs, in), func(inv pkgmgr.Invocation) bool {
		return inv.Manager.System && inv.Action == pkgmgr.Install && slices.Contains(inv.Packages, "bash")
	})
}
