package diagnostics

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

var noInstallRecommends = &Rule{
	Name: "NoInstallRecommends", Category: Size, Severity: Info,
	Summary: "an OS package install also installs every recommended (weak) dependency: add --no-install-recommends (apt), --no-recommends (zypper) or --setopt=install_weak_deps=False (dnf)",
	DocsURL: DocsBase + "NoInstallRecommends.md",
	Check:   checkNoInstallRecommends,
}

// recommendsFlags are the catalog's size flags of a system manager that
// leave out recommended or weak dependencies.
func recommendsFlags(m *pkgmgr.Manager) []string {
	if !m.System {
		return nil
	}
	var out []string
	for _, f := range m.SizeFlags {
		if strings.Contains(f, "recommends") || strings.Contains(f, "weak_deps") {
			out = append(out, f)
		}
	}
	return out
}

// recommendsKey is the setting a flag stands for, normalised, so that a
// configuration file written earlier ("APT::Install-Recommends "false"")
// is recognised: "--no-install-recommends" → "installrecommends",
// "--setopt=install_weak_deps=False" → "installweakdeps".
func recommendsKey(flag string) string {
	f := strings.TrimLeft(flag, "-")
	if k, ok := strings.CutPrefix(f, "setopt="); ok {
		f, _, _ = strings.Cut(k, "=")
	} else {
		f = strings.TrimPrefix(f, "no-")
	}
	return normalizeKey(f)
}

func normalizeKey(s string) string {
	return strings.NewReplacer("-", "", "_", "", ":", "", ".", "").Replace(strings.ToLower(s))
}

func checkNoInstallRecommends(p *Pass) {
	st := p.state()
	for inst := range shippedRuns(p.Doc) {
		for _, inv := range invocations(st, inst) {
			flags := recommendsFlags(inv.Manager)
			if inv.Action != pkgmgr.Install || len(inv.Packages) == 0 || len(flags) == 0 || inv.HasFlag(flags...) {
				continue
			}
			if recommendsConfigured(st, inst, flags) {
				continue
			}
			var fix *FixData
			if inv.SubEnd >= 0 && inv.Command.Start >= 0 {
				fix = &FixData{Kind: AddNoInstallRecommends, Args: map[string]string{
					"offset": strconv.Itoa(inst.ArgsSpan.Start + inv.SubEnd),
					"flag":   flags[0],
				}}
			}
			p.Report(cmdSpan(inst, inv.Command), fmt.Sprintf(
				"%s also installs the packages they recommend, which the image rarely needs: add %s (and name any recommended package the image does need).",
				cmdText(inv.Command), flags[0]), nil, fix)
		}
	}
}

// recommendsConfigured: the RUN itself or an earlier one in the stage
// writes the setting to the manager's configuration (apt.conf.d, dnf.conf)
// or passes it as an option (-o APT::Install-Recommends=false).
func recommendsConfigured(bs *dockerfile.BuildState, inst *dockerfile.Instruction, flags []string) bool {
	doc := bs.Document()
	if inst.Stage < 0 || inst.Stage >= len(doc.Stages) {
		return false
	}
	x := docIndex(doc)
	for _, f := range flags {
		first := x.firstRunWith(doc, recommendsKey(f))
		for _, st := range stageChain(bs, doc.Stages[inst.Stage]) {
			if pos := first[st.Index]; pos >= 0 && (st.Index != inst.Stage || pos <= inst.Span.Start) {
				return true
			}
		}
	}
	return false
}

// firstRunWith gives, per stage, the offset of the first RUN with a word
// that contains key once normalised (-1 when none), computed once per
// document and key. The flags themselves (--no-install-recommends,
// --setopt=…) given to another install do not count.
func (x *sizeIndex) firstRunWith(doc *dockerfile.Document, key string) []int {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.runsWith == nil {
		x.runsWith = map[string][]int{}
	}
	if v, ok := x.runsWith[key]; ok {
		return v
	}
	out := make([]int, len(doc.Stages))
	for _, st := range doc.Stages {
		out[st.Index] = -1
		for _, in := range st.Instructions {
			if in.Keyword == "RUN" && runHasKey(doc, in, key) {
				out[st.Index] = in.Span.Start
				break
			}
		}
	}
	x.runsWith[key] = out
	return out
}

func runHasKey(doc *dockerfile.Document, in *dockerfile.Instruction, key string) bool {
	script := doc.Script(in)
	if script == nil {
		return false
	}
	for _, c := range script.Commands {
		for _, w := range c.Args {
			v := wordText(w)
			if strings.HasPrefix(v, "--no-") || strings.HasPrefix(v, "--setopt=") {
				continue
			}
			if strings.Contains(normalizeKey(v), key) {
				return true
			}
		}
	}
	return false
}
