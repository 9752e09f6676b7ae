package diagnostics

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	imgsize "github.com/dockerfile-ls/dockerfile-ls/sizes"
)

var noInstallRecommends = &Rule{
	Name: "NoInstallRecommends", Category: Size, Severity: Info,
	Summary: "an OS package install also installs every recommended (weak) dependency: add --no-install-recommends (apt), --no-recommends (zypper) or --setopt=install_weak_deps=False (dnf)",
	DocsURL: DocsBase + "NoInstallRecommends.md",
	Check:   checkNoInstallRecommends,
}

// recommendsFlags are the catalog's size flags of a system manager that
// leave out recommended or weak dependencies, worked out once per manager
// of the catalog: the rule asks for every install on every keystroke.
func recommendsFlags(m *pkgmgr.Manager) []string {
	if flags, ok := catalogRecommendsFlags()[m]; ok {
		return flags
	}
	return managerRecommendsFlags(m)
}

var catalogRecommendsFlags = sync.OnceValue(func() map[*pkgmgr.Manager][]string {
	all := pkgmgr.Catalog()
	out := make(map[*pkgmgr.Manager][]string, len(all))
	for i := range all {
		out[&all[i]] = managerRecommendsFlags(&all[i])
	}
	return out
})

func managerRecommendsFlags(m *pkgmgr.Manager) []string {
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
	return keySeparators.Replace(strings.ToLower(s))
}

// keySeparators is built once: the rule normalises keys on every keystroke.
var keySeparators = strings.NewReplacer("-", "", "_", "", ":", "", ".", "")

func checkNoInstallRecommends(p *Pass) {
	st := p.state()
	installed := map[int]map[string]bool{} // per stage, the packages installed so far
	for inst := range shippedRuns(p.Doc) {
		for _, inv := range invocations(st, inst) {
			flags := recommendsFlags(inv.Manager)
			if inv.Action != pkgmgr.Install || len(inv.Packages) == 0 || len(flags) == 0 {
				continue
			}
			if installedBefore(st, installed, inst, inv) || inv.HasFlag(flags...) || recommendsConfigured(st, inst, flags) || inv.Manager.Name == "yum" && !yumHasWeakDeps(st, inst) {
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

// installedBefore reports whether every package of the install was
// installed by an earlier RUN of the stage or a stage it builds FROM (that
// install was the one to report: this one adds nothing), and records them.
func installedBefore(bs *dockerfile.BuildState, seen map[int]map[string]bool, inst *dockerfile.Instruction, inv pkgmgr.Invocation) bool {
	all := true
	for _, pkg := range inv.Packages {
		all = all && !strings.ContainsAny(pkg, "$`") && installedIn(bs, seen, inst.Stage, packageName(pkg))
	}
	if seen[inst.Stage] == nil {
		seen[inst.Stage] = map[string]bool{}
	}
	for _, pkg := range inv.Packages {
		seen[inst.Stage][packageName(pkg)] = true
	}
	return all
}

// installedIn reports whether stage i or a stage it builds FROM installed
// pkg, as seen records it.
func installedIn(bs *dockerfile.BuildState, seen map[int]map[string]bool, i int, pkg string) bool {
	for st := bs.Document().Stages[i]; st != nil; st = bs.StageParent(st) {
		if seen[st.Index][pkg] {
			return true
		}
	}
	return false
}

// elDNF are images whose yum is dnf (Enterprise Linux 8 and later,
// Fedora, Amazon Linux 2023), with a version bound where older ones are
// yum 3, which has no weak dependencies.
var elDNF = []struct{ repo, since string }{
	{"centos", "8"}, {"quay.io/centos/centos", ""}, {"rockylinux", ""}, {"rockylinux/rockylinux", ""},
	{"almalinux", ""}, {"oraclelinux", "8"}, {"fedora", ""}, {"amazonlinux", "2023"},
	{"redhat/ubi8", ""}, {"redhat/ubi9", ""}, {"registry.access.redhat.com/ubi8", ""}, {"registry.access.redhat.com/ubi9", ""},
	{"redhat/ubi8-minimal", ""}, {"redhat/ubi9-minimal", ""},
}

// yumHasWeakDeps: the stage's base is known to run dnf as yum. CentOS 7
// and other EL7 images run yum 3, where install_weak_deps is no option and
// nothing is recommended; an image the list does not know stays quiet.
func yumHasWeakDeps(bs *dockerfile.BuildState, inst *dockerfile.Instruction) bool {
	img, _ := bs.StageImage(bs.Document().Stages[inst.Stage])
	if !img.Known {
		return false
	}
	b := imgsize.Base(img.Text)
	for _, el := range elDNF {
		if b.Repo != el.repo {
			continue
		}
		if el.since == "" || b.Tag == "" || b.Tag == "latest" {
			return true // latest is now the newest release, a dnf one
		}
		v := strings.TrimPrefix(strings.SplitN(b.Tag, "-", 2)[0], "centos")
		return v != "" && v[0] >= '0' && v[0] <= '9' && !versionBefore(v+".0", atoi(el.since), 0)
	}
	return false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
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
