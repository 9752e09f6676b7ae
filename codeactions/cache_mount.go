package codeactions

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

func init() { register(diagnostics.AddCacheMount, addCacheMount) }

// aptKeepCache is the line Debian-based images need before an apt cache
// mount: their docker-clean hook deletes downloaded packages, which would
// leave the cache empty.
const aptKeepCache = `RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache`

// addCacheMount adds the RUN --mount=type=cache flags the finding names:
// the rule puts them where the manager keeps its cache for the RUN's user
// (in that user's home, with its uid and gid, else the mount is
// root-owned), and names none when that cannot be known. It also drops
// what the mount makes pointless: --no-cache-dir and the like, and apt's
// rm -rf of the lists it now keeps in the mount.
func addCacheMount(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	run := doc.InstructionAt(f.Span.Start)
	m := pkgmgr.Lookup(f.Fix.Args["manager"])
	mounts := strings.Fields(f.Fix.Args["mounts"])
	if run == nil || run.Keyword != "RUN" || run.Stage < 0 || m == nil || len(mounts) == 0 {
		return Action{}, false
	}
	for _, mt := range mounts {
		if !strings.HasPrefix(mt, "--mount=type=cache,target=/") {
			return Action{}, false
		}
	}
	edits := []dockerfile.Edit{{Start: run.ArgsSpan.Start, End: run.ArgsSpan.Start, Text: strings.Join(mounts, " ") + " "}}
	edits = append(edits, dropPointless(doc, run, m)...)
	if m.Name == "apt" && !fx.stages.keepsAptCache(run) {
		at := doc.Lines.Start(run.Line)
		indent := doc.Slice(dockerfile.Span{Start: at, End: run.KeywordSpan.Start})
		edits = append(edits, dockerfile.Edit{Start: at, End: at, Text: indent + aptKeepCache + lineEnding(doc, run.Line)})
	}
	return Action{
		Title:    fmt.Sprintf("Add a cache mount for %s (%s)", m.Name, targetsOf(mounts)),
		Edits:    edits,
		InFixAll: true,
	}, true
}

// dropPointless removes the manager's no-cache flags (the cache now lives
// outside the image) and, for apt, the "&& rm -rf /var/lib/apt/lists/*"
// that would empty the mount.
func dropPointless(doc *dockerfile.Document, run *dockerfile.Instruction, m *pkgmgr.Manager) []dockerfile.Edit {
	script := doc.Script(run)
	if script == nil || run.JSONForm {
		return nil
	}
	base := run.ArgsSpan.Start
	var edits []dockerfile.Edit
	for i, c := range script.Commands {
		inv, ok := pkgmgr.Classify(c)
		if !ok || inv.Manager != m || c.Start < 0 {
			continue
		}
		for _, w := range c.Args {
			for _, flag := range m.NoCacheFlags {
				if w.Value == flag && w.Start > 0 {
					edits = append(edits, removeWord(doc, base+w.Start, base+w.End))
				}
			}
		}
		if inv.Action == pkgmgr.Clean && m.Name == "apt" && c.Op == "&&" && !c.AfterOr && i > 0 && c.Args[0].Value == "rm" {
			prev := script.Commands[i-1]
			edits = append(edits, dockerfile.Edit{Start: base + prev.End, End: base + c.End})
		}
	}
	return edits
}

// removeWord deletes the word [start, end) (file offsets) with the blanks
// before it, so no double space is left.
func removeWord(doc *dockerfile.Document, start, end int) dockerfile.Edit {
	for start > 0 && (doc.Text[start-1] == ' ' || doc.Text[start-1] == '\t') {
		start--
	}
	return dockerfile.Edit{Start: start, End: end}
}

func targetsOf(mounts []string) string {
	var out []string
	for _, m := range mounts {
		_, t, _ := strings.Cut(m, "target=")
		t, _, _ = strings.Cut(t, ",")
		out = append(out, t)
	}
	return strings.Join(out, ", ")
}
