package diagnostics

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

var stalePackageIndex = &Rule{
	Name: "StalePackageIndex", Category: Cache, Severity: Warning,
	Summary: "a package index update alone in its RUN is cached and goes stale while later installs change",
	DocsURL: DocsBase + "StalePackageIndex.md",
	Check:   checkStalePackageIndex,
}

// checkStalePackageIndex reports RUNs that refresh a package index
// (apt-get update, apk update, yum makecache) without installing anything:
// BuildKit caches that step, so a later edit of the install line reuses an
// index from the day of the first build.
func checkStalePackageIndex(p *Pass) {
	st := p.state()
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" {
			continue
		}
		var update *pkgmgr.Invocation
		installs := false
		invs := allInvocations(st, inst)
		for i := range invs {
			switch invs[i].Action {
			case pkgmgr.Update:
				if update == nil {
					update = &invs[i] // not &inv: that copies each invocation to the heap
				}
			case pkgmgr.Install:
				installs = true
			}
		}
		if update == nil || installs || update.Manager == nil || !update.Manager.System {
			continue
		}
		next := nextRun(p, inst.Stage, inst.Line)
		msg := fmt.Sprintf("%s alone in its RUN is cached: when a later install changes, BuildKit reuses the old package index, and packages may be missing or outdated. Update and install in the same RUN.", strings.Join(append([]string{update.Command.Name()}, update.Sub...), " "))
		var related []Related
		if next != nil {
			related = []Related{{Span: next.KeywordSpan, Message: "the install that should share the update's RUN"}}
		}
		p.Report(inst.Span, msg, related, &FixData{Kind: MergeUpdate})
	}
}
